"""Template helpers for movements: plain text as paragraphs and lists, obligation states as badges."""

from __future__ import annotations

from django import template
from django.db.models import Count
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from chungtay.core.access import has_perm
from chungtay.core.dates import today

from ..models import Obligation, Participation
from ..selectors import obligation_states
from ..services import RUNNING

register = template.Library()


@register.filter
def van_ban(text: str | None) -> SafeString:
    """Text typed by users (purposes, requirements…): escaped; blank lines part paragraphs,
    lines starting with "-", "+" or "•" become a list. No HTML from users ever reaches the page."""
    if not text:
        return mark_safe("")
    out: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append("<p>" + "<br>".join(para) + "</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line[0] in "-+•":
            if para:
                flush()
            items.append(escape(line[1:].strip()))
        else:
            if items:
                flush()
            para.append(escape(line))
    flush()
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


# The words of the figures catalogue's obligation states (chungtay/figures/definitions.py), everywhere.
STATES = {
    "done": ("text-bg-success", _("Hoàn thành đúng hạn")),
    "done_late": ("text-bg-warning", _("Hoàn thành trễ hạn")),
    "late": ("text-bg-danger", _("Quá hạn chưa thực hiện")),
    "open": ("text-bg-light border", _("Chưa đến hạn")),
    "excused": ("text-bg-secondary", _("Được miễn")),
}


@register.simple_tag
def trang_thai(state: str | None) -> str:
    if state is None:
        return format_html('<span class="text-muted">{}</span>', "—")
    css, label = STATES.get(state, ("text-bg-light", state))
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.filter
def diem(value: object) -> str:
    """Points without trailing zeros, Vietnamese decimal comma: 15, 7,5."""
    if value is None or value == "":
        return ""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def lookup(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.simple_tag
def phong_trao_cua_toi(user: object) -> list[dict[str, object]]:
    """For the dashboard: running movements with the user's own units' workspaces and, for each, the
    unit's own obligations overdue today (the catalogue's definition; the unit alone, not its subtree).
    Two queries."""
    if not getattr(user, "is_authenticated", False) or not has_perm(user, "movement.view"):
        return []
    unit_ids = list(user.memberships.values_list("unit_id", flat=True))  # type: ignore[attr-defined]
    participations = list(
        Participation.objects.filter(unit_id__in=unit_ids, movement__status__in=RUNNING).select_related(
            "movement", "unit"
        )[:10]
    )
    overdue = (
        Obligation.objects.filter(
            obligation_states(today())["overdue"],
            milestone__movement_id__in={p.movement_id for p in participations},
            unit_id__in={p.unit_id for p in participations},
        )
        .values("milestone__movement_id", "unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(r["milestone__movement_id"], r["unit_id"]): r["n"] for r in overdue}
    return [{"participation": p, "late": counts.get((p.movement_id, p.unit_id), 0)} for p in participations]
