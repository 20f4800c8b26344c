"""Staff API /api/funds/: each fund in the caller's scope with its catalogue figures as of a day."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.accounts.services import token_issue
from chungtay.figures import funds as fund_figures
from chungtay.funds.models import FundKind
from chungtay.funds.services import DonorRef, fund_create, receipt_record


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user, second_factor=True)[1]}")
    return client


def test_a_commune_reads_its_own_funds_figures_as_of_a_day_and_never_the_towns(people, tree, town_fund):
    ward_fund = fund_create(actor=people.town_office, unit=tree.commune_a, kind=FundKind.MOVEMENT,
                            name="Quỹ vận động phường Vĩnh Điện", code="xnt-vd")  # fmt: skip
    for day, amount in ((dt.date(2024, 3, 1), 7_000_000), (dt.date(2024, 5, 1), 2_000_000)):
        receipt_record(actor=people.town_office, fund=ward_fund, donor=DonorRef(name="Trần Thị Góp"), amount=amount,
                       received_on=day, channel="tien_mat", receipt_number=f"BL-{day:%m}")  # fmt: skip
    ward = api_for(people.commune_a_staff)

    listed = ward.get(reverse("api:fund-list")).json()["results"]
    april = ward.get(reverse("api:fund-detail", args=[ward_fund.pk]), {"ngay": "2024-04-01"}).json()

    assert [row["code"] for row in listed] == ["xnt-vd"]
    assert april["as_of"] == "2024-04-01"
    expected = fund_figures.for_fund(ward_fund, as_of=dt.date(2024, 4, 1))
    assert april["figures"]["fund_cash_book_balance"] == expected.fund_cash_book_balance == 7_000_000
    assert april["figures"]["fund_held"] == expected.fund_held == 7_000_000
    assert ward.get(reverse("api:fund-detail", args=[town_fund.pk])).status_code == 404
