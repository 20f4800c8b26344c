"""Factories for the reports tests: households, movements with obligations, complaints, money."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from chungtay.campaigns.models import Milestone, Movement, Obligation, Participation
from chungtay.housing.models import Complaint, Household, ProgressUpdate, SupportNorm

TODAY = dt.date(2024, 12, 2)
_codes = itertools.count(1)


@pytest.fixture
def norm(db):
    return SupportNorm.objects.create(
        programme="Xóa nhà tạm",
        kind="new",
        amount=60_000_000,
        valid_from=dt.date(2023, 1, 1),
        legal_basis="Nghị quyết 13/2023/NQ-HĐND",
    )


@pytest.fixture
def make_household(norm):
    def make(area, *, status="approved", phase_year=2024, completed_on=None, lat=None, lon=None, **extra):
        n = next(_codes)
        household = Household.objects.create(
            code=f"HH-{n:05d}",
            area=area,
            head_name=f"Hộ Thử Nghiệm {n}",
            category="poor",
            support_kind="new",
            phase_year=phase_year,
            decision_number="8584/QĐ-UBND",
            decision_date=dt.date(2023, 12, 20),
            norm=norm,
            state_support=extra.pop("state_support", 60_000_000),
            status=status,
            lat=lat,
            lon=lon,
            withdrawn_reason="Chuyển đi nơi khác" if status == "withdrawn" else "",
            **extra,
        )
        if completed_on:
            ProgressUpdate.objects.create(
                household=household, stage="start", date=completed_on - dt.timedelta(60), percent=10
            )
            ProgressUpdate.objects.create(household=household, stage="completed", date=completed_on, percent=100)
        return household

    return make


@pytest.fixture
def movement(tree):
    return Movement.objects.create(
        symbol="199/KH-MTTQ-BTT",
        issuing_unit=tree.town,
        issued_on=dt.date(2024, 3, 14),
        title="Phong trào thi đua năm 2024",
        starts_on=dt.date(2024, 3, 14),
        ends_on=dt.date(2024, 12, 31),
        review_month=dt.date(2024, 12, 1),
        status="under_way",
        signer="Lê Văn Khánh",
    )


@pytest.fixture
def participate(movement):
    def add(unit, *, registered=True, late=False):
        return Participation.objects.create(
            movement=movement,
            unit=unit,
            level=unit.level,
            registered_late=late,
            registered_at=timezone.make_aware(dt.datetime(2024, 3, 20, 9)) if registered else None,
        )

    return add


@pytest.fixture
def obligation(movement):
    milestones: dict[tuple[str, dt.date], Milestone] = {}

    def make(unit, due_on, *, kind="own_plan", done_on=None, excused="", title=""):
        key = (kind + title, due_on if kind != "progress_report" else dt.date(2024, 4, 25))
        milestone = milestones.get(key)
        if milestone is None:
            milestone = Milestone.objects.create(
                movement=movement,
                kind=kind,
                level=unit.level,
                due_on=due_on,
                title=title,
            )
            milestones[key] = milestone
        fulfilled = timezone.make_aware(dt.datetime.combine(done_on, dt.time(15))) if done_on else None
        return Obligation.objects.create(
            milestone=milestone, unit=unit, due_on=due_on, fulfilled_at=fulfilled, excused_reason=excused
        )

    return make


@pytest.fixture
def complaint(tree):
    def make(unit, *, due_on, status="received", received_on=None):
        return Complaint.objects.create(
            origin_unit=unit,
            unit=unit,
            kind="petition",
            concerns="unit",
            received_on=received_on or due_on - dt.timedelta(15),
            channel="letter",
            complainant_name="Người Gửi Đơn",
            content="Phản ánh việc bình xét hộ nghèo.",
            due_on=due_on,
            status=status,
            resolution="" if status in ("received", "processing") else "Đã trả lời",
        )

    return make
