"""Funds demo: the town's and two communes' funds, donors, a bank statement, allocations and
disbursements for the demo households — all through the same services a person would use.
Idempotent: it does nothing once the town fund exists."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.orgunits.models import Level, OrgUnit

from .ledger import account_for
from .models import AccountKind, Channel, Designation, DisbursementStatus, Fund, FundKind, SourceKind
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
    from chungtay.housing.models import Household

    rng = random.Random(2024)
    town = OrgUnit.objects.get(name="Điện Bàn", level=Level.DISTRICT)
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
        name="Quỹ vận động xóa nhà tạm thị xã Điện Bàn 2024",
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

    receipts = 0
    for i in range(60):
        name, kind = DONORS[i % len(DONORS)]
        donor = donor_find_or_create(unit=town, name=name, kind=kind, anonymous=(i % 11 == 5))
        fund = movement_fund if i % 3 else town_fund
        day = dt.date(2024, 3, 20) + dt.timedelta(days=i * 3)
        amount = rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000])
        cash = i % 4 == 0
        receipt_record(
            actor=office,
            fund=fund,
            donor=donor,
            amount=amount,
            received_on=day,
            channel=Channel.CASH if cash else Channel.BANK,
            receipt_number=f"BL{i + 1:04d}" if cash else "",
            bank_ref="" if cash else f"FT24{i + 1:06d}",
            designation=Designation.MOVEMENT if fund == movement_fund else Designation.GENERAL,
            memo="Ủng hộ xóa nhà tạm" if fund == movement_fund else "Ủng hộ Quỹ Vì người nghèo",
        )
        receipts += 1
    for fund in commune_funds.values():
        transfer_record(
            actor=office,
            from_fund=town_fund,
            to_fund=fund,
            amount=20_000_000,
            date=dt.date(2024, 6, 15),
            decision="Quyết định 45/QĐ-MTTQ-BTT ngày 14/6/2024",
        )

    # Households of the demo in two communes: state budget for every one, Front money for some.
    households = list(
        Household.objects.filter(area__path__startswith=town.path).exclude(status="withdrawn").order_by("code")[:40]
    )
    allocations = paid = 0
    for n, household in enumerate(households):
        allocation_record(
            actor=office,
            household=household,
            source=state,
            amount=household.state_support,
            date=dt.date(2024, 4, 1),
            decision="Quyết định 8584/QĐ-UBND ngày 20/12/2023",
        )
        allocations += 1
        if n % 2 == 0 and account_for(AccountKind.FUND_CASH, fund=movement_fund).balance >= 10_000_000:
            allocation_record(
                actor=office,
                household=household,
                fund=movement_fund,
                amount=10_000_000,
                date=dt.date(2024, 7, 1),
                decision="Quyết định 52/QĐ-MTTQ-BTT ngày 28/6/2024",
            )
            allocations += 1
        if household.status in ("completed", "handed_over", "building"):
            voucher = disbursement_record(
                actor=office,
                household=household,
                source=state,
                amount=household.state_support // 2,
                date=dt.date(2024, 7, 10),
                voucher_number=f"PC-NS-{n + 1:03d}",
                stage="start",
            )
            disbursement_approve(actor=board, disbursement=voucher)
            paid += 1
    # A few vouchers wait for approval so the queue is not empty.
    for n, household in enumerate(households[:3]):
        if account_for(AccountKind.ALLOCATION, source=state, household=household).balance >= 5_000_000:
            disbursement_record(
                actor=office,
                household=household,
                source=state,
                amount=5_000_000,
                date=dt.date(2024, 9, 5),
                voucher_number=f"PC-CHO-{n + 1}",
                stage="walls",
            )
    from .models import Disbursement

    pending = Disbursement.objects.filter(status=DisbursementStatus.RECORDED).count()
    return {
        "quỹ": Fund.objects.count(),
        "khoản ủng hộ": receipts,
        "phân bổ": allocations,
        "đã chi": paid,
        "chờ duyệt": pending,
    }
