"""Unit pickers name a residential area with its commune: many communes have a "Khối phố 1", and a picker that
lists the areas of several communes must tell them apart (issue 20)."""

from __future__ import annotations

from chungtay.accounts.forms import UserCreateForm
from chungtay.housing.forms import ComplaintForm, HouseholdForm
from chungtay.housing.models import Household
from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.orgunits.services import unit_create
from chungtay.reports.forms import UrgingNoticeForm


def labels(field) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(label) for value, label in field.choices if value]


def two_areas_named_alike(tree) -> OrgUnit:  # type: ignore[no-untyped-def]
    """A second "Khối phố 1", in the other commune."""
    return unit_create(actor=None, parent=tree.commune_b, level=Level.AREA, kind="khoi_pho", name="Khối phố 1")


def test_the_household_form_names_each_area_with_its_commune(tree):
    two_areas_named_alike(tree)
    form = HouseholdForm(areas=OrgUnit.objects.filter(level=Level.AREA).order_by("path"))
    assert labels(form.fields["area"]) == ["Khối phố 1 (Vĩnh Điện)", "Thôn 1 (Điện Hồng)", "Khối phố 1 (Điện Hồng)"]


def test_unit_pickers_read_the_areas_and_their_communes_in_one_query(tree, django_assert_num_queries):
    two_areas_named_alike(tree)
    form = UserCreateForm(units=OrgUnit.objects.filter(path__startswith=tree.town.path), roles=[Role.AREA_BOARD])
    with django_assert_num_queries(1):
        names = labels(form.fields["unit"])
    assert "Khối phố 1 (Vĩnh Điện)" in names and "Khối phố 1 (Điện Hồng)" in names
    assert "thị xã Điện Bàn" in names and "phường Vĩnh Điện" in names  # units above an area keep their title


def test_complaint_and_urging_pickers_tell_the_two_areas_apart(tree):
    second = two_areas_named_alike(tree)
    areas = [tree.area_a1, second]
    complaint = ComplaintForm(
        units=OrgUnit.objects.filter(pk__in=[u.pk for u in areas]), households=Household.objects.none()
    )
    urging = UrgingNoticeForm(candidates=areas)
    for field in (complaint.fields["unit"], urging.fields["units"]):
        assert sorted(labels(field)) == ["Khối phố 1 (Vĩnh Điện)", "Khối phố 1 (Điện Hồng)"]
