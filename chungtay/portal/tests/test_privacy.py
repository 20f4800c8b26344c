"""The one rule of the portal: no private field ever reaches a public response.

Every URL of the portal and every public API endpoint is walked — lists, details for real ids,
searches, downloads, photos — by an anonymous client, and no sentinel private value may appear."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.urls import get_resolver, reverse

from chungtay.core.access import PUBLIC, URL_RULES
from chungtay.core.text import fold
from chungtay.funds.models import Receipt
from chungtay.housing.models import Photo
from chungtay.orgunits.models import OrgUnit

from .conftest import SENTINELS

NUMERIC_SENTINELS = [
    SENTINELS[k] for k in ("citizen_id", "phone", "complainant_contact", "lat", "lon", "lat_short", "lon_short")
] + ["049987654321", "0905999888", "15.9011", "108.2111"]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("image/"):
        return raw.decode("latin-1")
    text = raw.decode("utf-8")
    if "json" in response.get("Content-Type", ""):
        text = json.dumps(json.loads(text.lstrip("\ufeff")), ensure_ascii=False)
    return text


def _names(namespace: str) -> set[str]:
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == namespace:
            return {f"{namespace}:{p.name}" for p in pattern.url_patterns if getattr(p, "name", None)} | {
                f"{namespace}:{p.name}"
                for inner in pattern.url_patterns
                for p in getattr(inner, "url_patterns", [])
                if getattr(p, "name", None)
            }
    return set()


def _public_urls(world) -> dict[str, list[str]]:
    units = list(OrgUnit.objects.values_list("pk", flat=True))
    codes = [world.consenting.code, world.private.code]
    photos = list(Photo.objects.values_list("pk", flat=True))
    receipts = list(Receipt.objects.values_list("pk", flat=True))
    searches = ["nguyen van", "tran bi mat", "an danh", "sentinel", "dien ban", "049123456789", "0905123456"]
    return {
        "portal:home": [reverse("portal:home")],
        "portal:unit": [reverse("portal:unit", args=[pk]) for pk in units],
        "portal:map_cells": [reverse("portal:map_cells")]
        + [reverse("portal:map_cells") + f"?don_vi={pk}" for pk in units]
        + [reverse("portal:map_cells") + f"?don_vi={units[0]}&ngay=31/05/2024"],
        "portal:receipts": [reverse("portal:receipts")]
        + [reverse("portal:receipts") + f"?q={q}" for q in searches]
        + [reverse("portal:receipts") + f"?tu_ngay=01/05/2024&den_ngay=31/05/2024&tu_so_tien=1&don_vi={units[0]}"],
        "portal:households": [reverse("portal:households")]
        + [reverse("portal:households") + f"?q={q}" for q in searches],
        "portal:household": [reverse("portal:household", args=[code]) for code in codes],
        "portal:photo": [reverse("portal:photo", args=[pk]) for pk in photos],
        "portal:receipt_trace": [reverse("portal:receipt_trace", args=[pk]) for pk in receipts],
        "portal:gallery": [reverse("portal:gallery")],
        "portal:good_models": [reverse("portal:good_models")],
        "portal:donate": [reverse("portal:donate")],
        "portal:complain": [reverse("portal:complain")],
        "portal:open_data": [reverse("portal:open_data")],
        "portal:download": [
            reverse("portal:download", args=[d, f])
            for d in ("receipts", "allocations", "households", "progress")
            for f in ("csv", "json")
        ],
        "api:schema": [reverse("api:schema"), reverse("api:schema") + "?format=json"],
        "api:docs": [reverse("api:docs")],
        "api:public-summary": [reverse("api:public-summary")],
        "api:public-unit-list": [reverse("api:public-unit-list")],
        "api:public-unit-detail": [reverse("api:public-unit-detail", args=[pk]) for pk in units],
        "api:public-receipt-list": [reverse("api:public-receipt-list")]
        + [reverse("api:public-receipt-list") + f"?q={q}" for q in searches],
        "api:public-household-list": [reverse("api:public-household-list")]
        + [reverse("api:public-household-list") + f"?q={q}" for q in searches],
        "api:public-household-detail": [reverse("api:public-household-detail", args=[code]) for code in codes],
        "api:public-progress-list": [reverse("api:public-progress-list")],
    }


def test_every_public_page_and_api_response_is_free_of_private_fields(client, world):
    urls = _public_urls(world)
    public_names = {
        name for name, rule in URL_RULES.items() if rule is PUBLIC and name.split(":")[0] in ("portal", "api")
    }
    public_names.discard("api:token")  # POST only: checked in the API tests
    assert public_names == set(urls), "a public URL is not walked by this test"
    assert _names("portal") <= set(urls)
    walked = 0
    for name, paths in urls.items():
        for path in paths:
            cache.clear()  # the anonymous rate limit is not what this test is about
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            if name == "portal:photo" and response.status_code == 404:
                continue
            assert response.status_code == 200, path
            body = _body(response)
            if "?q=" in path:  # the search box echoes what was typed: that is not a leak
                body = body.replace(path.split("?q=")[1], "")
            folded = fold(body)
            assert "sentinel" not in folded, (path, folded[folded.find("sentinel") - 80 : folded.find("sentinel") + 40])
            for value in NUMERIC_SENTINELS:
                assert value not in body, (path, value)
            walked += 1
    assert walked > 40


def test_only_photos_of_consenting_households_are_served(client, world):
    consenting = Photo.objects.filter(update__household=world.consenting)
    private = Photo.objects.filter(update__household=world.private)
    assert consenting.exists() and private.exists()
    for photo in consenting:
        response = client.get(reverse("portal:photo", args=[photo.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    for photo in private:
        assert client.get(reverse("portal:photo", args=[photo.pk])).status_code == 404


def test_withdrawing_photo_consent_takes_the_photos_down(client, world):
    photo = Photo.objects.filter(update__household=world.consenting).first()
    world.consenting.photo_consent = False
    world.consenting.save()
    assert client.get(reverse("portal:photo", args=[photo.pk])).status_code == 404
    page = client.get(reverse("portal:household", args=[world.consenting.code])).content.decode()
    assert reverse("portal:photo", args=[photo.pk]) not in page
    assert "Hộ không đồng ý công khai ảnh." in page
