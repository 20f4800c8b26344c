import datetime as dt
import itertools

import pytest

from chungtay.funds.models import Channel, FundKind, SourceKind
from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record, source_create
from chungtay.housing.models import STAGE_PERCENT

_codes = itertools.count(1)


@pytest.fixture
def norm(db):
    from chungtay.housing.models import SupportNorm

    return SupportNorm.objects.create(
        programme="Xóa nhà tạm",
        kind="new",
        amount=60_000_000,
        valid_from=dt.date(2023, 1, 1),
        legal_basis="Nghị quyết 13/2023/NQ-HĐND",
    )


@pytest.fixture
def make_household(norm):
    from chungtay.housing.models import Household

    def make(area, **extra):
        n = next(_codes)
        fields = {
            "code": f"HH-{n:04d}",
            "area": area,
            "head_name": f"Hộ Thử Nghiệm {n}",
            "category": "poor",
            "support_kind": "new",
            "phase_year": 2024,
            "decision_number": "8584/QĐ-UBND",
            "decision_date": dt.date(2023, 12, 20),
            "norm": norm,
            "state_support": 60_000_000,
            "citizen_id": "049000000123",
            "phone": "0905000111",
            "address_detail": "Tổ 3, kiệt 12",
        }
        fields.update(extra)
        return Household.objects.create(**fields)

    return make


@pytest.fixture
def town_fund(people, tree):
    return fund_create(
        actor=people.town_office,
        unit=tree.town,
        kind=FundKind.FOR_THE_POOR,
        name="Quỹ Vì người nghèo thị xã",
        code="vnn-db",
        bank_name="Vietcombank",
        bank_bin="970436",
        account_number="0041000123456",
        account_name="UY BAN MTTQ VIET NAM THI XA DIEN BAN",
    )


@pytest.fixture
def commune_fund(people, tree):
    return fund_create(
        actor=people.town_office,
        unit=tree.commune_a,
        kind=FundKind.MOVEMENT,
        name="Quỹ vận động phường Vĩnh Điện",
        code="xnt-vd",
    )


@pytest.fixture
def state_source(people, tree):
    return source_create(
        actor=people.town_office, unit=tree.town, kind=SourceKind.STATE_BUDGET, name="Ngân sách tỉnh (NQ 13/2023)"
    )


@pytest.fixture
def give(people):
    refs = itertools.count(1)

    def give(fund, amount, name="Nguyễn Văn Hảo", actor=None):
        donor = donor_find_or_create(unit=fund.unit, name=name)
        return receipt_record(
            actor=actor or people.town_office,
            fund=fund,
            donor=donor,
            amount=amount,
            received_on=dt.date(2024, 5, 1),
            channel=Channel.BANK,
            bank_ref=f"FT{next(refs):08d}",
        )

    return give


@pytest.fixture
def verified(people):
    """A progress report of `stage` for the household, confirmed in the field by a second person."""
    from chungtay.housing.models import ProgressUpdate

    def verify(household, stage, day=dt.date(2024, 6, 1)):
        return ProgressUpdate.objects.create(
            household=household,
            stage=stage,
            date=day,
            percent=STAGE_PERCENT[stage],
            reporter=people.town_office,
            verified_by=people.board,
            verified_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC),
        )

    return verify
