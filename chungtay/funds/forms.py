from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import DATE_INPUT, MoneyField, StyledFormMixin, UnitChoiceField
from chungtay.orgunits import pickers
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import FundCascade, Offer, UnitCascade

from .models import Channel, Designation, DonorKind, Fund, FundKind, Source, SourceKind


def fund_label(fund: Fund) -> str:
    return f"{fund.name} — {fund.unit.title}"


def source_label(source: Source) -> str:
    return f"{source.name} ({source.get_kind_display()})"


class FundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Fund) -> str:
        return fund_label(obj)


class FundForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại quỹ"), choices=FundKind.choices)
    name = forms.CharField(label=_("Tên quỹ"), max_length=200)
    code = forms.SlugField(label=_("Mã quỹ (viết liền, không dấu)"), max_length=30)
    bank_name = forms.CharField(label=_("Ngân hàng"), max_length=120, required=False)
    bank_bin = forms.CharField(label=_("Mã BIN ngân hàng (6 số)"), max_length=6, required=False)
    account_number = forms.CharField(label=_("Số tài khoản"), max_length=30, required=False)
    account_name = forms.CharField(label=_("Tên tài khoản"), max_length=120, required=False)


class SourceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại nguồn"), choices=SourceKind.choices)
    name = forms.CharField(label=_("Tên nguồn"), max_length=200)


class ReceiptForm(StyledFormMixin, forms.Form):
    donor_name = forms.CharField(label=_("Tên nhà hảo tâm"), max_length=200)
    donor_kind = forms.ChoiceField(label=_("Loại nhà hảo tâm"), choices=DonorKind.choices)
    anonymous = forms.BooleanField(label=_("Ẩn danh khi công khai"), required=False)
    amount = MoneyField(label=_("Số tiền (đồng)"))
    received_on = forms.DateField(label=_("Ngày nhận"), widget=DATE_INPUT)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=Channel.choices)
    receipt_number = forms.CharField(label=_("Số biên lai (tiền mặt)"), max_length=40, required=False)
    bank_ref = forms.CharField(label=_("Số tham chiếu (chuyển khoản)"), max_length=80, required=False)
    designation = forms.ChoiceField(label=_("Mục đích ủng hộ"), choices=Designation.choices)
    # The fund's unit or a unit below it down to the communes; level by level past a few hundred (orgunits.pickers).
    designated_unit = UnitChoiceField(
        label=_("Đơn vị được ủng hộ"), queryset=OrgUnit.objects.none(), required=False, empty_label="—",
        widget=UnitCascade(level=Level.COMMUNE, mixed=True),
    )  # fmt: skip
    household_code = forms.CharField(label=_("Mã hộ được ủng hộ"), max_length=40, required=False)
    memo = forms.CharField(label=_("Nội dung"), max_length=500, required=False)

    def __init__(self, *args, units=None, picker_url=None, roots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["designated_unit"])
        field.queryset = OrgUnit.objects.none() if units is None else units
        pickers.wire(field, picker_url, roots)


class PledgeForm(StyledFormMixin, forms.Form):
    donor_name = forms.CharField(label=_("Tên nhà hảo tâm"), max_length=200)
    donor_kind = forms.ChoiceField(label=_("Loại nhà hảo tâm"), choices=DonorKind.choices)
    amount = MoneyField(label=_("Số tiền cam kết (đồng)"))
    pledged_on = forms.DateField(label=_("Ngày cam kết"), widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Hạn thực hiện"), widget=DATE_INPUT, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class TransferForm(StyledFormMixin, forms.Form):
    # Past a few hundred funds, the unit first, then its funds and its children's (orgunits.pickers).
    to_fund = FundChoiceField(label=_("Chuyển đến quỹ"), queryset=Fund.objects.none(), widget=FundCascade)
    amount = MoneyField(label=_("Số tiền (đồng)"))
    date = forms.DateField(label=_("Ngày"), widget=DATE_INPUT)
    decision = forms.CharField(label=_("Căn cứ (số, ngày quyết định)"), max_length=200, required=False)

    def __init__(self, *args, funds=None, picker_url=None, roots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["to_fund"])
        field.queryset = funds = Fund.objects.none() if funds is None else funds
        field.empty_label = None
        cast(FundCascade, field.widget).offer(Offer("", funds, fund_label))
        pickers.wire(field, picker_url, roots)


class AllocationForm(StyledFormMixin, forms.Form):
    # A fund ("fund:<id>") or a source ("source:<id>"); past a few hundred, the unit first (orgunits.pickers).
    origin = forms.CharField(label=_("Nguồn"), widget=FundCascade)
    household_code = forms.CharField(label=_("Mã hộ"), max_length=40)
    amount = MoneyField(label=_("Số tiền (đồng)"))
    date = forms.DateField(label=_("Ngày"), widget=DATE_INPUT)
    decision = forms.CharField(label=_("Quyết định phân bổ (số, ngày)"), max_length=200)
    override_reason = forms.CharField(
        label=_("Lý do cho phép vượt kế hoạch, định mức (chỉ người duyệt chi ghi)"), max_length=300, required=False
    )

    def __init__(self, *args, funds=None, sources=None, picker_url=None, roots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["origin"]
        cast(FundCascade, field.widget).offer(
            Offer("fund:", Fund.objects.none() if funds is None else funds, fund_label),
            Offer("source:", Source.objects.none() if sources is None else sources, source_label),
        )
        pickers.wire(field, picker_url, roots)

    def clean_origin(self) -> str:
        """One of the funds or sources offered, whether or not the page listed it."""
        value = self.cleaned_data["origin"]
        if cast(FundCascade, self.fields["origin"].widget).row_of(value) is None:
            raise forms.ValidationError(pickers.out_of_scope(self.fields["origin"].label))
        return value


class DisbursementForm(AllocationForm):
    voucher_number = forms.CharField(label=_("Số phiếu chi"), max_length=40)
    stage = forms.ChoiceField(label=_("Giai đoạn thi công được chi"))
    channel = forms.ChoiceField(label=_("Hình thức chi"), choices=Channel.choices, initial=Channel.CASH)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, stages=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = list(stages)
        del self.fields["decision"]
        del self.fields["override_reason"]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class StatementUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp sao kê (Excel, CSV hoặc PDF, như ngân hàng xuất)"))


class ReconcileForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("Xử lý"),
        choices=[("receipt", _("Ghi nhận là khoản ủng hộ")), ("ignore", _("Không phải khoản ủng hộ"))],
    )
    donor_name = forms.CharField(label=_("Tên nhà hảo tâm"), max_length=200, required=False)
    designation = forms.ChoiceField(label=_("Mục đích"), choices=Designation.choices)
    household_code = forms.CharField(label=_("Mã hộ (nếu ủng hộ một hộ)"), max_length=40, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class QrForm(StyledFormMixin, forms.Form):
    target = forms.CharField(label=_("Ủng hộ cho (mã đơn vị hoặc mã hộ, để trống nếu ủng hộ chung)"), required=False)
    amount = MoneyField(label=_("Số tiền gợi ý (không bắt buộc)"), required=False)
