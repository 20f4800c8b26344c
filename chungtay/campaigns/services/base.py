"""What every service module shares."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chungtay.orgunits.models import Level

from ..models import (
    MovementStatus,
)

PARTICIPANT_LEVELS = (Level.DISTRICT, Level.COMMUNE, Level.AREA)
RUNNING = (MovementStatus.LAUNCHED, MovementStatus.UNDER_WAY)


def _now() -> dt.datetime:
    return timezone.now()
