"""The demo's clock: the 2024 story (Plan 199/KH-MTTQ-BTT of 14/03/2024) moved by whole years so that it
stands around the day the demo is loaded, and only what would have happened by that day is recorded.

Every demo module writes its dates as the 2024 plan has them — `d(2024, 3, 29)` — and asks `happened(day)`
before recording an event. The day is today, or a fixed day: `manage.py load_demo --ngay YYYY-MM-DD` (which
uses `fixed()`) or the CHUNGTAY_DEMO_DAY environment variable, for screenshots and tests. With the fixed day
equal to 02/12/2024 the story is exactly 2024's.

The map the story was told on ended on 01/07/2025 (REORG_DAY: two levels of local government, Quảng Nam
merged into Đà Nẵng city, communes merged). A demo day from then on tells the 2024 story where it happened:
in 2024 (shift 0), on the old units, recorded up to the eve of the reorganisation (`story_told()`, which the
load_demo command puts around the story's steps); the reorganisation and a current movement on the new units
follow, on the clock outside that context (`d()` moves the plan's dates into the current movement's year,
never before the new units opened: `current_offset()`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from . import dates

STORY_YEAR = 2024  # the year of Plan 199/KH-MTTQ-BTT
PLAN_DAY = (3, 14)  # before the year's plan is issued, the demo tells the previous year's movement
ENV_VAR = "CHUNGTAY_DEMO_DAY"

REORG_DAY = dt.date(2025, 7, 1)  # Law 72/2025/QH15, Resolution 202/2025/QH15: the new map is in force

_fixed: dt.date | None = None
# While the 2024 story is told after the reorganisation: (its last day, its shift).
_story: tuple[dt.date, int] | None = None


def parse_day(text: str) -> dt.date:
    """A fixed demo day from YYYY-MM-DD; it may not be after today (nothing has happened there yet)."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"Ngày “{text}” không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2026-05-20.") from exc
    if day > dates.today():
        raise ValueError(f"Ngày {dates.format_date(day)} còn ở tương lai: dữ liệu mẫu chỉ dựng đến hôm nay.")
    return day


def demo_day() -> dt.date:
    """The day the demo stands on: the fixed day if one is set, else today."""
    if _fixed is not None:
        return _fixed
    raw = os.environ.get(ENV_VAR, "").strip()
    return parse_day(raw) if raw else dates.today()


@contextmanager
def fixed(day: dt.date | None) -> Iterator[None]:
    """Load the demo as of `day` (None: leave the clock as it is)."""
    global _fixed
    previous, _fixed = _fixed, day if day is not None else _fixed
    try:
        yield
    finally:
        _fixed = previous


def after_reorganisation(day: dt.date | None = None) -> bool:
    """Does the demo stand on the new map (on or after 01/07/2025)?"""
    return (day or demo_day()) >= REORG_DAY


@contextmanager
def story_told() -> Iterator[None]:
    """Tell the 2024 story: on a demo day on the new map, exactly in 2024 (shift 0) and only up to the eve of
    the reorganisation (nothing is recorded on the old units after they closed); before it, as always."""
    global _story
    previous = _story
    if after_reorganisation():
        _story = (REORG_DAY - dt.timedelta(days=1), 0)
    try:
        yield
    finally:
        _story = previous


def story_day() -> dt.date:
    """The last day recorded by the steps now running: the demo's day, or the eve of the reorganisation
    while the 2024 story is told after it."""
    return _story[0] if _story is not None else demo_day()


def shift(day: dt.date | None = None) -> int:
    """Whole years between the 2024 story and the movement under way (or being evaluated) on `day`."""
    if day is None and _story is not None:
        return _story[1]
    day = day or demo_day()
    year = day.year if (day.month, day.day) >= PLAN_DAY else day.year - 1
    return year - STORY_YEAR


def current_offset() -> dt.timedelta:
    """Outside the 2024 story, a movement of 2025 would start in March on units that opened in July: its
    dates are moved on to start two weeks after the reorganisation. Later years need no offset."""
    if _story is not None or not after_reorganisation():
        return dt.timedelta(0)
    starts = dt.date(STORY_YEAR + shift(), *PLAN_DAY)
    return max(dt.timedelta(0), REORG_DAY + dt.timedelta(days=13) - starts)


def story_year() -> int:
    return STORY_YEAR + shift()


def d(year: int, month: int, day: int) -> dt.date:
    """A date of the 2024 story, moved to the demo's year (29/02 becomes 28/02 in a common year)."""
    year += shift()
    try:
        moved = dt.date(year, month, day)
    except ValueError:
        moved = dt.date(year, month, day - 1)
    return moved + current_offset()


def happened(day: dt.date) -> bool:
    return day <= story_day()


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """An aware moment on `day`, in the project's time zone."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
