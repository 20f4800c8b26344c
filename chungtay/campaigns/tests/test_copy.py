"""Copy a movement as next year's template."""

from chungtay.campaigns import services
from chungtay.campaigns.models import Activity, CriteriaSet, MovementStatus, Participation
from chungtay.orgunits.models import Level

from .conftest import day


def test_copying_carries_texts_bases_criteria_participants_and_milestones_a_year_on(launched, tree, people):
    services.legal_reference_add(
        actor=people.town_office, movement=launched, kind="huong_dan", number="32/HD-MTTQ-BTT", issued_on=day(-30),
        issuer="BTT tỉnh", summary="Thi đua, khen thưởng",
    )  # fmt: skip
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    services.participation_register(actor=people.commune_a_staff, participation=participation, commitments="Cam kết")
    services.activity_record(
        actor=people.commune_a_staff, participation=participation, kind="it_measure", title="Zalo", held_on=day(0)
    )
    copy = services.movement_copy(
        actor=people.town_office, movement=launched, symbol="25/KH-MTTQ-BTT", issued_on=day(300)
    )
    assert copy.status == MovementStatus.DRAFT and copy.copied_from == launched
    assert copy.starts_on.year == launched.starts_on.year + 1 and copy.purposes == launched.purposes
    assert copy.legal_references.get().number == "32/HD-MTTQ-BTT"
    new_set = CriteriaSet.objects.get(movement=copy, level=Level.COMMUNE)
    assert (new_set.version, new_set.frozen_at) == (1, None)
    assert new_set.criteria.count() == CriteriaSet.objects.get(movement=launched, level=Level.COMMUNE).criteria.count()
    assert copy.participations.count() == launched.participations.count()
    assert not copy.participations.filter(registered_at__isnull=False).exists()
    assert [m.due_on.year for m in copy.milestones.all()] == [m.due_on.year + 1 for m in launched.milestones.all()]
    assert Activity.objects.filter(movement=copy).count() == 0
    # The original is untouched and its criteria stay frozen.
    assert not CriteriaSet.objects.filter(movement=launched, frozen_at__isnull=True).exists()
