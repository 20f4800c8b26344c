from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import StyledFormMixin, UnitChoiceField
from chungtay.core.models import DocumentKind
from chungtay.orgunits import pickers
from chungtay.orgunits.forms import DATE_WIDGET
from chungtay.orgunits.models import Level
from chungtay.orgunits.pickers import UnitCascade

from .models import (
    METRIC_KEYS,
    ActivityKind,
    ActivityLevel,
    CriterionKind,
    GoodModelField,
    LegalKind,
    MilestoneKind,
    Recurrence,
    TrainingKind,
)
from .services import REPORT_KINDS

if TYPE_CHECKING:
    from chungtay.orgunits.models import MemberOrganisation, OrgUnit

    from .models import Criterion

LEVEL_CHOICES = [(Level.DISTRICT.value, _("Cấp thị xã (huyện)")), (Level.COMMUNE.value, _("Cấp xã, phường")),
                 (Level.AREA.value, _("Khu dân cư"))]  # fmt: skip
FILE_HELP = _("PDF, DOCX, XLSX, JPEG hoặc PNG; tối đa 20 MB.")
FILE_ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


class MonthField(forms.CharField):
    """A month as offices write it, "12/2024", kept as the first day of that month."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%m/%Y") if isinstance(value, dt.date) else value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{4})\s*", value)
        if not match or not 1 <= int(match.group(1)) <= 12:
            raise forms.ValidationError(_("Ghi tháng theo dạng mm/yyyy, ví dụ 12/2024."))
        return dt.date(int(match.group(2)), int(match.group(1)), 1)


def file_field(label: Any, *, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


class MovementForm(StyledFormMixin, forms.Form):
    symbol = forms.CharField(label=_("Số, ký hiệu kế hoạch"), max_length=60, help_text=_("Ví dụ: 199/KH-MTTQ-BTT"))
    # A province, district or commune the office manages; level by level past a few hundred (orgunits.pickers).
    issuing_unit: forms.ModelChoiceField[OrgUnit] = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"), queryset=None, empty_label=None, widget=UnitCascade(level=Level.COMMUNE, mixed=True)
    )
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Tên phong trào"), max_length=300)
    theme = forms.CharField(label=_("Chủ đề"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    purposes = forms.CharField(
        label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text=_("Văn bản thường; mỗi ý một dòng bắt đầu bằng dấu “-”."),
    )  # fmt: skip
    requirements = forms.CharField(label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    content = forms.CharField(label=_("Nội dung thi đua"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    starts_on = forms.DateField(label=_("Triển khai từ ngày"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET)
    review_month = MonthField(label=_("Tháng tổng kết, bình xét"))
    registration_deadline = forms.DateField(label=_("Hạn đăng ký thi đua"), widget=DATE_WIDGET, required=False)
    signer = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    file = file_field(_("Kế hoạch đã ký (tệp)"), required=False)

    def __init__(
        self, *args: Any, units: Any, picker_url: str | None = None, roots: list[OrgUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issuing_unit"]).queryset = units
        self.fields["issuing_unit"].label_from_instance = lambda u: u.committee_title  # type: ignore[attr-defined]
        pickers.wire(self.fields["issuing_unit"], picker_url, roots)


class PlanFileForm(StyledFormMixin, forms.Form):
    file = file_field(_("Tệp kế hoạch đã ký"))


class LegalReferenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=LegalKind.choices)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET, required=False)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(StyledFormMixin, forms.Form):
    parent = forms.ChoiceField(label=_("Thuộc nhóm"), required=False)
    code = forms.CharField(label=_("Mã"), max_length=30, help_text=_("Ví dụ: 3.2.1 cho nhóm, 3.2.1.a cho tiêu chí."))
    title = forms.CharField(label=_("Nội dung tiêu chí"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Loại"), choices=CriterionKind.choices)
    max_points = forms.DecimalField(label=_("Điểm tối đa"), min_value=Decimal(0), max_digits=6, decimal_places=2,
                                    initial=0, required=False)  # fmt: skip
    metric_key = forms.ChoiceField(
        label=_("Chỉ số tính tự động"), required=False,
        choices=[("", _("— không —")), *METRIC_KEYS.items()],
        help_text=_("Chỉ dùng cho tiêu chí tính từ số liệu."),
    )  # fmt: skip
    evidence_kinds = forms.MultipleChoiceField(
        label=_("Minh chứng cần có"), required=False, choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, groups: list[Any] | None = None, with_parent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_parent:
            cast(forms.ChoiceField, self.fields["parent"]).choices = [("", _("— cấp cao nhất —"))] + [
                (g.code, f"{g.code}. {g.title[:70]}") for g in groups or []
            ]
        else:
            del self.fields["parent"]
        self.fields["evidence_kinds"].widget.attrs["class"] = (
            "me-1"  # a plain checkbox inside its label; .form-check-input needs a wrapper
        )

    def clean_max_points(self) -> Decimal:
        return self.cleaned_data.get("max_points") or Decimal(0)


class AddLevelForm(StyledFormMixin, forms.Form):
    level = forms.TypedChoiceField(label=_("Cấp"), choices=LEVEL_CHOICES, coerce=int)


class MilestoneForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại việc"), choices=MilestoneKind.choices)
    title = forms.CharField(label=_("Tên việc (nếu khác loại việc)"), max_length=200, required=False)
    level = forms.TypedChoiceField(label=_("Áp dụng cho cấp"), choices=LEVEL_CHOICES, coerce=int,
                                   initial=Level.COMMUNE.value)  # fmt: skip
    due_on = forms.DateField(label=_("Hạn (lần đầu)"), widget=DATE_WIDGET)
    recurrence = forms.ChoiceField(label=_("Lặp lại"), choices=Recurrence.choices)
    until = forms.DateField(label=_("Lặp đến ngày"), widget=DATE_WIDGET, required=False)


class CopyForm(StyledFormMixin, forms.Form):
    symbol = forms.CharField(label=_("Số, ký hiệu kế hoạch mới"), max_length=60)
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)


class RegisterForm(StyledFormMixin, forms.Form):
    commitments = forms.CharField(
        label=_("Nội dung đăng ký, cam kết thi đua"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Các chỉ tiêu, việc làm cụ thể đơn vị cam kết thực hiện."),
    )  # fmt: skip
    individuals = forms.CharField(
        label=_("Cá nhân đăng ký thi đua"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Mỗi dòng một người: họ tên — chức vụ."),
    )  # fmt: skip


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET, required=False)
    file = file_field(_("Tệp"))


class ReportForm(DocumentForm):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=[(k, MilestoneKind(k).label) for k in REPORT_KINDS])

    field_order = ["kind", "title", "number", "issued_on", "file"]


class EvidenceForm(DocumentForm):
    criterion: forms.ModelChoiceField[Criterion] = forms.ModelChoiceField(label=_("Tiêu chí"), queryset=None)
    kind = forms.ChoiceField(label=_("Loại minh chứng"), choices=DocumentKind.choices)

    field_order = ["criterion", "kind", "title", "number", "issued_on", "file"]

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["criterion"]).queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: f"{c.code}. {c.title[:80]}"  # type: ignore[attr-defined]


class ActivityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại hoạt động"), choices=ActivityKind.choices)
    training_kind = forms.ChoiceField(
        label=_("Hình thức bồi dưỡng"), required=False, choices=[("", "—"), *TrainingKind.choices]
    )
    title = forms.CharField(label=_("Tên hoạt động"), max_length=300)
    held_on = forms.DateField(label=_("Ngày tổ chức"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    attendance = forms.IntegerField(label=_("Số người tham dự"), min_value=0, required=False)
    participants = forms.CharField(label=_("Thành phần tham dự"), widget=forms.Textarea(attrs={"rows": 2}),
                                   required=False)  # fmt: skip
    level = forms.ChoiceField(label=_("Cấp tổ chức"), required=False, choices=[("", "—"), *ActivityLevel.choices])
    member_org: forms.ModelChoiceField[MemberOrganisation] = forms.ModelChoiceField(
        label=_("Tổ chức thành viên thực hiện"), queryset=None, required=False,
        empty_label=_("— Ủy ban MTTQ, Ban Công tác Mặt trận —"),
        error_messages={"invalid_choice": _("Tổ chức đã chọn không thuộc đơn vị này.")},
    )  # fmt: skip
    note = forms.CharField(label=_("Nội dung, kết quả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    document_kind = forms.ChoiceField(label=_("Loại tài liệu kèm theo"), choices=DocumentKind.choices,
                                      initial=DocumentKind.MINUTES)  # fmt: skip
    file = file_field(_("Biên bản, nghị quyết, hình ảnh… (minh chứng)"), required=False)
    criteria: forms.ModelMultipleChoiceField[Criterion] = forms.ModelMultipleChoiceField(
        label=_("Minh chứng cho tiêu chí"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, criteria: Any, member_orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member_orgs is not None and member_orgs.exists():
            cast(forms.ModelChoiceField, self.fields["member_org"]).queryset = member_orgs
        else:
            del self.fields["member_org"]
        cast(forms.ModelChoiceField, self.fields["criteria"]).queryset = criteria
        self.fields["criteria"].label_from_instance = lambda c: f"{c.code}. {c.title[:80]}"  # type: ignore[attr-defined]
        self.fields["criteria"].widget.attrs["class"] = (
            "me-1"  # a plain checkbox inside its label; .form-check-input needs a wrapper
        )
        if not criteria.exists():
            del self.fields["criteria"]


class ActivityDocumentForm(DocumentForm):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=DocumentKind.choices)
    field_order = ["kind", "title", "number", "issued_on", "file"]


class ExcuseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do miễn"), max_length=300)


class GoodModelForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên mô hình, cách làm"), max_length=300)
    field = forms.ChoiceField(label=_("Lĩnh vực"), choices=GoodModelField.choices)
    description = forms.CharField(label=_("Mô tả cách làm và hiệu quả"), widget=forms.Textarea(attrs={"rows": 6}))
    photo = forms.FileField(
        label=_("Hình ảnh (JPEG, PNG)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )  # fmt: skip


class PhotoForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Hình ảnh (JPEG, PNG)"), widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"})
    )


class DecideForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Ý kiến"), max_length=300, required=False)


class ReplicateForm(StyledFormMixin, forms.Form):
    # A participant of any level the user acts for; level by level past a few hundred (orgunits.pickers).
    unit: forms.ModelChoiceField[OrgUnit] = UnitChoiceField(
        label=_("Đơn vị áp dụng"), queryset=None, widget=UnitCascade(mixed=True)
    )
    since = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(
        self, *args: Any, units: Any, picker_url: str | None = None, roots: list[OrgUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        pickers.wire(self.fields["unit"], picker_url, roots)


class ContestForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên cuộc thi"), max_length=300, initial=_("Cuộc thi “Cán bộ Mặt trận cơ sở giỏi”"))
    description = forms.CharField(label=_("Thể lệ, nội dung"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)  # fmt: skip
    file = file_field(_("Kế hoạch cuộc thi (tệp)"), required=False)


class RoundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên vòng thi"), max_length=150)
    held_on = forms.DateField(label=_("Ngày thi"), widget=DATE_WIDGET, required=False)
    max_score = forms.DecimalField(label=_("Điểm tối đa"), min_value=Decimal("0.01"), max_digits=6,
                                   decimal_places=2, initial=100)  # fmt: skip


class EntrantForm(StyledFormMixin, forms.Form):
    # A participant of any level the user acts for; level by level past a few hundred (orgunits.pickers).
    unit: forms.ModelChoiceField[OrgUnit] = UnitChoiceField(
        label=_("Đơn vị"), queryset=None, widget=UnitCascade(mixed=True)
    )
    person_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    def __init__(
        self, *args: Any, units: Any, picker_url: str | None = None, roots: list[OrgUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        pickers.wire(self.fields["unit"], picker_url, roots)
