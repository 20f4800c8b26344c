from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from chungtay.core.forms import StyledFormMixin, UnitChoiceField
from chungtay.orgunits import pickers
from chungtay.orgunits.models import OrgUnit, Role
from chungtay.orgunits.pickers import UnitCascade

# A role is given on a unit of any level, chosen level by level when the user manages many (orgunits.pickers).
UNIT_PICKER = UnitCascade(mixed=True)


class LoginForm(StyledFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khoá."),
    }


class UserCreateForm(StyledFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("Tên đăng nhập"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và . @ + - _")},
    )  # fmt: skip
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, min_length=8)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=OrgUnit.objects.none(), widget=UNIT_PICKER)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def __init__(self, *args, units, roles, picker_url=None, roots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        pickers.wire(self.fields["unit"], picker_url, roots)
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r, lbl) for r, lbl in Role.choices if r in roles]


class MembershipForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=OrgUnit.objects.none(), widget=UNIT_PICKER)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def __init__(self, *args, units, roles, picker_url=None, roots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        pickers.wire(self.fields["unit"], picker_url, roots)
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r, lbl) for r, lbl in Role.choices if r in roles]


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên token (để nhận ra, ví dụ “máy chủ báo cáo”)"), max_length=100, required=False)
