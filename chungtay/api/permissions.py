"""DRF permission classes: the same permission names as the pages (chungtay/core/access.py).

The URL rule for these views is `API` (the request reaches DRF, which authenticates tokens);
these classes refuse anonymous calls and people without the permission anywhere. The scope — which
rows — is the view's queryset (`visible_to`), and a write checks the permission over the unit."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from chungtay.core.access import has_perm


class HasPerm(BasePermission):
    """The view names `read_perm` and `write_perm`; safe methods need the first, others the second."""

    message = "Bạn không có quyền thực hiện việc này."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        perm = view.read_perm if request.method in ("GET", "HEAD", "OPTIONS") else view.write_perm
        return has_perm(user, perm)
