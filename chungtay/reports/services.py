"""Writes of the follow-up work: the daily reminders, notifications, urging notices, review reports
and background report files."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chungtay.accounts.models import User
from chungtay.core import dates
from chungtay.core.access import can, has_perm
from chungtay.core.audit import as_actor
from chungtay.core.docgen import docx_to_pdf, libreoffice_available, render_docx
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import DocumentKind
from chungtay.core.money import format_decimal_vn, format_vnd
from chungtay.evaluation import selectors as evaluation
from chungtay.figures.plans import phase_years
from chungtay.orgunits.models import Membership, OrgUnit, Role
from chungtay.tallies import catalogue

from . import channels, selectors
from .documents import REVIEW_TEMPLATE, URGING_TEMPLATE
from .models import (
    Channel,
    ContactChannel,
    Delivery,
    DeliveryStatus,
    JobStatus,
    Notification,
    NotificationKind,
    ReminderKind,
    ReminderLog,
    ReportJob,
    UrgingNotice,
)
from .selectors import OverdueItem

log = logging.getLogger(__name__)

# Who is reminded at the unit that must act, and who is told when it is late for too long.
WORK_ROLES = (Role.UNIT_STAFF, Role.OFFICE, Role.ADMIN)
ESCALATION_ROLES = (Role.OFFICE, Role.ADMIN)
KIND_LABELS = dict(ReminderKind.choices)


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")


# --- Daily reminders ------------------------------------------------------------------------------
@dataclass
class Section:
    unit: OrgUnit  # the unit that must act
    items: list[OverdueItem]
    escalated_to: OrgUnit | None = None

    def counts(self) -> str:
        per: dict[str, int] = defaultdict(int)
        for item in self.items:
            per[item.kind] += 1
        return ", ".join(f"{n} {str(KIND_LABELS[k]).lower()}" for k, n in per.items())

    @property
    def title(self) -> str:
        if self.escalated_to:
            return f"Đơn vị cấp dưới có việc quá hạn: {self.unit.title} — {self.counts()}"
        return f"{self.unit.title}: {self.counts()}"


@dataclass
class ReminderRun:
    run_on: dt.date
    dry_run: bool = False
    items: list[OverdueItem] = field(default_factory=list)
    escalated_items: int = 0
    emails: int = 0
    notifications: int = 0
    logs: int = 0
    recipients: int = 0
    already_sent: int = 0
    failures: int = 0
    texts: int = 0  # SMS and Zalo messages sent
    deferred: int = 0  # digests held back by the quiet hours
    units_without_recipients: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    def summary(self) -> str:
        head = "Chạy thử (không gửi)" if self.dry_run else "Đã chạy nhắc việc"
        lines = [
            f"{head} ngày {self.run_on:%d/%m/%Y}:",
            f"- {self.count(ReminderKind.OBLIGATION_OVERDUE)} việc phải làm quá hạn, "
            f"{self.count(ReminderKind.HOUSE_BEHIND)} nhà chậm tiến độ, "
            f"{self.count(ReminderKind.COMPLAINT_OVERDUE)} đơn thư quá hạn;",
            f"- {self.escalated_items} việc trễ quá {selectors.escalate_after_days()} ngày được báo lên cấp trên;",
            f"- {self.recipients} người nhận, {self.emails} thư điện tử, {self.notifications} thông báo, "
            f"{self.logs} dòng nhật ký; {self.already_sent} việc đã nhắc trong ngày nên không gửi lại.",
        ]
        if self.texts or self.deferred:
            lines.append(f"- {self.texts} tin SMS/Zalo đã gửi, {self.deferred} tin chờ hết giờ yên lặng.")
        if self.failures:
            lines.append(f"- {self.failures} người nhận gửi lỗi (sẽ gửi lại ở lần chạy sau).")
        if self.units_without_recipients:
            lines.append("- Đơn vị chưa có người nhận: " + ", ".join(self.units_without_recipients) + ".")
        return "\n".join(lines)


def _recipients(unit_ids: set[int], roles: tuple[str, ...]) -> dict[int, dict[int, User]]:
    found: dict[int, dict[int, User]] = defaultdict(dict)
    members = Membership.objects.filter(unit_id__in=unit_ids, role__in=roles, user__is_active=True).select_related(
        "user"
    )
    for m in members.order_by("user__username"):
        found[m.unit_id][m.user_id] = m.user
    return found


@dataclass
class Routing:
    """Who is told about a unit's items: its own people (or, when it has none — a residential area's
    board has no follow-up account — the nearest unit above that has), and who is told when late."""

    responsible: OrgUnit | None
    people: dict[int, User]
    escalate_to: OrgUnit | None
    bosses: dict[int, User]


def _routing(units: list[OrgUnit]) -> dict[int, Routing]:
    """Two queries for all units: their ancestors, and the memberships along those chains."""
    step = OrgUnit.steplen
    prefixes = {u.path[:i] for u in units for i in range(step, len(u.path) + 1, step)}
    chain = {a.path: a for a in OrgUnit.objects.filter(path__in=prefixes)}
    roles = tuple(set(WORK_ROLES) | set(ESCALATION_ROLES))
    members = Membership.objects.filter(
        unit_id__in=[a.pk for a in chain.values()], role__in=roles, user__is_active=True
    ).select_related("user")
    work: dict[int, dict[int, User]] = defaultdict(dict)
    boss: dict[int, dict[int, User]] = defaultdict(dict)
    for m in members.order_by("user__username"):
        if m.role in WORK_ROLES:
            work[m.unit_id][m.user_id] = m.user
        if m.role in ESCALATION_ROLES:
            boss[m.unit_id][m.user_id] = m.user
    routes: dict[int, Routing] = {}
    for unit in units:
        lineage = [chain[unit.path[:i]] for i in range(len(unit.path), 0, -step) if unit.path[:i] in chain]
        responsible = next((a for a in lineage if work.get(a.pk)), None)
        above = lineage[lineage.index(responsible) + 1 :] if responsible else []
        escalate_to = next((a for a in above if boss.get(a.pk)), None)
        routes[unit.pk] = Routing(
            responsible,
            work.get(responsible.pk, {}) if responsible else {},
            escalate_to,
            boss.get(escalate_to.pk, {}) if escalate_to else {},
        )
    return routes


def _digest_text(user: User, sections: list[Section], run_on: dt.date) -> str:
    base = site_url()
    lines = [f"Kính gửi {user.display_name},", "",
             f"Hệ thống Chung Tay nhắc các việc quá hạn hoặc sắp hết hạn tính đến ngày {run_on:%d/%m/%Y}:",
             ""]  # fmt: skip
    for section in sections:
        if section.escalated_to:
            lines.append(
                f"{section.unit.title.upper()} — đã trễ quá {selectors.escalate_after_days()} ngày, "
                f"báo {section.escalated_to.title} theo dõi, đôn đốc:"
            )
        else:
            lines.append(f"{section.unit.title.upper()}:")
        for kind, label in ReminderKind.choices:
            items = [i for i in section.items if i.kind == kind]
            if not items:
                continue
            lines.append(f"  {label} ({len(items)}):")
            for item in items:
                lines.append(f"  - {item.line}")
                if base and item.url:
                    lines.append(f"    {base}{item.url}")
        lines.append("")
    lines += [f"Xem thông báo trên hệ thống: {base}{reverse('reports:notifications')}", "",
              "Thư này được gửi tự động mỗi ngày; mỗi việc chỉ được nhắc một lần trong ngày."]  # fmt: skip
    return "\n".join(lines)


def send_reminders(
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    escalate_after: int | None = None,
    now: dt.datetime | None = None,
) -> ReminderRun:
    """Find what is overdue, tell the people of the unit that must act (one e-mail digest per person
    and one in-app notification per unit), tell the parent unit's office when an item is late for
    more than `escalate_after` days, and log every reminder. Nothing is sent twice on one day."""
    today = today or dates.today()
    escalate_after = selectors.escalate_after_days() if escalate_after is None else escalate_after
    run = ReminderRun(run_on=today, dry_run=dry_run)
    run.items = selectors.overdue_items(today)
    by_unit: dict[int, Section] = {}
    for item in run.items:
        by_unit.setdefault(item.unit.pk, Section(item.unit, [])).items.append(item)

    routes = _routing([section.unit for section in by_unit.values()])
    deliveries: dict[int, tuple[User, list[Section]]] = {}
    for unit_id, section in sorted(by_unit.items(), key=lambda pair: pair[1].unit.path):
        route = routes[unit_id]
        if not route.people:
            run.units_without_recipients.append(section.unit.title)
        for user in route.people.values():
            deliveries.setdefault(user.pk, (user, []))[1].append(section)
        late = [i for i in section.items if i.days_overdue > escalate_after]
        if late and route.escalate_to is not None:
            run.escalated_items += len(late)
            for user in route.bosses.values():
                deliveries.setdefault(user.pk, (user, []))[1].append(Section(section.unit, late, route.escalate_to))

    already = set(
        ReminderLog.objects.filter(run_on=today, channel=Channel.APP).values_list(
            "object_type", "object_id", "kind", "recipient_id"
        )
    )
    for user, sections in deliveries.values():
        seen: set[tuple[str, int, str]] = set()
        fresh: list[Section] = []
        for section in sections:
            items = []
            for item in section.items:
                if (*item.key, user.pk) in already:
                    run.already_sent += 1
                elif item.key not in seen:
                    seen.add(item.key)
                    items.append(item)
            if items:
                fresh.append(Section(section.unit, items, section.escalated_to))
        if not fresh:
            continue
        run.recipients += 1
        if dry_run:
            run.notifications += len(fresh)
            run.emails += 1 if user.email else 0
            continue
        _deliver(user, fresh, today, run)
    if not dry_run:
        dispatch_deliveries(today=today, now=now, run=run)
    return run


def _notification(user: User, sections: list[Section], today: dt.date, *, escalated: bool) -> Notification:
    total = sum(len(s.items) for s in sections)
    unit: OrgUnit | None
    if len(sections) == 1:
        unit = sections[0].unit
        title = f"Nhắc việc {today:%d/%m/%Y} — {sections[0].title}"
        url = reverse("reports:dashboard") + f"?don_vi={unit.pk}" if can(user, "reports:dashboard", unit) else ""
    else:
        unit = sections[0].escalated_to if escalated else None
        what = "đơn vị cấp dưới có việc quá hạn" if escalated else "đơn vị"
        title = f"Nhắc việc {today:%d/%m/%Y}: {len(sections)} {what}, {total} việc cần xử lý"
        url = reverse("reports:timeliness") if can(user, "reports:timeliness") else ""
    # Who may not open the follow-up pages (an area board) is sent where the first item is done.
    url = url or next((item.url for s in sections for item in s.items if item.url), "")
    lines = []
    for section in sections:
        lines.append(f"{section.unit.title}:")
        lines += [f"- {item.line}" for item in section.items[:20]]
        if len(section.items) > 20:
            lines.append(f"- … và {len(section.items) - 20} việc khác")
    return Notification(
        user=user, unit=unit, kind=NotificationKind.ESCALATION if escalated else NotificationKind.DIGEST,
        title=title[:300], body="\n".join(lines), url=url,
    )  # fmt: skip


def chosen_channel(user: User) -> tuple[str | None, str]:
    """The channel and address of a person's digest: their consented choice, else their e-mail;
    None when they stopped (the in-app notification still comes)."""
    choice = ContactChannel.objects.filter(user=user).first()
    if choice is None or choice.channel == Channel.EMAIL:
        stopped = choice is not None and choice.stopped_at is not None
        return (Channel.EMAIL, user.email) if user.email and not stopped else (None, "")
    if choice.stopped_at is not None or choice.channel == Channel.APP or not choice.phone:
        return None, ""
    return choice.channel, choice.phone


@transaction.atomic
def _deliver(user: User, sections: list[Section], today: dt.date, run: ReminderRun) -> None:
    """Log the reminders, make the in-app notifications and queue the person's one digest of the day
    (dispatch_deliveries sends it). Items found later the same day join a digest not yet sent; once it
    is sent they are told in the app only, and tomorrow's digest repeats them if still overdue."""
    logs, notifications = [], []
    total = sum(len(s.items) for s in sections)
    channel, address = chosen_channel(user)
    delivery = None
    if channel is not None:
        delivery = Delivery.objects.select_for_update().filter(user=user, run_on=today).first()
        text = _digest_text(user, sections, today)
        if delivery is None:
            delivery = Delivery(user=user, run_on=today, channel=channel, address=address, body=text, items=total)
        elif delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.DEFERRED, DeliveryStatus.FAILED):
            delivery.body, delivery.items = f"{delivery.body}\n\n{text}", delivery.items + total
        else:
            delivery = None
        if delivery is not None:
            channel, address = delivery.channel, delivery.address
            delivery.subject = f"[Chung Tay] Nhắc việc ngày {today:%d/%m/%Y}: {delivery.items} việc cần xử lý"
    channel_list: list[tuple[str, str]] = [(Channel.APP, "")]
    if delivery is not None:
        channel_list.append((delivery.channel, delivery.address))
    for section in sections:
        for item in section.items:
            for name, to in channel_list:
                logs.append(ReminderLog(
                    run_on=today, unit=section.unit, kind=item.kind, object_type=item.object_type,
                    object_id=item.object_id, object_label=item.label[:400], due_on=item.due_on,
                    days_overdue=item.days_overdue, recipient=user, recipient_email=to, channel=name,
                    escalated_to=section.escalated_to,
                ))  # fmt: skip
    for escalated in (False, True):
        group = [section for section in sections if bool(section.escalated_to) == escalated]
        if group:
            notifications.append(_notification(user, group, today, escalated=escalated))
    # The unique constraint makes a racing second run fail here, before anything is sent.
    ReminderLog.objects.bulk_create(logs)
    Notification.objects.bulk_create(notifications)
    if delivery is not None:
        delivery.save()
    run.logs += len(logs)
    run.notifications += len(notifications)


STOP_SALT = "chungtay.reports.stop"
MAX_ATTEMPTS = 5


def stop_url(user: User) -> str:
    """The link in every digest that stops it, without signing in."""
    return site_url() + reverse("reports:channel_stop", args=[signing.dumps(user.pk, salt=STOP_SALT)])


def _message(delivery: Delivery) -> channels.Message:
    user = delivery.user
    base = site_url()
    link = base + reverse("reports:notifications")
    stop = stop_url(user)
    if delivery.channel == Channel.EMAIL:
        text = f"{delivery.body}\n\nKhông muốn nhận thư nhắc việc nữa: {stop}"
    else:
        text = delivery.body
    short = (
        f"Chung Tay nhac viec {delivery.run_on:%d/%m/%Y}: {delivery.items} viec can xu ly. "
        f"Xem: {link} . Ngung nhan tin: {stop}"
    )
    params = {
        "ho_ten": user.display_name, "ngay": f"{delivery.run_on:%d/%m/%Y}", "so_viec": str(delivery.items),
        "duong_dan": link, "ngung_nhan": stop,
    }  # fmt: skip
    return channels.Message(
        to=delivery.address, subject=delivery.subject, text=text, short=short, params=params,
        tracking_id=f"ct-{delivery.pk}",
    )  # fmt: skip


def dispatch_deliveries(
    *, today: dt.date | None = None, now: dt.datetime | None = None, run: ReminderRun | None = None
) -> ReminderRun:
    """Send the digests of today and yesterday not sent yet, each by its channel, outside the quiet
    hours for SMS and Zalo. A digest is claimed by one conditional UPDATE before it is sent, so two
    runs at once never send it twice; a failure is logged on it and retried by the next run."""
    today = today or dates.today()
    now = now or timezone.now()
    run = run or ReminderRun(run_on=today)
    local = timezone.localtime(now).time()
    due = Delivery.objects.filter(
        run_on__gte=today - dt.timedelta(days=1), run_on__lte=today, attempts__lt=MAX_ATTEMPTS,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEFERRED, DeliveryStatus.FAILED],
    ).select_related("user")  # fmt: skip
    for delivery in due.order_by("pk"):
        if channels.is_quiet(delivery.channel, local):
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DEFERRED)
            run.deferred += 1
            continue
        claimed = Delivery.objects.filter(pk=delivery.pk, status=delivery.status, attempts=delivery.attempts).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        try:
            provider_id = channels.adapter_for(delivery.channel).send(_message(delivery))
        except Exception as exc:  # one person's failed message must not stop the others
            log.warning("Digest %s to %s failed: %s", delivery.pk, delivery.user.username, exc)
            error = str(exc) if isinstance(exc, channels.ChannelError) else f"Lỗi khi gửi: {exc}"
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=error[:500])
            run.failures += 1
            continue
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, provider_id=provider_id[:100], sent_at=timezone.now(), error=""
        )
        if delivery.channel == Channel.EMAIL:
            run.emails += 1
        else:
            run.texts += 1
    return run


@transaction.atomic
def contact_channel_set(
    *, actor: User, user: User, channel: str, phone: str = "", consent: bool = False
) -> ContactChannel:
    """A person chooses how their digest reaches them; SMS and Zalo need a number and their consent."""
    if actor.pk != user.pk:
        raise PermissionDenied
    if channel not in (Channel.EMAIL, Channel.SMS, Channel.ZALO, Channel.APP):
        raise DomainError(_("Kênh nhận không hợp lệ."), field="channel")
    phone = "".join(ch for ch in phone if not ch.isspace() and ch not in ".-")
    if channel in (Channel.SMS, Channel.ZALO):
        digits = phone[1:] if phone.startswith("+") else phone
        if not (digits.isdigit() and 9 <= len(digits) <= 12):
            raise DomainError(_("Số điện thoại nhận tin: nhập 10 chữ số, ví dụ 0905123456."), field="phone")
        if not consent:
            raise DomainError(_("Cần đánh dấu đồng ý nhận tin nhắc việc qua số điện thoại này."), field="consent")
    if channel == Channel.EMAIL and not user.email:
        raise DomainError(_("Tài khoản chưa có địa chỉ thư điện tử; chọn kênh khác."), field="channel")
    with as_actor(actor):
        choice, _created = ContactChannel.objects.update_or_create(
            user=user,
            defaults={
                "channel": channel,
                "phone": phone if channel in (Channel.SMS, Channel.ZALO) else "",
                "consent_at": timezone.now() if channel in (Channel.SMS, Channel.ZALO) else None,
                "stopped_at": None,
            },
        )
    return choice


@transaction.atomic
def contact_channel_stop(*, token: str) -> User:
    """The link in a digest: stop SMS, Zalo and e-mail digests (in-app notifications stay)."""
    try:
        user_id = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature as exc:
        raise DomainError(_("Đường dẫn ngừng nhận tin không đúng hoặc đã bị sửa."), field="token") from exc
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise DomainError(_("Không tìm thấy người nhận của đường dẫn này."), field="token")
    with as_actor(user):
        choice = ContactChannel.objects.filter(user=user).first() or ContactChannel(user=user, channel=Channel.EMAIL)
        choice.stopped_at = timezone.now()
        choice.save()
    return user


# --- Notifications ----------------------------------------------------------------------------------
def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one (or, with None, every) unread notification of the user as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


# --- Urging notice (công văn đôn đốc) ----------------------------------------------------------
def _org_parent(unit: OrgUnit) -> str:
    parent = unit.parent
    return f"Ủy ban MTTQ Việt Nam {parent.title}" if parent else "Ủy ban MTTQ Việt Nam"


@transaction.atomic
def urging_notice_issue(
    *,
    actor: User,
    issuing_unit: OrgUnit,
    units: list[OrgUnit],
    number: str,
    today: dt.date | None = None,
    deadline: dt.date | None = None,
    signer_name: str = "",
    basis: str = "",
) -> UrgingNotice:
    if not has_perm(actor, "reports.remind", issuing_unit):
        raise PermissionDenied
    today = today or dates.today()
    deadline = deadline or today + dt.timedelta(days=7)
    number = number.strip()
    if not number:
        raise DomainError(_("Cần ghi số, ký hiệu công văn."), field="number")
    if not units:
        raise DomainError(_("Chọn ít nhất một đơn vị cần đôn đốc."), field="units")
    if any(not u.path.startswith(issuing_unit.path) or u.pk == issuing_unit.pk for u in units):
        raise DomainError(_("Chỉ đôn đốc được đơn vị cấp dưới."), field="units")
    units = sorted(units, key=lambda u: u.path)
    grouped: dict[int, list[OverdueItem]] = {u.pk: [] for u in units}
    # Each item under the highest addressed unit above it (the first in path order): looked up by its
    # path's prefixes, not by trying every unit (a province's notice: 7,000 items × 240 communes).
    addressed_at = {u.path: u for u in units}
    for item in selectors.overdue_items(today, within=issuing_unit, late=True):
        path = item.unit.path
        for end in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen):
            if (u := addressed_at.get(path[:end])) is not None:
                grouped[u.pk].append(item)
                break
    addressed = [u for u in units if grouped[u.pk]]
    if not addressed:
        raise DomainError(_("Các đơn vị đã chọn không còn việc quá hạn chưa thực hiện."), field="units")
    summary = "V/v đôn đốc thực hiện các việc quá hạn"
    context = {
        "org_parent": _org_parent(issuing_unit),
        "org_name": f"Ban Thường trực Ủy ban MTTQ Việt Nam {issuing_unit.title}",
        "doc_number": number, "dateline": dates.vn_long_date(today, issuing_unit.name), "summary": summary,
        "addressees": "; ".join(f"Ban Thường trực Ủy ban MTTQ Việt Nam {u.title}" for u in addressed),
        "basis": basis or "kế hoạch, chương trình công tác của Ban Thường trực",
        "as_of": f"ngày {today:%d/%m/%Y}", "issuer": f"Ủy ban MTTQ Việt Nam {issuing_unit.title}",
        "units": [{"title": u.title[:1].upper() + u.title[1:], "count": len(grouped[u.pk]),
                   "lines": [i.line for i in grouped[u.pk]]} for u in addressed],
        "deadline": f"{deadline:%d/%m/%Y}", "signer_title": "TM. BAN THƯỜNG TRỰC", "signer_role": "CHỦ TỊCH",
        "signer_name": signer_name, "recipients": ["Như trên", "Thường trực cấp ủy (b/c)", "Lưu VT"],
    }  # fmt: skip
    data = render_docx(URGING_TEMPLATE, context)
    stem = f"cong-van-don-doc-{today:%Y%m%d}"
    title = f"Công văn đôn đốc {number} ngày {today:%d/%m/%Y}"
    common = {"actor": actor, "unit": issuing_unit, "kind": DocumentKind.OTHER, "title": title, "number": number,
              "issued_on": today, "issuer": context["issuer"]}  # fmt: skip
    docx = document_upload(upload=io.BytesIO(data), name=f"{stem}.docx", **common)  # type: ignore[arg-type]
    pdf = None
    if libreoffice_available():
        pdf = document_upload(upload=io.BytesIO(docx_to_pdf(data)), name=f"{stem}.pdf", **common)  # type: ignore[arg-type]
    with as_actor(actor):
        notice = UrgingNotice.objects.create(
            issuing_unit=issuing_unit, number=number, issued_on=today, docx=docx, pdf=pdf, issued_by=actor,
            items=[{"unit": u.title, "unit_id": u.pk, "lines": [i.line for i in grouped[u.pk]]} for u in addressed],
        )  # fmt: skip
        notice.units.set(addressed)
    people = _recipients({u.pk for u in addressed}, WORK_ROLES)
    url = reverse("reports:urging_download", args=[notice.pk, "pdf" if pdf else "docx"])
    Notification.objects.bulk_create(
        Notification(
            user=user,
            unit=u,
            kind=NotificationKind.URGING,
            title=f"{title} gửi {u.title}",
            body="\n".join(i.line for i in grouped[u.pk]),
            url=url,
        )
        for u in addressed
        for user in people.get(u.pk, {}).values()
    )
    return notice


# --- Review reports (sơ kết / tổng kết) --------------------------------------------------------
REVIEW_KINDS = {
    "so-ket": ("Sơ kết", "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI"),
    "tong-ket": ("Tổng kết", "PHƯƠNG HƯỚNG, KIẾN NGHỊ, ĐỀ XUẤT"),
}
RECIPIENTS = [
    "BTT UBMTTQ tỉnh (b/c)",
    "Thị ủy (b/c)",
    "Ban Dân vận Thị ủy",
    "UBND thị xã",
    "Các tổ chức chính trị - xã hội thị xã",
    "BTT UBMTTQ các xã, phường",
    "Lưu VT",
]


def evaluation_rows(movement: Any, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Scores and bands from the evaluation app (with `as_of`: the units scored by that day, the
    catalogue's `units_scored`), asked through one function:
    `chungtay.evaluation.selectors.results_table(movement) -> list[dict(level, unit, total, band, rank)]`.
    """
    results = evaluation.results_table
    rows = []
    for row in results(movement) if as_of is None else results(movement, as_of=as_of):
        rows.append(
            {
                key: "" if row.get(key) is None else str(row.get(key))
                for key in ("level", "unit", "total", "band", "rank")
            }
        )
    return rows


# The money lines of the report, each under its catalogue label (two different sums never share words).
# Received + transferred in − transferred out − allocated − fees = unallocated: the lines add up.
REVIEW_MONEY = (
    "money_received",
    "money_transferred_in",
    "money_transferred_out",
    "money_allocated",
    "money_paid_from_funds",
    "money_fees",
    "money_unallocated",
    "money_other_sources_committed",
    "money_other_sources_paid",
    "money_households_received",
)
# In-kind help (workdays, materials) shown beside the money lines, never added to them.
REVIEW_IN_KIND = ("in_kind_value", "in_kind_workdays")
# The per-unit table: figure names of its columns after the unit's name.
REVIEW_UNIT_COLUMNS = (
    "houses_planned",
    "houses_completed",
    "houses_done_percent",
    "money_received",
    "money_households_received",
)


def _percent(value: int | None, empty: str = "—") -> str:
    return empty if value is None else f"{value}%"


def _in_kind_text(name: str, value: int) -> str:
    if catalogue.FIGURES[name].unit == "đồng":
        return format_vnd(value)
    return f"{value:,} {catalogue.FIGURES[name].unit}".replace(",", ".")


def _house_row(f: catalogue.FigureSet) -> dict[str, Any]:
    return {
        "planned": f.houses_planned, "amount": format_vnd(f.houses_support_amount), "started": f.houses_started,
        "completed": f.houses_completed, "handed_over": f.houses_handed_over,
    }  # fmt: skip


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def review_default_day(movement: Any, *, kind: str) -> dt.date:
    """The day a report's figures are taken when nobody chose one, never after today: a sơ kết
    (mid-term) at the end of the month before the middle of the movement's period (30/06 for a
    movement from March to October), a tổng kết (final) at the end of its review month — so the
    report of a past movement shows that movement's figures, not today's."""
    if kind == "so-ket":
        middle = movement.starts_on + (movement.ends_on - movement.starts_on) / 2
        day = middle.replace(day=1) - dt.timedelta(days=1)
        day = max(day, movement.starts_on)
    else:
        day = max(_month_end(movement.review_month), movement.ends_on)
    return min(day, dates.today())


def review_context(
    movement: Any, *, kind: str, as_of: dt.date | None = None, number: str = "", signer_name: str = ""
) -> dict[str, Any]:
    """Every figure of the sơ kết / tổng kết report, for the issuing unit's subtree as of `as_of`:
    each one read from the figures catalogue (docs/figures.md), so the report, the dashboards and
    the computed criteria show the same number for the same unit and day."""
    if kind not in REVIEW_KINDS:
        raise DomainError(_("Loại báo cáo không hợp lệ."))
    # A document is written in Vietnamese whatever the language of the person who asks for it.
    with translation.override("vi"):
        day = as_of or review_default_day(movement, kind=kind)
        return _review_context(movement, kind=kind, as_of=day, number=number, signer_name=signer_name)


def _review_context(movement: Any, *, kind: str, as_of: dt.date, number: str, signer_name: str) -> dict[str, Any]:
    label, next_heading = REVIEW_KINDS[kind]
    unit = movement.issuing_unit
    f = catalogue.for_unit(unit, as_of=as_of, movement=movement)
    phases = [(year, catalogue.for_unit(unit, as_of=as_of, phase=year)) for year in phase_years(unit, as_of=as_of)]
    children = catalogue.for_children(unit, as_of=as_of, movement=movement)
    good = list(
        movement.good_models.filter(status="recognised", decided_at__date__lte=as_of)
        .select_related("unit")
        .order_by("proposed_at")
    )
    # Scores as Vietnamese write them: 95,96 (the rows carry the number's str, "95.96").
    evaluation = [{**row, "total": format_decimal_vn(row["total"])} for row in evaluation_rows(movement, as_of=as_of)]
    on_time_rate = _percent(f.obligations_on_time_percent, "chưa có việc đến hạn")
    year = movement.starts_on.year
    title = movement.title[:1].lower() + movement.title[1:]
    if str(year) not in title:
        title = f"{title} năm {year}"
    assessment = (
        f"Phong trào được các cấp Mặt trận triển khai đồng bộ; đến {as_of:%d/%m/%Y} đã hoàn thành "
        f"{f.houses_completed}/{f.houses_planned} nhà ({_percent(f.houses_done_percent, '0%')}), "
        f"{f.label('money_received').lower()} {format_vnd(f.money_received)}. "
        f"Còn {f.obligations_overdue} việc quá hạn chưa thực hiện theo các mốc của Kế hoạch và "
        f"{f.complaints_open} đơn thư đang xử lý, cần tiếp tục đôn đốc."
    )
    next_tasks = [
        "Tiếp tục đôn đốc các đơn vị hoàn thành các nhà còn lại theo phân kỳ; bàn giao, đưa vào sử dụng.",
        "Công khai, minh bạch nguồn vận động và việc hỗ trợ từng hộ; giải quyết dứt điểm đơn thư.",
        "Các đơn vị có việc quá hạn chưa thực hiện khắc phục và báo cáo kết quả về Ban Thường trực.",
    ]
    if kind == "tong-ket":
        next_tasks.append("Đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong phong trào.")
    return {
        "org_parent": _org_parent(unit), "org_name": f"Ban Thường trực Ủy ban MTTQ Việt Nam {unit.title}",
        "doc_number": number or "      /BC-MTTQ-BTT", "dateline": dates.vn_long_date(as_of, unit.name),
        "summary": f"{label} {title}",
        "kind_label": label, "movement_symbol": movement.symbol, "movement_issued": f"{movement.issued_on:%d/%m/%Y}",
        "issuer": f"Ban Thường trực Ủy ban MTTQ Việt Nam {unit.title}", "movement_title": movement.title,
        "as_of": f"ngày {as_of:%d/%m/%Y}", "as_of_date": as_of, "unit_title": unit.title,
        "participants": f.units_participating, "participants_commune": f.units_participating_communes,
        "participants_area": f.units_participating_areas,
        "registered": f.units_registered, "registered_late": f.units_registered_late,
        "launches": f.activities_launch_conferences, "trainings": f.activities_trainings,
        "training_attendance": f.activities_training_attendance, "propaganda": f.activities_propaganda,
        "regulations": f.activities_regulations, "it_measures": f.activities_it_measures,
        "obligations_due": f.obligations_due, "obligations_on_time": f.obligations_on_time,
        "obligations_done_late": f.obligations_done_late, "obligations_late": f.obligations_overdue,
        "on_time_rate": on_time_rate,
        "houses_planned": f.houses_planned, "houses_amount": format_vnd(f.houses_support_amount),
        "houses_started": f.houses_started, "houses_completed": f.houses_completed,
        "houses_handed_over": f.houses_handed_over, "houses_percent": _percent(f.houses_done_percent, "0%"),
        "phases": [{"year": y, **_house_row(p)} for y, p in phases if p.houses_planned],
        "unit_columns": [f.label(name) for name in REVIEW_UNIT_COLUMNS],
        "units": [{"title": c.title, "planned": cf.houses_planned, "completed": cf.houses_completed,
                   "percent": _percent(cf.houses_done_percent), "received": format_vnd(cf.money_received),
                   "households_received": format_vnd(cf.money_households_received)} for c, cf in children],
        "money": [{"name": name, "label": f.label(name), "value": format_vnd(f[name])} for name in REVIEW_MONEY]
        + [{"name": name, "label": f.label(name), "value": _in_kind_text(name, f[name])} for name in REVIEW_IN_KIND],
        "money_received": format_vnd(f.money_received), "money_allocated": format_vnd(f.money_allocated),
        "money_paid_from_funds": format_vnd(f.money_paid_from_funds),
        "money_households_received": format_vnd(f.money_households_received),
        "complaints_total": f.complaints_received, "complaints_open": f.complaints_open,
        "complaints_overdue": f.complaints_overdue, "complaints_escalated": f.complaints_escalated,
        "good_models_total": f.good_models_proposed, "good_models_recognised": f.good_models_recognised,
        "good_models_replications": f.good_models_replications,
        "good_models": [f"{g.title} ({g.unit.title})" for g in good],
        "units_self_assessed": f.units_self_assessed, "units_scored": f.units_scored,
        "units_approved": f.units_approved,
        "evaluation": evaluation, "assessment": assessment, "next_heading": next_heading, "next_tasks": next_tasks,
        "signer_title": "TM. BAN THƯỜNG TRỰC", "signer_role": "CHỦ TỊCH", "signer_name": signer_name,
        "recipients": RECIPIENTS,
    }  # fmt: skip


def review_docx(movement: Any, **kwargs: Any) -> bytes:
    return render_docx(REVIEW_TEMPLATE, review_context(movement, **kwargs))


# --- Background report files ----------------------------------------------------------------------
def report_job_start(
    *, user: User, unit: OrgUnit, kind: str, as_of: dt.date | None = None, params: dict[str, Any] | None = None
) -> ReportJob:
    """Queue a report of the figures as of `as_of` (today when not given; kept in the job's params as
    "as_of", YYYY-MM-DD); the worker (db_worker, queue "reports") makes the file and fills `progress`."""
    from . import exports
    from .tasks import run_report_job

    if kind not in exports.available_kinds():
        raise DomainError(_("Loại báo cáo không có sẵn."), field="kind")
    if not has_perm(user, "reports.view", unit):
        raise PermissionDenied
    day = as_of or dates.today()
    if day > dates.today():
        raise DomainError(_("Chưa có số liệu của ngày sau hôm nay."), field="as_of")
    job = ReportJob.objects.create(user=user, unit=unit, kind=kind, params={**(params or {}), "as_of": day.isoformat()})
    run_report_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def report_job_run(job_id: int) -> ReportJob | None:
    """Claim the job (one worker only), write the file with a streaming writer, record progress."""
    import tempfile
    from pathlib import Path

    from django.core.files import File

    from . import exports

    claimed = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return None
    job = ReportJob.objects.select_related("unit", "user").get(pk=job_id)

    def progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=max(0, min(99, percent)))

    try:
        with tempfile.TemporaryDirectory(prefix="chungtay-report-") as tmp:
            path = Path(tmp) / "report.xlsx"
            # A job queued before the day was kept in its params is as of the day it was queued.
            as_of = dt.date.fromisoformat(job.params.get("as_of") or f"{timezone.localdate(job.created_at)}")
            rows = exports.write(job.kind, job.unit, path, progress=progress, user=job.user, as_of=as_of)
            name = exports.file_name(job.kind, job.unit, as_of=as_of)
            with path.open("rb") as handle:
                job.file.save(name, File(handle), save=False)
        job.file_name, job.rows = name, rows
        job.status, job.progress, job.finished_at = JobStatus.DONE, 100, timezone.now()
        job.save(update_fields=["file", "file_name", "rows", "status", "progress", "finished_at"])
        Notification.objects.create(
            user=job.user, unit=job.unit, kind=NotificationKind.REPORT_READY,
            title=f"Đã xong: {job.get_kind_display()} — {job.unit.title}",
            url=reverse("reports:job_download", args=[job.pk]),
        )  # fmt: skip
    except Exception as exc:
        log.exception("Report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job
