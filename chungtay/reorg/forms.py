from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import DATE_INPUT
from chungtay.orgunits.models import Level


class ReorganisationForm(forms.Form):
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE_INPUT, input_formats=["%d/%m/%Y"])
    number = forms.CharField(label=_("Số nghị quyết, quyết định"), max_length=100)
    title = forms.CharField(label=_("Trích yếu"), max_length=300, required=False)
    remove_district = forms.BooleanField(
        label=_("Bỏ cấp huyện (xã, phường trực thuộc thẳng tỉnh, thành phố)"), required=False, initial=True
    )
    file = forms.FileField(label=_("Tệp phương án (CSV, Excel)"), required=False)
    text = forms.CharField(
        label=_("Hoặc gõ phương án (CSV, dòng đầu là tiêu đề)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Chọn tệp phương án hoặc gõ phương án vào ô."))
        return data

    def removed_levels(self) -> list[int]:
        return [int(Level.DISTRICT)] if self.cleaned_data.get("remove_district") else []
