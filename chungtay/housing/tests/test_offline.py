"""The offline field app's server side: idempotent sends, conflicts kept visible, the cached data."""

import datetime as dt
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungtay.core.docgen import pdf_text
from chungtay.core.pdf import pdf_available
from chungtay.housing import photos, services
from chungtay.housing.models import Photo, ProgressUpdate

from .conftest import HOUSE

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 6, 1)


def _jpeg(name: str) -> SimpleUploadedFile:
    data = photos.make_jpeg(taken_at=dt.datetime(2024, 6, 1, 9), lat=float(HOUSE[0]), lon=float(HOUSE[1]))
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def started(areas, make_household):
    household = make_household(areas["a1"], name="Trương Thị Nhà")
    services.progress_record(actor=None, household=household, stage="start", date=dt.date(2024, 5, 1))
    return household


def _send(client, household, client_id, **extra):
    data = {"client_id": str(client_id), "stage": "foundation", "date": DAY.isoformat(), "seen_stage": "start",
            "note": "Xong móng", "photos": [_jpeg("a.jpg"), _jpeg("b.jpg")]}  # fmt: skip
    data.update(extra)
    return client.post(f"/nha-o/ngoai-tuyen/ho/{household.pk}/gui/", data)


def test_the_same_update_sent_twice_is_one_update_with_its_photos(client, people, started):
    client.force_login(people.area_board)
    client_id = uuid.uuid4()
    first = _send(client, started, client_id)
    again = _send(client, started, client_id)
    assert (first.status_code, first.json()["status"]) == (201, "saved")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert again.json()["id"] == first.json()["id"]
    update = ProgressUpdate.objects.get(client_id=client_id)
    assert ProgressUpdate.objects.filter(household=started).count() == 2
    assert Photo.objects.filter(update=update).count() == 2


def test_a_stage_that_moved_on_meanwhile_is_a_conflict_not_a_second_update(client, people, started):
    services.progress_record(actor=None, household=started, stage="foundation", date=dt.date(2024, 5, 20))
    client.force_login(people.area_board)
    response = _send(client, started, uuid.uuid4(), stage="walls")
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict" and body["current"]["label"] == "Xong móng"
    assert "đã thay đổi" in body["message"] and "20/05/2024" in body["message"]
    assert ProgressUpdate.objects.filter(household=started).count() == 2
    # The person decides to send it anyway: recorded on top of the newer stage.
    forced = _send(client, started, uuid.uuid4(), stage="walls", force="1")
    assert forced.status_code == 201
    assert ProgressUpdate.objects.filter(household=started, stage="walls").count() == 1


def test_a_refused_update_names_the_field_in_vietnamese(client, people, started):
    client.force_login(people.area_board)
    response = _send(client, started, uuid.uuid4(), stage="start", seen_stage="start", date="2024-04-01")
    assert response.status_code == 400
    assert response.json()["field"] == "date" and "trước ngày của lần cập nhật trước" in response.json()["message"]
    assert _send(client, started, "khong-phai-uuid").json()["field"] == "client_id"


def test_a_client_id_of_another_household_is_refused(client, people, areas, started, make_household):
    other = make_household(areas["a1"], name="Lê Văn Khác")
    client.force_login(people.area_board)
    client_id = uuid.uuid4()
    assert _send(client, started, client_id).status_code == 201
    response = _send(client, other, client_id, stage="start", seen_stage="")
    assert response.status_code == 400 and response.json()["field"] == "client_id"


def test_the_cached_list_has_the_next_stage_and_no_private_contact_data(client, people, started):
    client.force_login(people.area_board)
    data = client.get("/nha-o/ngoai-tuyen/du-lieu.json").json()
    row = next(h for h in data["households"] if h["code"] == started.code)
    assert (row["stage"], row["next_stage"], row["next_label"]) == ("start", "foundation", "Xong móng")
    assert "Móng đã đổ" in row["photo_next"]
    text = json.dumps(data, ensure_ascii=False)
    assert started.phone not in text and started.citizen_id not in text and "Tổ 3" not in text


def test_the_service_worker_and_manifest_are_served_for_the_app_scope(client, people):
    sw = client.get("/nha-o/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert b'"/nha-o/ngoai-tuyen/"' in sw.content and b'addEventListener("fetch"' in sw.content
    manifest = json.loads(client.get("/nha-o/manifest.webmanifest").content)
    assert manifest["scope"] == "/nha-o/" and manifest["start_url"] == "/nha-o/ngoai-tuyen/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    client.force_login(people.area_board)
    page = client.get("/nha-o/ngoai-tuyen/")
    assert b'rel="manifest"' in page.content and b"<script>" not in page.content


def test_the_printed_checklist_lists_each_household_with_its_stage_and_the_next_photo(client, people, started):
    client.force_login(people.commune_a_staff)
    page = client.get(f"/nha-o/phieu-kiem-tra/{started.area.pk}/").content.decode()
    assert started.code in page and "Khởi công" in page and "Xong móng" in page and "Móng đã đổ" in page
    assert started.phone not in page and started.citizen_id not in page
    assert f"/nha-o/phieu-kiem-tra/{started.area.pk}/" in client.get("/nha-o/phieu-kiem-tra/").content.decode()
    if not pdf_available():
        pytest.skip("WeasyPrint cannot load its libraries here")
    pdf = client.get(f"/nha-o/phieu-kiem-tra/{started.area.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "PHIẾU KIỂM TRA TIẾN ĐỘ NHÀ" in text and started.code in text and "Xong móng" in text


def test_a_board_of_another_area_cannot_print_this_areas_checklist(client, people, areas, started):
    client.force_login(people.area_board)
    assert client.get(f"/nha-o/phieu-kiem-tra/{areas['b1'].pk}/").status_code == 404


def test_a_scope_too_large_to_take_offline_gets_no_households_and_says_why(client, people, started, monkeypatch):
    from chungtay.housing import selectors

    client.force_login(people.area_board)
    monkeypatch.setattr(selectors, "OFFLINE_LIMIT", 0)
    data = client.get("/nha-o/ngoai-tuyen/du-lieu.json").json()
    assert data["households"] == []
    assert "quá nhiều để mang theo khi không có mạng (tối đa 0 hộ)" in data["message"]
    monkeypatch.setattr(selectors, "OFFLINE_LIMIT", 1)
    data = client.get("/nha-o/ngoai-tuyen/du-lieu.json").json()
    assert [row["code"] for row in data["households"]] == [started.code] and "message" not in data
