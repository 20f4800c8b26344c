"""Every housing page: who sees what, private fields masked, sibling units not found, constant queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from chungtay.core import access
from chungtay.housing import photos, services
from chungtay.housing.models import Household
from chungtay.tallies import rollup

from .conftest import HOUSE
from .data import make_files

PRIVATE = ("049062000999", "0905123456", "Tổ 3, đường Trần Phú", "Nguyễn Văn An")


@pytest.fixture
def house(areas, make_household, people):
    household = make_household(areas["a1"])
    jpeg = photos.make_jpeg(taken_at=dt.datetime(2024, 5, 1, 9), lat=float(HOUSE[0]), lon=float(HOUSE[1]))
    services.progress_record(
        actor=None, household=household, stage="start", date=dt.date(2024, 5, 1),
        photos=[services.UploadedPhoto("a.jpg", io.BytesIO(jpeg))],
    )  # fmt: skip
    services.complaint_create(
        actor=None, unit=areas["a1"].parent, kind="petition", concerns="household", household=household,
        received_on=dt.date(2024, 6, 1), channel="letter", complainant_name="Phan Văn Gửi",
        complainant_contact="0911222333", content="Đề nghị xem lại mức hỗ trợ.",
    )  # fmt: skip
    return household


def pages(household):
    photo = household.updates.get().photos.get()
    complaint = household.complaints.get()
    return [
        reverse("housing:index"), reverse("housing:index") + "?q=nguyen", reverse("housing:progress"),
        reverse("housing:household_detail", args=[household.pk]), reverse("housing:export"),
        reverse("housing:complaint_list"), reverse("housing:complaint_detail", args=[complaint.pk]),
        reverse("housing:progress_add", args=[household.pk]), reverse("housing:household_edit", args=[household.pk]),
        reverse("housing:photo", args=[photo.pk]),
    ]  # fmt: skip


def body(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxml"):
        from chungtay.core.tabular import read_table

        table = read_table(b"".join(response.streaming_content), "x.xlsx")  # sent from a temporary file
        return " ".join(str(v) for row in table.rows for v in row.cells if v is not None)
    if response.streaming:
        return ""  # the photo itself: no text in it, and it carries no EXIF (shrunk copy)
    return response.content.decode("utf-8", "ignore")


def test_staff_of_the_subtree_see_the_private_fields(client, people, house):
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("housing:household_detail", args=[house.pk]))
    assert all(value in response.content.decode() for value in PRIVATE)
    response = client.get(reverse("housing:complaint_detail", args=[house.complaints.get().pk]))
    assert "Phan Văn Gửi" in response.content.decode() and "0911222333" in response.content.decode()


def test_no_page_shows_private_fields_to_a_user_without_the_private_scope(client, people, house, monkeypatch):
    # The board keeps housing.view and complaints.view but loses housing.private in this test.
    monkeypatch.setitem(access.ROLE_PERMISSIONS, "board", access.ROLE_PERMISSIONS["board"] - {"housing.private"})
    client.force_login(people.board)
    for url in pages(house):
        response = client.get(url)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, url
        text = body(response)
        for value in (*PRIVATE, "Phan Văn Gửi", "0911222333"):
            assert value not in text, (url, value)
    detail = client.get(reverse("housing:household_detail", args=[house.pk])).content.decode()
    assert "Nguyễn V. A." in detail


def test_a_sibling_unit_user_gets_not_found_and_sees_nothing_in_lists(client, people, house):
    client.force_login(people.commune_b_staff)
    for url in pages(house):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        if response.status_code == 200:
            text = body(response)
            for value in (*PRIVATE, "Nguyễn V. A.", house.code, "Phan Văn Gửi"):
                assert value not in text, (url, value)
    assert client.get(reverse("housing:household_detail", args=[house.pk])).status_code == 404
    assert client.get(reverse("housing:photo", args=[house.updates.get().photos.get().pk])).status_code == 404


def test_an_inspector_sees_private_fields_but_cannot_change_anything(client, people, house):
    client.force_login(people.inspector)
    response = client.get(reverse("housing:household_detail", args=[house.pk]))
    assert "049062000999" in response.content.decode()
    assert client.get(reverse("housing:household_edit", args=[house.pk])).status_code == 403
    assert client.get(reverse("housing:progress_add", args=[house.pk])).status_code == 403


def test_the_photo_is_served_inline_as_a_jpeg_to_people_in_scope(client, people, house):
    client.force_login(people.area_board)
    response = client.get(reverse("housing:photo", args=[house.updates.get().photos.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("count", [3, 30])
def test_list_pages_make_a_constant_number_of_queries(client, people, areas, make_household, count,
                                                      django_assert_max_num_queries):  # fmt: skip
    for i in range(count):
        make_household(areas["a1" if i % 2 else "b1"], name=f"Lê Văn Số {i}", citizen_id="")
    client.force_login(people.town_office)
    rollup.refresh_pending()  # what the background task does after the writes; the pages then only read
    for url in (reverse("housing:index"), reverse("housing:progress"), reverse("housing:complaint_list")):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_the_list_filters_by_phase_status_category_and_folded_name(client, people, areas, make_household):
    make_household(areas["a1"], name="Đặng Thị Hoà", citizen_id="")
    make_household(areas["b1"], name="Lê Văn Bảy", phase_year=2025, citizen_id="")
    client.force_login(people.town_office)
    text = client.get(reverse("housing:index"), {"q": "DANG THI HOA"}).content.decode()
    assert "Đặng Thị Hoà" in text and "Lê Văn Bảy" not in text
    text = client.get(reverse("housing:index"), {"phase": "2025"}).content.decode()
    assert "Lê Văn Bảy" in text and "Đặng Thị Hoà" not in text


def test_an_area_board_records_a_stage_with_photos_through_the_form(client, people, house):
    client.force_login(people.area_board)
    url = reverse("housing:progress_add", args=[house.pk])
    page = client.get(url).content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page
    big = photos.make_jpeg(size=(3000, 2000), taken_at=dt.datetime(2024, 6, 1, 9), lat=float(HOUSE[0]) + 0.03,
                           lon=float(HOUSE[1]))  # fmt: skip
    upload = io.BytesIO(big)
    upload.name = "IMG_2024.jpg"
    response = client.post(url, {"stage": "foundation", "date": "01/06/2024", "percent": "", "note": "Xong móng",
                                 "photos": [upload]}, follow=True)  # fmt: skip
    text = response.content.decode()
    assert "Đã ghi “Xong móng” với 1 ảnh." in text and "km" in text
    photo = house.updates.get(stage="foundation").photos.get()
    assert max(photo.width, photo.height) == 1600 and photo.flag_far
    assert house.updates.get(stage="foundation").reporter == people.area_board


def test_the_household_form_creates_and_edits_with_vietnamese_money(client, people, areas, norms):
    client.force_login(people.commune_a_staff)
    data = {"area": areas["a2"].pk, "head_name": "Hồ Thị Mới", "category": "near_poor", "support_kind": "repair",
            "phase_year": "2025", "decision_number": "8584/QĐ-UBND", "decision_date": "20/12/2023",
            "state_support": "35.000.000", "override_reason": ""}  # fmt: skip
    response = client.post(reverse("housing:household_create"), data)
    assert "cần ghi lý do" in response.content.decode()
    data["override_reason"] = "Nhà hư hỏng nặng"
    response = client.post(reverse("housing:household_create"), data)
    household = Household.objects.get(head_name="Hồ Thị Mới")
    assert response.status_code == 302 and household.state_support == 35_000_000


def test_the_import_pages_take_a_file_through_mapping_dry_run_and_confirm(client, people, areas, norms):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.core.models import ImportMapping

    client.force_login(people.town_office)
    upload = SimpleUploadedFile("danh-sach.xlsx", make_files.workbook())
    response = client.post(reverse("housing:import"), {"file": upload})
    mapping_url = response["Location"]
    page = client.get(mapping_url)
    form = page.context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    posted["decision_date"] = "20/12/2023"
    posted["save_as"] = "Mẫu của thị xã"
    response = client.post(mapping_url, posted)
    assert ImportMapping.objects.get(name="Mẫu của thị xã").columns["head_name"] == 1
    preview = client.get(response["Location"])
    assert preview.context["plan"].ok and Household.objects.count() == 0
    batch = preview.context["batch"]
    response = client.post(reverse("housing:import_confirm", args=[batch.pk]), follow=True)
    assert "7 hộ mới" in response.content.decode() and Household.objects.count() == 7
    # Another person cannot open or confirm someone else's upload.
    client.force_login(people.admin)
    assert client.get(reverse("housing:import_preview", args=[batch.pk])).status_code == 404


def test_commune_staff_verify_a_stage_from_the_household_page(client, people, house):
    client.force_login(people.commune_a_staff)
    update = house.updates.get()
    page = client.get(reverse("housing:household_detail", args=[house.pk])).content.decode()
    assert 'data-testid="verify-stage"' in page
    response = client.post(reverse("housing:progress_verify", args=[update.pk]), follow=True)
    assert "Đã xác nhận giai đoạn “Khởi công”." in response.content.decode()
    client.force_login(people.commune_b_staff)
    assert client.post(reverse("housing:progress_verify", args=[update.pk])).status_code == 404


def test_every_form_page_renders_for_the_office(client, people, house):
    client.force_login(people.town_office)
    for name in ("housing:norms", "housing:norm_create", "housing:complaint_create", "housing:import",
                 "housing:household_create"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name


def test_the_office_adds_a_norm_and_receives_a_complaint_through_the_forms(client, people, house, tree):
    from chungtay.housing.models import Complaint, SupportNorm

    client.force_login(people.town_office)
    response = client.post(reverse("housing:norm_create"), {
        "programme": "Chương trình thử", "kind": "repair", "amount": "25.000.000", "categories": ["disaster"],
        "valid_from": "01/01/2024", "valid_to": "31/12/2025", "legal_basis": "Quyết định thử",
    })  # fmt: skip
    assert response.status_code == 302 and SupportNorm.objects.get(legal_basis="Quyết định thử").amount == 25_000_000
    response = client.post(reverse("housing:complaint_create"), {
        "unit": tree.commune_b.pk, "kind": "complaint", "received_on": "02/01/2024", "channel": "phone",
        "complainant_name": "Người Gửi Thử", "concerns": "unit", "content": "Nội dung thử",
    })  # fmt: skip
    complaint = Complaint.objects.get(complainant_name="Người Gửi Thử")
    assert response.status_code == 302 and complaint.due_on == dt.date(2024, 2, 1)
    response = client.post(reverse("housing:complaint_detail", args=[complaint.pk]),
                           {"status": "resolved", "resolution": "Đã trả lời", "resolved_on": "10/01/2024"})  # fmt: skip
    complaint.refresh_from_db()
    assert response.status_code == 302 and complaint.status == "resolved"


def test_a_document_attached_to_a_complaint_is_listed_and_served_in_scope(client, people, house):
    from django.core.files.uploadedfile import SimpleUploadedFile

    complaint = house.complaints.get()
    client.force_login(people.commune_a_staff)
    pdf = SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4\n% tra loi don\n%%EOF\n")
    client.post(reverse("housing:complaint_document", args=[complaint.pk]), {"title": "Văn bản trả lời", "file": pdf})
    page = client.get(reverse("housing:complaint_detail", args=[complaint.pk])).content.decode()
    assert "Văn bản trả lời" in page
    from chungtay.core.documents import documents_for

    document = documents_for(complaint).get()
    assert client.get(reverse("core:document_download", args=[document.pk])).status_code == 200
    client.force_login(people.commune_b_staff)
    assert client.get(reverse("core:document_download", args=[document.pk])).status_code == 404


def test_the_list_takes_its_length_from_the_kept_figures_and_it_matches_the_rows(
    client, people, areas, make_household, django_assert_max_num_queries
):
    for i in range(7):
        make_household(areas["a1" if i % 2 else "b1"], name=f"Trần Thị Số {i}", citizen_id="",
                       phase_year=2024 + i % 2)  # fmt: skip
    first = Household.objects.order_by("pk").first().pk
    Household.objects.filter(pk=first).update(status="withdrawn", withdrawn_reason="Chuyển đi nơi khác")
    rollup.rebuild()  # the bulk update above bypassed the marks
    client.force_login(people.town_office)
    for params, expected in (({}, 7), ({"phase": "2025"}, 3), ({"status": "withdrawn"}, 1), ({"q": "so 3"}, 1)):
        page = client.get(reverse("housing:index"), params).context["page"]
        assert (
            page.paginator.count
            == expected
            == Household.objects.filter(
                **({"phase_year": int(params["phase"])} if "phase" in params else {}),
                **({"status": params["status"]} if "status" in params else {}),
                **({"head_name_folded__contains": "so 3"} if "q" in params else {}),
            ).count()
        ), params


def test_the_behind_schedule_badge_counts_every_late_household_not_only_the_300_listed(
    client, people, tree, make_household
):
    first = make_household(tree.area_a1, name="Hộ Chậm Một")
    fields = {f.attname: getattr(first, f.attname) for f in Household._meta.concrete_fields if not f.primary_key}
    Household.objects.bulk_create(
        Household(**{**fields, "code": f"{first.code}-{i}", "head_name": f"Hộ Chậm {i}"}) for i in range(301)
    )
    client.force_login(people.town_office)
    page = client.get(reverse("housing:progress") + f"?don_vi={tree.town.pk}").content.decode()
    assert 'data-testid="late-count">302<' in page
    assert 300 <= page.count('href="/nha-o/ho/') <= 300 + 5  # the list itself shows the first 300
