"""The test data every app's tests build: units, users with roles, norms, households, funds and gifts,
movements and their criteria (issue 23: one builder each instead of a copy per app).

Plain functions rather than factory_boy factories: most of these rows must be made through the services
(a fund, a receipt, a household that gets its code and its norm from the rules, a movement's criteria),
which write the audit record, number the vouchers and keep the ledger; a factory would either call
`Model.objects.create` and skip all that, or wrap each service in a factory that adds nothing but
indirection. The few builders that do write rows directly (`household`, `movement_row`) say so: they make a
state (approved, withdrawn, under way) in one step that the services would need several for.

The root conftest.py turns them into the fixtures the tests ask for (`tree`, `people`, `norm`,
`make_household`, `town_fund`, `give`); an app's conftest only overrides one to change its defaults
(funds' households carry contact details; housing's are registered through the service).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chungtay.accounts.models import User
from chungtay.accounts.services import user_create
from chungtay.campaigns import services as campaigns
from chungtay.campaigns.models import Movement, MovementStatus
from chungtay.funds.models import Channel, Fund, FundKind, Receipt
from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record
from chungtay.housing import services as housing
from chungtay.housing.models import Category, Household, ProgressUpdate, Status, SupportKind, SupportNorm
from chungtay.orgunits.models import Level, Membership, OrgUnit, Role
from chungtay.orgunits.services import unit_create

PASSWORD = "Mat-khau-thu-2024"  # the test personas' only
NQ13 = "Nghị quyết 13/2023/NQ-HĐND"
DECISION = ("8584/QĐ-UBND", dt.date(2023, 12, 20))  # the district's decision approving the households

# One counter for every household made here, so that two builders never give the same code in one test.
_households = itertools.count(1)


# --- Units and people ------------------------------------------------------------------------
@dataclass
class Tree:
    province: OrgUnit
    town: OrgUnit
    commune_a: OrgUnit
    commune_b: OrgUnit
    area_a1: OrgUnit
    area_b1: OrgUnit
    other_district: OrgUnit


def build_tree() -> Tree:
    """Quảng Nam ▸ Điện Bàn (thị xã) ▸ Vĩnh Điện (phường) ▸ Khối phố 1 and Điện Hồng (xã) ▸ Thôn 1;
    Duy Xuyên (huyện), a sibling district nobody above holds."""
    province = unit_create(actor=None, parent=None, level=Level.PROVINCE, kind="tinh", name="Quảng Nam")
    town = unit_create(actor=None, parent=province, level=Level.DISTRICT, kind="thi_xa", name="Điện Bàn")
    other = unit_create(actor=None, parent=province, level=Level.DISTRICT, kind="huyen", name="Duy Xuyên")
    a = unit_create(actor=None, parent=town, level=Level.COMMUNE, kind="phuong", name="Vĩnh Điện")
    b = unit_create(actor=None, parent=town, level=Level.COMMUNE, kind="xa", name="Điện Hồng")
    a1 = unit_create(actor=None, parent=a, level=Level.AREA, kind="khoi_pho", name="Khối phố 1")
    b1 = unit_create(actor=None, parent=b, level=Level.AREA, kind="thon", name="Thôn 1")
    return Tree(province, town, a, b, a1, b1, other)


def make_user(username: str, unit: OrgUnit | None, role: str | None, **extra: Any) -> User:
    """A user with the test password, holding `role` in `unit` (none when either is None); `extra` sets
    other fields of the user (e.g. is_superuser)."""
    user = user_create(
        actor=None, username=username, full_name=extra.pop("full_name", username.title()), password=PASSWORD
    )
    if unit is not None and role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    for key, value in extra.items():
        setattr(user, key, value)
    if extra:
        user.save()
    return user


@dataclass
class People:
    admin: User
    town_office: User
    board: User
    inspector: User
    commune_a_staff: User
    commune_b_staff: User
    area_board: User
    nobody: User


def build_people(tree: Tree) -> People:
    """One persona per role and unit of the tree (and `nobody`, who holds none)."""
    return People(
        admin=make_user("admin", tree.town, Role.ADMIN),
        town_office=make_user("office", tree.town, Role.OFFICE),
        board=make_user("board", tree.town, Role.BOARD),
        inspector=make_user("inspector", tree.town, Role.INSPECTOR),
        commune_a_staff=make_user("staff_a", tree.commune_a, Role.UNIT_STAFF),
        commune_b_staff=make_user("staff_b", tree.commune_b, Role.UNIT_STAFF),
        area_board=make_user("area_a1", tree.area_a1, Role.AREA_BOARD),
        nobody=make_user("nobody", None, None),
    )


# --- Norms and households --------------------------------------------------------------------
def support_norm(**fields: Any) -> SupportNorm:
    """The NQ 13/2023 norm for a new house, 60 million đồng from 2023 (a row, without categories or end)."""
    values: dict[str, Any] = {
        "programme": "Xóa nhà tạm",
        "kind": SupportKind.NEW,
        "amount": 60_000_000,
        "valid_from": dt.date(2023, 1, 1),
        "legal_basis": NQ13,
    }
    values.update(fields)
    return SupportNorm.objects.create(**values)


# Contact details of a household, for the tests of pages that show them to staff (and mask them elsewhere).
CONTACT = {"citizen_id": "049000000123", "phone": "0905000111", "address_detail": "Tổ 3, kiệt 12"}


def household(
    area: OrgUnit,
    *,
    norm: SupportNorm,
    status: str = Status.APPROVED,
    completed_on: dt.date | None = None,
    **fields: Any,
) -> Household:
    """A household of phase 2024 on the district's decision, written directly (no service, no audit): a
    poor household building a new house with 60 million from the state. `fields` override any field —
    the portal's tests give it their sentinel private values this way. A withdrawn household gets a reason;
    `completed_on` adds the start (60 days before) and the completion to its progress."""
    n = next(_households)
    values: dict[str, Any] = {
        "code": f"HH-{n:05d}",
        "area": area,
        "head_name": f"Hộ Thử Nghiệm {n}",
        "category": Category.POOR,
        "support_kind": SupportKind.NEW,
        "phase_year": 2024,
        "decision_number": DECISION[0],
        "decision_date": DECISION[1],
        "norm": norm,
        "state_support": 60_000_000,
        "status": status,
    }
    if status == Status.WITHDRAWN:
        values["withdrawn_reason"] = "Chuyển đi nơi khác"
    values.update(fields)
    made = Household.objects.create(**values)
    if completed_on:
        ProgressUpdate.objects.create(household=made, stage="start", date=completed_on - dt.timedelta(60), percent=10)
        ProgressUpdate.objects.create(household=made, stage="completed", date=completed_on, percent=100)
    return made


def registered_household(area: OrgUnit, *, actor: User | None = None, code: str = "", **fields: Any) -> Household:
    """A household registered through `housing.household_create`, as the form or an import would (the
    rules checked, the norm found, the audit written): a poor household of phase 2024 building a new house.
    Without `code` the service numbers it."""
    values: dict[str, Any] = {
        "area": area,
        "head_name": f"Hộ Số Liệu {next(_households)}",
        "category": Category.POOR,
        "support_kind": SupportKind.NEW,
        "phase_year": 2024,
        "decision_number": DECISION[0],
        "decision_date": DECISION[1],
    }
    values.update(fields)
    return housing.household_create(actor=actor, data=housing.HouseholdData(**values), code=code)


# --- Money -----------------------------------------------------------------------------------
def town_fund(*, actor: User, unit: OrgUnit) -> Fund:
    """The town's fund for the poor, with its bank account (what the VietQR and the statements use)."""
    return fund_create(
        actor=actor,
        unit=unit,
        kind=FundKind.FOR_THE_POOR,
        name="Quỹ Vì người nghèo thị xã",
        code="vnn-db",
        bank_name="Vietcombank",
        bank_bin="970436",
        account_number="0041000123456",
        account_name="UY BAN MTTQ VIET NAM THI XA DIEN BAN",
    )


def gift(
    fund: Fund,
    amount: int,
    *,
    actor: User,
    bank_ref: str,
    name: str = "Nguyễn Văn Hảo",
    on: dt.date = dt.date(2024, 5, 1),
    anonymous: bool = False,
    **donor: Any,
) -> Receipt:
    """A bank transfer to `fund` recorded by `actor`, from the donor `name` (found or created; `donor`
    gives the donor's other fields: published_name, contact, kind)."""
    giver = donor_find_or_create(unit=fund.unit, name=name, anonymous=anonymous, **donor)
    return receipt_record(
        actor=actor, fund=fund, donor=giver, amount=amount, received_on=on, channel=Channel.BANK, bank_ref=bank_ref
    )


# --- Movements -------------------------------------------------------------------------------
def movement_row(issuing_unit: OrgUnit, **fields: Any) -> Movement:
    """The 2024 movement 199/KH-MTTQ-BTT, under way (written directly, without criteria or participants)."""
    values: dict[str, Any] = {
        "symbol": "199/KH-MTTQ-BTT",
        "issuing_unit": issuing_unit,
        "issued_on": dt.date(2024, 3, 14),
        "title": "Phong trào thi đua năm 2024",
        "starts_on": dt.date(2024, 3, 14),
        "ends_on": dt.date(2024, 12, 31),
        "review_month": dt.date(2024, 12, 1),
        "status": MovementStatus.UNDER_WAY,
    }
    values.update(fields)
    return Movement.objects.create(**values)


# A criterion as the tests list them: (code, parent code, kind, points, metric key).
CriterionRow = tuple[str, str, str, int, str]


def criteria_add(*, actor: User, movement: Movement, level: int, rows: Iterable[CriterionRow]) -> None:
    """The criteria of one level, added through the service in the order given (parents first), each
    titled "Tiêu chí <code>"."""
    for code, parent, kind, points, metric in rows:
        campaigns.criterion_add(
            actor=actor, movement=movement, level=level, code=code, parent_code=parent, kind=kind,
            max_points=Decimal(points), metric_key=metric, title=f"Tiêu chí {code}",
        )  # fmt: skip
