"""{% can 'funds:reconcile' as may_reconcile %} / {% can 'core:document_download' doc.unit as may_open %}

A link or button to a guarded page is shown only when the viewer would get past that page's rule in
chungtay/core/access.py (and, given a unit, past the view's scope check on it): no link leads to a
403 or a 404. A builtin (config/settings.py), so templates need no {% load %}.
"""

from __future__ import annotations

from typing import Any

from django import template

from chungtay.core import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, view_name: str, unit: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user is not None and access.can(user, view_name, unit)
