"""Reports demo: one run of the daily reminders on the demo's day (chungtay.core.demo_clock), so
notifications and the reminder log have something to show, and one urging notice to the communes that
are late. Idempotent: reminders are logged once per day, and the notice is made only if none exists."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test.utils import override_settings

from chungtay.accounts.models import User
from chungtay.core import demo_clock
from chungtay.orgunits.demo import demo_city, demo_town
from chungtay.orgunits.models import Level

from .models import UrgingNotice
from .selectors import late_units
from .services import send_reminders, urging_notice_issue

# The day the tests load the demo on (they travel there): after the self-assessment deadline, near the end
# of the 2024 phase. On it the demo's story is exactly 2024's.
DEMO_DAY = dt.date(2024, 12, 2)


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
    return {"việc nhắc": len(run.items), "thông báo": run.notifications, "nhật ký": run.logs, "công văn": notices}
