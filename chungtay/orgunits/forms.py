from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import StyledFormMixin

from .models import LEVEL_KINDS, Kind, Level, MemberOrgKind, OrgUnit, SuccessionKind
from .selectors import children_on

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class UnitForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Kind.choices)
    name = forms.CharField(label=_("Tên"), max_length=200)
    code = forms.CharField(label=_("Mã hành chính"), max_length=20, required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_WIDGET, initial="01/01/2000")
    valid_to = forms.DateField(label=_("Hiệu lực đến"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, level: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = LEVEL_KINDS[level]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(v, lbl) for v, lbl in Kind.choices if v in allowed]
        self.level = level


class SuccessionForm(StyledFormMixin, forms.Form):
    predecessors = forms.ModelMultipleChoiceField(
        label=_("Các đơn vị cũ"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=SuccessionKind.choices)
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Căn cứ (số, ngày văn bản)"), max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["predecessors"]).queryset = candidates


class MemberOrgForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=MemberOrgKind.choices)
    name = forms.CharField(label=_("Tên tổ chức"), max_length=200)
    head_name = forms.CharField(label=_("Người đứng đầu"), max_length=150, required=False)
    members_count = forms.IntegerField(label=_("Số hội viên"), min_value=0, required=False)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách đơn vị (CSV hoặc Excel)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def level_for_child(parent: OrgUnit) -> int:
    """The level of a new child: that of the children the unit already has in force (a city of the
    two-level government has communes directly), else the next level down."""
    existing = children_on(parent).order_by("level").values_list("level", flat=True).first()
    return existing if existing is not None else min(parent.level + 1, Level.AREA)
