"""Public pages are cacheable by browsers, nginx and the shared cache; staff pages never are (issue 22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from chungtay.core import figures
from chungtay.portal import public


@pytest.fixture
def page_cache(settings):
    """The shared cache on, as in production (tests run with it off)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.FIGURES_CACHE_SECONDS = 60
    figures.invalidate()


def _control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", ["portal:home", "portal:receipts", "portal:households", "portal:open_data"])
def test_a_public_page_says_it_may_be_kept_a_short_while_by_everyone(client, tree, settings, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _control(response) == {
        "public",
        f"max-age={settings.PUBLIC_MAX_AGE}",
        f"stale-while-revalidate={settings.PUBLIC_STALE_SECONDS}",
    }
    assert response["ETag"].startswith('"')
    assert response.has_header("Last-Modified")
    # The language cookie changes the words; the browser's Accept-Language does not.
    assert "cookie" in _vary(response)
    assert "accept-language" not in _vary(response)


def test_a_public_page_sets_no_cookie_and_carries_no_csrf_token(client, tree):
    response = client.get(reverse("portal:receipts"))
    assert response.cookies == {}
    assert not response.has_header("Set-Cookie")
    body = response.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "X-CSRFToken" not in body


def test_only_the_receipt_list_varies_with_htmx(client, tree):
    assert "hx-request" in _vary(client.get(reverse("portal:receipts")))
    assert "hx-request" not in _vary(client.get(reverse("portal:households")))


def test_a_page_the_browser_already_has_is_answered_304_without_a_body(client, tree):
    first = client.get(reverse("portal:home"))
    again = client.get(reverse("portal:home"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    changed = client.get(reverse("portal:home"), headers={"if-none-match": '"something-else"'})
    assert changed.status_code == 200


def test_an_unchanged_page_is_served_from_the_shared_cache_without_a_query(
    client, tree, page_cache, django_assert_num_queries
):
    first = client.get(reverse("portal:households"))
    with django_assert_num_queries(0):
        second = client.get(reverse("portal:households"))
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_new_receipt_shows_on_the_cached_ledger_once_its_write_commits(
    client, tree, page_cache, town_fund, give, django_capture_on_commit_callbacks
):
    before = client.get(reverse("portal:receipts"))
    assert "Trần Thị Bão Lũ" not in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        give(town_fund, 2_000_000, "Trần Thị Bão Lũ", on=dt.date(2024, 9, 9))
    after = client.get(reverse("portal:receipts"))
    assert "Trần Thị Bão Lũ" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    # A browser holding the old copy gets the new one, not a 304.
    assert client.get(reverse("portal:receipts"), headers={"if-none-match": before["ETag"]}).status_code == 200


def test_the_language_changes_the_cached_page(client, tree, page_cache):
    vietnamese = client.get(reverse("portal:home")).content
    client.cookies["django_language"] = "en"
    english = client.get(reverse("portal:home")).content
    assert english != vietnamese


def test_the_language_switch_works_from_a_public_page_without_a_token(tree):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_staff_pages_are_private_and_never_stored(client, people):
    client.force_login(people.town_office)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert _control(response) == {"private", "no-store"}


def test_a_signed_in_person_on_a_public_page_gets_a_private_copy(client, people, page_cache):
    client.get(reverse("portal:home"))  # an anonymous copy is in the shared cache
    client.force_login(people.town_office)
    response = client.get(reverse("portal:home"))
    assert _control(response) == {"private", "no-store"}
    assert not response.has_header("ETag")
    assert people.town_office.display_name in response.content.decode()


def test_the_sign_in_page_is_not_stored(client, tree):
    assert {"private", "no-store"} <= _control(client.get(reverse("accounts:login")))


def test_counts_and_page_numbers_are_grouped_with_dots(rf):
    page = public.ReceiptPage([], 1_241, 50, count=123_456, total=987_654_321, has_next=True, has_previous=True)
    html = render_to_string(
        "portal/_receipt_rows.html",
        {"page": page, "rows": [], "totals": {"count": 123_456, "total": 987_654_321, "capped": False}, "query": ""},
        request=rf.get("/cong-khai/ung-ho/"),
    )
    text = " ".join(html.replace('<span class="ct-money">', "").replace("</span>", "").split())
    assert "123.456 khoản, tổng 987.654.321 đ" in text
    assert "Trang 1.241/2.470" in text


@pytest.mark.browser
def test_a_visitor_turns_a_public_page_to_english_without_any_token(page, transactional_db, tree):
    page.goto(f"{page.base_url}/cong-khai/")
    assert page.context.cookies() == []  # the public page set none
    page.select_option("#ngon-ngu", "en")
    page.click("[data-testid=language-form] button")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/cong-khai/")
    assert page.locator("html").get_attribute("lang") == "en"
