from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from chungtay.core.text import fold


# knox ships no types, so the django-stubs plugin cannot see ApiToken.user's reverse manager (auth_token_set).
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. What they may see and do comes from their memberships (orgunits)."""

    full_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    full_name_folded = models.CharField(max_length=150, blank=True, db_index=True, editable=False)
    position = models.CharField(_("Chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("Số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = _("Người dùng")

    def save(self, *args, **kwargs):
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(AbstractAuthToken):
    """A REST API token (django-rest-knox, settings.KNOX_TOKEN_MODEL). Only the SHA-512 digest of the
    token is stored; it expires after settings.API_TOKEN_DAYS; a user may hold several (one per script
    or machine) and revokes them on the profile page. Made by accounts.services.token_issue."""

    # An id to name a token in URLs and the audit log; knox still looks tokens up by digest.
    # Annotated because knox's AbstractAuthToken is untyped, so the django-stubs plugin cannot infer them.
    id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    digest: models.CharField[str, str] = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name: models.CharField[str, str] = models.CharField(_("Tên"), max_length=100, blank=True)
    last_used: models.DateTimeField[dt.datetime | None, dt.datetime | None] = models.DateTimeField(
        _("Dùng lần cuối"), null=True, blank=True
    )
    # Issued after a TOTP code. A token without it stops working once its user comes to need the
    # second factor (a new role, or REQUIRE_2FA turned on), so a password alone never outlives that.
    second_factor: models.BooleanField[bool, bool] = models.BooleanField(_("Cấp sau xác thực hai lớp"), default=False)

    class Meta:
        verbose_name = _("Token API")
        verbose_name_plural = _("Token API")

    def __str__(self) -> str:
        return f"{self.name or 'Token API'} ({self.user})"
