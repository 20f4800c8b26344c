"""Users and their memberships. Only someone who manages users over a unit can grant roles in it."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from chungtay.core.access import has_perm
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.text import nfc
from chungtay.orgunits.models import Membership, OrgUnit, Role

from .models import User


def grantable_roles(actor: User) -> list[str]:
    """An office may appoint every role but system admin; only admins appoint admins."""
    if actor.is_superuser or actor.memberships.filter(role=Role.ADMIN).exists():  # type: ignore[attr-defined]
        return list(Role.values)
    return [r for r in Role.values if r != Role.ADMIN]


def _check_grant(actor: User, unit: OrgUnit, role: str) -> None:
    if not has_perm(actor, "users.manage", unit):
        raise DomainError(f"Bạn không có quyền phân quyền tại {unit.title}.", field="unit")
    if role not in grantable_roles(actor):
        raise DomainError("Bạn không có quyền cấp vai trò này.", field="role")


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
        raise DomainError(f"Tên đăng nhập “{username}” đã có người dùng.", field="username")
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
        raise DomainError("Vai trò không hợp lệ.", field="role")
    if actor is not None:
        _check_grant(actor, unit, role)
    with as_actor(actor):
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if not created:
        raise DomainError(f"{user} đã có vai trò này tại {unit.title}.", field="role")
    return membership


@transaction.atomic
def membership_remove(*, actor: User | None, membership: Membership) -> None:
    if actor is not None and not has_perm(actor, "users.manage", membership.unit):
        raise DomainError(f"Bạn không có quyền phân quyền tại {membership.unit.title}.")
    if actor is not None and membership.user_id == actor.pk and membership.role in (Role.ADMIN, Role.OFFICE):
        raise DomainError("Không thể tự gỡ quyền quản lý của chính mình.")
    with as_actor(actor):
        membership.delete()
