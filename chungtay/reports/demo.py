"""Reports demo: one run of the daily reminders on the demo's day (chungtay.core.demo_clock), so
notifications and the reminder log have something to show, one urging notice to the communes that
are late, and the figures of the monthly reports (the movement's report form): on the new map of every
ward and commune, before it of the demo officers' ward and commune.
Idempotent: reminders are logged once per day, the notice is made only if none exists, the report form
only if the movement has none."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone

from chungtay.accounts.models import User
from chungtay.campaigns.demo import SYMBOL, current_movement
from chungtay.campaigns.models import MilestoneKind, Movement, Obligation
from chungtay.core import demo_clock
from chungtay.evaluation.models import ReportValue
from chungtay.evaluation.services import report_field_add, report_values_save
from chungtay.orgunits.demo import demo_city, demo_town
from chungtay.orgunits.models import Level, Membership
from chungtay.tallies import catalogue

from .models import UrgingNotice
from .selectors import late_units
from .services import send_reminders, urging_notice_issue

# The day the tests load the demo on (they travel there): after the self-assessment deadline, near the end
# of the 2024 phase. On it the demo's story is exactly 2024's.
DEMO_DAY = dt.date(2024, 12, 2)


# The figures the office asks for with every monthly report (evaluation's report form), each the catalogue's
# figure for the reporting unit's area on the report's day; entered by the demo officers for their units.
# The houses are those of the movement's year (its phase), as criterion 3.2.2.c counts them.
REPORT_FIELDS = [
    ("Số hộ phân kỳ năm nay", "hộ", "houses_planned"),
    ("Nhà phân kỳ năm nay đã khởi công (lũy kế)", "hộ", "houses_started"),
    ("Nhà phân kỳ năm nay đã hoàn thành (lũy kế)", "hộ", "houses_completed"),
]
REPORTING_STAFF = ("vinhdien", "dienhong")


def _report_figures(office: User) -> int:
    """The report form of the movement running on the demo's day and, for each monthly report sent (on the
    new map by every ward and commune, before it by the demo officers' ward and commune), its figures as
    they stood on the day it was sent. Once only."""
    town = demo_town()
    movement = (
        current_movement()
        if demo_clock.after_reorganisation()
        else Movement.objects.filter(symbol=SYMBOL, issuing_unit=town).first()
    )
    if movement is None or movement.report_fields.exists():
        return 0
    fields = [
        report_field_add(actor=office, movement=movement, label=label, unit=unit) for label, unit, _ in REPORT_FIELDS
    ]
    staff = {
        m.unit_id: m.user
        for m in Membership.objects.filter(
            user__username__in=REPORTING_STAFF, unit__participations__movement=movement
        ).select_related("user")
    }
    sent = Obligation.objects.filter(
        milestone__movement=movement, milestone__kind=MilestoneKind.PROGRESS_REPORT, fulfilled_at__isnull=False
    ).select_related("milestone__movement", "unit", "fulfilled_by")
    # On the new map every ward and commune's reports carry their figures (the current movement's form, as
    # the city's office asks for them); in the 2024 story those of the demo officers' ward and commune.
    if not demo_clock.after_reorganisation():
        sent = sent.filter(unit_id__in=list(staff))
    entered = 0
    for obligation in sent.order_by("unit__path", "due_on"):
        assert obligation.fulfilled_at is not None
        figures = catalogue.for_unit(
            obligation.unit, as_of=timezone.localdate(obligation.fulfilled_at), phase=movement.starts_on.year
        )
        # As the form posts them: text (the service reads a bare 0 as a figure left empty).
        values = {
            field.pk: str(getattr(figures, name)) for field, (_, _, name) in zip(fields, REPORT_FIELDS, strict=True)
        }
        actor = staff.get(obligation.unit_id) or obligation.fulfilled_by or office
        rows = report_values_save(actor=actor, obligation=obligation, values=values)
        ReportValue.objects.filter(pk__in=[row.pk for row in rows]).update(entered_at=obligation.fulfilled_at)
        entered += 1
    return entered


def load_demo() -> dict[str, int]:
    today = demo_clock.demo_day()
    # The locmem backend keeps the demo's e-mails out of the console.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run = send_reminders(today=today)
        mail.outbox = []
    notices = 0
    office = User.objects.filter(username="vanphong").first()
    # On the new map the city's Front urges the new units late in the current movement; before it, the town.
    town = demo_city() if demo_clock.after_reorganisation() else demo_town()
    if office and town and not UrgingNotice.objects.filter(issuing_unit=town).exists():
        basis = (
            f"Kế hoạch số 12/KH-MTTQ-BTT của Ban Thường trực Ủy ban MTTQ Việt Nam {town.title}"
            if demo_clock.after_reorganisation()
            else "Kế hoạch số 199/KH-MTTQ-BTT của Ban Thường trực Ủy ban MTTQ Việt Nam thị xã"
        )
        late = [u for u, _items in late_units(today, town) if u.level == Level.COMMUNE][:4]
        if late:
            urging_notice_issue(
                actor=office, issuing_unit=town, units=late, number="85/MTTQ-BTT", today=today,
                deadline=today + dt.timedelta(days=10), signer_name="Lê Văn Khánh",
                basis=basis,
            )  # fmt: skip
            notices = 1
    figures = _report_figures(office) if office else 0
    return {
        "việc nhắc": len(run.items), "thông báo": run.notifications, "nhật ký": run.logs, "công văn": notices,
        "báo cáo có số liệu": figures,
    }  # fmt: skip
