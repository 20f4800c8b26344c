from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import DATE_INPUT, StyledFormMixin, UnitChoiceField, UnitMultipleChoiceField
from chungtay.core.models import DocumentKind
from chungtay.orgunits.models import OrgUnit
from chungtay.orgunits.pickers import UnitCascade

from .models import AwardForm, Band, Recipient, Source


class SettingsForm(StyledFormMixin, forms.Form):
    disagreement_margin = forms.DecimalField(
        label=_("Chênh lệch điểm chấm chéo cần lưu ý"), min_value=0, max_digits=6, decimal_places=2
    )
    tie_note = forms.CharField(label=_("Ghi chú thêm về xếp hạng"), required=False, widget=forms.Textarea({"rows": 2}))


class BandForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Xếp loại"), max_length=60)
    minimum = forms.DecimalField(label=_("Từ điểm"), min_value=0, max_digits=6, decimal_places=2)


class GroupForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên cụm thi đua"), max_length=150)
    units = UnitMultipleChoiceField(
        label=_("Đơn vị trong cụm"), queryset=OrgUnit.objects.none(), widget=forms.SelectMultiple({"size": 8})
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["units"]).queryset = (
            units if units is not None else OrgUnit.objects.none()
        )


class SourceForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Mã tiêu chí"), max_length=20, help_text=_("Ví dụ: 3.2.1.c, 3.2.3.a"))
    source = forms.ChoiceField(
        label=_("Lấy điểm từ"), choices=[("", _("Đơn vị tự chấm (bỏ nguồn)")), *Source.choices], required=False
    )


class ReportFieldForm(StyledFormMixin, forms.Form):
    label = forms.CharField(label=_("Số liệu"), max_length=200, help_text=_("Ví dụ: Số nhà khởi công trong tháng"))
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=30, initial="căn")


class ReturnForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Nội dung đơn vị cần bổ sung, chỉnh sửa"), widget=forms.Textarea({"rows": 3}))


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng (PDF, ảnh, Word, Excel)"))
    title = forms.CharField(label=_("Trích yếu"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=DocumentKind.choices, initial=DocumentKind.REPORT)


class RecusalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do không tham gia chấm"), max_length=300)


class ApproveForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Ý kiến của Ban Thường trực"), max_length=300, required=False)


class AwardFormForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Hình thức khen thưởng"), max_length=150, initial="Giấy khen")
    issuer = forms.CharField(label=_("Cấp khen thưởng"), max_length=200)
    recipient = forms.ChoiceField(label=_("Đối tượng"), choices=Recipient.choices)
    quota = forms.IntegerField(label=_("Số lượng tối đa"), min_value=1)
    minimum_band = forms.ModelChoiceField(label=_("Xếp loại tối thiểu"), queryset=Band.objects.none(), required=False)
    decided_here = forms.BooleanField(
        label=_("Thuộc thẩm quyền quyết định của Ban Thường trực"), required=False, initial=True
    )

    def __init__(self, *args: Any, movement: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["minimum_band"]).queryset = Band.objects.filter(movement=movement)


class ProposalForm(StyledFormMixin, forms.Form):
    award_form = forms.ModelChoiceField(label=_("Hình thức khen thưởng"), queryset=AwardForm.objects.none())
    # One of the movement's participants, of any level; level by level past a few hundred (orgunits.pickers).
    unit = UnitChoiceField(
        label=_("Đơn vị (tập thể, hoặc nơi cá nhân công tác)"), queryset=OrgUnit.objects.none(),
        widget=UnitCascade(mixed=True),
    )  # fmt: skip
    person_name = forms.CharField(label=_("Họ và tên cá nhân"), max_length=150, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    achievements = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea({"rows": 3}))

    def __init__(
        self, *args: Any, movement: Any = None, units: Any = None, picker_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["award_form"]).queryset = AwardForm.objects.filter(movement=movement)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        # The errors reach the page as messages that name the field already (views._form_messages).
        picker = cast(UnitCascade, self.fields["unit"].widget)
        picker.url, picker.roots = picker_url, [movement.issuing_unit] if movement is not None else []


class FromRankingForm(StyledFormMixin, forms.Form):
    award_form = forms.ModelChoiceField(
        label=_("Hình thức khen thưởng"), queryset=AwardForm.objects.none(), required=True
    )
    band = forms.ModelChoiceField(label=_("Chỉ đơn vị xếp loại"), queryset=Band.objects.none(), required=False)
    count = forms.IntegerField(label=_("Số đơn vị dẫn đầu"), min_value=1, initial=1)

    def __init__(self, *args: Any, movement: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["award_form"]).queryset = AwardForm.objects.filter(
            movement=movement, recipient=Recipient.COLLECTIVE
        )
        cast(forms.ModelChoiceField, self.fields["band"]).queryset = Band.objects.filter(movement=movement)


class MeetingForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Địa điểm"), max_length=200)
    chair = forms.CharField(label=_("Chủ trì"), max_length=150)
    secretary = forms.CharField(label=_("Thư ký"), max_length=150)
    attendees = forms.IntegerField(label=_("Số thành viên dự họp"), min_value=1)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2}))


class DecisionForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu quyết định"), max_length=60, initial="…/QĐ-MTTQ-BTT")
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_INPUT)
    memo_number = forms.CharField(label=_("Số tờ trình"), max_length=60, required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150)
    signer_title = forms.CharField(label=_("Quyền hạn ký"), max_length=100, initial="TM. BAN THƯỜNG TRỰC")
    signer_role = forms.CharField(label=_("Chức vụ người ký"), max_length=100, initial="CHỦ TỊCH")
