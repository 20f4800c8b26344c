"""The award proposal form's unit at any scale (issue 22): a province movement's participants are hundreds of
communes and areas. Past a few, the unit is chosen level by level from the issuing unit down; the server
checks it against the movement's participants either way."""

from __future__ import annotations

from django.urls import reverse

from chungtay.evaluation import services
from chungtay.evaluation.models import Proposal, Recipient
from chungtay.orgunits import pickers
from chungtay.tests.pickers import cascade, last_select, offered


def paper(movement, people):  # type: ignore[no-untyped-def]
    return services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=6,
    )  # fmt: skip


def test_past_a_few_participants_the_proposal_form_offers_them_under_the_issuing_unit(
    client, people, tree, movement, monkeypatch
):
    monkeypatch.setattr(pickers, "FEW", 1)  # the movement's two communes are "many"
    client.force_login(people.town_office)
    page = client.get(reverse("evaluation:awards", args=[movement.pk])).content.decode()
    picker = cascade(page, "unit")
    assert f'hx-get="{reverse("evaluation:award_unit_picker", args=[movement.pk])}"' in picker
    choices = last_select(picker, "unit")
    assert offered(choices, tree.commune_a.pk) and offered(choices, tree.commune_b.pk)
    assert not offered(choices, tree.town.pk)  # the issuing unit leads down, it is no participant
    client.force_login(people.commune_a_staff)  # proposes no award
    picker_url = reverse("evaluation:award_unit_picker", args=[movement.pk])
    assert client.get(picker_url, {"unit__cap": tree.commune_a.pk}).status_code == 403


def test_a_participant_chosen_in_the_cascade_is_proposed_and_a_non_participant_is_refused(
    client, people, tree, movement, approved, monkeypatch
):
    monkeypatch.setattr(pickers, "FEW", 1)
    form = paper(movement, people)
    client.force_login(people.town_office)
    url = reverse("evaluation:proposal_create", args=[movement.pk])
    client.post(url, {"award_form": form.pk, "unit": tree.commune_b.pk, "achievements": "Hoàn thành sớm"})
    assert Proposal.objects.get().unit == tree.commune_b
    page = client.post(
        url, {"award_form": form.pk, "unit": tree.area_a1.pk, "achievements": "Khu dân cư"}, follow=True
    ).content.decode()
    assert Proposal.objects.count() == 1 and "Đơn vị (tập thể, hoặc nơi cá nhân công tác):" in page
