"""The public summary as of a day is about that day's movement and its issuing unit (issue 16): a day
before a later movement, or before a reorganisation, is not reported on today's unit, which did not
exist or run anything then (the demo's city reported zeros for 2024)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.campaigns.models import Movement
from chungtay.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db
D = dt.date


def movement(unit, symbol: str, issued: dt.date) -> Movement:
    return Movement.objects.create(
        symbol=symbol, issuing_unit=unit, issued_on=issued, title=f"Phong trào năm {issued.year}",
        starts_on=issued, ends_on=D(issued.year, 12, 31), review_month=D(issued.year, 12, 1), status="under_way",
    )  # fmt: skip


def summary(day: dt.date | None = None) -> dict:
    return APIClient().get(reverse("api:public-summary"), {"ngay": day.isoformat()} if day else {}).json()


def test_a_day_is_reported_on_the_movement_issued_by_then_by_a_unit_in_force_then(tree):
    movement(tree.town, "199/KH-MTTQ-BTT", D(2024, 3, 14))
    movement(tree.other_district, "12/KH-MTTQ-BTT", D(2025, 3, 14))
    today, june_2024 = summary(), summary(D(2024, 6, 30))
    assert (today["movement"]["symbol"], today["report"]["unit"]["id"]) == ("12/KH-MTTQ-BTT", tree.other_district.pk)
    assert (june_2024["movement"]["symbol"], june_2024["report"]["unit"]["id"]) == ("199/KH-MTTQ-BTT", tree.town.pk)
    assert june_2024["report"]["as_of"] == "2024-06-30"
    # The town ended with 2024: in January 2025 no movement was running under a unit in force, and the
    # summary of that day is today's unit's.
    OrgUnit.objects.filter(pk=tree.town.pk).update(valid_to=D(2024, 12, 31))
    january_2025 = summary(D(2025, 1, 15))
    assert january_2025["movement"] is None and january_2025["report"]["unit"]["id"] == tree.other_district.pk


def test_the_open_data_summary_of_a_day_lists_the_units_in_force_that_day(client, tree):
    OrgUnit.objects.filter(pk=tree.commune_b.pk).update(valid_to=D(2024, 12, 31))  # Điện Hồng ended with 2024

    def unit_ids(day: dt.date) -> set[int]:
        url = reverse("portal:download", args=["units-summary", "json"])
        response = client.get(url, {"ngay": day.isoformat()})
        rows = json.loads(b"".join(response.streaming_content))["rows"]
        assert {row["as_of"] for row in rows} == {day.isoformat()}
        return {row["unit_id"] for row in rows}

    assert tree.commune_b.pk in unit_ids(D(2024, 6, 30)) and tree.town.pk in unit_ids(D(2024, 6, 30))
    assert tree.commune_b.pk not in unit_ids(D(2025, 1, 15)) and tree.town.pk in unit_ids(D(2025, 1, 15))
