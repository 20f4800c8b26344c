"""The menu of the signed-in pages (settings.TEMPLATES' context processor)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from chungtay.core.access import can, user_roles
from chungtay.orgunits.models import Role
from chungtay.reports.selectors import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a person sees depends on what their roles allow; entries come and go with permissions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": []}
    # An entry shows when the page's own rule (chungtay/core/access.py) lets the user in.
    candidates = [
        ("dashboard", _("Tổng quan")),
        ("orgunits:tree", _("Đơn vị")),
        ("housing:index", _("Nhà ở")),
        ("campaigns:movement_list", _("Phong trào")),
        ("funds:overview", _("Quỹ")),
        ("evaluation:index", _("Bình xét, khen thưởng")),
        ("reports:dashboard", _("Theo dõi")),
        ("accounts:user_list", _("Người dùng")),
        ("core:audit_recent", _("Nhật ký")),
    ]
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(name), "label": label, "active": current.split(":")[0] == name.split(":")[0]}
        for name, label in candidates
        if can(user, name)
    ]
    roles = sorted({str(Role(r).label) for r in user_roles(user) if r in Role.values})
    # The unread badge: one query, and only on pages that render the menu.
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {"nav_items": items, "nav_roles": roles, "nav_unread": unread}
