"""Two-factor sign-in (TOTP, django-otp) for the roles that approve and manage: admin, office, board.

After the password, such a user must enter a 6-digit code from an authenticator app. The first
time, they scan a QR code to pair the app. Until then only the pairing, code and sign-out pages
answer; everything else redirects there.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from chungtay.core.access import rule_for, user_roles
from chungtay.core.forms import StyledFormMixin
from chungtay.core.redirects import safe_next

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
        target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
        if has_device and request.method == "GET":
            # Back to the page asked for once the code is in (otp_verify checks `next` with safe_next).
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


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
        if _code_accepted(request, device, form):
            signed_in_fully(user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("dashboard")
        if getattr(request, "axes_locked_out", False):
            return _sign_out_locked(request)
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
        if _code_accepted(request, device, form):
            signed_in_fully(request.user)
            otp_login(request, device)
            return redirect(safe_next(request, "dashboard"))
        if getattr(request, "axes_locked_out", False):
            return _sign_out_locked(request)
    return render(request, "accounts/otp_verify.html", {"form": form})


def _code_accepted(request: HttpRequest, device: TOTPDevice, form: CodeForm) -> bool:
    """Whether the form's code signs the user in; if not, the form carries the reason."""
    refusal = code_refusal(request, request.user, device, form.cleaned_data["code"])
    if refusal:
        form.add_error("code", refusal)
    return not refusal


def signed_in_fully(user: Any) -> None:
    """Every factor passed: only now do earlier failures stop counting. AXES_RESET_ON_SUCCESS is off,
    since a correct password alone would otherwise wipe the wrong codes before it, and someone who
    knows the password could guess codes for ever, AXES_FAILURE_LIMIT - 1 at a time."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


@receiver(user_logged_in)
def _password_was_enough(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if not needs_second_factor(user):
        signed_in_fully(user)


def code_refusal(request: HttpRequest, user: Any, device: TOTPDevice, code: str) -> str:
    """Check a TOTP code for `user`, the same way on every door (pages and /api/token/): "" when it
    is accepted, else the Vietnamese reason.

    A refused code counts twice. Towards the device's back-off (django-otp's ThrottlingMixin: after n
    refusals in a row the next code is only checked OTP_TOTP_THROTTLE_FACTOR * 2**(n-1) seconds
    later), and towards the account lockout as a failed sign-in: django-axes hears Django's
    `user_login_failed` exactly as for a wrong password, so AXES_FAILURE_LIMIT wrong passwords and
    codes together lock the account (and set `request.axes_locked_out`).
    """
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        # Locked from another session or tab since this one passed the password step.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        return "Tài khoản đang bị tạm khóa vì nhập sai nhiều lần."
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        return ""
    if not allowed:
        # Not checked, yet still a guess: counted, so a burst of guesses cannot hide inside the wait.
        device.throttle_increment()
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    wait = _throttle_wait(device)
    if allowed:
        message = "Mã không đúng hoặc đã hết hạn."
    else:
        message = "Bạn đã nhập sai mã nhiều lần liên tiếp nên mã vừa nhập chưa được kiểm tra."
    if wait:
        message += f" Hãy chờ {wait} rồi nhập mã mới."
    return message


def _throttle_wait(device: TOTPDevice) -> str:
    """How long until the device checks codes again, in Vietnamese ("" when it does now)."""
    allowed, info = device.verify_is_allowed()
    until = None if allowed else (info or {}).get("locked_until")
    if until is None:
        return ""
    seconds = max(1, math.ceil((until - timezone.now()) / timedelta(seconds=1)))
    for unit, size in (("ngày", 86400), ("giờ", 3600), ("phút", 60)):
        if seconds >= 2 * size:
            return f"{math.ceil(seconds / size)} {unit}"
    return f"{seconds} giây"


def _sign_out_locked(request: HttpRequest) -> HttpResponse:
    """End the half-signed-in session of a user axes has just locked out, as a password lockout leaves none.

    AxesMiddleware turns the response into the lockout page (429), the same page a locked password gets.
    """
    logout(request)
    return redirect("accounts:login")
