"""A movement goes draft → launched → under way → evaluating → closed, one step at a time."""

import pytest

from chungtay.campaigns import services
from chungtay.campaigns.models import CriteriaSet, MovementStatus, Obligation
from chungtay.core.errors import DomainError


def test_a_new_movement_is_a_draft_and_its_dates_are_checked(movement, tree, people):
    assert movement.status == MovementStatus.DRAFT
    assert movement.review_month.day == 1
    with pytest.raises(DomainError) as info:
        services.movement_create(
            actor=people.town_office, issuing_unit=tree.town, symbol="200/KH", issued_on=movement.issued_on,
            title="Sai", starts_on=movement.ends_on, ends_on=movement.starts_on, review_month=movement.review_month,
        )  # fmt: skip
    assert info.value.field == "ends_on" and "Ngày kết thúc" in info.value.message


def test_the_same_symbol_cannot_be_issued_twice_by_one_unit(movement, tree, people):
    with pytest.raises(DomainError, match="đã có kế hoạch số 199/KH-MTTQ-BTT") as info:
        services.movement_create(
            actor=people.town_office, issuing_unit=tree.town, symbol="199/KH-MTTQ-BTT", issued_on=movement.issued_on,
            title="Trùng", starts_on=movement.starts_on, ends_on=movement.ends_on, review_month=movement.review_month,
        )  # fmt: skip
    assert info.value.field == "symbol"


def test_launching_freezes_the_criteria_and_hands_out_obligations(movement, people):
    created = services.movement_launch(actor=people.town_office, movement=movement)
    movement.refresh_from_db()
    assert movement.status == MovementStatus.LAUNCHED and movement.launched_at
    assert not CriteriaSet.objects.filter(movement=movement, frozen_at__isnull=True).exists()
    # 2 communes × (registration, own plan, launch, 4 monthly reports, self-assessment) + 2 areas × registration
    assert created == 2 * 8 + 2
    assert Obligation.objects.filter(milestone__movement=movement).count() == created


def test_a_movement_without_participants_criteria_or_milestones_cannot_be_launched(movement, tree, people):
    bare = services.movement_create(
        actor=people.town_office, issuing_unit=tree.town, symbol="1/KH", issued_on=movement.issued_on, title="Trống",
        starts_on=movement.starts_on, ends_on=movement.ends_on, review_month=movement.review_month,
    )  # fmt: skip
    with pytest.raises(DomainError, match="Chưa có đơn vị tham gia"):
        services.movement_launch(actor=people.town_office, movement=bare)
    services.participants_add(actor=people.town_office, movement=bare, units=[tree.commune_a])
    with pytest.raises(DomainError, match="Chưa có tiêu chí"):
        services.movement_launch(actor=people.town_office, movement=bare)
    bare.refresh_from_db()
    assert bare.status == MovementStatus.DRAFT


def test_status_moves_forward_one_step_only(launched, people):
    with pytest.raises(DomainError, match="Không thể chuyển"):
        services.movement_transition(actor=people.town_office, movement=launched, to=MovementStatus.CLOSED)
    for status in (MovementStatus.UNDER_WAY, MovementStatus.EVALUATING, MovementStatus.CLOSED):
        services.movement_transition(actor=people.town_office, movement=launched, to=status)
        launched.refresh_from_db()
        assert launched.status == status
    with pytest.raises(DomainError):
        services.movement_transition(actor=people.town_office, movement=launched, to=MovementStatus.DRAFT)


def test_a_launched_movement_cannot_be_launched_again(launched, people):
    with pytest.raises(DomainError, match="dự thảo"):
        services.movement_launch(actor=people.town_office, movement=launched)


def test_a_closed_movement_cannot_be_edited(launched, people):
    for status in (MovementStatus.UNDER_WAY, MovementStatus.EVALUATING, MovementStatus.CLOSED):
        services.movement_transition(actor=people.town_office, movement=launched, to=status)
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.movement_update(actor=people.town_office, movement=launched, title="Sửa")
