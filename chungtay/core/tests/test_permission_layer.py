"""One permission layer (issue 23): every write service takes the actor and checks its rule itself,
so a view, an API endpoint or an import that forgets to check cannot write past it. Views stay thin:
they fetch through an access helper and show the service's refusal on their form
(`core.forms.add_domain_error`)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import chungtay
from chungtay.campaigns import services as campaigns
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.orgunits import services as orgunits
from chungtay.orgunits.forms import UnitForm
from chungtay.orgunits.models import Kind, Level

PACKAGE = Path(chungtay.__file__).parent
DAY = dt.date(2024, 3, 14)
# What counts as checking the actor's rule: the shared check, and the apps' own older helpers.
CHECKS = {"check_actor", "_require", "require_perm", "_check_rights", "_check_grant", "has_perm", "in_scope"}

# Services taking an actor that check no unit rule, each with its reason. The list only shrinks.
OWN_RULE: dict[tuple[str, str], str] = {
    ("accounts.services", "grantable_roles"): "a read: the roles the actor may give",
    ("accounts.services", "token_revoke"): "a person revokes only their own token (compared with the token's user)",
    ("reports.services", "contact_channel_set"): "a person sets only their own channel (actor must be the user)",
    ("campaigns.services.participation", "obligation_fulfil"): "a step of services that checked (a report, a submit)",
    ("housing.services", "escalate_overdue_complaints"): "the daily job (no actor) or a checked office page",
}


def _calls(fn: ast.FunctionDef) -> set[str]:
    return {
        c.func.id if isinstance(c.func, ast.Name) else c.func.attr
        for c in ast.walk(fn)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name | ast.Attribute)
    }


def _checks(name: str, calls: dict[str, set[str]], seen: frozenset[str] = frozenset()) -> bool:
    """The function checks a rule itself, or calls a function of its module that does."""
    called = calls[name]
    others = [o for o in called if o in calls and o not in seen]
    return bool(called & CHECKS) or any(_checks(o, calls, seen | {name}) for o in others)


def _unchecked_services() -> set[tuple[str, str]]:
    found = set()
    for path in sorted([*PACKAGE.glob("*/services.py"), *PACKAGE.glob("*/services/*.py")]):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        calls = {name: _calls(fn) for name, fn in functions.items()}
        for name, fn in functions.items():
            takes_actor = any(a.arg == "actor" for a in [*fn.args.args, *fn.args.kwonlyargs])
            if takes_actor and not name.startswith("_") and not _checks(name, calls):
                found.add((module, name))
    return found


def test_every_write_service_that_takes_an_actor_checks_its_rule():
    unchecked = _unchecked_services()
    new = sorted(unchecked - OWN_RULE.keys())
    assert not new, (
        "These services take an actor and check no rule: call core.access.check_actor(actor, perm, unit) "
        f"first (or list them in OWN_RULE with the reason): {new}"
    )
    stale = sorted(OWN_RULE.keys() - unchecked)
    assert not stale, f"These now check a rule; remove them from OWN_RULE: {stale}"


@pytest.mark.django_db
def test_a_service_refuses_an_actor_without_the_rule_in_vietnamese(tree, people):
    with pytest.raises(DomainError, match="không có quyền"):
        orgunits.unit_update(
            actor=people.commune_a_staff, unit=tree.town, name="Đổi tên", kind=tree.town.kind,
            valid_from=tree.town.valid_from, valid_to=None,
        )  # fmt: skip
    with pytest.raises(DomainError, match="không có quyền"):
        orgunits.member_org_add(actor=people.commune_b_staff, unit=tree.commune_a, kind="youth", name="Đoàn")
    with pytest.raises(DomainError, match="không có quyền"):
        campaigns.movement_create(
            actor=people.commune_a_staff, issuing_unit=tree.town, symbol="1/KH", title="Thi đua",
            issued_on=DAY, starts_on=DAY, ends_on=DAY, review_month=DAY,
        )  # fmt: skip
    unit = orgunits.unit_create(
        actor=people.admin, parent=tree.commune_a, level=Level.AREA, kind=Kind.VILLAGE, name="Thôn Mới"
    )
    assert unit.parent.pk == tree.commune_a.pk


def test_a_domain_error_goes_under_the_field_it_names_or_above_the_form():
    form = UnitForm(data={}, level=Level.COMMUNE)
    form.is_valid()
    add_domain_error(form, DomainError("Tên đã có.", field="name"))
    add_domain_error(form, DomainError("Không lưu được.", field="not_a_field"))
    add_domain_error(form, DomainError("Chưa được phép."))
    assert "Tên đã có." in form.errors["name"]
    assert form.non_field_errors() == ["Không lưu được.", "Chưa được phép."]
