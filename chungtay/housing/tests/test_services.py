"""Household rules: the norm decides the state support, overrides need a reason, stages move forward."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from chungtay.core.errors import DomainError
from chungtay.housing import services
from chungtay.housing.models import FundingPlanLine, FundingSource, Household, ProgressUpdate, Status

DAY = dt.date(2024, 5, 1)


def data(area, **extra):
    fields = {"area": area, "head_name": "Trần Thị Bình", "category": "poor", "support_kind": "new",
              "phase_year": 2024, "decision_number": "8584/QĐ-UBND",
              "decision_date": dt.date(2023, 12, 20)}  # fmt: skip
    fields.update(extra)
    return services.HouseholdData(**fields)


def test_state_support_comes_from_the_norm_and_fills_the_state_line(areas, norms):
    household = services.household_create(actor=None, data=data(areas["a1"], support_kind="repair"))
    assert household.norm == norms["repair"] and household.state_support == 30_000_000
    assert household.code == "HT00001" and household.head_name_folded == "tran thi binh"
    line = FundingPlanLine.objects.get(household=household, source=FundingSource.STATE)
    assert line.amount == 30_000_000


def test_a_different_amount_needs_a_reason(areas, norms):
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=None, data=data(areas["a1"], state_support=45_000_000))
    assert exc.value.field == "override_reason" and "60.000.000 đ" in exc.value.message
    household = services.household_create(
        actor=None, data=data(areas["a1"], state_support=45_000_000, override_reason="Biên bản họp 03/2024")
    )
    assert (
        household.overridden and FundingPlanLine.objects.get(household=household, source="state").amount == 45_000_000
    )


def test_no_norm_for_a_year_outside_the_programme_is_refused(areas, norms):
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=None, data=data(areas["a1"], phase_year=2026))
    assert "năm 2026" in exc.value.message


def test_a_household_must_live_in_a_residential_area(tree, norms):
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=None, data=data(tree.commune_a))
    assert exc.value.field == "area"


def test_a_citizen_id_has_twelve_digits(areas, norms):
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=None, data=data(areas["a1"], citizen_id="12345"))
    assert exc.value.field == "citizen_id"


def test_users_create_households_only_inside_their_subtree(areas, norms, people):
    with pytest.raises(DomainError):
        services.household_create(actor=people.commune_b_staff, data=data(areas["a1"]))
    assert services.household_create(actor=people.commune_a_staff, data=data(areas["a1"])).pk


def test_withdrawing_needs_a_reason_and_the_database_insists_too(areas, make_household):
    household = make_household(areas["a1"])
    with pytest.raises(DomainError):
        services.household_withdraw(actor=None, household=household, reason="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(status=Status.WITHDRAWN)
    services.household_withdraw(actor=None, household=household, reason="Hộ đã chuyển đi nơi khác")
    household.refresh_from_db()
    assert household.status == Status.WITHDRAWN


def test_funding_lines_are_one_per_source_and_never_negative(areas, make_household):
    household = make_household(areas["a1"])
    services.funding_line_set(actor=None, household=household, source="sponsor", amount=10_000_000)
    services.funding_line_set(actor=None, household=household, source="sponsor", amount=15_000_000)
    assert household.funding_lines.get(source="sponsor").amount == 15_000_000
    with pytest.raises(DomainError):
        services.funding_line_set(actor=None, household=household, source="state", amount=1)
    with pytest.raises(DomainError):
        services.funding_line_set(actor=None, household=household, source="own_share", amount=-5)
    services.funding_line_set(actor=None, household=household, source="sponsor", amount=0)
    assert not household.funding_lines.filter(source="sponsor").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingPlanLine.objects.create(household=household, source="own_share", amount=-1)


def test_stages_move_the_status_forward_and_never_back(areas, make_household):
    household = make_household(areas["a1"])
    services.progress_record(actor=None, household=household, stage="start", date=DAY)
    household.refresh_from_db()
    assert household.status == Status.STARTED
    services.progress_record(actor=None, household=household, stage="walls", date=DAY + dt.timedelta(days=20))
    household.refresh_from_db()
    assert household.status == Status.BUILDING
    with pytest.raises(DomainError) as exc:
        services.progress_record(actor=None, household=household, stage="foundation", date=DAY + dt.timedelta(days=30))
    assert "không ghi lùi" in exc.value.message
    with pytest.raises(DomainError):
        services.progress_record(actor=None, household=household, stage="roof", date=DAY)  # before the last update
    with pytest.raises(DomainError):
        services.progress_record(actor=None, household=household, stage="handed_over", date=DAY + dt.timedelta(days=40))
    services.progress_record(actor=None, household=household, stage="completed", date=DAY + dt.timedelta(days=60))
    services.progress_record(actor=None, household=household, stage="handed_over", date=DAY + dt.timedelta(days=61))
    household.refresh_from_db()
    assert household.status == Status.HANDED_OVER and household.is_done


def test_updates_in_the_future_or_for_withdrawn_households_are_refused(areas, make_household):
    household = make_household(areas["a1"])
    with pytest.raises(DomainError):
        services.progress_record(actor=None, household=household, stage="start", date=dt.date(2999, 1, 1))
    services.household_withdraw(actor=None, household=household, reason="Không còn nhu cầu")
    with pytest.raises(DomainError):
        services.progress_record(actor=None, household=household, stage="start", date=DAY)


def test_the_database_keeps_percent_within_100(areas, make_household):
    household = make_household(areas["a1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(household=household, stage="start", date=DAY, percent=150)


def test_an_area_board_records_progress_but_cannot_edit_the_household(areas, make_household, people):
    household = make_household(areas["a1"])
    services.progress_record(actor=people.area_board, household=household, stage="start", date=DAY)
    with pytest.raises(DomainError):
        services.household_withdraw(actor=people.area_board, household=household, reason="x")
    other = make_household(areas["b1"], name="Lê Văn Cư")
    with pytest.raises(DomainError):
        services.progress_record(actor=people.area_board, household=other, stage="start", date=DAY)


def test_a_stage_is_verified_by_a_second_person_with_edit_rights(areas, make_household, people):
    household = make_household(areas["a1"])
    update = services.progress_record(actor=people.area_board, household=household, stage="start", date=DAY)
    with pytest.raises(DomainError):
        services.progress_verify(actor=people.area_board, update=update)  # no edit right, and the reporter
    with pytest.raises(DomainError):
        services.progress_verify(actor=people.commune_b_staff, update=update)
    services.progress_verify(actor=people.commune_a_staff, update=update)
    assert update.verified_by == people.commune_a_staff and update.verified_at is not None
    with pytest.raises(DomainError):
        services.progress_verify(actor=people.town_office, update=update)
