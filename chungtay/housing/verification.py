"""Confirming a construction stage: a second person checks what the reporter said."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.core.access import has_perm
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError

from .models import ProgressUpdate


@transaction.atomic
def progress_verify(*, actor, update: ProgressUpdate) -> ProgressUpdate:
    locked = ProgressUpdate.objects.select_for_update().select_related("household__area").get(pk=update.pk)
    if not has_perm(actor, "housing.edit", locked.household.area):
        raise DomainError(_("Bạn không có quyền xác nhận tiến độ của hộ này."))
    if locked.verified_at is not None:
        raise DomainError(_("Giai đoạn này đã được xác nhận."))
    if locked.reporter_id == actor.pk:
        raise DomainError(_("Người báo cáo không tự xác nhận giai đoạn của mình; cần một người khác."))
    with as_actor(actor):
        locked.verified_by, locked.verified_at = actor, timezone.now()
        locked.save(update_fields=["verified_by", "verified_at"])
    return locked
