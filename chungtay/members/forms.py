"""Forms of in-kind contributions and member organisations' registrations; every message in Vietnamese."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chungtay.campaigns.forms import file_field
from chungtay.core.forms import DATE_INPUT, MoneyField, StyledFormMixin, UnitChoiceField
from chungtay.housing.forms import HouseholdField
from chungtay.orgunits.pickers import FundCascade, Offer, Option, UnitCascade
from chungtay.orgunits.selectors import ancestors

from .models import GiverKind, InKindKind

if TYPE_CHECKING:
    from chungtay.campaigns.models import Movement
    from chungtay.orgunits.models import MemberOrganisation, OrgUnit

DATE_INPUTS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_ERROR = {"invalid": _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy (ví dụ 05/11/2024).")}


class QuantityField(forms.CharField):
    """A quantity typed the Vietnamese way: "2,5" or "2.5" or "1.200" (thousands) → Decimal."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip().replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") == 1 and len(text.split(".")[1]) == 3:
            text = text.replace(".", "")  # 1.200 viên
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(f"Số lượng không hợp lệ: “{value}” (ví dụ 20 hoặc 2,5).") from exc
        if not number.is_finite() or number <= 0:
            raise forms.ValidationError("Số lượng phải lớn hơn 0.")
        return number


class MemberOrgCascade(FundCascade):
    """A member organisation chosen among many (a province has half a dozen in each of its communes): the unit
    first, then the organisations of that unit and of its children, as a fund is chosen (orgunits.pickers).
    The few at the units above the user's own (the ward's Hội Phụ nữ helps its areas) are offered at every
    step, since the cascade starts at the user's units and never goes above them."""

    def pairs(self, *, near: Q | None = None) -> list[Option]:
        if near is None:
            return super().pairs()
        above = {a.pk for root in self.roots for a in ancestors(root)}
        return super().pairs(near=near | Q(unit__pk__in=above))


def member_org_label(org: MemberOrganisation) -> str:
    return f"{org.name} — {org.unit.title}"


class InKindForm(StyledFormMixin, forms.Form):
    # A select while there are a few households, the code typed past that (housing.forms.HouseholdField); the
    # unit of any level, chosen level by level past a few hundred (orgunits.pickers). Issue 22.
    household = HouseholdField(
        label=_("Cho hộ"), required=False, empty_label=_("— Không cho riêng hộ nào —"),
        error_messages={"invalid_choice": _("Hộ đã chọn không có trong địa bàn của bạn.")},
    )  # fmt: skip
    unit: forms.ModelChoiceField[OrgUnit] = UnitChoiceField(
        label=_("Đơn vị nhận (khi không cho riêng một hộ)"), queryset=None, required=False,
        widget=UnitCascade(mixed=True),
        error_messages={"invalid_choice": _("Đơn vị đã chọn không thuộc phạm vi của bạn.")},
    )  # fmt: skip
    movement: forms.ModelChoiceField[Movement] = forms.ModelChoiceField(
        label=_("Trong phong trào"), queryset=None, required=False,
        error_messages={"invalid_choice": _("Phong trào đã chọn không có.")},
    )  # fmt: skip
    giver_kind = forms.ChoiceField(label=_("Bên đóng góp"), choices=GiverKind.choices,
                                   error_messages={"required": _("Chọn bên đóng góp.")})  # fmt: skip
    # The organisations working in the user's scope; the unit first past a few hundred (MemberOrgCascade).
    member_org: forms.ModelChoiceField[MemberOrganisation] = forms.ModelChoiceField(
        label=_("Tổ chức thành viên"), queryset=None, required=False, widget=MemberOrgCascade,
        error_messages={"invalid_choice": _("Tổ chức đã chọn không có.")},
    )  # fmt: skip
    giver_name = forms.CharField(label=_("Tên người, đơn vị đóng góp"), max_length=200, required=False,
                                 help_text=_("Nhà hảo tâm, doanh nghiệp hoặc “Nhân dân khối phố …”."))  # fmt: skip
    kind = forms.ChoiceField(label=_("Loại đóng góp"), choices=InKindKind.choices,
                             error_messages={"required": _("Chọn loại đóng góp.")})  # fmt: skip
    description = forms.CharField(
        label=_("Nội dung"), max_length=200, help_text=_("Ví dụ: xi măng PCB40, gạch ống, tôn lợp, công phụ hồ."),
        error_messages={"required": _("Ghi nội dung đóng góp.")},
    )  # fmt: skip
    quantity = QuantityField(label=_("Số lượng"), error_messages={"required": _("Ghi số lượng.")},
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "20"}))  # fmt: skip
    measure = forms.CharField(label=_("Đơn vị tính"), max_length=30, required=False,
                              help_text=_("bao, viên, tấm, m³ …; ngày công lao động tự ghi “ngày công”."))  # fmt: skip
    value = MoneyField(label=_("Giá trị quy đổi (đồng)"), min_value=0,
                       help_text=_("Giá trị đã thống nhất với bên đóng góp; không phải tiền mặt, không vào sổ quỹ."),
                       error_messages={"required": _("Ghi giá trị quy đổi (đồng).")})  # fmt: skip
    given_on = forms.DateField(label=_("Ngày đóng góp"), widget=DATE_INPUT, input_formats=DATE_INPUTS,
                               error_messages={**DATE_ERROR, "required": _("Ghi ngày đóng góp.")})  # fmt: skip
    evidence = file_field(_("Minh chứng (biên bản bàn giao, ảnh)"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(
        self, *args: Any, households: Any, units: Any, movements: Any, member_orgs: Any,
        picker_url: str | None = None, roots: list[OrgUnit] | None = None, org_picker_url: str | None = None,
        **kwargs: Any,
    ):  # fmt: skip
        super().__init__(*args, **kwargs)
        # A household is named with its area and the area's commune: many communes have a "Khối phố 1".
        cast(HouseholdField, self.fields["household"]).offer(households.select_related("area__parent"))
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(UnitCascade, self.fields["unit"].widget).url = picker_url
        cast(UnitCascade, self.fields["unit"].widget).roots = roots or []
        cast(forms.ModelChoiceField, self.fields["movement"]).queryset = movements
        orgs = cast(forms.ModelChoiceField, self.fields["member_org"])
        orgs.queryset = member_orgs
        orgs.label_from_instance = member_org_label  # type: ignore[method-assign,assignment]
        org_picker = cast(MemberOrgCascade, orgs.widget)
        org_picker.offer(Offer("", member_orgs, member_org_label), empty=str(orgs.empty_label))
        org_picker.url, org_picker.roots = org_picker_url, roots or []


class RegistrationForm(StyledFormMixin, forms.Form):
    commitments = forms.CharField(label=_("Nội dung đăng ký, cam kết"), widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages={"required": _("Ghi nội dung đăng ký, cam kết thi đua.")})  # fmt: skip
    registered_on = forms.DateField(label=_("Ngày đăng ký"), widget=DATE_INPUT, input_formats=DATE_INPUTS,
                                    error_messages={**DATE_ERROR, "required": _("Ghi ngày đăng ký.")})  # fmt: skip


class ResultsForm(StyledFormMixin, forms.Form):
    results = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Ghi kết quả thực hiện.")})  # fmt: skip
    results_on = forms.DateField(label=_("Tính đến ngày"), widget=DATE_INPUT, input_formats=DATE_INPUTS,
                                 error_messages={**DATE_ERROR, "required": _("Ghi ngày báo cáo kết quả.")})  # fmt: skip
