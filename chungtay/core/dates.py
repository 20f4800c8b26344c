"""Dates as Vietnamese offices write them: dd/mm/yyyy, in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def today() -> dt.date:
    """Today in the project's time zone (not the server's UTC date)."""
    return timezone.localdate()


def local_day(value: dt.datetime) -> dt.date:
    """The calendar day of a moment in Asia/Ho_Chi_Minh: an aware value read back from the database is
    in UTC, whose date is a day behind for the seven hours after local midnight. A naive value is taken
    as already local (a bank file's own clock)."""
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def vn_long_date(value: dt.date, place: str | None = None) -> str:
    """The dateline of an official document: "Điện Bàn, ngày 14 tháng 3 năm 2024"."""
    # Decree 30/2020, appendix I: a zero before days under 10 and before months 1 and 2 only.
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text
