"""Every list page makes the same number of queries with 2 rows as with 15 (STYLE.md: constant
number of queries whatever the length of the list). The data grows through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from chungtay.funds.tests.conftest import make_household, state_source  # noqa: F401
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create

_n = itertools.count(1)


@pytest.fixture
def grow(people, tree, town_fund, state_source, give, make_household):  # noqa: F811
    """Add `k` rows to every list: units, users, households, receipts, disbursement vouchers."""
    from chungtay.funds.services import allocation_record, disbursement_record
    from conftest import make_user

    def grow(k: int) -> None:
        for _ in range(k):
            n = next(_n)
            unit_create(actor=None, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name=f"Khối phố {n + 1}")
            make_user(f"nguoi{n}", tree.commune_b, "unit_staff")
            household = make_household(tree.area_a1, head_name=f"Hộ Số {n}")
            give(town_fund, 1_000 + n, name=f"Nhà hảo tâm {n}")
            allocation_record(actor=people.town_office, household=household, amount=1_000_000, date=dt.date(2024, 6, 1),
                              decision=f"QĐ {n}", source=state_source)  # fmt: skip
            disbursement_record(actor=people.town_office, household=household, amount=500_000,
                                date=dt.date(2024, 7, 1), voucher_number=f"PC{n}", stage="start",
                                source=state_source)  # fmt: skip

    return grow


STAFF_PAGES = [
    ("orgunits:children", ["town"], {}),
    ("orgunits:detail", ["town"], {}),
    ("accounts:user_list", [], {}),
    ("funds:receipt_list", [], {}),
    ("funds:disbursement_list", [], {}),
    ("funds:reconcile", [], {}),
    ("housing:index", [], {}),
    ("housing:complaint_list", [], {}),
    ("campaigns:movement_list", [], {}),
    ("reports:dashboard", [], {}),
]
PUBLIC_PAGES = [("portal:receipts", [], {}), ("portal:households", [], {}), ("portal:home", [], {})]


def _url(name: str, args: list, tree) -> str:  # type: ignore[no-untyped-def]
    try:
        return reverse(name, args=[getattr(tree, a).pk for a in args])
    except NoReverseMatch:
        pytest.skip(f"{name} does not exist yet")


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm per-process caches (content types, site settings)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize(("name", "args", "params"), STAFF_PAGES)
def test_a_staff_list_page_makes_the_same_queries_for_2_and_15_rows(client, people, tree, grow, name, args, params):
    url = _url(name, args, tree)
    client.force_login(people.admin)
    grow(2)
    few = _queries(client, url)
    grow(13)
    assert _queries(client, url) == few, f"{name}: query count grows with the rows"


@pytest.mark.parametrize(("name", "args", "params"), PUBLIC_PAGES)
def test_a_public_list_page_makes_the_same_queries_for_2_and_15_rows(client, tree, grow, name, args, params):
    url = _url(name, args, tree)
    grow(2)
    few = _queries(client, url)
    grow(13)
    assert _queries(client, url) == few, f"{name}: query count grows with the rows"
