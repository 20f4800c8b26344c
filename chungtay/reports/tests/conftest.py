"""Factories for the reports tests: a movement with participations and obligations, complaints (households
and money come from the shared builders: root conftest.py, make_household)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chungtay.campaigns.models import Milestone, Obligation, Participation
from chungtay.housing.models import Complaint
from chungtay.tests import builders

TODAY = dt.date(2024, 12, 2)


@pytest.fixture
def movement(tree):
    return builders.movement_row(tree.town, signer="Lê Văn Khánh")


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
