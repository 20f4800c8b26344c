"""Many communes have a "Khối phố 1": wherever areas of several communes are listed, each is named with
its commune (OrgUnit.full_title), so two areas sharing a name are told apart."""

import re

from django.urls import reverse

from chungtay.campaigns import services
from chungtay.orgunits.models import Level, Membership, Role
from chungtay.orgunits.services import unit_create


def mentions(body: str, name: str) -> list[str]:
    """Every mention of `name` in the page's visible text, with its commune if one follows."""
    text = re.sub(r"<[^>]+>", " ", body)
    return re.findall(re.escape(name) + r"(?: \([^)]*\))?", text)


def test_the_main_lists_tell_two_areas_of_the_same_name_apart(client, tree, people, launched):
    twin = unit_create(actor=people.town_office, parent=tree.commune_b, level=Level.AREA, kind="khoi_pho",
                       name="Khối phố 1")  # fmt: skip
    services.participants_add_level(actor=people.town_office, movement=launched, level=Level.AREA)
    Membership.objects.create(user=people.commune_b_staff, unit=twin, role=Role.AREA_BOARD)
    client.force_login(people.admin)
    pages = {
        "timeliness": reverse("reports:timeliness") + f"?phong_trao={launched.pk}&cap={Level.AREA}",
        "tracking": reverse("campaigns:tracking", args=[launched.pk]) + f"?cap={Level.AREA}",
        "evaluation board": reverse("evaluation:board", args=[launched.pk]) + f"?cap={Level.AREA}",
        "user list": reverse("accounts:user_list"),
    }
    for page, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, page
        named = mentions(response.content.decode(), "Khối phố 1")
        assert {"Khối phố 1 (Vĩnh Điện)", "Khối phố 1 (Điện Hồng)"} <= set(named), (page, named)
        assert "Khối phố 1" not in named, (page, named)  # never the bare name beside the other
