from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core import dates
from chungtay.core.forms import DATE_INPUT, StyledFormMixin, UnitMultipleChoiceField
from chungtay.orgunits.models import OrgUnit

from .models import ReportKind


class UrgingNoticeForm(StyledFormMixin, forms.Form):
    units = UnitMultipleChoiceField(
        label=_("Đơn vị cần đôn đốc"), queryset=OrgUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    number = forms.CharField(label=_("Số, ký hiệu công văn"), max_length=60, initial="    /MTTQ-BTT")
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_INPUT, input_formats=["%d/%m/%Y"])
    deadline = forms.DateField(label=_("Hạn báo cáo kết quả"), widget=DATE_INPUT, input_formats=["%d/%m/%Y"])
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)

    def __init__(self, *args: Any, candidates: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UnitMultipleChoiceField, self.fields["units"]).queryset = OrgUnit.objects.filter(
            pk__in=[u.pk for u in candidates]
        ).order_by("path")
        self.fields["units"].widget.attrs["class"] = "form-check-input"


class ReviewForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(label=_("Số liệu đến ngày"), widget=DATE_INPUT, input_formats=["%d/%m/%Y"])
    number = forms.CharField(label=_("Số, ký hiệu báo cáo"), max_length=60, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)


class ExportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Bảng cần xuất"))
    as_of = forms.DateField(
        label=_("Số liệu đến ngày"), widget=DATE_INPUT, input_formats=["%d/%m/%Y"], required=False,
        help_text=_("Bỏ trống: đến hôm nay."),
    )  # fmt: skip

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReportKind.choices)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, labels[k]) for k in kinds]
        self.fields["as_of"].initial = dates.today()

    def clean_as_of(self) -> dt.date:
        day = self.cleaned_data.get("as_of") or dates.today()
        if day > dates.today():
            raise forms.ValidationError(
                _("Chưa có số liệu của ngày %(day)s: số liệu chỉ tính đến hôm nay.") % {"day": f"{day:%d/%m/%Y}"}
            )
        return day


class ContactChannelForm(StyledFormMixin, forms.Form):
    CHOICES = [
        ("email", _("Thư điện tử")),
        ("sms", _("Tin nhắn SMS")),
        ("zalo", _("Zalo (tin nhắn của Official Account Mặt trận)")),
        ("app", _("Chỉ xem trên hệ thống, không nhận tin")),
    ]
    channel = forms.ChoiceField(label=_("Nhận nhắc việc hằng ngày qua"), choices=CHOICES, widget=forms.RadioSelect)
    phone = forms.CharField(
        label=_("Số điện thoại nhận tin"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Dùng cho SMS và Zalo; số Zalo là số điện thoại đăng ký Zalo."),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("Tôi đồng ý nhận tin nhắc việc của hệ thống Chung Tay qua số điện thoại này (tối đa một tin mỗi ngày, "
                "không gửi từ 21 giờ đến 7 giờ; ngừng nhận bất cứ lúc nào bằng đường dẫn trong tin)."),
        required=False,
    )  # fmt: skip
