"""Every URL × every role: nothing answers with a server error, and anonymous visitors reach only
public pages. Parameters are filled with ids that exist nowhere, so object-ID guessing finds nothing."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from chungtay.core.access import rule_for

PERSONAS = ["admin", "town_office", "board", "inspector", "commune_a_staff", "commune_b_staff", "area_board", "nobody"]
SKIP_PREFIXES = ("quan-tri/", "tai-khoan/dang-xuat/")  # Django's admin; logging out would end the probe


def routes(patterns=None, prefix="", namespace=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from routes(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name


def concrete(route: str) -> str | None:
    """Turn "don-vi/<int:pk>/" into "/don-vi/987654/"; regex routes are skipped."""
    if route.startswith("^") or "(?P" in route:
        return None
    path = re.sub(r"<int:\w+>", "987654", route)
    path = re.sub(r"<(?:str|slug):\w+>", "khong-co", path)
    path = re.sub(r"<path:\w+>", "khong/co", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<\w+>", "khong-co", path)
    return "/" + path


URLS = sorted({(concrete(r), name) for r, name in routes() if concrete(r) and not r.startswith(SKIP_PREFIXES)})


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_url_gives_a_server_error_to_any_role(client, people, tree, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.raise_request_exception = False
    client.force_login(getattr(people, persona))
    failures = []
    for url, name in URLS:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append((method.upper(), url, name, response.status_code))
    assert failures == []


def test_anonymous_visitors_reach_only_public_urls(client, db):
    client.raise_request_exception = False
    leaks = []
    for url, name in URLS:
        rule = rule_for(name)
        response = client.get(url)
        if rule is not None and rule.kind not in ("public", "api") and response.status_code == 200:
            leaks.append((url, name))
        assert response.status_code < 500, (url, name, response.status_code)
    assert leaks == []
