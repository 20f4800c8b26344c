"""The funds tests' builders on top of the shared ones (root conftest.py: norm, town_fund, give)."""

import datetime as dt
import functools

import pytest

from chungtay.funds.models import FundKind, SourceKind
from chungtay.funds.services import fund_create, source_create
from chungtay.housing.models import STAGE_PERCENT
from chungtay.orgunits.models import Role
from chungtay.tests import builders
from chungtay.tests.builders import make_user


@pytest.fixture
def make_household(make_household):
    """The shared builder's households, with contact details (the fund papers show them to staff)."""
    return functools.partial(make_household, **builders.CONTACT)


@pytest.fixture
def commune_fund(people, tree):
    return fund_create(
        actor=people.town_office,
        unit=tree.commune_a,
        kind=FundKind.MOVEMENT,
        name="Quỹ vận động phường Vĩnh Điện",
        code="xnt-vd",
    )


@pytest.fixture
def state_source(people, tree):
    return source_create(
        actor=people.town_office, unit=tree.town, kind=SourceKind.STATE_BUDGET, name="Ngân sách tỉnh (NQ 13/2023)"
    )


@pytest.fixture
def verified(people):
    """A progress report of `stage` for the household, confirmed in the field by a second person."""
    from chungtay.housing.models import ProgressUpdate

    def verify(household, stage, day=dt.date(2024, 6, 1)):
        return ProgressUpdate.objects.create(
            household=household,
            stage=stage,
            date=day,
            percent=STAGE_PERCENT[stage],
            reporter=people.town_office,
            verified_by=people.board,
            verified_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC),
        )

    return verify


@pytest.fixture
def province_office(tree):
    return make_user("tinh", tree.province, Role.OFFICE)


@pytest.fixture
def funds(tree, province_office, town_fund, commune_fund):
    """A fund at the province (made by `province_office`), the town, each commune and the sibling district."""

    def fund(unit, code):  # type: ignore[no-untyped-def]
        return fund_create(
            actor=province_office, unit=unit, kind=FundKind.MOVEMENT, name=f"Quỹ vận động {unit.name}", code=code
        )

    return {
        "province": fund(tree.province, "qn"), "town": town_fund, "a": commune_fund,
        "b": fund(tree.commune_b, "dh"), "other": fund(tree.other_district, "dx"),
    }  # fmt: skip
