"""The demo's people: the administrator, the units (`orgunits.demo`, imported by the administrator)
and one fictional user per role with their memberships (`orgunits.demo.DEMO_USERS`).

The first step of `manage.py load_demo`: every other app's demo builds on these units and people. It
lives here, above `orgunits`, because people are made through this app's services; `orgunits.demo`
holds the units and says who is where, and imports nothing of this app.

Idempotent: every step first looks for what is already there.
"""

from __future__ import annotations

from django.db import transaction

from chungtay.orgunits.demo import DEMO_PASSWORD, DEMO_USERS, demo_town, demo_unit, load_units
from chungtay.orgunits.models import Membership

from .models import User
from .services import membership_add, user_create


def _admin() -> User:
    admin = User.objects.filter(username="quantri").first()
    if admin is None:
        admin = user_create(actor=None, username="quantri", full_name="Quản trị hệ thống", password=DEMO_PASSWORD)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    return admin


@transaction.atomic
def load_demo() -> dict[str, int]:
    admin = _admin()
    result = load_units(actor=admin)
    town = demo_town()
    assert town is not None  # load_units made it
    for spec in DEMO_USERS:
        unit = demo_unit(spec, town)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                actor=admin, username=spec.username, full_name=spec.full_name, password=DEMO_PASSWORD,
                position=spec.position,
            )  # fmt: skip
        elif user.full_name != spec.full_name:
            user.full_name, user.position = spec.full_name, spec.position
            user.save()
        if not Membership.objects.filter(user=user, unit=unit, role=spec.role).exists():
            membership_add(actor=admin, user=user, unit=unit, role=spec.role)
    return result
