"""Good models: a unit proposes, the standing board recognises, other units replicate."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from chungtay.campaigns import services
from chungtay.campaigns.models import GoodModel, GoodModelStatus, Participation
from chungtay.core.errors import DomainError

from .conftest import TODAY


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "anh.png"
    return buffer


@pytest.fixture
def proposed(launched, tree, people):
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    return services.good_model_propose(
        actor=people.commune_a_staff, participation=participation, title="Ngày công thiện nguyện", field="housing",
        description="Mỗi khối phố lập tổ thợ.", photo=png(), photo_name="anh.png",
    )  # fmt: skip


def test_a_proposal_is_seen_by_its_subtree_only_until_recognised(client, proposed, people):
    detail = reverse("campaigns:goodmodel_detail", args=[proposed.pk])
    client.force_login(people.commune_b_staff)
    assert client.get(detail).status_code == 404
    services.good_model_decide(actor=people.board, good_model=proposed, recognise=True)
    assert client.get(detail).status_code == 200
    photo = client.get(reverse("campaigns:goodmodel_photo", args=[proposed.pk, proposed_photo_pk(proposed)]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    # the uploader's own bytes: a download with nosniff (the <img> on the page still shows it)
    assert photo["Content-Disposition"].startswith("attachment") and photo["X-Content-Type-Options"] == "nosniff"


def proposed_photo_pk(model):
    from chungtay.core.documents import documents_for

    return documents_for(model).get().pk


def test_only_the_standing_board_recognises_and_only_once(client, proposed, people):
    client.force_login(people.commune_a_staff)
    url = reverse("campaigns:goodmodel_decide", args=[proposed.pk])
    assert client.post(url, {"quyet-dinh": "cong-nhan"}).status_code == 403
    client.force_login(people.board)
    client.post(url, {"quyet-dinh": "cong-nhan", "note": "Nhân rộng"})
    proposed.refresh_from_db()
    assert proposed.status == GoodModelStatus.RECOGNISED and proposed.decided_by == people.board
    with pytest.raises(DomainError, match="đã được xem xét"):
        services.good_model_decide(actor=people.board, good_model=proposed, recognise=False, note="x")


def test_rejecting_needs_a_reason(proposed, people):
    with pytest.raises(DomainError) as info:
        services.good_model_decide(actor=people.board, good_model=proposed, recognise=False)
    assert info.value.field == "note"


def test_other_units_replicate_a_recognised_model_once(client, proposed, tree, people):
    with pytest.raises(DomainError, match="đã được công nhận"):
        services.good_model_replicate(
            actor=people.commune_b_staff, good_model=proposed, unit=tree.commune_b, since=TODAY
        )
    services.good_model_decide(actor=people.board, good_model=proposed, recognise=True)
    client.force_login(people.commune_b_staff)
    response = client.post(
        reverse("campaigns:goodmodel_replicate", args=[proposed.pk]),
        {"unit": tree.commune_b.pk, "since": TODAY.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    assert proposed.replications.get().unit == tree.commune_b
    with pytest.raises(DomainError, match="đã ghi nhận"):
        services.good_model_replicate(
            actor=people.commune_b_staff, good_model=proposed, unit=tree.commune_b, since=TODAY
        )
    # Commune B cannot record a replication in commune A's name.
    client.post(
        reverse("campaigns:goodmodel_replicate", args=[proposed.pk]), {"unit": tree.commune_a.pk, "since": "01/01/2025"}
    )
    assert proposed.replications.count() == 1


def test_the_list_shows_recognised_models_to_everyone_in_the_movement(client, launched, proposed, people):
    services.good_model_decide(actor=people.board, good_model=proposed, recognise=True)
    participation = Participation.objects.get(movement=launched, unit=people.commune_b_staff.memberships.get().unit)
    services.good_model_propose(
        actor=people.commune_b_staff, participation=participation, title="Đề xuất của Điện Hồng", field="other",
        description="Chưa xét",
    )  # fmt: skip
    client.force_login(people.commune_a_staff)
    body = client.get(reverse("campaigns:goodmodel_list", args=[launched.pk])).content.decode()
    assert "Ngày công thiện nguyện" in body and "Đề xuất của Điện Hồng" not in body
    assert GoodModel.objects.count() == 2
