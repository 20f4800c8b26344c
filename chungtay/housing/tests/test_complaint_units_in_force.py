"""The complaint form offers the units in force today: one closed by a reorganisation is not offered."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create

DAY = dt.date(2026, 5, 20)


def test_the_complaint_form_hides_a_commune_closed_before_today(client, people, tree, time_machine):
    time_machine.move_to(dt.datetime.combine(DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    closed = unit_create(
        actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name="Điện Tiến", valid_to=dt.date(2025, 6, 30)
    )
    client.force_login(people.town_office)
    offered = set(client.get(reverse("housing:complaint_create")).context["form"].fields["unit"].queryset)
    assert tree.commune_a in offered and tree.town in offered
    assert closed not in offered
