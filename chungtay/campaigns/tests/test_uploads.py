"""Bad files through the movement pages: refused by content, in Vietnamese, naming the field; nothing saved."""

import io

import pytest
from django.urls import reverse

from chungtay.campaigns.models import Activity, GoodModel, MilestoneKind, Obligation
from chungtay.core.models import Document

from .conftest import PDF, day


def upload(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


HTML_AS_PDF = (b"<html><script>alert(1)</script></html>", "ke-hoach.pdf")
EXE_AS_DOCX = (b"MZ\x90\x00 this is a program", "ke-hoach.docx")


@pytest.mark.parametrize(("data", "name"), [HTML_AS_PDF, EXE_AS_DOCX])
def test_a_disguised_own_plan_is_refused_and_the_obligation_stays_open(client, launched, tree, people, data, name):
    client.force_login(people.commune_a_staff)
    response = client.post(
        reverse("campaigns:own_plan", args=[launched.pk, tree.commune_a.pk]),
        {"title": "Kế hoạch", "file": upload(data, name)},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "không đúng định dạng" in errors["file"][0] and name in errors["file"][0]
    assert Document.objects.count() == 0
    assert not Obligation.objects.get(unit=tree.commune_a, milestone__kind=MilestoneKind.OWN_PLAN).fulfilled_at


def test_an_oversized_file_is_refused(client, launched, tree, people, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(people.commune_a_staff)
    response = client.post(
        reverse("campaigns:own_plan", args=[launched.pk, tree.commune_a.pk]),
        {"title": "Kế hoạch", "file": upload(PDF + b"0" * 2048, "lon.pdf")},
    )
    assert "lớn hơn" in response.context["form"].errors["file"][0]
    assert Document.objects.count() == 0


def test_a_launch_conference_with_a_bad_minutes_file_saves_nothing_at_all(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    response = client.post(
        reverse("campaigns:activity_create", args=[launched.pk, tree.commune_a.pk]),
        {"kind": "launch_conference", "title": "Hội nghị phát động", "held_on": day(0).strftime("%d/%m/%Y"),
         "document_kind": "minutes", "file": upload(*HTML_AS_PDF)},
    )  # fmt: skip
    assert response.status_code == 200
    assert "không đúng định dạng" in response.content.decode()
    assert Activity.objects.count() == 0 and Document.objects.count() == 0
    assert not Obligation.objects.get(unit=tree.commune_a, milestone__kind=MilestoneKind.LAUNCH).fulfilled_at


def test_a_good_model_photo_must_be_a_real_image(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    response = client.post(
        reverse("campaigns:goodmodel_propose", args=[launched.pk, tree.commune_a.pk]),
        {"title": "Mô hình", "field": "housing", "description": "Mô tả", "photo": upload(PDF, "anh.jpg")},
    )
    assert "không đúng định dạng" in response.context["form"].errors["photo"][0]
    assert GoodModel.objects.count() == 0


def test_a_missing_required_field_is_named_in_vietnamese(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    response = client.post(
        reverse("campaigns:activity_create", args=[launched.pk, tree.commune_a.pk]),
        {"kind": "training", "title": "Tập huấn", "held_on": day(0).strftime("%d/%m/%Y"), "document_kind": "minutes"},
    )
    assert "hình thức bồi dưỡng" in response.context["form"].errors["training_kind"][0]


def test_a_good_upload_is_served_only_as_a_download_to_the_unit_subtree(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    client.post(
        reverse("campaigns:own_plan", args=[launched.pk, tree.commune_a.pk]),
        {"title": "Kế hoạch", "file": upload(PDF, "ke-hoach.pdf")},
    )
    document = Document.objects.get()
    response = client.get(reverse("core:document_download", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(people.commune_b_staff)
    assert client.get(reverse("core:document_download", args=[document.pk])).status_code == 404
