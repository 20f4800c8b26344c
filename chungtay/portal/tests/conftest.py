"""A small public world seeded with unmistakable private values (sentinels): every public page and
API response is checked not to contain any of them. The households, the fund and the gifts come from the
shared builders (root conftest.py: make_household, town_fund, give), given the sentinels as their fields."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from chungtay.funds.models import BankStatement, Channel, Designation, Fund, SourceKind
from chungtay.funds.services import (
    allocation_record,
    disbursement_approve,
    disbursement_record,
    donor_find_or_create,
    receipt_record,
    source_create,
)
from chungtay.housing import photos, services
from chungtay.housing.models import Household
from chungtay.tests import builders

# Private values that must never reach a public response.
SENTINELS = {
    "citizen_id": "049123456789",
    "phone": "0905123456",
    "address": "Kiệt 99 Sentinel",
    "health": "SENTINEL-HEALTH",
    "head_full_name": "Nguyễn Văn Sentinelan",
    "donor_contact": "sentinel@example.vn",
    "anonymous_real_name": "Trần Bí Mật Sentinel",
    "memo": "MEMO-SENTINEL",
    "progress_note": "NOTE-SENTINEL",
    "complainant": "Người Khiếu Nại Sentinel",
    "complainant_contact": "0999888777",
    "complaint_content": "COMPLAINT-SENTINEL",
    "lat": "15.881234",
    "lon": "108.251234",
    "lat_short": "15.8812",
    "lon_short": "108.2512",
}


@dataclass
class World:
    consenting: Household
    private: Household
    fund: Fund


@pytest.fixture
def world(tree, people, make_household, town_fund, give, settings, tmp_path):
    """Two households full of private data (one consents to photos), donors of every kind, money
    allocated and paid, a statement, a complaint, a launched movement and a recognised good model."""
    settings.MEDIA_ROOT = tmp_path
    consenting = make_household(
        tree.area_a1,
        head_name=SENTINELS["head_full_name"],
        citizen_id=SENTINELS["citizen_id"],
        phone=SENTINELS["phone"],
        address_detail=SENTINELS["address"],
        health_note=SENTINELS["health"],
        lat=Decimal(SENTINELS["lat"]),
        lon=Decimal(SENTINELS["lon"]),
        photo_consent=True,
    )
    private = make_household(
        tree.area_b1,
        head_name="Lê Thị Riêng Tư",
        citizen_id="049987654321",
        phone="0905999888",
        address_detail="Kiệt 77 Sentinel",
        health_note="SENTINEL-HEALTH-2",
        lat=Decimal("15.901111"),
        lon=Decimal("108.211111"),
        photo_consent=False,
    )
    for household, start in ((consenting, dt.date(2024, 5, 2)), (private, dt.date(2024, 5, 3))):
        jpeg = photos.make_jpeg(taken_at=dt.datetime(2024, 5, 2, 9), lat=15.8812, lon=108.2512)
        started = services.progress_record(
            actor=None,
            household=household,
            stage="start",
            date=start,
            note=SENTINELS["progress_note"],
            photos=[services.UploadedPhoto("a.jpg", io.BytesIO(jpeg))],
        )
        services.progress_verify(actor=people.town_office, update=started)  # the start is paid once verified
    for stage, day in (("walls", 20), ("completed", 28)):
        jpeg = photos.make_jpeg(taken_at=dt.datetime(2024, 5, day, 9), lat=15.8812, lon=108.2512)
        services.progress_record(
            actor=None,
            household=consenting,
            stage=stage,
            date=dt.date(2024, 5, day),
            note=SENTINELS["progress_note"],
            photos=[services.UploadedPhoto("b.jpg", io.BytesIO(jpeg))],
        )
    give(town_fund, 50_000_000, "Nguyễn Văn An Khang", contact=SENTINELS["donor_contact"])
    give(town_fund, 30_000_000, SENTINELS["anonymous_real_name"], anonymous=True, on=dt.date(2024, 5, 5))
    give(town_fund, 20_000_000, "Công ty TNHH Mẫu", published_name="Công ty Mẫu Điện Bàn", on=dt.date(2024, 6, 1))
    donor = donor_find_or_create(unit=town_fund.unit, name="Phạm Thị Ghi Chú")
    receipt_record(
        actor=people.town_office,
        fund=town_fund,
        donor=donor,
        amount=5_000_000,
        received_on=dt.date(2024, 6, 2),
        channel=Channel.CASH,
        receipt_number="BL-0001",
        designation=Designation.UNIT,
        designated_unit=tree.commune_a,
        memo=SENTINELS["memo"] + " gọi " + SENTINELS["phone"],
    )
    allocation_record(
        actor=people.town_office,
        household=consenting,
        amount=40_000_000,
        date=dt.date(2024, 6, 3),
        decision="QĐ 1/QĐ-MTTQ",
        fund=town_fund,
    )
    state = source_create(actor=people.town_office, unit=tree.town, kind=SourceKind.STATE_BUDGET, name="Ngân sách")
    allocation_record(
        actor=people.town_office,
        household=consenting,
        amount=60_000_000,
        date=dt.date(2024, 6, 3),
        decision="QĐ 2/QĐ-UBND",
        source=state,
    )
    paid = disbursement_record(
        actor=people.town_office,
        household=consenting,
        amount=20_000_000,
        date=dt.date(2024, 6, 4),
        voucher_number="PC-1",
        stage="start",
        fund=town_fund,
    )
    disbursement_approve(actor=people.board, disbursement=paid)
    _statement(town_fund, people)
    services.complaint_create(
        actor=None,
        unit=tree.commune_a,
        kind="petition",
        concerns="household",
        household=consenting,
        received_on=dt.date(2024, 6, 1),
        channel="letter",
        complainant_name=SENTINELS["complainant"],
        complainant_contact=SENTINELS["complainant_contact"],
        content=SENTINELS["complaint_content"],
    )
    _movement(tree, people)
    return World(consenting, private, town_fund)


def _statement(fund, people):
    from chungtay.core.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="bank_statement",
        unit=fund.unit,
        file_name="sao-ke.csv",
        sha256="0" * 64,
        status="committed",
        committed_at=timezone.now(),
    )
    BankStatement.objects.create(
        fund=fund,
        batch=batch,
        period_from=dt.date(2024, 5, 1),
        period_to=dt.date(2024, 5, 31),
        total_credit=80_000_000,
        total_debit=11_000,
        closing_balance=79_989_000,
    )


def _movement(tree, people):
    from chungtay.campaigns.models import GoodModel

    movement = builders.movement_row(tree.town, theme="Chung tay xóa nhà tạm")
    GoodModel.objects.create(
        movement=movement,
        unit=tree.commune_a,
        title="Ngày công xây nhà",
        field="housing",
        description="Đoàn viên góp ngày công.",
        status="recognised",
    )
    GoodModel.objects.create(
        movement=movement,
        unit=tree.commune_b,
        title="Mô hình chưa duyệt PROPOSED-SENTINEL",
        field="housing",
        description="Chưa công nhận.",
        status="proposed",
    )
