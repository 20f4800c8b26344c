from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_CLASSES = {
    "none": "text-bg-light",
    "draft": "text-bg-secondary",
    "submitted": "text-bg-info",
    "returned": "text-bg-warning",
    "reviewed": "text-bg-primary",
    "approved": "text-bg-success",
}


@register.filter
def diem(value: Decimal | str | None) -> str:
    """Points the Vietnamese way: 98.50 → "98,5", 90.00 → "90"; None → "—"."""
    if value in (None, ""):
        return "—"
    number = Decimal(str(value))
    text = f"{number.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.simple_tag
def trang_thai_danh_gia(assessment) -> str:
    if assessment is None:
        return format_html('<span class="badge text-bg-light border">{}</span>', "Chưa tự đánh giá")
    css = STATUS_CLASSES.get(assessment.status, "text-bg-light")
    return format_html('<span class="badge {}">{}</span>', css, assessment.get_status_display())
