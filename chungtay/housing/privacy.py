"""Personal data of supported households (Law 91/2025/QH15 on personal data protection).

- Consent: `Household.consent_purpose` / `consent_on` record what the family agreed to.
- Access log: every time someone is shown a household's private fields, a PrivateDataAccess row.
- Export on request: everything held about one household, as JSON.
- Erasure on request (or when the retention period ends): private fields cleared, the name reduced
  to its masked form, photos deleted, and the same values scrubbed from the audit log. Money records
  stay (they are public-finance records) but point at the household code only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.text import mask_name

from .models import Household, Photo, PrivateDataAccess, Status

PRIVATE_FIELDS = ("citizen_id", "phone", "address_detail", "health_note")
SCRUBBED = "[đã xoá]"


def log_private_view(
    *, user: Any, households: list[Household], path: str, fields: tuple[str, ...] = PRIVATE_FIELDS
) -> None:
    if not user.is_authenticated or not households:
        return
    PrivateDataAccess.objects.bulk_create(
        [PrivateDataAccess(user=user, household=h, fields=",".join(fields), path=path[:300]) for h in households]
    )


def export_person(household: Household) -> dict[str, Any]:
    """Everything the system holds about one household, for a request from the person."""
    h = household
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "household": {
            "code": h.code,
            "area": h.area.title,
            "head_name": h.head_name,
            "gender": h.gender,
            "birth_year": h.birth_year,
            "citizen_id": h.citizen_id,
            "phone": h.phone,
            "address_detail": h.address_detail,
            "health_note": h.health_note,
            "category": h.category,
            "support_kind": h.support_kind,
            "phase_year": h.phase_year,
            "decision_number": h.decision_number,
            "decision_date": h.decision_date.isoformat(),
            "state_support": h.state_support,
            "lat": str(h.lat) if h.lat is not None else None,
            "lon": str(h.lon) if h.lon is not None else None,
            "photo_consent": h.photo_consent,
            "consent_purpose": h.consent_purpose,
            "consent_on": h.consent_on.isoformat() if h.consent_on else None,
            "status": h.status,
        },
        "funding_plan": [{"source": line.source, "amount": line.amount} for line in h.funding_lines.all()],
        "progress": [
            {
                "stage": u.stage,
                "date": u.date.isoformat(),
                "percent": u.percent,
                "note": u.note,
                "photos": [p.sha256 for p in u.photos.all()],
            }
            for u in h.updates.order_by("date", "id").prefetch_related("photos")
        ],
        "complaints": [
            {"kind": c.kind, "received_on": c.received_on.isoformat(), "status": c.status, "content": c.content}
            for c in h.complaints.all()
        ],
        "allocations": [
            {"date": a.date.isoformat(), "amount": a.amount, "decision": a.decision} for a in h.allocations.all()
        ],
        "disbursements": [
            {"date": d.date.isoformat(), "amount": d.amount, "voucher": d.voucher_number, "status": d.status}
            for d in h.disbursements.all()
        ],
        "private_data_views": [
            {"user": a.user.get_username(), "at": a.at.isoformat(), "fields": a.fields, "path": a.path}
            for a in h.private_accesses.select_related("user")[:1000]
        ],
    }
    return data


@transaction.atomic
def erase_person(*, actor: Any, household: Household, reason: str) -> Household:
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do xoá (yêu cầu của người dân, hết thời hạn lưu trữ…)."), field="reason")
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.erased_at is not None:
        raise DomainError(_("Dữ liệu cá nhân của hộ %(code)s đã được xoá trước đó.") % {"code": locked.code})
    old_values = [
        v for v in (locked.head_name, locked.citizen_id, locked.phone, locked.address_detail, locked.health_note) if v
    ]
    photos = list(Photo.objects.filter(update__household=locked))
    with as_actor(actor):
        for photo in photos:
            photo.file.delete(save=False)
            photo.delete()
        locked.head_name = mask_name(locked.head_name)
        locked.citizen_id = locked.phone = locked.address_detail = locked.health_note = ""
        locked.lat = locked.lon = None
        locked.photo_consent = False
        locked.erased_at = timezone.now()
        locked.note = (locked.note + f" | Xoá dữ liệu cá nhân: {reason.strip()}")[:250]
        locked.save()
    _scrub_audit_log(locked, old_values)
    return locked


def _scrub_audit_log(household: Household, values: list[str]) -> None:
    """The audit log keeps old values; erasure must reach them too (who/when/what-field stays)."""
    ct = ContentType.objects.get_for_model(Household)
    for entry in LogEntry.objects.filter(content_type=ct, object_id=household.pk):
        changes = entry.changes or {}
        text = entry.changes_text or ""
        for field, pair in list(changes.items()):
            if field in (*PRIVATE_FIELDS, "head_name", "head_name_folded", "lat", "lon"):
                changes[field] = [SCRUBBED if v not in (None, "", "None") else v for v in pair]
        for value in values:
            text = text.replace(value, SCRUBBED)
        LogEntry.objects.filter(pk=entry.pk).update(
            changes=changes,
            changes_text=text,
            object_repr=f"{household.code} — {household.head_name}",
            serialized_data=None,
        )


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    years = int(getattr(settings, "PERSONAL_DATA_RETENTION_YEARS", 5))
    today = today or timezone.localdate()
    return today.replace(year=today.year - years)


def purge_expired(*, actor: Any = None, today: dt.date | None = None) -> list[Household]:
    """Erase households finished (handed over or withdrawn) before the retention period."""
    cutoff = retention_cutoff(today)
    due = Household.objects.filter(
        status__in=[Status.HANDED_OVER, Status.WITHDRAWN], erased_at__isnull=True, updated_at__date__lt=cutoff
    )
    erased = []
    for household in due:
        erased.append(
            erase_person(actor=actor, household=household, reason=f"Hết thời hạn lưu trữ (trước {cutoff:%d/%m/%Y})")
        )
    return erased
