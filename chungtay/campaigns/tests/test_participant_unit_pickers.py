"""The contest's entrant and a good model's replication name a participant of the movement (issue 22): a
province movement has hundreds of communes and thousands of areas. A plain select while the user acts for a
few of them, level by level past that; the server checks the chosen unit either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.campaigns import services
from chungtay.campaigns.models import Participation
from chungtay.campaigns.tests.conftest import TODAY
from chungtay.orgunits import pickers
from chungtay.tests.pickers import cascade, last_select, offered


@pytest.fixture
def contest(launched, people):
    return services.contest_create(actor=people.town_office, movement=launched, title="Cán bộ Mặt trận cơ sở giỏi")


@pytest.fixture
def recognised(launched, tree, people):
    """Commune A's good model, recognised: the other participants may record that they apply it."""
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    model = services.good_model_propose(
        actor=people.commune_a_staff, participation=participation, title="Ngày công thiện nguyện", field="housing",
        description="Mỗi khối phố lập tổ thợ.",
    )  # fmt: skip
    services.good_model_decide(actor=people.board, good_model=model, recognise=True)
    return model


def test_with_a_few_participants_the_entrant_form_lists_them_all_in_one_select(client, contest, people, tree):
    client.force_login(people.commune_b_staff)
    page = client.get(reverse("campaigns:contest_detail", args=[contest.pk])).content.decode()
    assert "data-unit-cascade" not in page
    assert offered(page, tree.commune_b.pk) and offered(page, tree.area_b1.pk)
    assert not offered(page, tree.commune_a.pk)


def test_past_a_few_participants_the_entrant_form_offers_the_communes_then_a_communes_areas(
    client, contest, people, tree, many
):
    client.force_login(people.town_office)
    picker = cascade(client.get(reverse("campaigns:contest_detail", args=[contest.pk])).content.decode(), "unit")
    url = reverse("campaigns:entrant_unit_picker", args=[contest.pk])
    assert f'hx-get="{url}"' in picker
    choices = last_select(picker, "unit")
    assert offered(choices, tree.commune_a.pk) and offered(choices, tree.commune_b.pk)
    assert not offered(choices, tree.town.pk)  # leads down to the participants, is none
    assert not offered(choices, tree.area_a1.pk) and not offered(choices, tree.area_b1.pk)
    fragment = last_select(client.get(url, {"unit__cap": tree.commune_a.pk}).content.decode(), "unit")
    assert offered(fragment, tree.commune_a.pk) and offered(fragment, tree.area_a1.pk)
    assert not offered(fragment, tree.area_b1.pk)


def test_an_entrant_from_a_unit_chosen_in_the_cascade_is_added_and_one_outside_scope_is_refused(
    client, contest, people, tree, many
):
    client.force_login(people.town_office)
    url = reverse("campaigns:entrant_add", args=[contest.pk])
    client.post(url, {"unit": tree.area_a1.pk, "person_name": "Trần Văn A"})
    assert contest.entrants.get().unit == tree.area_a1
    client.force_login(people.commune_b_staff)
    page = client.post(url, {"unit": tree.commune_a.pk, "person_name": "Lê Thị B"}, follow=True).content.decode()
    assert contest.entrants.count() == 1
    assert "Đơn vị: hãy chọn trong phạm vi bạn được giao." in page


def test_the_entrant_unit_picker_reads_only_inside_the_users_scope(client, contest, people, tree, many):
    url = reverse("campaigns:entrant_unit_picker", args=[contest.pk])
    client.force_login(people.commune_b_staff)
    assert client.get(url, {"unit__cap": tree.commune_a.pk}).status_code == 403
    client.force_login(people.inspector)  # reads the contest, enters no one
    assert client.get(url, {"unit__cap": tree.commune_a.pk}).status_code == 403


def test_past_a_few_participants_the_replication_form_offers_them_level_by_level_without_the_models_own(
    client, recognised, people, tree, monkeypatch
):
    monkeypatch.setattr(pickers, "FEW", 2)  # the three participants other than commune A are "many"
    client.force_login(people.town_office)
    page = client.get(reverse("campaigns:goodmodel_detail", args=[recognised.pk])).content.decode()
    picker = cascade(page, "unit")
    url = reverse("campaigns:replicate_unit_picker", args=[recognised.pk])
    assert f'hx-get="{url}"' in picker
    choices = last_select(picker, "unit")
    assert offered(choices, tree.commune_b.pk) and not offered(choices, tree.commune_a.pk)  # the model's own
    fragment = last_select(client.get(url, {"unit__cap": tree.commune_a.pk}).content.decode(), "unit")
    assert offered(fragment, tree.area_a1.pk) and not offered(fragment, tree.commune_a.pk)


def test_a_unit_chosen_in_the_replication_cascade_is_recorded_and_one_outside_scope_is_refused(
    client, recognised, people, tree, many
):
    url = reverse("campaigns:goodmodel_replicate", args=[recognised.pk])
    client.force_login(people.town_office)
    client.post(url, {"unit": tree.area_b1.pk, "since": TODAY.strftime("%d/%m/%Y")})
    assert recognised.replications.get().unit == tree.area_b1
    client.force_login(people.commune_b_staff)
    page = client.post(url, {"unit": tree.area_a1.pk, "since": "01/01/2025"}, follow=True).content.decode()
    assert recognised.replications.count() == 1
    assert "Đơn vị áp dụng: hãy chọn trong phạm vi bạn được giao." in page
    picker = reverse("campaigns:replicate_unit_picker", args=[recognised.pk])
    assert client.get(picker, {"unit__cap": tree.commune_a.pk}).status_code == 403
