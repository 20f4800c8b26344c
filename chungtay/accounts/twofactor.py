"""Two-factor sign-in (TOTP, django-otp) for the roles that approve and manage: admin, office, board.

After the password, such a user must enter a 6-digit code from an authenticator app. The first
time, they scan a QR code to pair the app. Until then only the pairing, code and sign-out pages
answer; everything else redirects there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from chungtay.core.access import rule_for, user_roles
from chungtay.core.forms import StyledFormMixin

ALLOWED_WHILE_UNVERIFIED = {"accounts:otp_setup", "accounts:otp_verify", "accounts:logout", "set_language", "healthz"}
API_UNVERIFIED_DETAIL = (
    "Phiên đăng nhập chưa qua bước xác thực hai lớp: hãy nhập mã từ ứng dụng xác thực trên trang web rồi thử lại."
)


def needs_second_factor(user: Any) -> bool:
    if not getattr(settings, "REQUIRE_2FA", False) or not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_roles(user) & set(settings.TWO_FACTOR_ROLES))


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        user = request.user
        if not needs_second_factor(user) or user.is_verified():  # type: ignore[union-attr]
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALLOWED_WHILE_UNVERIFIED:
            return None
        if name.startswith("api:"):
            return _api_while_unverified(request, name)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return redirect("accounts:otp_verify" if has_device else "accounts:otp_setup")


def _api_while_unverified(request: HttpRequest, name: str) -> HttpResponse | None:
    """API calls get JSON, never the code page. Public endpoints answer as they would anyone; a call
    carrying its own credentials (a token) is judged by DRF on those alone; any other call is refused
    here, as chungtay.api.authentication refuses it inside DRF too."""
    rule = rule_for(name)
    if (rule is not None and rule.kind == "public") or "Authorization" in request.headers:
        return None
    return JsonResponse({"detail": API_UNVERIFIED_DETAIL}, status=403)


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("Mã xác thực (6 chữ số)"), regex=r"^\d{6}$",
        error_messages={"invalid": _("Mã gồm đúng 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )  # fmt: skip


def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Đã bật xác thực hai lớp.")
            return redirect("dashboard")
        form.add_error("code", "Mã không đúng hoặc đã hết hạn; hãy nhập mã mới trên ứng dụng.")
    import segno

    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    secret = device.bin_key.hex()
    return render(request, "accounts/otp_setup.html", {"form": form, "qr": qr, "secret": secret})


def otp_verify(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(request.GET.get("next") or "dashboard")
        form.add_error("code", "Mã không đúng hoặc đã hết hạn.")
    return render(request, "accounts/otp_verify.html", {"form": form})
