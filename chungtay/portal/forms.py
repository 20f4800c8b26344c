from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import DATE_INPUT, MoneyField, StyledFormMixin

from .public import PublicUnit, ReceiptFilters

MAX_AMOUNT = 10**15  # đồng: keeps a typo from overflowing the database's integer


class ReceiptFilterForm(StyledFormMixin, forms.Form):
    """Filters of the public ledger; every field is optional and every error names its field."""

    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    tu_ngay = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DATE_INPUT,
        error_messages={"invalid": _("Từ ngày: nhập theo dạng dd/mm/yyyy.")},
    )
    den_ngay = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DATE_INPUT,
        error_messages={"invalid": _("Đến ngày: nhập theo dạng dd/mm/yyyy.")},
    )
    tu_so_tien = MoneyField(label=_("Số tiền từ"), required=False, min_value=0)
    den_so_tien = MoneyField(label=_("Số tiền đến"), required=False, min_value=0)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", _("Đến ngày phải sau hoặc bằng từ ngày."))
        for name in ("tu_so_tien", "den_so_tien"):
            if (data.get(name) or 0) > MAX_AMOUNT:
                self.add_error(name, _("Số tiền quá lớn."))
                data[name] = None
        low, high = data.get("tu_so_tien"), data.get("den_so_tien")
        if low is not None and high is not None and low > high:
            self.add_error("den_so_tien", _("Số tiền đến phải lớn hơn hoặc bằng số tiền từ."))
        return data

    def filters(self, *, unit: PublicUnit | None = None) -> ReceiptFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReceiptFilters(
            query=data.get("q") or "",
            date_from=data.get("tu_ngay"),
            date_to=data.get("den_ngay"),
            amount_min=data.get("tu_so_tien"),
            amount_max=data.get("den_so_tien"),
            unit=unit,
        )
