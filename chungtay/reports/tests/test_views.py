"""Pages: who sees what (scope, 404 outside), constant queries, notifications and the badge."""

import datetime as dt

import pytest

from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.reports import selectors
from chungtay.reports.models import Notification, ReminderLog
from chungtay.reports.services import send_reminders
from chungtay.tallies import rollup

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree, make_household, participate, obligation):
    make_household(tree.area_a1, status="completed", completed_on=dt.date(2024, 8, 1), lat=15.89, lon=108.25)
    make_household(tree.area_b1, status="building", lat=15.88, lon=108.24)
    participate(tree.commune_a)
    participate(tree.commune_b)
    obligation(tree.commune_a, dt.date(2024, 3, 31), done_on=dt.date(2024, 3, 30))
    obligation(tree.commune_b, dt.date(2024, 3, 31), excused="Bão lũ")


def test_the_chair_sees_the_town_with_charts_map_and_links_to_each_commune(client, people, tree, data):
    client.force_login(people.board)
    page = client.get("/bao-cao/").content.decode()
    assert "Ủy ban MTTQ Việt Nam thị xã Điện Bàn" in page
    assert 'id="bieu-do-don-vi"' in page and 'id="bieu-do-tien-do"' in page and 'id="ban-do"' in page
    assert f'href="?don_vi={tree.commune_a.pk}"' in page and f'href="?don_vi={tree.commune_b.pk}"' in page
    assert 'id="du-lieu-ban-do"' in page and "<script>" not in page.replace('<script src="', "")


def test_the_drill_down_ends_at_the_households_of_an_area(client, people, tree, data):
    client.force_login(people.board)
    page = client.get(f"/bao-cao/?don_vi={tree.area_a1.pk}").content.decode()
    assert 'data-testid="households"' in page and "/nha-o/ho/" in page
    assert "phường Vĩnh Điện" in page  # the breadcrumb back up


def test_commune_staff_see_their_commune_and_a_sibling_is_not_found(client, people, tree, data):
    client.force_login(people.commune_a_staff)
    page = client.get("/bao-cao/").content.decode()
    assert "phường Vĩnh Điện" in page and "xã Điện Hồng" not in page
    assert client.get(f"/bao-cao/?don_vi={tree.commune_b.pk}").status_code == 404
    assert client.get(f"/bao-cao/?don_vi={tree.town.pk}").status_code == 404
    assert client.get(f"/bao-cao/dung-han/?don_vi={tree.commune_b.pk}").status_code == 404
    assert client.get("/bao-cao/nhac-viec/").status_code == 403  # reminders are the office's
    assert client.get("/bao-cao/don-doc/").status_code == 403


def test_people_without_reports_rights_are_refused(client, people, data):
    client.force_login(people.area_board)
    assert client.get("/bao-cao/").status_code == 403
    client.force_login(people.nobody)
    assert client.get("/bao-cao/").status_code == 403
    client.logout()
    assert client.get("/bao-cao/").status_code == 302


def test_the_dashboard_makes_the_same_number_of_queries_with_more_communes(
    client, people, tree, data, make_household, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.board)
    client.get("/bao-cao/")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/bao-cao/").status_code == 200
    for i in range(6):
        commune = unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name=f"Xã {i}")
        area = unit_create(actor=None, parent=commune, level=Level.AREA, kind="thon", name="Thôn 1")
        make_household(area, status="building", lat=15.8, lon=108.2)
    rollup.refresh_pending()  # what the background task does after the writes; the page then only reads
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get("/bao-cao/").status_code == 200


def test_the_timeliness_page_shows_rates_and_excuse_reasons(client, people, tree, data, movement):
    client.force_login(people.town_office)
    page = client.get(f"/bao-cao/dung-han/?phong_trao={movement.pk}").content.decode()
    assert "31/03/2024: Bão lũ" in page
    assert 'data-testid="total-timeliness">100%' in page


def test_the_timeliness_rows_are_paged_and_the_totals_stay_those_of_every_row(
    client, people, tree, data, movement, monkeypatch
):
    from chungtay.reports import views

    monkeypatch.setattr(views, "TIMELINESS_ROWS", 1)
    client.force_login(people.town_office)
    first = client.get(f"/bao-cao/dung-han/?phong_trao={movement.pk}").content.decode()
    second = client.get(f"/bao-cao/dung-han/?phong_trao={movement.pk}&trang=2").content.decode()
    assert f'data-unit="{tree.commune_a.pk}"' in first and f'data-unit="{tree.commune_b.pk}"' not in first
    assert f'data-unit="{tree.commune_b.pk}"' in second and "31/03/2024: Bão lũ" in second
    assert f'href="?trang=2&phong_trao={movement.pk}"' in first
    for page in (first, second):
        assert 'data-testid="total-timeliness">100%' in page and "Trang " in page
    table = selectors.timeliness(movement, tree.town, as_of=TODAY)
    assert [r.unit for r in table.rows] == [table.rows[0].unit, table.rows[-1].unit] == [tree.commune_a, tree.commune_b]


def test_the_timeliness_page_opens_the_movement_issued_by_the_day_asked_for(client, people, tree, movement):
    from chungtay.campaigns.models import Movement

    later = Movement.objects.create(
        symbol="12/KH-MTTQ-BTT", issuing_unit=tree.town, issued_on=dt.date(2025, 3, 14), title="Phong trào năm 2025",
        starts_on=dt.date(2025, 3, 14), ends_on=dt.date(2025, 12, 31), review_month=dt.date(2025, 12, 1),
        status="under_way",
    )  # fmt: skip
    client.force_login(people.town_office)
    today = client.get("/bao-cao/dung-han/").content.decode()
    june_2024 = client.get("/bao-cao/dung-han/", {"ngay": "30/06/2024"}).content.decode()
    assert f'<option value="{later.pk}" selected>' in today  # the newest movement
    assert f'<option value="{movement.pk}" selected>' in june_2024  # 2025's did not exist on 30/06/2024
    assert f'<option value="{later.pk}" selected>' not in june_2024


def test_notifications_show_in_the_menu_badge_and_can_be_marked_read(client, people, tree, obligation):
    obligation(tree.commune_a, TODAY - dt.timedelta(days=2))
    send_reminders(today=TODAY)
    client.force_login(people.commune_a_staff)
    page = client.get("/bao-cao/thong-bao/").content.decode()
    assert 'data-testid="unread-badge">1<' in page and "phường Vĩnh Điện" in page
    note = Notification.objects.get(user=people.commune_a_staff)
    response = client.post(f"/bao-cao/thong-bao/{note.pk}/da-doc/", {"mo": "1"})
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="unread-badge"' not in client.get("/bao-cao/thong-bao/").content.decode()
    client.force_login(people.commune_b_staff)  # someone else's notification
    assert client.post(f"/bao-cao/thong-bao/{note.pk}/da-doc/").status_code == 404


def test_the_office_reads_the_reminder_log_of_its_subtree(client, people, tree, obligation):
    obligation(tree.commune_a, TODAY - dt.timedelta(days=2), title="Kế hoạch cụ thể")
    send_reminders(today=TODAY)
    assert ReminderLog.objects.exists()
    client.force_login(people.town_office)
    page = client.get("/bao-cao/nhac-viec/?ngay=02/12/2024").content.decode()
    assert "Kế hoạch cụ thể" in page and "Staff_A" in page


def test_the_home_page_shows_the_follow_up_figures(client, people, data):
    client.force_login(people.board)
    page = client.get("/", follow=True).content.decode()
    assert 'data-testid="reports-summary"' in page and "Mở bảng theo dõi" in page


def test_review_reports_download_as_word_for_the_issuing_side_only(client, people, tree, movement):
    client.force_login(people.board)
    response = client.get(f"/bao-cao/phong-trao/{movement.pk}/so-ket/?as_of=30/06/2024&dinh_dang=docx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/bao-cao/phong-trao/{movement.pk}/khac/").status_code == 404
    client.force_login(people.commune_a_staff)
    assert client.get(f"/bao-cao/phong-trao/{movement.pk}/so-ket/").status_code == 404


def test_past_the_map_limit_the_dashboard_maps_one_bubble_per_child_unit(
    client, people, tree, make_household, monkeypatch
):
    from chungtay.reports import selectors as report_selectors

    monkeypatch.setattr(report_selectors, "MAP_LIMIT", 2)
    for lat in (15.80, 15.90):
        make_household(tree.area_a1, lat=lat, lon=108.20)
    make_household(tree.area_b1, lat=15.70, lon=108.30, status="completed")
    client.force_login(people.board)
    page = client.get(f"/bao-cao/?don_vi={tree.town.pk}").content.decode()
    assert "Bản đồ các hộ theo đơn vị" in page
    bubbles = {b["name"]: b for b in report_selectors.map_bubbles(tree.town)}
    a, b = bubbles[tree.commune_a.title], bubbles[tree.commune_b.title]
    assert a["count"] == 2 and round(a["lat"], 4) == 15.85 and a["url"].endswith(f"?don_vi={tree.commune_a.pk}")
    assert (b["count"], b["percent"]) == (1, 100)
    assert f'href="/bao-cao/?don_vi={tree.commune_a.pk}"' in page  # the list beside the map, also without tiles
    # A commune with two located houses is within the limit: single houses again.
    page = client.get(f"/bao-cao/?don_vi={tree.commune_a.pk}").content.decode()
    assert "Bản đồ các hộ theo đơn vị" not in page and "Bản đồ các hộ" in page
