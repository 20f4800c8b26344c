"""The units page (/don-vi/) stays bounded: the same queries for a commune of 3 units or a country of
thousands, levels counted without reading the areas, long child lists cut with a pointer to the search."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.orgunits import selectors
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.services import unit_create


def _grow(parent: OrgUnit, communes: int, areas: int) -> None:
    for i in range(communes):
        commune = unit_create(actor=None, parent=parent, level=Level.COMMUNE, kind="xa", name=f"Xã Thêm {i}")
        for j in range(areas):
            unit_create(actor=None, parent=commune, level=Level.AREA, kind="thon", name=f"Thôn Thêm {i}-{j}")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_units_page_makes_the_same_queries_whatever_the_size_of_the_tree(
    client, people, tree, django_assert_max_num_queries
):
    client.force_login(people.inspector)  # holds the town: /don-vi/ is the town's page
    urls = [
        reverse("orgunits:tree"),
        reverse("orgunits:detail", args=[tree.town.pk]),
        reverse("orgunits:children", args=[tree.town.pk]),
    ]
    small = [_queries(client, url) for url in urls]
    _grow(tree.town, communes=12, areas=4)
    big = [_queries(client, url) for url in urls]
    assert big == small
    with django_assert_max_num_queries(14):
        client.get(urls[0])


def test_the_units_page_is_the_users_unit_without_a_redirect(client, people, tree):
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("orgunits:tree"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "phường Vĩnh Điện" in body and "Khối phố 1" in body and "Điện Hồng" not in body


def test_level_counts_match_a_plain_count_even_when_a_level_is_skipped(tree):
    # A commune directly under the province, a commune without areas, and areas under both.
    direct = unit_create(actor=None, parent=tree.province, level=Level.COMMUNE, kind="xa", name="Xã Trực Thuộc")
    unit_create(actor=None, parent=direct, level=Level.AREA, kind="thon", name="Thôn Trực Thuộc")
    unit_create(actor=None, parent=tree.other_district, level=Level.COMMUNE, kind="xa", name="Xã Chưa Có Thôn")
    for unit in OrgUnit.objects.all():
        plain = {}
        for level in selectors.subtree(unit, include_self=False).values_list("level", flat=True):
            plain[level] = plain.get(level, 0) + 1
        assert selectors.level_counts(unit) == plain, unit.name


def test_a_long_list_of_children_is_cut_and_points_to_the_search(client, people, tree, monkeypatch):
    monkeypatch.setattr(selectors, "CHILDREN_SHOWN", 2)
    _grow(tree.town, communes=3, areas=0)
    client.force_login(people.inspector)
    body = client.get(reverse("orgunits:detail", args=[tree.town.pk])).content.decode()
    assert "Còn 3 đơn vị nữa: tìm theo tên ở ô phía trên." in body
    fragment = client.get(reverse("orgunits:children", args=[tree.town.pk])).content.decode()
    assert "Còn 3 đơn vị nữa" in fragment


def test_an_area_has_no_levels_below(client, people, tree):
    assert selectors.level_counts(tree.area_a1) == {}
    client.force_login(people.area_board)
    assert "Không có đơn vị cấp dưới." in client.get(reverse("orgunits:tree")).content.decode()
