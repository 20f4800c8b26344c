import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from chungtay.core.errors import DomainError
from chungtay.orgunits import selectors
from chungtay.orgunits.models import Level, OrgUnit, UnitSuccession
from chungtay.orgunits.services import succession_record, unit_create, unit_update


def test_a_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = sorted(u.name for u in selectors.subtree(tree.town))
    assert names == ["Khối phố 1", "Thôn 1", "Vĩnh Điện", "Điện Bàn", "Điện Hồng"]


def test_level_counts_count_every_unit_below(tree):
    assert selectors.level_counts(tree.town) == {3: 2, 4: 2}
    assert selectors.level_counts(tree.province) == {2: 2, 3: 2, 4: 2}


def test_a_subtree_does_not_leak_into_a_sibling(tree):
    assert tree.other_district not in selectors.subtree(tree.town)
    assert tree.area_b1 not in selectors.subtree(tree.commune_a)


def test_ancestors_come_in_order_from_the_root(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = selectors.ancestors(tree.area_a1)
    assert [u.name for u in chain] == ["Quảng Nam", "Điện Bàn", "Vĩnh Điện"]


def test_a_commune_cannot_sit_under_an_area(tree):
    with pytest.raises(DomainError, match="không thể trực thuộc"):
        unit_create(actor=None, parent=tree.area_a1, level=Level.COMMUNE, kind="xa", name="Sai")


def test_a_kind_must_belong_to_its_level(tree):
    with pytest.raises(DomainError, match="không thuộc"):
        unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="thon", name="Sai")


def test_two_siblings_cannot_share_a_name_even_with_other_diacritics(tree):
    with pytest.raises(DomainError, match="Đã có"):
        unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="phuong", name="VINH DIEN")


def test_the_database_refuses_a_validity_that_ends_before_it_starts(tree):
    tree.commune_a.valid_to = dt.date(1999, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        tree.commune_a.save()


def test_a_merge_closes_the_old_units_and_keeps_them(tree):
    merged = unit_create(
        actor=None,
        parent=tree.town,
        level=Level.COMMUNE,
        kind="phuong",
        name="Điện Bàn Bắc",
        valid_from=dt.date(2025, 7, 1),
    )
    succession_record(
        actor=None,
        predecessors=[tree.commune_a, tree.commune_b],
        successor=merged,
        effective_on=dt.date(2025, 7, 1),
        kind="merge",
        legal_basis="Nghị quyết 1659/NQ-UBTVQH15",
    )
    tree.commune_a.refresh_from_db()
    assert tree.commune_a.valid_to == dt.date(2025, 6, 30)
    assert tree.commune_a.is_active_on(dt.date(2024, 12, 31))
    assert not tree.commune_a.is_active_on(dt.date(2025, 7, 1))
    assert UnitSuccession.objects.filter(successor=merged).count() == 2
    active_2024 = selectors.active_on(selectors.subtree(tree.town), dt.date(2024, 6, 1))
    active_2025 = selectors.active_on(selectors.subtree(tree.town), dt.date(2025, 8, 1))
    assert tree.commune_a in active_2024 and merged not in active_2024
    assert merged in active_2025 and tree.commune_a not in active_2025
    # 2024's units are still there, with their own children.
    assert OrgUnit.objects.filter(pk=tree.area_a1.pk, path__startswith=tree.commune_a.path).exists()


def test_a_unit_cannot_succeed_itself(tree):
    with pytest.raises(DomainError):
        succession_record(
            actor=None,
            predecessors=[tree.commune_a],
            successor=tree.commune_a,
            effective_on=dt.date(2025, 7, 1),
            kind="rename",
        )


def test_renaming_keeps_the_folded_name_in_step(tree):
    unit_update(
        actor=None,
        unit=tree.commune_a,
        name="Vĩnh  Điện Mới",
        kind="phuong",
        code="20500",
        valid_from=tree.commune_a.valid_from,
        valid_to=None,
    )
    tree.commune_a.refresh_from_db()
    assert (tree.commune_a.name, tree.commune_a.name_folded) == ("Vĩnh Điện Mới", "vinh dien moi")


def test_search_ignores_diacritics_and_stays_in_scope(people, tree):
    found = list(selectors.search_units(people.commune_a_staff, "khoi pho"))
    assert found == [tree.area_a1]
    assert list(selectors.search_units(people.commune_a_staff, "dien hong")) == []
    assert tree.commune_b in selectors.search_units(people.town_office, "dien hong")


def test_a_residential_area_is_named_with_its_commune_where_several_share_a_name(tree):
    from chungtay.orgunits.models import OrgUnit

    area = OrgUnit.objects.select_related("parent").get(pk=tree.area_a1.pk)
    assert area.full_title == "Khối phố 1 (Vĩnh Điện)"
    assert tree.commune_a.full_title == tree.commune_a.title


def test_an_area_renamed_apart_at_a_merger_is_not_bracketed_twice(tree):
    from chungtay.orgunits.models import OrgUnit

    area = OrgUnit.objects.select_related("parent").get(pk=tree.area_a1.pk)
    area.name = "Khối phố 1 (Điện An)"
    assert area.full_title == "Khối phố 1 (Điện An)"
    assert area.committee_title == "Ban Công tác Mặt trận Khối phố 1 (Điện An)"
