"""A small movement of houses and money, built through the services on known dates."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from chungtay.funds import services as funds
from chungtay.funds.models import Channel, FundKind, SourceKind
from chungtay.housing import services as housing
from chungtay.housing.models import Category, SupportKind
from chungtay.tests import builders

D = dt.date
_codes = itertools.count(1)


@pytest.fixture
def norm(db):
    """Made through the service with its categories and end, as the households registered through the
    service need (it stands in for the shared, plainer `norm` here and where it is imported)."""
    return housing.norm_create(
        actor=None, kind=SupportKind.NEW, amount=60_000_000, categories=[Category.POOR],
        programme="Xóa nhà tạm 2023–2025", legal_basis="Nghị quyết 13/2023/NQ-HĐND",
        valid_from=D(2023, 1, 1), valid_to=D(2025, 12, 31),
    )  # fmt: skip


@pytest.fixture
def house(norm):
    """house(area, *, phase_year=2024, decided=None, **fields): a household registered through the service
    (builders.registered_household), coded SL0001, SL0002, …"""

    def make(area, *, phase_year=2024, decided=None, **extra):
        decision = {"decision_date": decided} if decided else {}
        return builders.registered_household(
            area, code=f"SL{next(_codes):04d}", phase_year=phase_year, **decision, **extra
        )

    return make


@dataclass
class Scenario:
    houses: list
    town_fund: object
    commune_fund: object
    state: object


@pytest.fixture
def scenario(tree, people, house):
    """Vĩnh Điện: three houses (one started in March, completed in May; one started in June; one not started)
    and one withdrawn in April; Điện Hồng: one house of phase 2025 decided in 2025. The town fund receives
    100 million in February and 50 in July, allocates 40 to the first house in April and pays 30 in May;
    the commune fund receives 20 in June; the state budget pays 60 to the first house in June."""
    office = people.town_office
    h1, h2, h3 = house(tree.area_a1), house(tree.area_a1), house(tree.area_a1)
    gone = house(tree.area_a1)
    later = house(tree.area_b1, phase_year=2025, decided=D(2025, 1, 10))
    housing.progress_record(actor=office, household=h1, stage="start", date=D(2024, 3, 1))
    done = housing.progress_record(actor=office, household=h1, stage="completed", date=D(2024, 5, 20))
    housing.progress_verify(actor=people.commune_a_staff, update=done)  # checked in the field before paying
    housing.progress_record(actor=office, household=h2, stage="start", date=D(2024, 6, 15))
    housing.household_withdraw(actor=office, household=gone, reason="Chuyển đi nơi khác", on=D(2024, 4, 10))
    town_fund = funds.fund_create(actor=office, unit=tree.town, kind=FundKind.FOR_THE_POOR,
                                  name="Quỹ Vì người nghèo thị xã", code="vnn-sl")  # fmt: skip
    commune_fund = funds.fund_create(actor=office, unit=tree.commune_a, kind=FundKind.MOVEMENT,
                                     name="Quỹ vận động phường", code="vd-sl")  # fmt: skip
    state = funds.source_create(actor=office, unit=tree.town, kind=SourceKind.STATE_BUDGET, name="Ngân sách tỉnh")
    refs = itertools.count(1)
    for fund, amount, day in ((town_fund, 100_000_000, D(2024, 2, 5)), (town_fund, 50_000_000, D(2024, 7, 1)),
                              (commune_fund, 20_000_000, D(2024, 6, 3))):  # fmt: skip
        funds.receipt_record(actor=office, fund=fund, donor=funds.DonorRef(name="Công ty Thử Nghiệm"), amount=amount,
                             received_on=day, channel=Channel.BANK, bank_ref=f"SL{next(refs):06d}")  # fmt: skip
    funds.allocation_record(actor=office, household=h1, amount=40_000_000, date=D(2024, 4, 2),
                            decision="12/QĐ-MTTQ", fund=town_fund)  # fmt: skip
    funds.allocation_record(actor=office, household=h1, amount=60_000_000, date=D(2024, 4, 2),
                            decision="8584/QĐ-UBND", source=state)  # fmt: skip
    for amount, day, origin in ((30_000_000, D(2024, 5, 22), {"fund": town_fund}),
                                (60_000_000, D(2024, 6, 10), {"source": state})):  # fmt: skip
        voucher = funds.disbursement_record(actor=office, household=h1, amount=amount, date=day,
                                            voucher_number=f"PC{day:%m%d}", stage="completed", **origin)  # fmt: skip
        funds.disbursement_approve(actor=people.board, disbursement=voucher)
    return Scenario([h1, h2, h3, gone, later], town_fund, commune_fund, state)
