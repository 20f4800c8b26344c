"""Writes for housing support: typed, keyword-only, atomic, audited (django-auditlog via as_actor)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.accounts.models import User
from chungtay.core import dates
from chungtay.core.access import check_actor, closed_refusal, has_perm
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.money import format_vnd
from chungtay.core.text import nfc
from chungtay.core.uploads import IMAGE_KINDS, check_upload
from chungtay.orgunits.models import Level, OrgUnit

from . import photos as photo_lib
from .models import (
    DEFAULT_HANDLING_DAYS,
    OPEN_COMPLAINT,
    PHASE_MAX,
    PHASE_MIN,
    STAGE_ORDER,
    STAGE_PERCENT,
    STAGE_STATUS,
    Category,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Concerns,
    FundingPlanLine,
    FundingSource,
    Gender,
    HandlingTime,
    Household,
    Photo,
    ProgressUpdate,
    Stage,
    Status,
    SupportKind,
    SupportNorm,
)

MAX_PHOTOS_PER_UPDATE = 10
_CITIZEN_ID = re.compile(r"\d{12}|\d{9}")
_PHONE = re.compile(r"\+?\d{9,12}")


# --- Norms -----------------------------------------------------------------------------------
@transaction.atomic
def norm_create(
    *,
    actor: User | None,
    programme: str,
    kind: str,
    amount: int,
    categories: list[str],
    legal_basis: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    area_group: str = "",
) -> SupportNorm:
    check_actor(actor, "units.manage")  # a norm holds for the whole programme, not one unit
    if kind not in SupportKind.values:
        raise DomainError(_("Hình thức hỗ trợ không hợp lệ."), field="kind")
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("Mức hỗ trợ phải là số đồng lớn hơn 0."), field="amount")
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise DomainError(_("Đối tượng áp dụng không hợp lệ."), field="categories")
    if not nfc(legal_basis):
        raise DomainError(_("Cần ghi căn cứ pháp lý (số, ngày văn bản)."), field="legal_basis")
    if valid_to and valid_to < valid_from:
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), field="valid_to")
    with as_actor(actor):
        return SupportNorm.objects.create(
            programme=nfc(programme), kind=kind, amount=amount, categories=list(categories),
            area_group=nfc(area_group), valid_from=valid_from, valid_to=valid_to, legal_basis=nfc(legal_basis),
        )  # fmt: skip


def find_norm(*, kind: str, category: str, year: int, norms: list[SupportNorm] | None = None) -> SupportNorm | None:
    """The norm that applies; the most recent one wins when several do."""
    candidates = norms if norms is not None else list(SupportNorm.objects.all())
    matching = [n for n in candidates if n.applies_to(kind=kind, category=category, year=year)]
    return max(matching, key=lambda n: n.valid_from) if matching else None


# --- Households ------------------------------------------------------------------------------
@dataclass
class HouseholdData:
    """Everything a person (form) or a file row (import) says about a household."""

    area: OrgUnit
    head_name: str
    category: str
    support_kind: str
    phase_year: int
    decision_number: str
    decision_date: dt.date
    gender: str = ""
    birth_year: int | None = None
    citizen_id: str = ""
    phone: str = ""
    address_detail: str = ""
    health_note: str = ""
    state_support: int | None = None  # None: the norm's amount
    override_reason: str = ""
    note: str = ""
    lat: Decimal | None = None
    lon: Decimal | None = None
    photo_consent: bool = False


def clean_household(
    data: HouseholdData, *, norms: list[SupportNorm] | None = None
) -> tuple[dict[str, Any], SupportNorm]:
    """Check a household against the rules and return the model fields; raises DomainError."""
    head_name = nfc(data.head_name)
    if not head_name:
        raise DomainError(_("Thiếu họ và tên chủ hộ."), field="head_name")
    if data.area.level != Level.AREA:
        raise DomainError(
            _("%(area)s không phải khu dân cư (thôn, khối phố).") % {"area": data.area.title}, field="area"
        )
    if data.category not in Category.values:
        raise DomainError(_("Đối tượng hỗ trợ không hợp lệ."), field="category")
    if data.support_kind not in SupportKind.values:
        raise DomainError(_("Hình thức hỗ trợ không hợp lệ."), field="support_kind")
    if data.gender and data.gender not in Gender.values:
        raise DomainError(_("Giới tính không hợp lệ."), field="gender")
    if not PHASE_MIN <= data.phase_year <= PHASE_MAX:
        raise DomainError(
            _("Năm phân kỳ %(phase_year)s không hợp lệ.") % {"phase_year": data.phase_year}, field="phase_year"
        )
    this_year = dates.today().year
    if data.birth_year is not None and not 1900 <= data.birth_year <= this_year:
        raise DomainError(
            _("Năm sinh %(birth_year)s không hợp lệ.") % {"birth_year": data.birth_year}, field="birth_year"
        )
    citizen_id = re.sub(r"\s", "", data.citizen_id or "")
    if citizen_id and not _CITIZEN_ID.fullmatch(citizen_id):
        raise DomainError(
            _("Số CCCD “%(citizen_id)s” phải gồm 12 chữ số (CMND cũ: 9 chữ số).") % {"citizen_id": citizen_id},
            field="citizen_id",
        )
    phone = re.sub(r"[\s.\-()]", "", data.phone or "")
    if phone and not _PHONE.fullmatch(phone):
        raise DomainError(_("Số điện thoại “%(phone)s” không hợp lệ.") % {"phone": data.phone}, field="phone")
    decision_number = nfc(data.decision_number)
    if not decision_number:
        raise DomainError(_("Thiếu số quyết định phê duyệt danh sách."), field="decision_number")
    if (data.lat is None) != (data.lon is None):
        raise DomainError(_("Cần ghi cả vĩ độ và kinh độ (hoặc bỏ trống cả hai)."), field="lat")
    if data.lat is not None and not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):  # type: ignore[operator]
        raise DomainError(_("Tọa độ không hợp lệ."), field="lat")
    norm = find_norm(kind=data.support_kind, category=data.category, year=data.phase_year, norms=norms)
    if norm is None:
        raise DomainError(
            _("Không có mức hỗ trợ %(support_kind)s cho %(category)s còn hiệu lực năm %(phase_year)s.")
            % {
                "support_kind": SupportKind(data.support_kind).label.lower(),
                "category": Category(data.category).label.lower(),
                "phase_year": data.phase_year,
            },
            field="phase_year",
        )
    state_support = norm.amount if data.state_support is None else data.state_support
    if not isinstance(state_support, int) or state_support < 0:
        raise DomainError(_("Kinh phí hỗ trợ phải là số đồng không âm."), field="state_support")
    override_reason = nfc(data.override_reason)
    if state_support != norm.amount and not override_reason:
        raise DomainError(
            _("Kinh phí %(state_support)s khác mức hỗ trợ %(amount)s (%(legal_basis)s): cần ghi lý do.")
            % {
                "state_support": format_vnd(state_support),
                "amount": format_vnd(norm.amount),
                "legal_basis": norm.legal_basis,
            },
            field="override_reason",
        )
    if state_support == norm.amount:
        override_reason = ""
    fields = {
        "area": data.area, "head_name": head_name, "gender": data.gender, "birth_year": data.birth_year,
        "citizen_id": citizen_id, "phone": phone, "address_detail": nfc(data.address_detail),
        "health_note": nfc(data.health_note), "category": data.category, "support_kind": data.support_kind,
        "phase_year": data.phase_year, "decision_number": decision_number, "decision_date": data.decision_date,
        "norm": norm, "state_support": state_support, "override_reason": override_reason, "note": nfc(data.note),
        "lat": data.lat, "lon": data.lon, "photo_consent": data.photo_consent,
    }  # fmt: skip
    return fields, norm


def _require(actor: User | None, perm: str, unit: OrgUnit) -> None:
    if actor is not None and not has_perm(actor, perm, unit):
        message = closed_refusal(perm, unit) or _("Bạn không có quyền thực hiện việc này tại %(unit)s.") % {
            "unit": unit.title
        }
        raise DomainError(message, field="area")


def next_code() -> str:
    last = Household.objects.filter(code__regex=r"^HT\d{5,}$").aggregate(m=Max("code"))["m"]
    number = int(last[2:]) + 1 if last else 1
    return f"HT{number:05d}"


def _sync_state_line(household: Household) -> None:
    FundingPlanLine.objects.update_or_create(
        household=household, source=FundingSource.STATE, defaults={"amount": household.state_support}
    )


@transaction.atomic
def household_create(
    *, actor: User | None, data: HouseholdData, code: str = "", norms: list[SupportNorm] | None = None
) -> Household:
    _require(actor, "housing.edit", data.area)
    fields, _norm = clean_household(data, norms=norms)
    code = nfc(code) or next_code()
    if Household.objects.filter(code=code).exists():
        raise DomainError(_("Mã hộ %(code)s đã được dùng.") % {"code": code}, field="code")
    with as_actor(actor):
        try:
            with transaction.atomic():
                household = Household.objects.create(code=code, **fields)
        except IntegrityError as exc:
            raise DomainError(
                _("Không lưu được hộ %(code)s: trùng mã hộ đã có.") % {"code": code}, field="code"
            ) from exc
        _sync_state_line(household)
    return household


@transaction.atomic
def household_update(
    *, actor: User | None, household: Household, data: HouseholdData, norms: list[SupportNorm] | None = None
) -> Household:
    _require(actor, "housing.edit", household.area)
    _require(actor, "housing.edit", data.area)
    fields, _norm = clean_household(data, norms=norms)
    changed = [name for name, value in fields.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, fields[name])
    with as_actor(actor):
        household.save()
        if "state_support" in changed:
            _sync_state_line(household)
    return household


@transaction.atomic
def household_mark_surveyed(*, actor: User | None, household: Household) -> Household:
    _require(actor, "housing.edit", household.area)
    if household.status != Status.APPROVED:
        raise DomainError(_("Chỉ ghi nhận khảo sát cho hộ đang ở trạng thái “Đã phê duyệt”."), field="status")
    household.status = Status.SURVEYED
    with as_actor(actor):
        household.save(update_fields=["status", "updated_at"])
    return household


@transaction.atomic
def household_withdraw(
    *, actor: User | None, household: Household, reason: str, on: dt.date | None = None
) -> Household:
    _require(actor, "housing.edit", household.area)
    reason = nfc(reason)
    if not reason:
        raise DomainError(_("Cần ghi lý do rút hộ khỏi danh sách."), field="reason")
    if household.status in (Status.COMPLETED, Status.HANDED_OVER, Status.WITHDRAWN):
        raise DomainError(
            _("Hộ đang ở trạng thái “%(status)s”, không thể rút.") % {"status": household.get_status_display()},
            field="reason",
        )
    household.status, household.withdrawn_reason = Status.WITHDRAWN, reason
    household.withdrawn_on = on or dates.today()
    with as_actor(actor):
        household.save(update_fields=["status", "withdrawn_reason", "withdrawn_on", "updated_at"])
    return household


@transaction.atomic
def funding_line_set(
    *, actor: User | None, household: Household, source: str, amount: int, note: str = ""
) -> FundingPlanLine | None:
    """Set the planned amount from one source; 0 removes the line. The state line follows the norm."""
    _require(actor, "housing.edit", household.area)
    if source not in FundingSource.values:
        raise DomainError(_("Nguồn kinh phí không hợp lệ."), field="source")
    if source == FundingSource.STATE:
        raise DomainError(
            _("Ngân sách nhà nước lấy theo mức hỗ trợ của hộ; sửa ở thông tin hộ (kèm lý do nếu khác mức)."),
            field="source",
        )
    if not isinstance(amount, int) or amount < 0:
        raise DomainError(_("Số tiền phải là số đồng không âm."), field="amount")
    with as_actor(actor):
        if amount == 0:
            FundingPlanLine.objects.filter(household=household, source=source).delete()
            return None
        line, _created = FundingPlanLine.objects.update_or_create(
            household=household, source=source, defaults={"amount": amount, "note": nfc(note)}
        )
    return line


# --- Progress and photos ---------------------------------------------------------------------
@dataclass(frozen=True)
class UploadedPhoto:
    name: str
    file: IO[bytes]


def _photo_warnings(
    photo: Photo, *, household: Household, previous: ProgressUpdate | None, previous_taken: dt.datetime | None
) -> None:
    notes: list[str] = []
    if photo.lat is not None and household.lat is not None and household.lon is not None:
        metres = photo_lib.distance_m(household.lat, household.lon, photo.lat, photo.lon)  # type: ignore[arg-type]
        photo.distance_m = round(metres)
        if metres > photo_lib.FAR_METRES:
            photo.flag_far = True
            notes.append(f"Ảnh chụp cách vị trí nhà khoảng {metres / 1000:.1f} km.".replace(".", ",", 1))
    if photo.taken_at is not None and previous is not None:
        local = timezone.localtime(photo.taken_at)
        if local.date() < previous.date or (previous_taken is not None and photo.taken_at < previous_taken):
            photo.flag_out_of_order = True
            notes.append(
                f"Ảnh chụp lúc {local:%d/%m/%Y %H:%M}, trước giai đoạn “{previous.get_stage_display()}” "
                f"({previous.date:%d/%m/%Y})."
            )
    others = (
        Photo.objects.filter(sha256=photo.sha256)
        .exclude(update__household=household)
        .values_list("update__household__code", flat=True)
        .distinct()
    )
    codes = sorted(set(others))
    if codes:
        photo.flag_reused = True
        notes.append("Ảnh này đã được dùng cho hộ " + ", ".join(codes) + ".")
    photo.warning = " ".join(notes)[:500]


class StageConflict(DomainError):
    """The household's stage moved on after the phone queued its update: the phone shows it and keeps
    the update until the person decides (send it anyway, or drop it)."""

    def __init__(self, message: str, *, latest: ProgressUpdate | None) -> None:
        super().__init__(message, field="stage")
        self.latest = latest


def _already_sent(client_id: uuid.UUID, household: Household) -> ProgressUpdate | None:
    update = ProgressUpdate.objects.filter(client_id=client_id).first()
    if update is not None and update.household_id != household.pk:
        raise DomainError(_("Mã cập nhật đã dùng cho một hộ khác."), field="client_id")
    return update


@transaction.atomic
def progress_record(
    *,
    actor: User | None,
    household: Household,
    stage: str,
    date: dt.date,
    percent: int | None = None,
    note: str = "",
    photos: list[UploadedPhoto] | None = None,
    client_id: uuid.UUID | None = None,
    seen_stage: str | None = None,
) -> ProgressUpdate:
    """Record a construction stage with its photos; moves the household's status forward.

    From the offline phone app: `client_id` is made on the phone, so sending the same update twice
    returns the first one; `seen_stage` is the household's latest stage the phone knew ("" for none)
    and a different latest stage on the server raises StageConflict instead of recording.
    """
    _require(actor, "housing.progress", household.area)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if client_id is not None:  # checked under the household's lock: a racing resend waits here
        existing = _already_sent(client_id, household)
        if existing is not None:
            return existing
    if seen_stage is not None:
        current = household.updates.order_by("-date", "-id").first()
        if (current.stage if current else "") != seen_stage:
            now = (
                f"“{current.get_stage_display()}” ngày {current.date:%d/%m/%Y}" if current else "chưa có giai đoạn nào"
            )
            raise StageConflict(
                f"Trong lúc chờ gửi, tiến độ hộ {household.code} đã thay đổi: hiện là {now}.", latest=current
            )
    if household.status == Status.WITHDRAWN:
        raise DomainError(_("Hộ đã rút khỏi danh sách, không cập nhật tiến độ."), field="stage")
    if stage not in Stage.values:
        raise DomainError(_("Giai đoạn không hợp lệ."), field="stage")
    if date > dates.today():
        raise DomainError(_("Ngày cập nhật không được sau hôm nay."), field="date")
    percent = STAGE_PERCENT[stage] if percent is None else percent
    if not 0 <= percent <= 100:
        raise DomainError(_("Tỷ lệ hoàn thành phải từ 0 đến 100%."), field="percent")
    latest = household.updates.order_by("-date", "-id").first()
    if latest is not None:
        if STAGE_ORDER[stage] < STAGE_ORDER[latest.stage]:
            raise DomainError(
                _("Hộ đã qua giai đoạn “%(done)s”, không ghi lùi về “%(stage)s”.")
                % {"done": latest.get_stage_display(), "stage": Stage(stage).label},
                field="stage",
            )
        if date < latest.date:
            raise DomainError(
                _("Ngày cập nhật trước ngày của lần cập nhật trước (%(date)s).")
                % {"date": format(latest.date, "%d/%m/%Y")},
                field="date",
            )
        if percent < latest.percent:
            raise DomainError(
                _("Tỷ lệ hoàn thành không được giảm (lần trước %(percent)s%%).") % {"percent": latest.percent},
                field="percent",
            )
    if stage == Stage.COMPLETED and percent != 100:
        raise DomainError(_("Hoàn thành nghĩa là 100%."), field="percent")
    if stage == Stage.HANDED_OVER and household.status not in (Status.COMPLETED, Status.HANDED_OVER):
        raise DomainError(_("Chỉ bàn giao sau khi đã ghi nhận hoàn thành."), field="stage")
    photos = photos or []
    if len(photos) > MAX_PHOTOS_PER_UPDATE:
        raise DomainError(
            _("Mỗi lần cập nhật tối đa %(count)s ảnh.") % {"count": MAX_PHOTOS_PER_UPDATE},
            field="photos",
        )
    checked = []
    for item in photos:
        try:
            checked.append((item.name, check_upload(item.file, name=item.name, allowed=IMAGE_KINDS)))
        except DomainError as exc:
            raise DomainError(exc.message, field="photos") from exc

    # The stage before this one: photos must not be older than it.
    previous = (
        household.updates.filter(stage__in=[s for s in Stage.values if STAGE_ORDER[s] < STAGE_ORDER[stage]])
        .order_by("-date", "-id")
        .first()
    )
    previous_taken = (
        Photo.objects.filter(update__household=household, update__stage=previous.stage).aggregate(m=Max("taken_at"))[
            "m"
        ]
        if previous
        else None
    )
    with as_actor(actor):
        update = ProgressUpdate.objects.create(
            household=household,
            stage=stage,
            date=date,
            percent=percent,
            note=nfc(note),
            reporter=actor,
            client_id=client_id,
        )
        for name, upload in checked:
            info = photo_lib.read_exif(upload.data)
            small = photo_lib.shrink(upload.data)
            photo = Photo(
                update=update, original_name=name[:255], sha256=upload.sha256, width=small.width,
                height=small.height, taken_at=info.taken_at, lat=info.lat, lon=info.lon,
            )  # fmt: skip
            _photo_warnings(photo, household=household, previous=previous, previous_taken=previous_taken)
            photo.file.save(f"{upload.sha256[:20]}.jpg", ContentFile(small.data), save=False)
            photo.save()
        new_status = STAGE_STATUS[stage]
        order = list(Status.values)
        if order.index(new_status) > order.index(household.status):
            household.status = new_status
            household.save(update_fields=["status", "updated_at"])
    return update


@transaction.atomic
def progress_verify(*, actor: User, update: ProgressUpdate) -> ProgressUpdate:
    """A second person (commune or town staff) confirms a stage in the field; funds may require it."""
    _require(actor, "housing.edit", update.household.area)
    if update.reporter_id is not None and update.reporter_id == actor.pk:
        raise DomainError(_("Người báo cáo không tự xác nhận giai đoạn của mình."), field="update")
    if update.verified_at is not None:
        raise DomainError(_("Giai đoạn này đã được xác nhận."), field="update")
    update.verified_by, update.verified_at = actor, timezone.now()
    with as_actor(actor):
        update.save(update_fields=["verified_by", "verified_at"])
    return update


# --- Complaints ------------------------------------------------------------------------------
def handling_days(kind: str) -> int:
    configured = HandlingTime.objects.filter(kind=kind).values_list("days", flat=True).first()
    return configured or DEFAULT_HANDLING_DAYS[kind]


@transaction.atomic
def complaint_create(
    *,
    actor: User | None,
    unit: OrgUnit,
    kind: str,
    concerns: str,
    received_on: dt.date,
    channel: str,
    complainant_name: str,
    content: str,
    complainant_contact: str = "",
    household: Household | None = None,
    fund_label: str = "",
    assignee: User | None = None,
) -> Complaint:
    _require(actor, "complaints.manage", unit)
    if kind not in ComplaintKind.values:
        raise DomainError(_("Loại đơn không hợp lệ."), field="kind")
    if concerns == Concerns.HOUSEHOLD:
        if household is None:
            raise DomainError(_("Chọn hộ mà đơn liên quan đến."), field="household")
        if not household.area.path.startswith(unit.path):
            raise DomainError(
                _("Hộ %(code)s không thuộc %(unit)s.") % {"code": household.code, "unit": unit.title}, field="household"
            )
    if concerns == Concerns.FUND and not nfc(fund_label):
        raise DomainError(_("Ghi tên quỹ, nguồn vận động mà đơn liên quan đến."), field="fund_label")
    if received_on > dates.today():
        raise DomainError(_("Ngày tiếp nhận không được sau hôm nay."), field="received_on")
    if not nfc(complainant_name):
        raise DomainError(_("Ghi tên người gửi đơn (ghi “Nặc danh” nếu không có)."), field="complainant_name")
    if not content.strip():
        raise DomainError(_("Ghi nội dung đơn."), field="content")
    with as_actor(actor):
        return Complaint.objects.create(
            origin_unit=unit, unit=unit, kind=kind, concerns=concerns,
            household=household if concerns == Concerns.HOUSEHOLD else None, fund_label=nfc(fund_label),
            received_on=received_on, channel=channel, complainant_name=nfc(complainant_name),
            complainant_contact=nfc(complainant_contact), content=content.strip(), assignee=assignee,
            due_on=received_on + dt.timedelta(days=handling_days(kind)), created_by=actor,
        )  # fmt: skip


@transaction.atomic
def complaint_update(
    *,
    actor: User | None,
    complaint: Complaint,
    status: str,
    resolution: str = "",
    assignee: User | None = None,
    resolved_on: dt.date | None = None,
) -> Complaint:
    _require(actor, "complaints.manage", complaint.unit)
    if status not in ComplaintStatus.values:
        raise DomainError(_("Trạng thái không hợp lệ."), field="status")
    resolution = resolution.strip()
    if status not in OPEN_COMPLAINT:
        if not resolution:
            raise DomainError(_("Ghi kết quả giải quyết trước khi đóng đơn."), field="resolution")
        resolved_on = resolved_on or dates.today()
        if resolved_on < complaint.received_on:
            raise DomainError(_("Ngày giải quyết trước ngày tiếp nhận."), field="resolved_on")
    else:
        resolved_on = None
    complaint.status, complaint.resolution, complaint.assignee, complaint.resolved_on = (
        status, resolution, assignee, resolved_on,
    )  # fmt: skip
    with as_actor(actor):
        complaint.save()
    return complaint


def escalate_overdue_complaints(today: dt.date | None = None, *, actor: User | None = None) -> list[Complaint]:
    """Move each open complaint past its due date to the parent unit, with a fresh deadline there.

    One transaction per complaint; the row is locked and re-checked, so two runs at once (a cron job
    and a person) never escalate the same complaint twice.
    """
    today = today or dates.today()
    escalated: list[Complaint] = []
    overdue = Complaint.objects.filter(status__in=OPEN_COMPLAINT, due_on__lt=today, unit__parent__isnull=False)
    for pk in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic(), as_actor(actor):
            complaint = (
                Complaint.objects.select_for_update(of=("self",))
                .filter(pk=pk, status__in=OPEN_COMPLAINT, due_on__lt=today, unit__parent__isnull=False)
                .select_related("unit__parent")
                .first()
            )
            if complaint is None:
                continue
            parent = complaint.unit.parent
            complaint.unit = complaint.escalated_to = parent
            complaint.escalated_at = timezone.now()
            complaint.escalations += 1
            complaint.assignee = None
            complaint.due_on = today + dt.timedelta(days=handling_days(complaint.kind))
            complaint.save()
        escalated.append(complaint)
    return escalated
