"""Criteria sets: a tree with totals; frozen at launch; a later change makes a new version."""

from decimal import Decimal

import pytest

from chungtay.campaigns import selectors, services
from chungtay.campaigns.models import CriteriaSet, Criterion, CriterionKind
from chungtay.core.errors import DomainError
from chungtay.orgunits.models import Level


def test_the_tree_totals_scored_items_and_keeps_bonus_apart(movement):
    tree = selectors.criteria_tree(services.latest_set(movement, Level.COMMUNE))
    assert [r.criterion.code for r in tree.rows][:4] == ["3.2.1", "3.2.1.a", "3.2.1.b", "3.2.1.d"]
    assert [r.depth for r in tree.rows][:2] == [0, 1]
    assert tree.base_total == Decimal(100) and tree.bonus_total == Decimal(5)
    group = next(r for r in tree.rows if r.criterion.code == "3.2.1")
    assert group.points == Decimal(40)


def test_before_launch_edits_change_the_draft_in_place(movement, people):
    criterion = Criterion.objects.get(criteria_set__movement=movement, code="3.2.1.a")
    services.criterion_update(
        actor=people.town_office, criterion=criterion, code="3.2.1.a", title="Quy chế làm việc",
        kind=CriterionKind.REVIEWED, max_points=Decimal(20),
    )  # fmt: skip
    assert CriteriaSet.objects.filter(movement=movement, level=Level.COMMUNE).count() == 1
    criterion.refresh_from_db()
    assert criterion.max_points == 20


def test_an_edit_after_launch_makes_version_2_and_version_1_stays_as_it_was(launched, people):
    v1 = CriteriaSet.objects.get(movement=launched, level=Level.COMMUNE, version=1)
    before = list(v1.criteria.values_list("code", "title", "max_points", "parent__code").order_by("code"))
    old = v1.criteria.get(code="3.2.1.a")
    edited = services.criterion_update(
        actor=people.town_office, criterion=old, code="3.2.1.a", title="Quy chế làm việc (sửa đổi)",
        kind=CriterionKind.REVIEWED, max_points=Decimal(12),
    )  # fmt: skip
    v2 = edited.criteria_set
    assert (v2.version, v2.previous_id, v2.frozen_at) == (2, v1.pk, None)
    assert list(v1.criteria.values_list("code", "title", "max_points", "parent__code").order_by("code")) == before
    assert v2.criteria.get(code="3.2.1.a").parent.code == "3.2.1"  # the tree was copied with its groups
    assert v2.criteria.count() == v1.criteria.count()
    # More edits go to the same draft, not to version 3.
    services.criterion_add(
        actor=people.town_office, movement=launched, level=Level.COMMUNE, code="3.2.1.e", parent_code="3.2.1",
        kind=CriterionKind.YES_NO, max_points=Decimal(3), title="Tiêu chí mới",
    )  # fmt: skip
    assert CriteriaSet.objects.filter(movement=launched, level=Level.COMMUNE).count() == 2
    # Until published, what is in force is still version 1 (what a score would point at).
    assert selectors.current_set(launched, Level.COMMUNE) == v1
    services.criteria_set_publish(actor=people.town_office, movement=launched, level=Level.COMMUNE)
    assert selectors.current_set(launched, Level.COMMUNE) == v2
    # A frozen v2 edited again makes v3; v1 and v2 both stay.
    services.criterion_remove(actor=people.town_office, criterion=v2.criteria.get(code="3.2.1.e"))
    assert CriteriaSet.objects.filter(movement=launched, level=Level.COMMUNE).count() == 3
    assert v2.criteria.filter(code="3.2.1.e").exists()


def test_a_frozen_set_row_is_never_changed_by_removing(launched, people):
    v1 = CriteriaSet.objects.get(movement=launched, level=Level.COMMUNE, version=1)
    services.criterion_remove(actor=people.town_office, criterion=v1.criteria.get(code="3.2.2"))
    assert v1.criteria.filter(code__startswith="3.2.2").count() == 2
    v2 = services.latest_set(launched, Level.COMMUNE)
    assert not v2.criteria.filter(code__startswith="3.2.2").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": "", "kind": CriterionKind.REVIEWED}, "code", "mã tiêu chí"),
        ({"code": "3.2.1.a", "kind": CriterionKind.REVIEWED}, "code", "đã có"),
        ({"code": "x", "kind": CriterionKind.COMPUTED}, "metric_key", "chỉ số"),
        ({"code": "x", "kind": CriterionKind.REVIEWED, "metric_key": "non_state_share"}, "metric_key", "Chỉ tiêu chí"),
        ({"code": "x", "kind": CriterionKind.GROUP, "max_points": Decimal(5)}, "max_points", "nhóm"),
        ({"code": "x", "kind": CriterionKind.REVIEWED, "parent_code": "3.2.1.a"}, "parent", "nhóm"),
        ({"code": "x", "kind": CriterionKind.REVIEWED, "evidence_kinds": ["virus"]}, "evidence_kinds", "minh chứng"),
    ],
)
def test_bad_criteria_are_refused_naming_the_field(movement, people, fields, field, message):
    with pytest.raises(DomainError, match=message) as info:
        services.criterion_add(actor=people.town_office, movement=movement, level=Level.COMMUNE, title="T", **fields)
    assert info.value.field == field
