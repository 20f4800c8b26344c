from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from chungtay.core.access import rule_for, user_permissions, user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a person sees depends on what their roles allow; entries come and go with permissions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": []}
    perms = user_permissions(user)  # type: ignore[arg-type]
    candidates = [
        ("dashboard", _("Tổng quan"), None),
        ("orgunits:tree", _("Đơn vị"), "units.view"),
        ("housing:index", _("Nhà ở"), "housing.view"),
        ("campaigns:movement_list", _("Phong trào"), "movement.view"),
        ("funds:overview", _("Quỹ"), "funds.view"),
        ("evaluation:index", _("Bình xét, khen thưởng"), "evaluation.view"),
        ("reports:dashboard", _("Theo dõi"), "reports.view"),
        ("accounts:user_list", _("Người dùng"), "users.manage"),
        ("core:audit_recent", _("Nhật ký"), "audit.view"),
    ]
    items = []
    current = request.resolver_match.view_name if request.resolver_match else ""
    for name, label, perm in candidates:
        if perm is None or perm in perms:
            assert rule_for(name) is not None, name
            items.append({"url": reverse(name), "label": label, "active": current.split(":")[0] == name.split(":")[0]})
    from chungtay.orgunits.models import Role

    roles = sorted({str(Role(r).label) for r in user_roles(user) if r in Role.values})  # type: ignore[arg-type]
    from django.utils.functional import SimpleLazyObject

    from chungtay.reports.selectors import unread_count

    # The unread badge: one query, and only on pages that render the menu.
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {"nav_items": items, "nav_roles": roles, "nav_unread": unread}
