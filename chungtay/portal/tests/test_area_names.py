"""The public surfaces name a residential area with its commune, as the staff pages do (OrgUnit.full_title)."""

import datetime as dt

from chungtay.housing.models import ProgressUpdate
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.portal import public


def test_the_open_progress_list_tells_two_areas_of_the_same_name_apart(tree, people, make_household):
    twin = unit_create(actor=people.town_office, parent=tree.commune_b, level=Level.AREA, kind="khoi_pho",
                       name="Khối phố 1")  # fmt: skip
    for area in (tree.area_a1, twin):
        household = make_household(area)
        ProgressUpdate.objects.create(household=household, stage="start", date=dt.date(2024, 5, 2), percent=10)
    areas = {row.area for row in public.progress_rows()}
    assert areas == {"Khối phố 1 (Vĩnh Điện)", "Khối phố 1 (Điện Hồng)"}
