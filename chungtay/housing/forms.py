from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import StyledFormMixin, UnitChoiceField
from chungtay.core.tabular import CellError, column_letter, parse_amount
from chungtay.orgunits import pickers
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import UnitCascade

from .imports import FIELD_LABELS, FIELDS
from .models import (
    Category,
    Channel,
    ComplaintKind,
    ComplaintStatus,
    Concerns,
    FundingSource,
    Gender,
    Household,
    Stage,
    Status,
    SupportKind,
)

if TYPE_CHECKING:
    from chungtay.accounts.models import User

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_INPUTS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class MoneyField(forms.CharField):
    """Whole đồng typed the Vietnamese way: 60.000.000 or 60000000."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "60.000.000"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            amount = parse_amount(text)
        except CellError as exc:
            raise forms.ValidationError(_("Số tiền không hợp lệ: %(e)s") % {"e": exc.message}) from None
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Số tiền không được âm."))
        return amount


class HouseholdForm(StyledFormMixin, forms.Form):
    # Chosen commune by commune when the user may choose among many areas (orgunits.pickers).
    area = UnitChoiceField(label=_("Khu dân cư"), queryset=OrgUnit.objects.none(), widget=UnitCascade)
    head_name = forms.CharField(label=_("Họ và tên chủ hộ"), max_length=150)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.IntegerField(label=_("Năm sinh"), min_value=1900, max_value=2100, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    address_detail = forms.CharField(label=_("Địa chỉ cụ thể"), max_length=250, required=False)
    health_note = forms.CharField(label=_("Ghi chú sức khỏe, hoàn cảnh"), max_length=250, required=False)
    category = forms.ChoiceField(label=_("Đối tượng"), choices=Category.choices)
    support_kind = forms.ChoiceField(label=_("Hình thức hỗ trợ"), choices=SupportKind.choices)
    phase_year = forms.IntegerField(label=_("Năm thực hiện (phân kỳ)"), min_value=2000, max_value=2100)
    decision_number = forms.CharField(label=_("Quyết định phê duyệt số"), max_length=60, initial="8584/QĐ-UBND")
    decision_date = forms.DateField(
        label=_("Ngày quyết định"), widget=DATE_WIDGET, input_formats=DATE_INPUTS, initial=dt.date(2023, 12, 20)
    )
    state_support = MoneyField(
        label=_("Kinh phí Nhà nước hỗ trợ (đồng)"), required=False, help_text=_("Bỏ trống để lấy theo mức hỗ trợ.")
    )
    override_reason = forms.CharField(
        label=_("Lý do khác mức hỗ trợ"), max_length=250, required=False, help_text=_("Bắt buộc khi kinh phí khác mức.")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=250, required=False)
    lat = forms.DecimalField(label=_("Vĩ độ"), max_digits=9, decimal_places=6, required=False)
    lon = forms.DecimalField(label=_("Kinh độ"), max_digits=9, decimal_places=6, required=False)
    photo_consent = forms.BooleanField(label=_("Hộ đồng ý công khai ảnh nhà"), required=False)

    def __init__(
        self, *args: Any, areas: Any, picker_url: str | None = None, roots: list[OrgUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["area"])
        field.queryset = areas
        pickers.wire(field, picker_url, roots)

    @staticmethod
    def initial_from(household: Household) -> dict[str, Any]:
        names = [
            "area", "head_name", "gender", "birth_year", "citizen_id", "phone", "address_detail", "health_note",
            "category", "support_kind", "phase_year", "decision_number", "decision_date", "override_reason",
            "note", "lat", "lon", "photo_consent",
        ]  # fmt: skip
        initial = {name: getattr(household, name) for name in names}
        initial["state_support"] = f"{household.state_support:,}".replace(",", ".")
        return initial


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do rút khỏi danh sách"), max_length=250)


class FundingLineForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("Nguồn"), choices=[c for c in FundingSource.choices if c[0] != FundingSource.STATE]
    )
    amount = MoneyField(label=_("Số tiền (đồng)"), help_text=_("Ghi 0 để bỏ nguồn này."))
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in items]


class ProgressForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Giai đoạn"), choices=Stage.choices)
    date = forms.DateField(label=_("Ngày"), widget=DATE_WIDGET, input_formats=DATE_INPUTS)
    percent = forms.IntegerField(
        label=_("Tỷ lệ hoàn thành (%)"), min_value=0, max_value=100, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}), help_text=_("Bỏ trống để lấy theo giai đoạn."),
    )  # fmt: skip
    photos = MultiplePhotoField(
        label=_("Ảnh hiện trường"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/*", "capture": "environment", "multiple": True, "data-button": _("Chọn ảnh…")}
        ),
        help_text=_("Chụp hoặc chọn ảnh; ảnh lớn sẽ được thu nhỏ. Giữ nguyên thời gian và vị trí chụp."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    don_vi = forms.IntegerField(required=False, widget=forms.HiddenInput)
    phase = forms.TypedChoiceField(label=_("Phân kỳ"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Đối tượng"), choices=[("", _("Mọi đối tượng")), *Category.choices], required=False
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["phase"]).choices = [("", _("Mọi năm")), *[(y, str(y)) for y in years]]


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách hộ (Excel .xlsx hoặc CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


class ImportMappingForm(StyledFormMixin, forms.Form):
    header_row = forms.IntegerField(label=_("Dòng tiêu đề bắt đầu ở dòng"), min_value=1)
    header_depth = forms.IntegerField(label=_("Số dòng tiêu đề"), min_value=1, max_value=5)
    decision_number = forms.CharField(label=_("Quyết định phê duyệt số"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET, input_formats=DATE_INPUTS)
    save_as = forms.CharField(
        label=_("Lưu cách chọn cột này với tên"), max_length=120, required=False,
        help_text=_("Để dùng lại cho lần nhập sau."),
    )  # fmt: skip

    def __init__(self, *args: Any, columns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— không có —"))] + [
            (str(i), f"{column_letter(i)}: {label or '(trống)'}") for i, label in columns
        ]
        for key in FIELDS:
            self.fields[f"col_{key}"] = forms.ChoiceField(label=FIELD_LABELS[key], choices=choices, required=False)
            self.fields[f"col_{key}"].widget.attrs.update({"class": "form-select form-select-sm", "data-field": key})

    def column_fields(self) -> list[Any]:
        return [self[f"col_{key}"] for key in FIELDS]

    def setting_fields(self) -> list[Any]:
        return [self[name] for name in ("header_row", "header_depth", "decision_number", "decision_date", "save_as")]

    def columns(self) -> dict[str, int | None]:
        return {
            key: (int(v) if (v := self.cleaned_data.get(f"col_{key}")) is not None and v != "" else None)
            for key in FIELDS
        }


class HouseholdField(forms.ModelChoiceField):
    """A household by its code: a select ("H0000002 — Khối phố 1 (Vĩnh Điện)") while there are a few to choose
    from, the code typed past that — a province's 15,735 households (a country's 334,000) are no list to
    choose from, and rendering them took 10 s (issue 22). Either way the code is looked up, without regard
    to case, in the form's queryset (the households in the user's scope)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Household.objects.none(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.area.full_title}"

    def to_python(self, value: Any) -> Household | None:
        if value in self.empty_values:
            return None
        found = self.queryset.filter(code__iexact=str(value).strip()).first()  # type: ignore[union-attr]
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return found

    def offer(self, households: Any) -> None:
        self.queryset = households
        if len(households[: pickers.FEW + 1]) > pickers.FEW:
            self.widget = forms.TextInput(
                attrs={"class": "form-control", "placeholder": "H0000002", "autocomplete": "off"}
            )
            self.help_text = _("Mã hộ, như trong danh sách hộ.")


class ComplaintForm(StyledFormMixin, forms.Form):
    # A province, district or commune; chosen level by level past a few hundred (orgunits.pickers).
    unit = UnitChoiceField(
        label=_("Đơn vị tiếp nhận"),
        queryset=OrgUnit.objects.none(),
        widget=UnitCascade(level=Level.COMMUNE, mixed=True),
    )
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=ComplaintKind.choices)
    received_on = forms.DateField(label=_("Ngày tiếp nhận"), widget=DATE_WIDGET, input_formats=DATE_INPUTS)
    channel = forms.ChoiceField(label=_("Hình thức tiếp nhận"), choices=Channel.choices)
    complainant_name = forms.CharField(label=_("Người gửi"), max_length=150)
    complainant_contact = forms.CharField(label=_("Địa chỉ, điện thoại người gửi"), max_length=250, required=False)
    concerns = forms.ChoiceField(label=_("Nội dung liên quan đến"), choices=Concerns.choices)
    household = HouseholdField(label=_("Hộ (nếu liên quan đến một hộ)"), required=False)
    fund_label = forms.CharField(label=_("Quỹ, nguồn (nếu liên quan đến quỹ)"), max_length=200, required=False)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self, *args: Any, units: Any, households: Any, picker_url: str | None = None,
        roots: list[OrgUnit] | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        pickers.wire(self.fields["unit"], picker_url, roots)
        cast(HouseholdField, self.fields["household"]).offer(households)


class ComplaintUpdateForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=ComplaintStatus.choices)
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Người được giao xử lý"), queryset=None, required=False
    )
    resolution = forms.CharField(
        label=_("Kết quả giải quyết"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resolved_on = forms.DateField(
        label=_("Ngày giải quyết"), widget=DATE_WIDGET, input_formats=DATE_INPUTS, required=False
    )

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = assignees


class ComplaintDocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    file = forms.FileField(label=_("Tệp (PDF, Word, Excel, ảnh)"))


class NormForm(StyledFormMixin, forms.Form):
    programme = forms.CharField(
        label=_("Chương trình"), max_length=200, initial="Xóa nhà tạm, nhà dột nát tỉnh Quảng Nam 2023–2025"
    )
    kind = forms.ChoiceField(label=_("Hình thức hỗ trợ"), choices=SupportKind.choices)
    amount = MoneyField(label=_("Mức hỗ trợ (đồng)"))
    categories = forms.MultipleChoiceField(
        label=_("Đối tượng áp dụng"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    area_group = forms.CharField(label=_("Nhóm địa bàn"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_WIDGET, input_formats=DATE_INPUTS)
    valid_to = forms.DateField(label=_("Hiệu lực đến"), widget=DATE_WIDGET, input_formats=DATE_INPUTS, required=False)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300, initial="Nghị quyết 13/2023/NQ-HĐND")
