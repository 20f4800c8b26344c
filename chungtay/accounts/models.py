from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from chungtay.core.text import fold


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships (orgunits)."""

    full_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    full_name_folded = models.CharField(max_length=150, blank=True, db_index=True, editable=False)
    position = models.CharField(_("Chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("Số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = _("Người dùng")

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
