"""Funds demo: the town's and two communes' funds, donors, a bank statement, allocations and
disbursements for the demo households — all through the same services a person would use, dated by the
demo's clock: no receipt in the future, no voucher for a house not yet started.
Idempotent: it does nothing once the town fund exists."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.core import demo_clock
from chungtay.core.demo_clock import d, happened
from chungtay.housing.models import FundingPlanLine, FundingSource, Household, ProgressUpdate, Stage
from chungtay.housing.verification import progress_verify
from chungtay.orgunits.demo import demo_city, demo_town
from chungtay.orgunits.models import OrgUnit

from .ledger import account_for
from .models import (
    AccountKind,
    Channel,
    Designation,
    Disbursement,
    DisbursementStatus,
    Fund,
    FundKind,
    Receipt,
    Source,
    SourceKind,
)
from .services import (
    allocation_record,
    disbursement_approve,
    disbursement_record,
    donor_find_or_create,
    fund_create,
    receipt_record,
    source_create,
    transfer_record,
)

# Fictional donors: businesses and associations with invented names, people with common name parts.
DONORS = [
    ("Công ty TNHH Xây dựng Hòa Phát Đạt", "doanh_nghiep"),
    ("Ngân hàng TMCP Mẫu — Chi nhánh Quảng Nam", "to_chuc"),
    ("Hội Doanh nhân trẻ thị xã", "to_chuc"),
    ("Câu lạc bộ Thiện nguyện Sông Thu", "to_chuc"),
    ("Trường THPT Mẫu", "to_chuc"),
    ("Nguyễn Thị Minh Châu", "ca_nhan"),
    ("Trần Văn Phúc", "ca_nhan"),
    ("Lê Thị Hồng Nhung", "ca_nhan"),
    ("Phạm Quốc Việt", "ca_nhan"),
    ("Võ Thị Thanh Tâm", "ca_nhan"),
    ("Huỳnh Văn Lợi", "ca_nhan"),
    ("Đỗ Minh Quân", "ca_nhan"),
    ("Bùi Thị Kim Oanh", "ca_nhan"),
]


@transaction.atomic
def load_demo() -> dict[str, int]:
    if Fund.objects.filter(code="vnn-dienban").exists():
        return {"quỹ": Fund.objects.count(), "mới tạo": 0}

    rng = random.Random(2024)
    town = demo_town()
    assert town is not None, "load the units first (chungtay.orgunits.demo)"
    office = User.objects.get(username="vanphong")
    board = User.objects.get(username="chutich")
    vinh_dien = OrgUnit.objects.get(name="Vĩnh Điện", parent=town)
    dien_hong = OrgUnit.objects.get(name="Điện Hồng", parent=town)

    town_fund = fund_create(
        actor=office,
        unit=town,
        kind=FundKind.FOR_THE_POOR,
        name="Quỹ “Vì người nghèo” thị xã Điện Bàn",
        code="vnn-dienban",
        bank_name="Vietcombank",
        bank_bin="970436",
        account_number="0041000199199",
        account_name="UY BAN MTTQ VIET NAM THI XA DIEN BAN",
    )
    movement_fund = fund_create(
        actor=office,
        unit=town,
        kind=FundKind.MOVEMENT,
        name=f"Quỹ vận động xóa nhà tạm thị xã Điện Bàn {demo_clock.story_year()}",
        code="xnt-dienban",
        bank_name="Agribank",
        bank_bin="970405",
        account_number="4000201000123",
        account_name="UY BAN MTTQ VIET NAM THI XA DIEN BAN",
    )
    commune_funds = {
        unit.pk: fund_create(
            actor=office,
            unit=unit,
            kind=FundKind.FOR_THE_POOR,
            name=f"Quỹ “Vì người nghèo” {unit.title}",
            code=f"vnn-{unit.pk}",
        )
        for unit in (vinh_dien, dien_hong)
    }
    state = source_create(
        actor=office, unit=town, kind=SourceKind.STATE_BUDGET, name="Ngân sách tỉnh theo Nghị quyết 13/2023/NQ-HĐND"
    )

    year = demo_clock.story_year()
    receipts = 0
    for i in range(60):
        name, kind = DONORS[i % len(DONORS)]
        fund = movement_fund if i % 3 else town_fund
        day = d(2024, 3, 20) + dt.timedelta(days=i * 3)
        amount = rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000])
        if not happened(day):
            break  # no receipt in the future
        donor = donor_find_or_create(unit=town, name=name, kind=kind, anonymous=(i % 11 == 5))
        cash = i % 4 == 0
        receipt_record(
            actor=office,
            fund=fund,
            donor=donor,
            amount=amount,
            received_on=day,
            channel=Channel.CASH if cash else Channel.BANK,
            receipt_number=f"BL{i + 1:04d}" if cash else "",
            bank_ref="" if cash else f"FT{year % 100:02d}{i + 1:06d}",
            designation=Designation.MOVEMENT if fund == movement_fund else Designation.GENERAL,
            memo="Ủng hộ xóa nhà tạm" if fund == movement_fund else "Ủng hộ Quỹ Vì người nghèo",
        )
        receipts += 1
    if happened(d(2024, 6, 15)):
        for fund in commune_funds.values():
            transfer_record(
                actor=office,
                from_fund=town_fund,
                to_fund=fund,
                amount=20_000_000,
                date=d(2024, 6, 15),
                decision=f"Quyết định 45/QĐ-MTTQ-BTT ngày {d(2024, 6, 14):%d/%m/%Y}",
            )

    # Households of this year's phase and the next: state budget from April of their phase year, Front money
    # for some from July; a voucher pays the start once the house has started, and a few later vouchers
    # (walls done) wait for approval so the queue is not empty.
    households = list(
        Household.objects.filter(area__path__startswith=town.path, phase_year__gte=year)
        .exclude(status="withdrawn")
        .order_by("code")[:40]
    )
    # The Front's money goes only to households whose plan has a Front line (programme rules: no
    # allocation above a plan line); one of them gets a donation earmarked for it, which its allocation
    # takes first, so a donor can follow that transfer to the house on the public pages.
    front_lines = dict(
        FundingPlanLine.objects.filter(household__in=households, source=FundingSource.FRONT_FUND).values_list(
            "household_id", "amount"
        )
    )
    earmarked = next((h for h in households if h.pk in front_lines), None)
    earmark_day = d(2024, 6, 20)
    if earmarked is not None and happened(earmark_day) and happened(dt.date(earmarked.phase_year, 7, 1)):
        receipt_record(
            actor=office,
            fund=movement_fund,
            donor=donor_find_or_create(unit=town, name=DONORS[0][0], kind=DONORS[0][1]),
            amount=min(front_lines[earmarked.pk], 10_000_000),
            received_on=earmark_day,
            channel=Channel.BANK,
            bank_ref=f"FT{year % 100:02d}HO{earmarked.pk:04d}",
            designation=Designation.HOUSEHOLD,
            designated_household=earmarked,
            memo=f"Ung ho xay nha ho {earmarked.code}",
        )
        receipts += 1
    started = _stage_days(households, Stage.START)
    walls = _stage_days(households, Stage.WALLS)
    completed = _stage_days(households, Stage.COMPLETED)
    allocations = paid = 0
    pending_candidates = []
    front_due: list[tuple[dt.date, Household, int]] = []
    for n, household in enumerate(households):
        allotted = dt.date(household.phase_year, 4, 1)
        if not happened(allotted):
            continue
        allocation_record(
            actor=office,
            household=household,
            source=state,
            amount=household.state_support,
            date=allotted,
            decision=f"Quyết định 8584/QĐ-UBND ngày {d(2023, 12, 20):%d/%m/%Y}",
        )
        allocations += 1
        front_day = dt.date(household.phase_year, 7, 1)
        front = min(front_lines.get(household.pk, 0), 10_000_000)
        if (
            front
            and (n % 2 == 0 or household == earmarked)
            and happened(front_day)
            and account_for(AccountKind.FUND_CASH, fund=movement_fund).balance >= front
        ):
            allocation_record(
                actor=office,
                household=household,
                fund=movement_fund,
                amount=front,
                date=front_day,
                decision=f"Quyết định 52/QĐ-MTTQ-BTT ngày {dt.date(household.phase_year, 6, 28):%d/%m/%Y}",
            )
            allocations += 1
            front_allotted = (front_day, front)
        else:
            front_allotted = None
        start = started.get(household.pk)
        paid_on = start and max(start + dt.timedelta(days=7), allotted)
        if paid_on and happened(paid_on):
            # Tranches are paid against verified stages: a second person confirms the start first.
            _verify_stage(household, Stage.START, office=office, board=board, day=paid_on)
            _pay(office, board, household, source=state, amount=household.state_support // 2, day=paid_on,
                 number=f"PC-NS-{n + 1:03d}", stage=Stage.START)  # fmt: skip
            paid += 1
            # The rest of the state support once the finished house is confirmed; the Front's money with it.
            if _pay_rest(office, board, household, source=state, completed_on=completed.get(household.pk),
                         after=paid_on, number=f"PC-NS-{n + 1:03d}-2",
                         front_allotted=front_allotted, front_due=front_due):  # fmt: skip
                paid += 1
                continue
        walls_on = walls.get(household.pk)
        if walls_on and happened(walls_on + dt.timedelta(days=5)):
            pending_candidates.append((household, walls_on + dt.timedelta(days=5)))
    # Told after the reorganisation the story is history: the old units decided every voucher before they
    # closed on 30/06/2025, so none is left waiting on them.
    settled = demo_clock.after_reorganisation()
    paid += _pay_front(office, board, movement_fund, front_due, prefix="PC-VD", waiting=0 if settled else FRONT_PENDING)
    for n, (household, day) in enumerate(pending_candidates[:3]):
        if account_for(AccountKind.ALLOCATION, source=state, household=household).balance >= 5_000_000:
            if settled:
                _verify_stage(household, Stage.WALLS, office=office, board=board, day=day)
            _pay(office, board, household, source=state, amount=5_000_000, day=day, number=f"PC-CHO-{n + 1}",
                 stage=Stage.WALLS, approve=settled)  # fmt: skip
            paid += int(settled)

    pending = Disbursement.objects.filter(status=DisbursementStatus.RECORDED).count()
    return {
        "quỹ": Fund.objects.count(),
        "khoản ủng hộ": receipts,
        "phân bổ": allocations,
        "đã chi": paid,
        "chờ duyệt": pending,
    }


def _pay(
    office: User, board: User, household, *, amount: int, day: dt.date, number: str, stage: str, approve: bool = True,
    source: Source | None = None, fund: Fund | None = None,
) -> Disbursement:  # fmt: skip
    """A voucher recorded by the office and approved by the board on its day (or left waiting)."""
    voucher = disbursement_record(
        actor=office, household=household, source=source, fund=fund, amount=amount, date=day, voucher_number=number,
        stage=stage,
    )  # fmt: skip
    if approve:
        disbursement_approve(actor=board, disbursement=voucher)
        Disbursement.objects.filter(pk=voucher.pk).update(decided_at=demo_clock.at(day, 15))
    return voucher


# The latest of the Front's payments waits for the board's approval (the queue is not empty).
FRONT_PENDING = 1


# housing.Stage.COMPLETED (housing is imported where the demo runs: it loads after funds).
COMPLETED = "completed"


def _pay_rest(
    office: User,
    board: User,
    household: Household,
    *,
    source: Source,
    completed_on: dt.date | None,
    after: dt.date,
    number: str,
    front_allotted: tuple[dt.date, int] | None,
    front_due: list[tuple[dt.date, Household, int]],
) -> bool:
    """The second half of the state support, a week after the house was finished (never before the first
    half), once the completion is verified; the Front's allotted money is queued to be paid with it.
    False when the house was not finished by the story's day."""
    final_on = completed_on and max(completed_on + dt.timedelta(days=7), after)
    if not (final_on and happened(final_on)):
        return False
    _verify_stage(household, COMPLETED, office=office, board=board, day=final_on)
    rest = household.state_support - household.state_support // 2
    _pay(office, board, household, source=source, amount=rest, day=final_on, number=number, stage=COMPLETED)
    if front_allotted:
        front_due.append((max(final_on, front_allotted[0] + dt.timedelta(days=7)), household, front_allotted[1]))
    return True


def _pay_front(
    office: User, board: User, fund: Fund, due: list[tuple[dt.date, Household, int]], *, prefix: str,
    waiting: int = FRONT_PENDING,
) -> int:  # fmt: skip
    """The Front fund's money of the finished houses, in the order they were finished: paid from the fund
    (so the fund's pages show money paid to households), the last `waiting` waiting for approval."""
    due = sorted(due, key=lambda row: (row[0], row[1].code))
    for k, (day, household, amount) in enumerate(due):
        approve = k < len(due) - waiting
        _pay(office, board, household, fund=fund, amount=amount, day=day, number=f"{prefix}-{k + 1:03d}",
             stage="completed", approve=approve)  # fmt: skip
    return max(0, len(due) - waiting)


def _verify_stage(household, stage: str, *, office: User, board: User, day: dt.date) -> None:
    """Confirm the household's report of `stage` (by whoever did not report it), dated before `day`."""

    update = ProgressUpdate.objects.filter(household=household, stage=stage).order_by("date", "pk").first()
    if update is None or update.verified_at is not None:
        return
    verifier = board if update.reporter_id == office.pk else office
    progress_verify(actor=verifier, update=update)
    ProgressUpdate.objects.filter(pk=update.pk).update(verified_at=demo_clock.at(min(update.date, day), 16))


def _stage_days(households: list, stage: str) -> dict[int, dt.date]:
    """The day each household reached `stage`, if it has."""

    rows = ProgressUpdate.objects.filter(household__in=households, stage=stage).values_list("household_id", "date")
    days: dict[int, dt.date] = {}
    for household_id, day in rows:
        days[household_id] = min(day, days.get(household_id, day))
    return days


# --- The new map (from 01/07/2025) ------------------------------------------------------------------------

CURRENT_RECEIPTS = 24


@transaction.atomic
def load_current() -> dict[str, int]:
    """The city's money for the current year's households: donations to the “Vì người nghèo” fund that took the
    town's balance on 01/07/2025, the city budget's allocations, and vouchers against verified starts (one
    waiting for approval). Nothing before the day it happened, no voucher before its house started."""

    city = demo_city()
    if not demo_clock.after_reorganisation() or city is None:
        return {}
    fund = Fund.objects.filter(unit=city, kind=FundKind.FOR_THE_POOR).order_by("pk").first()
    households = list(Household.objects.filter(code__startswith="DN").exclude(status="withdrawn").order_by("code"))
    if fund is None or not households:
        return {}
    if (
        Disbursement.objects.filter(household__in=households).exists()
        or Receipt.objects.filter(fund=fund, received_on__gt=demo_clock.REORG_DAY).exists()
    ):
        return {"mới tạo": 0}
    rng = random.Random(2025)
    office = User.objects.get(username="vanphong")
    board = User.objects.get(username="chutich")
    year = demo_clock.story_year()
    receipts = 0
    for i in range(CURRENT_RECEIPTS):
        day = d(2024, 3, 25) + dt.timedelta(days=i * 9)
        if not happened(day):
            break
        name, kind = DONORS[(i * 5) % len(DONORS)]
        cash = i % 5 == 0
        receipt_record(
            actor=office, fund=fund, donor=donor_find_or_create(unit=city, name=name, kind=kind),
            amount=rng.choice([1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000]), received_on=day,
            channel=Channel.CASH if cash else Channel.BANK, receipt_number=f"BL-DN{i + 1:04d}" if cash else "",
            bank_ref="" if cash else f"FT{year % 100:02d}DN{i + 1:05d}", designation=Designation.GENERAL,
            memo="Ủng hộ Quỹ Vì người nghèo",
        )  # fmt: skip
        receipts += 1
    state = source_create(
        actor=office, unit=city, kind=SourceKind.STATE_BUDGET, name="Ngân sách thành phố Đà Nẵng (dữ liệu mẫu)"
    )
    front_lines = dict(
        FundingPlanLine.objects.filter(household__in=households, source=FundingSource.FRONT_FUND).values_list(
            "household_id", "amount"
        )
    )
    started = _stage_days(households, Stage.START)
    walls = _stage_days(households, Stage.WALLS)
    completed = _stage_days(households, Stage.COMPLETED)
    allocations = paid = 0
    waiting: Household | None = None
    front_due: list[tuple[dt.date, Household, int]] = []
    for n, household in enumerate(households):
        allotted = d(2024, 4, 1)
        if not happened(allotted):
            continue
        allocation_record(
            actor=office, household=household, source=state, amount=household.state_support, date=allotted,
            decision=f"Quyết định 215/QĐ-UBND ngày {d(2024, 3, 14):%d/%m/%Y} (mẫu)",
        )  # fmt: skip
        allocations += 1
        front_day = d(2024, 7, 1)
        front = front_lines.get(household.pk, 0)
        if front and happened(front_day) and account_for(AccountKind.FUND_CASH, fund=fund).balance >= front:
            allocation_record(
                actor=office, household=household, fund=fund, amount=front, date=front_day,
                decision=f"Quyết định 30/QĐ-MTTQ-BTT ngày {d(2024, 6, 28):%d/%m/%Y} (mẫu)",
            )  # fmt: skip
            allocations += 1
            front_allotted = (front_day, front)
        else:
            front_allotted = None
        start = started.get(household.pk)
        paid_on = start and max(start + dt.timedelta(days=7), allotted)
        if paid_on and happened(paid_on):
            _verify_stage(household, Stage.START, office=office, board=board, day=paid_on)
            _pay(office, board, household, source=state, amount=household.state_support // 2, day=paid_on,
                 number=f"PC-DN-{n + 1:03d}", stage=Stage.START)  # fmt: skip
            paid += 1
            # The rest of the city's support once the finished house is confirmed; the Front's money with it.
            if _pay_rest(office, board, household, source=state, completed_on=completed.get(household.pk),
                         after=paid_on, number=f"PC-DN-{n + 1:03d}-2",
                         front_allotted=front_allotted, front_due=front_due):  # fmt: skip
                paid += 1
                continue
        walls_on = walls.get(household.pk)
        if waiting is None and walls_on and happened(walls_on + dt.timedelta(days=5)):
            waiting = household
            disbursement_record(
                actor=office, household=household, source=state, amount=5_000_000,
                date=walls_on + dt.timedelta(days=5), voucher_number="PC-DN-CHO-1", stage="walls",
            )  # fmt: skip
    paid += _pay_front(office, board, fund, front_due, prefix="PC-DN-VD")
    pending = Disbursement.objects.filter(household__in=households, status=DisbursementStatus.RECORDED).count()
    return {"khoản ủng hộ": receipts, "phân bổ": allocations, "đã chi": paid, "chờ duyệt": pending}
