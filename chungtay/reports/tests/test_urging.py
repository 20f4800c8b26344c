"""The urging page at province scale (issue 22): each late unit with its count, counted in the database,
and its items only when opened (in place, or paged on a page of their own); the notice still lists them all."""

import datetime as dt

import pytest

from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.reports import selectors
from chungtay.reports.models import UrgingNotice
from chungtay.reports.services import urging_notice_issue

from .conftest import TODAY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=7)))),
]


@pytest.fixture
def late(tree, obligation, complaint, make_household):
    obligation(tree.commune_a, TODAY - dt.timedelta(days=3), title="Kế hoạch cụ thể")
    obligation(tree.area_a1, TODAY - dt.timedelta(days=5), kind="self_assessment", title="Tự chấm điểm khối phố")
    obligation(tree.commune_b, TODAY + dt.timedelta(days=5), title="Chưa đến hạn")
    make_household(tree.area_a1, status="building", phase_year=2023)  # behind since 31/12/2023: the commune's
    make_household(tree.area_b1, status="started", phase_year=2023)
    make_household(tree.area_b1, status="building", phase_year=2024)  # ending this year, not late until 31/12
    make_household(tree.area_b1, status="completed", phase_year=2023, completed_on=dt.date(2023, 11, 1))
    complaint(tree.commune_b, due_on=TODAY - dt.timedelta(days=10))


def test_the_counts_per_late_unit_are_those_of_its_items_listed_one_by_one(tree, late):
    listed = selectors.late_units(TODAY, tree.town)
    counted = selectors.late_unit_counts(TODAY, tree.town)
    assert [(unit, len(items)) for unit, items in listed] == counted
    assert counted == [(tree.commune_a, 2), (tree.area_a1, 1), (tree.commune_b, 2)]
    for unit, items in listed:
        assert [i.key for i in selectors.late_items(TODAY, unit)] == [i.key for i in items]
    assert selectors.late_unit_counts(TODAY, tree.commune_b) == [(tree.commune_b, 2)]


def test_a_house_of_a_unit_that_is_not_an_area_is_its_own(tree, make_household):
    # A house registered on a commune itself (no area): the commune answers for it, as the reminders say.
    make_household(tree.commune_a, status="approved", phase_year=2023)
    listed = selectors.late_units(TODAY, tree.town)
    assert selectors.late_unit_counts(TODAY, tree.town) == [(tree.commune_a, 1)] == [(u, len(i)) for u, i in listed]
    assert [i.key for i in selectors.late_items(TODAY, tree.commune_a)] == [i.key for i in listed[0][1]]


def test_the_urging_page_ticks_each_late_unit_with_its_count_and_opens_its_items_on_demand(client, people, tree, late):
    client.force_login(people.town_office)
    page = client.get("/bao-cao/don-doc/").content.decode()
    for unit in (tree.commune_a, tree.area_a1, tree.commune_b):
        assert f'name="units" value="{unit.pk}" class="form-check-input" id=' in page
        assert f'hx-get="/bao-cao/don-doc/don-vi/{unit.pk}/?don_vi={tree.town.pk}"' in page
    assert page.count(" checked>") == 3 and "Kế hoạch cụ thể" not in page  # the items wait until opened
    opened = client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_a.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Kế hoạch cụ thể (phong trào" in opened and "Nhà hộ" in opened and "<html" not in opened
    assert "Tự chấm điểm khối phố" not in opened  # the area's own item is under the area
    full = client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_b.pk}/?don_vi={tree.town.pk}").content.decode()
    assert "Kiến nghị, phản ánh tiếp nhận ngày" in full and "phân kỳ 2023" in full and "phân kỳ 2024" not in full
    assert f'href="/bao-cao/don-doc/?don_vi={tree.town.pk}"' in full


def test_a_unit_outside_the_scope_or_a_person_without_the_right_to_remind_sees_no_items(
    client, people, tree, late, make_household
):
    make_household(unit_create(actor=None, parent=tree.other_district, level=Level.AREA, kind="thon", name="Thôn 9"),
                   status="approved", phase_year=2023)  # fmt: skip
    client.force_login(people.town_office)
    assert client.get(f"/bao-cao/don-doc/don-vi/{tree.other_district.pk}/").status_code == 404
    client.force_login(people.commune_a_staff)
    assert client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_a.pk}/").status_code == 403


def test_a_long_list_of_items_is_paged_and_the_notice_still_lists_every_item(
    client, people, tree, obligation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for day in range(60):
        obligation(tree.commune_a, dt.date(2024, 9, 1) + dt.timedelta(days=day), title=f"Báo cáo số {day + 1}")
    client.force_login(people.town_office)
    opened = client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_a.pk}/?don_vi={tree.town.pk}", HTTP_HX_REQUEST="true")
    assert opened.content.decode().count("<li>") == 21 and "Xem cả 60 việc" in opened.content.decode()
    first = client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_a.pk}/?don_vi={tree.town.pk}").content.decode()
    second = client.get(f"/bao-cao/don-doc/don-vi/{tree.commune_a.pk}/?trang=2&don_vi={tree.town.pk}").content.decode()
    assert "Báo cáo số 1 " in first and "Báo cáo số 51 " not in first and "Trang 1/2" in first
    assert "Báo cáo số 51 " in second and "Báo cáo số 60 " in second and f"?trang=1&don_vi={tree.town.pk}" in second
    office, town = people.town_office, tree.town
    urging_notice_issue(actor=office, issuing_unit=town, units=[tree.commune_a], number="9", today=TODAY)
    lines = UrgingNotice.objects.get().items[0]["lines"]
    assert lines == [i.line for i in selectors.late_items(TODAY, tree.commune_a)] and len(lines) == 60


def test_the_urging_page_makes_as_many_queries_for_many_late_units_as_for_one(
    client, people, tree, make_household, django_assert_max_num_queries
):
    make_household(tree.area_a1, status="building", phase_year=2023)
    client.force_login(people.town_office)
    client.get("/bao-cao/don-doc/")
    with django_assert_max_num_queries(100) as one:
        client.get("/bao-cao/don-doc/")
    for i in range(6):
        commune = unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name=f"Xã {i}")
        area = unit_create(actor=None, parent=commune, level=Level.AREA, kind="thon", name="Thôn 1")
        make_household(area, status="approved", phase_year=2023)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/bao-cao/don-doc/").content.decode()
    assert page.count('data-testid="late-unit"') == 7
