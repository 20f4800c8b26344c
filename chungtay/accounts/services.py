"""Users and their memberships. Only someone who manages users over a unit can grant roles in it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chungtay.core.access import has_perm, in_scope
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.text import nfc
from chungtay.orgunits.models import Membership, OrgUnit, Role

from .models import ApiToken, User


def grantable_roles(actor: User) -> list[str]:
    """An office may appoint every role but system admin; only admins appoint admins."""
    if actor.is_superuser or actor.memberships.filter(role=Role.ADMIN).exists():
        return list(Role.values)
    return [r for r in Role.values if r != Role.ADMIN]


def _check_grant(actor: User, unit: OrgUnit, role: str) -> None:
    if not has_perm(actor, "users.manage", unit):
        raise DomainError(_("Bạn không có quyền phân quyền tại %(unit)s.") % {"unit": unit.title}, field="unit")
    if role not in grantable_roles(actor):
        raise DomainError(_("Bạn không có quyền cấp vai trò này."), field="role")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    position: str = "",
    unit: OrgUnit | None = None,
    role: str | None = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username}, field="username"
        )
    user = User(username=username, full_name=nfc(full_name), email=email, position=nfc(position))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    if actor is not None and unit is not None and role is not None:
        _check_grant(actor, unit, role)
    user.set_password(password)
    with as_actor(actor):
        user.save()
        if unit is not None and role is not None:
            Membership.objects.create(user=user, unit=unit, role=role)
    return user


@transaction.atomic
def membership_add(*, actor: User | None, user: User, unit: OrgUnit, role: str) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ."), field="role")
    if actor is not None:
        _check_grant(actor, unit, role)
    with as_actor(actor):
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if not created:
        raise DomainError(
            _("%(user)s đã có vai trò này tại %(unit)s.") % {"user": user, "unit": unit.title}, field="role"
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User | None, membership: Membership) -> None:
    # A role on a unit that has ended may still be taken away (its records stay read-only).
    if actor is not None and not in_scope(actor, "users.manage", membership.unit):
        raise DomainError(_("Bạn không có quyền phân quyền tại %(unit)s.") % {"unit": membership.unit.title})
    if actor is not None and membership.user_id == actor.pk and membership.role in (Role.ADMIN, Role.OFFICE):
        raise DomainError(_("Không thể tự gỡ quyền quản lý của chính mình."))
    with as_actor(actor):
        membership.delete()


# --- API tokens (issue 15) -------------------------------------------------------------------
@transaction.atomic
def token_issue(*, user: User, second_factor: bool, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user`, valid settings.API_TOKEN_DAYS days; returns it and its secret.

    The secret is shown once and never stored (knox keeps its digest). The caller has established
    the user: a session past the second factor where one is needed, or password plus TOTP code, and
    says whether a code was part of it (`second_factor`)."""
    with as_actor(user):
        return ApiToken.objects.create(
            user=user,
            expiry=timedelta(days=settings.API_TOKEN_DAYS),
            name=nfc(name.strip())[:100],
            second_factor=second_factor,
        )


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Delete one of the actor's own tokens; the audit log records who and which (not the secret)."""
    if token.user_id != actor.pk:
        raise DomainError(_("Chỉ thu hồi được token của chính mình."))
    with as_actor(actor):
        token.delete()
