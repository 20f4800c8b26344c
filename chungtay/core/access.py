"""Access control in one place.

1. ROLE_PERMISSIONS says what each role may do.
2. URL_RULES maps every URL name to the rule that guards it. AccessMiddleware refuses any view
   whose name is not mapped (fail closed), and tests/test_url_rules.py walks the URLconf.
3. `visible_to` scopes a queryset to the subtrees of the user's memberships that grant a
   permission: a membership covers its unit and everything below it.

Views still fetch objects through `visible_to` (404 outside scope); the URL rule is the coarse
gate, the scope is the fine one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chungtay.core import dates
from chungtay.core.errors import DomainError

log = logging.getLogger(__name__)
# request.user as views receive it (User or AnonymousUser); every helper checks is_authenticated.
UserLike = Any
M = TypeVar("M", bound=Model)

# --- What each role may do --------------------------------------------------------------------
# Names are "<area>.<action>"; a ".view" permission never allows a change (inspectors hold only those).
VIEW_ALL = {
    "units.view",
    "audit.view",
    "documents.view",
    "movement.view",
    "housing.view",
    "housing.private",  # citizen ID, phone, exact address, health: staff of the subtree and inspectors
    "complaints.view",
    "funds.view",
    "evaluation.view",
    "reports.view",
}
# What the Front's own people at a commune or residential area do day to day.
UNIT_WORK = {
    "units.view",
    "units.edit_own",
    "documents.view",
    "documents.upload",
    "movement.view",
    "movement.participate",  # register, own plan, launch conference, activities, good models
    "housing.view",
    "housing.private",
    "housing.edit",  # households, funding plan, import the approved list
    "housing.progress",  # stage updates and photos
    "in_kind.record",  # in-kind help (workdays, materials) for households and movements of the subtree
    "complaints.view",
    "complaints.manage",
    "funds.view",
    "funds.record",  # receipts, pledges, transfers, allocations, disbursement vouchers, statements
    "funds.approve",  # approve disbursements, reverse entries; never one's own voucher (maker-checker)
    "evaluation.view",
    "evaluation.self",  # the unit's own self-assessment and evidence
    "reports.view",
}
# The town office's follow-up and evaluation work, on top of UNIT_WORK.
OFFICE_WORK = {
    "units.manage",
    "users.manage",
    "movement.manage",
    "contest.judge",
    "funds.manage",
    "evaluation.review",  # review self-assessments, cross-review set-up, rankings, proposals
    "awards.manage",  # award forms, proposals, meetings, decisions and certificates (drafts)
    "reports.remind",  # reminders, urging notices (công văn đôn đốc)
}
ROLE_PERMISSIONS: dict[str, set[str]] = {
    "admin": VIEW_ALL | UNIT_WORK | OFFICE_WORK,
    "office": VIEW_ALL | UNIT_WORK | OFFICE_WORK,
    # evaluation.approve: approve (and so lock) the ranking; awards.sign: sign award decisions.
    "board": VIEW_ALL | {"movement.approve", "contest.judge", "funds.approve", "evaluation.approve", "awards.sign"},
    "unit_staff": UNIT_WORK,
    "area_board": {
        "evaluation.view",
        "units.view",
        "documents.view",
        "documents.upload",
        "movement.view",
        "housing.view",
        "housing.private",
        "housing.progress",
        "in_kind.record",
    },
    "inspector": VIEW_ALL,
}


def role_permissions(role: str) -> set[str]:
    return ROLE_PERMISSIONS.get(role, set())


@dataclass(frozen=True)
class Rule:
    """How a URL is guarded: `public`, `login` (any signed-in user), `perm` (a permission somewhere)."""

    kind: str
    perm: str | None = None

    def check(self, request: HttpRequest) -> HttpResponse | None:
        # "api": the request reaches DRF, which authenticates it (token or session) and whose
        # permission classes (chungtay/api/permissions.py) refuse anonymous and out-of-scope calls.
        if self.kind in ("public", "api"):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if self.allows(request.user):
            return None
        raise PermissionDenied

    def allows(self, user: UserLike, unit: Any = None) -> bool:
        """Would this user get past the rule — and, with `unit`, past the view's scope check on that unit?

        Views fetch their object with `get_visible_or_404(user, …, rule.perm, …)`, so "the rule's
        permission over the object's unit" is the same question the view asks.
        """
        if self.kind in ("public", "api"):
            return True
        if not user.is_authenticated:
            return False
        if self.kind == "login":
            return True
        if self.kind == "staff":
            return bool(user.is_staff)
        return self.kind == "perm" and bool(self.perm) and has_perm(user, self.perm, unit)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.kind}:{self.perm}" if self.perm else self.kind


PUBLIC = Rule("public")
LOGIN = Rule("login")
STAFF = Rule("staff")
API = Rule("api")  # token-authenticated REST endpoints: DRF authenticates and checks permissions


def needs(perm: str) -> Rule:
    return Rule("perm", perm)


# --- Every URL name → its rule --------------------------------------------------------------
# A name ending in ":*" covers a whole namespace (Django's admin guards itself on top of this).
URL_RULES: dict[str, Rule] = {
    "admin:*": STAFF,
    "set_language": PUBLIC,
    "home": PUBLIC,
    "healthz": PUBLIC,
    "dashboard": LOGIN,
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_change": LOGIN,
    "accounts:password_change_done": LOGIN,
    "accounts:profile": LOGIN,
    "accounts:token_create": LOGIN,  # own API tokens; a session needing 2FA must have passed it
    "accounts:token_revoke": LOGIN,  # own tokens only (the view looks them up by user)
    "accounts:otp_setup": LOGIN,
    "accounts:otp_verify": LOGIN,
    "accounts:user_list": needs("users.manage"),
    "accounts:user_create": needs("users.manage"),
    "accounts:unit_picker": needs("users.manage"),  # the unit picker of the user and role forms (htmx)
    "accounts:user_detail": needs("users.manage"),
    "accounts:membership_add": needs("users.manage"),
    "accounts:membership_remove": needs("users.manage"),
    # org units
    "orgunits:tree": needs("units.view"),
    "orgunits:detail": needs("units.view"),
    "orgunits:children": needs("units.view"),
    "orgunits:search": needs("units.view"),
    "orgunits:create_child": needs("units.manage"),
    "orgunits:edit": needs("units.manage"),
    "orgunits:succession_add": needs("units.manage"),
    "orgunits:memberorg_add": needs("units.manage"),
    "orgunits:memberorg_delete": needs("units.manage"),
    "orgunits:import": needs("units.manage"),
    "orgunits:import_preview": needs("units.manage"),
    "orgunits:import_confirm": needs("units.manage"),
    "orgunits:import_template": needs("units.manage"),
    "reorg:index": needs("units.manage"),
    "reorg:template": needs("units.manage"),
    "reorg:detail": needs("units.manage"),
    "reorg:review": needs("units.manage"),
    "reorg:history": needs("units.view"),  # a unit's predecessors' figures ("của các đơn vị cũ")
    # audit
    "core:audit_recent": needs("audit.view"),
    "core:audit_object": needs("audit.view"),
    "core:document_download": needs("documents.view"),
    # campaigns (issue 3): add "campaigns:<name>" entries here
    "campaigns:movement_list": needs("movement.view"),
    "campaigns:movement_detail": needs("movement.view"),
    "campaigns:criteria": needs("movement.view"),  # the view lets managers add; others read
    "campaigns:criteria_version": needs("movement.view"),
    "campaigns:tracking": needs("movement.view"),
    "campaigns:workspace": needs("movement.view"),
    "campaigns:activity_detail": needs("movement.view"),  # adding a document needs movement.participate
    "campaigns:goodmodel_list": needs("movement.view"),
    "campaigns:goodmodel_detail": needs("movement.view"),  # adding a photo needs movement.participate
    "campaigns:goodmodel_photo": needs("movement.view"),
    "campaigns:contest_detail": needs("movement.view"),
    "campaigns:movement_create": needs("movement.manage"),
    "campaigns:issuing_unit_picker": needs("movement.manage"),  # the movement form's issuing-unit picker (htmx)
    "campaigns:movement_edit": needs("movement.manage"),
    "campaigns:legal_add": needs("movement.manage"),
    "campaigns:legal_remove": needs("movement.manage"),
    "campaigns:movement_transition": needs("movement.manage"),
    "campaigns:movement_copy": needs("movement.manage"),
    "campaigns:criteria_publish": needs("movement.manage"),
    "campaigns:criterion_edit": needs("movement.manage"),
    "campaigns:criterion_delete": needs("movement.manage"),
    "campaigns:participants": needs("movement.manage"),
    "campaigns:participant_remove": needs("movement.manage"),
    "campaigns:milestones": needs("movement.manage"),
    "campaigns:milestone_remove": needs("movement.manage"),
    "campaigns:obligation_excuse": needs("movement.manage"),
    "campaigns:contest_create": needs("movement.manage"),
    "campaigns:round_add": needs("movement.manage"),
    "campaigns:register": needs("movement.participate"),
    "campaigns:own_plan": needs("movement.participate"),
    "campaigns:report_submit": needs("movement.participate"),
    "campaigns:activity_create": needs("movement.participate"),
    "campaigns:evidence": needs("movement.participate"),
    "campaigns:goodmodel_propose": needs("movement.participate"),
    "campaigns:goodmodel_replicate": needs("movement.participate"),
    "campaigns:replicate_unit_picker": needs("movement.participate"),  # the replication form's unit picker (htmx)
    "campaigns:entrant_add": needs("movement.participate"),
    "campaigns:entrant_unit_picker": needs("movement.participate"),  # the entrant form's unit picker (htmx)
    "campaigns:goodmodel_decide": needs("movement.approve"),
    "campaigns:round_score": needs("contest.judge"),
    # member organisations in movements and in-kind help (issue 17)
    "members:in_kind_list": needs("housing.view"),
    "members:in_kind_create": needs("in_kind.record"),
    "members:in_kind_unit_picker": needs("in_kind.record"),  # the in-kind form's unit picker (htmx)
    "members:in_kind_org_picker": needs("in_kind.record"),  # the in-kind form's member-organisation picker (htmx)
    "members:in_kind_delete": needs("in_kind.record"),
    "members:movement_orgs": needs("movement.view"),
    "members:register": needs("movement.participate"),
    "members:results": needs("movement.participate"),
    # housing (issue 4): add "housing:<name>" entries here
    "housing:index": needs("housing.view"),
    "housing:export": needs("housing.view"),
    "housing:progress": needs("housing.view"),
    "housing:norms": needs("housing.view"),
    "housing:norm_create": needs("units.manage"),
    "housing:household_create": needs("housing.edit"),
    "housing:area_picker": needs("housing.edit"),  # the household form's area picker (htmx)
    "housing:household_detail": needs("housing.view"),
    "housing:household_edit": needs("housing.edit"),
    "housing:household_status": needs("housing.edit"),
    "housing:funding": needs("housing.edit"),
    "housing:progress_add": needs("housing.progress"),
    "housing:progress_verify": needs("housing.edit"),
    "housing:photo": needs("housing.view"),
    "housing:offline": needs("housing.progress"),  # the installable app of area boards (issue 21)
    "housing:offline_data": needs("housing.progress"),
    "housing:progress_sync": needs("housing.progress"),
    "housing:service_worker": PUBLIC,  # static code, no data; fetched by the browser on its own
    "housing:manifest": PUBLIC,  # browsers fetch the manifest without cookies
    "housing:checklist_areas": needs("housing.view"),
    "housing:checklist": needs("housing.view"),
    "housing:checklist_pdf": needs("housing.view"),
    "housing:import": needs("housing.edit"),
    "housing:import_mapping": needs("housing.edit"),
    "housing:import_preview": needs("housing.edit"),
    "housing:import_confirm": needs("housing.edit"),
    "housing:complaint_list": needs("complaints.view"),
    "housing:complaint_create": needs("complaints.manage"),
    "housing:complaint_unit_picker": needs("complaints.manage"),  # the complaint form's unit picker (htmx)
    "housing:complaint_detail": needs("complaints.view"),
    "housing:complaint_document": needs("complaints.manage"),
    # evaluation (issue 6): add "evaluation:<name>" entries here
    "evaluation:index": needs("evaluation.view"),
    "evaluation:board": needs("evaluation.view"),
    "evaluation:assessment_detail": needs("evaluation.view"),
    "evaluation:ranking": needs("evaluation.view"),
    "evaluation:awards": needs("evaluation.view"),
    "evaluation:meeting_detail": needs("evaluation.view"),
    "evaluation:decision_detail": needs("evaluation.view"),
    "evaluation:decision_document": needs("evaluation.view"),
    "evaluation:certificate": needs("evaluation.view"),
    "evaluation:certificates_zip": needs("evaluation.view"),
    "evaluation:movement_paper": needs("evaluation.view"),
    "evaluation:meeting_paper": needs("evaluation.view"),
    "evaluation:proposal_paper": needs("evaluation.view"),
    "evaluation:upward_dossier": needs("evaluation.view"),
    "evaluation:reports": needs("evaluation.view"),
    "evaluation:report_entry": needs("evaluation.self"),
    "evaluation:self_assess": needs("evaluation.self"),
    "evaluation:evidence_upload": needs("evaluation.self"),
    "evaluation:cross_list": needs("evaluation.self"),
    "evaluation:cross_review": needs("evaluation.self"),
    "evaluation:review": needs("evaluation.review"),
    "evaluation:assessment_return": needs("evaluation.review"),
    "evaluation:setup": needs("evaluation.review"),
    "evaluation:band_delete": needs("evaluation.review"),
    "evaluation:ranking_approve": needs("evaluation.approve"),
    "evaluation:ranking_exclude": needs("evaluation.review"),
    "evaluation:award_form_create": needs("awards.manage"),
    "evaluation:proposal_create": needs("awards.manage"),
    "evaluation:award_unit_picker": needs("awards.manage"),  # the proposal form's unit picker (htmx)
    "evaluation:proposal_from_ranking": needs("awards.manage"),
    "evaluation:proposal_remove": needs("awards.manage"),
    "evaluation:meeting_create": needs("awards.manage"),
    "evaluation:meeting_votes": needs("awards.manage"),
    "evaluation:decision_create": needs("awards.manage"),
    "evaluation:decision_sign": needs("awards.sign"),
    # reports (issue 7): add "reports:<name>" entries here
    "reports:dashboard": needs("reports.view"),
    "reports:timeliness": needs("reports.view"),
    "reports:notifications": LOGIN,  # a person's own notifications
    "reports:notification_read": LOGIN,
    "reports:notifications_read_all": LOGIN,
    "reports:channel_settings": LOGIN,  # a person's own choice of SMS/Zalo/e-mail (issue 21)
    "reports:channel_stop": PUBLIC,  # the signed link in each digest stops it without signing in
    "reports:reminder_log": needs("reports.remind"),
    "reports:reminder_run": needs("reports.remind"),
    "reports:urging_notice": needs("reports.remind"),
    "reports:urging_items": needs("reports.remind"),  # one late unit's items, inside the person's scope
    "reports:urging_download": LOGIN,  # the view serves it to the issuing side and the units addressed
    "reports:review_list": needs("reports.view"),
    "reports:review": needs("reports.view"),
    "reports:exports": needs("reports.view"),
    "reports:job_status": needs("reports.view"),  # own jobs only
    "reports:job_download": needs("reports.view"),
    # portal (issue 8): public pages — add "portal:<name>": PUBLIC here
    "portal:home": PUBLIC,
    "portal:unit": PUBLIC,
    "portal:map_cells": PUBLIC,  # cells of ~1 km, counts only (public.map_cells)
    "portal:receipts": PUBLIC,
    "portal:receipt_trace": PUBLIC,  # public fields only (funds.public_views)
    "portal:households": PUBLIC,
    "portal:household": PUBLIC,
    "portal:photo": PUBLIC,  # the view serves only photos of households that consented
    "portal:gallery": PUBLIC,
    "portal:good_models": PUBLIC,
    "portal:donate": PUBLIC,
    "portal:complain": PUBLIC,
    "portal:open_data": PUBLIC,
    "portal:download": PUBLIC,
    # api (issue 8): add "api:<name>" entries here (DRF permissions check scope inside)
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:token": PUBLIC,  # POST only, throttled
    "api:public-summary": PUBLIC,
    "api:public-unit-list": PUBLIC,
    "api:public-unit-detail": PUBLIC,
    "api:public-receipt-list": PUBLIC,
    "api:public-household-list": PUBLIC,
    "api:public-household-detail": PUBLIC,
    "api:public-progress-list": PUBLIC,
    "api:household-list": API,
    "api:household-detail": API,
    "api:progress-list": API,
    "api:receipt-list": API,
    "api:fund-list": API,
    "api:fund-detail": API,
    # funds (issue 5)
    "funds:overview": needs("funds.view"),
    "funds:fund_create": needs("funds.manage"),
    "funds:source_create": needs("funds.manage"),
    "funds:fund_detail": needs("funds.view"),
    "funds:receipt_create": needs("funds.record"),
    "funds:receipt_unit_picker": needs("funds.record"),  # the receipt form's designated-unit picker (htmx)
    "funds:pledge_create": needs("funds.record"),
    "funds:transfer_create": needs("funds.record"),
    "funds:transfer_fund_picker": needs("funds.record"),  # the transfer form's fund picker (htmx)
    "funds:statement_import": needs("funds.record"),
    "funds:statement_preview": needs("funds.record"),
    "funds:statement_confirm": needs("funds.record"),
    "funds:qr": needs("funds.view"),
    "funds:fund_book": needs("funds.view"),
    "funds:poster_pdf": needs("funds.view"),
    "funds:receipt_list": needs("funds.view"),
    "funds:receipt_detail": needs("funds.view"),
    "funds:receipt_pdf": needs("funds.view"),
    "funds:receipt_c40": needs("funds.view"),
    "funds:pledge_list": needs("funds.view"),
    "funds:allocation_create": needs("funds.record"),
    "funds:origin_picker": needs("funds.record"),  # the allocation and disbursement forms' source picker (htmx)
    "funds:disbursement_list": needs("funds.view"),
    "funds:disbursement_create": needs("funds.record"),
    "funds:disbursement_approve": needs("funds.approve"),
    "funds:disbursement_reject": needs("funds.approve"),
    "funds:voucher_pdf": needs("funds.view"),
    "funds:voucher_c41": needs("funds.view"),
    "funds:entry_detail": needs("funds.view"),
    "funds:household": needs("funds.view"),
    "funds:reconcile": needs("funds.record"),
    "funds:reconcile_line": needs("funds.record"),
}


def rule_for(view_name: str | None) -> Rule | None:
    if not view_name:
        return None
    if view_name in URL_RULES:
        return URL_RULES[view_name]
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else None
    while namespace:
        rule = URL_RULES.get(namespace + ":*")
        if rule:
            return rule
        namespace = namespace.rsplit(":", 1)[0] if ":" in namespace else None
    return None


def can(user: UserLike, view_name: str, unit: Any = None) -> bool:
    """May this user follow a link to `view_name` (on `unit`)? Menus and buttons ask this, so that no
    link leads to a 403 or 404: the answer comes from the same rule the view is guarded by."""
    rule = rule_for(view_name)
    return rule is not None and rule.allows(user, unit)


class AccessMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        match = request.resolver_match
        rule = rule_for(match.view_name if match else None)
        if rule is None:
            log.error("URL %s (%s) has no access rule: refused", request.path, match and match.view_name)
            raise PermissionDenied("Đường dẫn chưa được gán quyền truy cập.")
        return rule.check(request)


# --- Permissions and scope from memberships --------------------------------------------------
# What a role on a unit that has ended still allows: reading its history. Every other permission is
# a write, and a write needs a unit in force today (a reorganisation ends units, ADR 5).
READ_PERMS = frozenset(VIEW_ALL)
_reorganising: ContextVar[bool] = ContextVar("chungtay_reorganising", default=False)


@contextmanager
def reorganising() -> Iterator[None]:
    """The reorganisation's own writes (reorg.services.commit): it ends units and then moves what
    lives on them — the last transfer out of an ended unit's fund is written by the office on it."""
    token = _reorganising.set(True)
    try:
        yield
    finally:
        _reorganising.reset(token)


def is_reorganising() -> bool:
    """Inside a reorganisation's own writes (`reorganising()`): its moves are dated by their records."""
    return _reorganising.get()


def _ended(valid_to: dt.date | None) -> bool:
    return valid_to is not None and valid_to < dates.today() and not _reorganising.get()


def closed_refusal(perm: str, unit: Any) -> str | None:
    """Why a write (`perm` not a read) on `unit` is refused because the unit has ended, else None."""
    if perm in READ_PERMS or unit is None or not _ended(getattr(unit, "valid_to", None)):
        return None
    return _(
        "%(unit)s đã kết thúc hoạt động từ ngày %(ended_on)s (sắp xếp đơn vị): chỉ xem được số liệu đến ngày "
        "%(last_day)s; hãy ghi nhận tại đơn vị mới."
    ) % {
        "unit": unit.title[:1].upper() + unit.title[1:],
        "ended_on": f"{unit.valid_to + dt.timedelta(days=1):%d/%m/%Y}",
        "last_day": f"{unit.valid_to:%d/%m/%Y}",
    }


def _memberships(user: UserLike) -> list[tuple[str, str, int, dt.date | None]]:
    """(role, unit path, unit id, unit's last day) of the user's memberships, cached on the user object
    per request."""
    cached = getattr(user, "_ct_memberships", None)
    if cached is None:
        cached = list(user.memberships.values_list("role", "unit__path", "unit_id", "unit__valid_to"))
        user._ct_memberships = cached
    return cached


def _grants(role: str, valid_to: dt.date | None, perm: str) -> bool:
    """A role grants its permissions while its unit is in force; on an ended unit, only the reads."""
    return perm in role_permissions(role) and (perm in READ_PERMS or not _ended(valid_to))


def has_perm(user: UserLike, perm: str, unit: Any = None) -> bool:
    """Does the user hold `perm` at all (unit=None), or over this unit (its path is inside a scope)?
    A write on a unit that has ended is refused to everyone (`closed_refusal` says why)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if closed_refusal(perm, unit):
        return False
    if user.is_superuser:
        return True
    for role, path, _unit_id, valid_to in _memberships(user):
        if _grants(role, valid_to, perm) and (unit is None or unit.path.startswith(path)):
            return True
    return False


def scope_paths(user: UserLike, perm: str) -> list[str]:
    """The unit paths under which `perm` holds, without paths nested in others."""
    # Where, not whether: a write inside an ended unit's scope is refused on the unit (has_perm), with
    # its reason, rather than hidden as "not found".
    paths = sorted({path for role, path, _, _ in _memberships(user) if perm in role_permissions(role)})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def in_scope(user: UserLike, perm: str, unit: Any) -> bool:
    """Is `unit` inside the user's scope for `perm`, whether or not it has ended? For the office's
    housekeeping about a unit — taking away a role on it, reviewing a reorganisation's line about it —
    which does not write the unit's own records (has_perm refuses those on an ended unit)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or any(unit.path.startswith(path) for path in scope_paths(user, perm))


def scope_q(user: UserLike, perm: str, path_field: str = "path") -> Q | None:
    """A Q for "inside the user's scope"; None means everything (superuser)."""
    if user.is_superuser:
        return None
    paths = scope_paths(user, perm)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def visible_to(user: UserLike, qs: QuerySet[M], perm: str, path_field: str = "path") -> QuerySet[M]:
    """Scope any queryset of unit-owned rows; `path_field` is the unit's path, e.g. "area__path"."""
    if not user.is_authenticated:
        return qs.none()
    q = scope_q(user, perm, path_field)
    return qs if q is None else qs.filter(q)


def get_visible_or_404(user: UserLike, qs: QuerySet[M], perm: str, path_field: str = "path", **lookup: Any) -> M:
    try:
        return visible_to(user, qs, perm, path_field).get(**lookup)
    except qs.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def require_perm(user: UserLike, perm: str, unit: Any) -> None:
    if not has_perm(user, perm, unit):
        raise PermissionDenied(closed_refusal(perm, unit) or "")


def check_actor(actor: UserLike | None, perm: str, unit: Any = None, *, field: str | None = None) -> None:
    """The rule a write service checks before it writes (one permission layer, docs/architecture.md):
    the actor holds `perm` over `unit`, else a DomainError that says why, which the view shows on its
    form. `actor=None` is the system itself: the demo, or a step whose caller checked its user. A
    reorganisation's own writes were checked once by its commit (reorg.services), which also makes
    units nobody holds a role on yet."""
    if actor is None or _reorganising.get() or has_perm(actor, perm, unit):
        return
    if refusal := closed_refusal(perm, unit):
        raise DomainError(refusal, field=field)
    if unit is None:
        raise DomainError(_("Bạn không có quyền thực hiện việc này."), field=field)
    raise DomainError(_("Bạn không có quyền thực hiện việc này tại %(unit)s.") % {"unit": unit.title}, field=field)


def user_roles(user: UserLike) -> set[str]:
    return {role for role, _, _, _ in _memberships(user)} if user.is_authenticated else set()


def user_permissions(user: UserLike) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set().union(*ROLE_PERMISSIONS.values())
    perms: set[str] = set()
    for role in user_roles(user):
        perms |= role_permissions(role)
    return perms


def root_units_for(user: UserLike) -> Iterable[int]:
    """Ids of the top units the user works from (their memberships' units)."""
    return [unit_id for _, _, unit_id, _ in _memberships(user)]
