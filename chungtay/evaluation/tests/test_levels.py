"""The board's level choice offers the district level only where the movement has participants there."""

from django.urls import reverse

from chungtay.campaigns import services as campaigns
from chungtay.orgunits.models import Level


def _levels(client, movement, cap=""):  # type: ignore[no-untyped-def]
    url = reverse("evaluation:board", args=[movement.pk]) + (f"?cap={cap}" if cap else "")
    return [value for value, _label in client.get(url).context["levels"]]


def test_a_movement_without_district_participants_offers_no_district_level(client, movement, people):
    client.force_login(people.town_office)
    assert _levels(client, movement) == [Level.COMMUNE, Level.AREA]
    assert Level.DISTRICT in _levels(client, movement, cap=Level.DISTRICT)  # asked for: still shown


def test_a_movement_with_district_participants_offers_the_district_level(client, movement, people):
    campaigns.participants_add_level(actor=people.town_office, movement=movement, level=Level.DISTRICT)
    client.force_login(people.town_office)
    assert _levels(client, movement) == [Level.COMMUNE, Level.AREA, Level.DISTRICT]
