"""The day a page's figures are asked for: `?ngay=dd/mm/yyyy`, today when absent, never after today.
A date helper every layer may use (it was figures.asof; domain pages below the catalogue read it too)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chungtay.core import dates


def as_of_from(value: str | None) -> tuple[dt.date, str]:
    """(the day, an error message or ""): a bad or future day falls back to today with a message."""
    today = dates.today()
    text = (value or "").strip()
    if not text:
        return today, ""
    try:
        day = dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return today, _("Ngày không hợp lệ: “%(value)s”. Nhập theo dạng ngày/tháng/năm, ví dụ %(example)s.") % {
            "value": text[:20],
            "example": f"{today:%d/%m/%Y}",
        }
    if day > today:
        return today, _("Chưa có số liệu của ngày %(day)s: số liệu chỉ tính đến hôm nay.") % {"day": f"{day:%d/%m/%Y}"}
    return day, ""
