"""Who is calling the API, and with what proof (issue 15 item 1). Both classes are the defaults in
settings.REST_FRAMEWORK, so no view has to remember them.

A token (django-rest-knox, model accounts.ApiToken) is sent as `Authorization: Token <token>`. It is
found by its digest, refused once expired or revoked, and its last use is recorded.

A browser session counts only once it has passed the second factor wherever the pages ask for one
(accounts.twofactor.needs_second_factor). Until then the API treats it as anonymous: public endpoints
still answer, and every other one refuses it with a 403 saying why (`exception_handler`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from chungtay.accounts.models import ApiToken
from chungtay.accounts.twofactor import API_UNVERIFIED_DETAIL, needs_second_factor

# Recording every use would write on every call; a minute is precise enough for "last used".
LAST_USED_RESOLUTION = timedelta(minutes=1)
_SECOND_FACTOR_MISSING = "chungtay_second_factor_missing"


class SecondFactorRequired(PermissionDenied):
    default_detail = API_UNVERIFIED_DETAIL
    default_code = "second_factor_required"


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes) -> tuple[Any, ApiToken]:
        try:
            user, auth_token = super().authenticate_credentials(token)
        except (AuthenticationFailed, UnicodeDecodeError) as exc:
            raise AuthenticationFailed("Token không đúng, đã hết hạn hoặc đã bị thu hồi.") from exc
        if not auth_token.second_factor and needs_second_factor(user):
            raise AuthenticationFailed(
                "Token này được cấp khi tài khoản chưa cần xác thực hai lớp; hãy tạo token mới (kèm mã xác thực)."
            )
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used > LAST_USED_RESOLUTION:
            # update(), not save(): a use is not a change for the audit log.
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token


class TwoFactorSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = getattr(request._request, "user", None)
        if user is not None and user.is_active and needs_second_factor(user):
            # OTPMiddleware gives the session's user is_verified(); without it nothing is verified.
            verified = getattr(user, "is_verified", None)
            if not (callable(verified) and verified()):
                setattr(request._request, _SECOND_FACTOR_MISSING, True)
                return None
        return super().authenticate(request)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, except that "not signed in" becomes the 403 above for a half-signed-in session."""
    # Imported here: rest_framework.views imports this module for its default authentication classes.
    from rest_framework.views import exception_handler as drf_exception_handler

    request = context.get("request")
    if isinstance(exc, NotAuthenticated) and getattr(getattr(request, "_request", None), _SECOND_FACTOR_MISSING, False):
        exc = SecondFactorRequired()
    return drf_exception_handler(exc, context)


# --- How the OpenAPI schema names them --------------------------------------------------------
class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "chungtay.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )


class TwoFactorSessionScheme(SessionScheme):
    target_class = "chungtay.api.authentication.TwoFactorSessionAuthentication"
