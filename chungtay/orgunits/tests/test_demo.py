from django.core.management import call_command

from chungtay.accounts.models import User
from chungtay.orgunits.models import Level, Membership, OrgUnit, Role


def test_the_demo_loads_dien_ban_2024_and_is_idempotent(shared_demo, db):
    counts = {lvl: OrgUnit.objects.filter(level=lvl).count() for lvl in Level.values}
    assert counts[Level.PROVINCE] == 1 and counts[Level.DISTRICT] == 1
    assert counts[Level.COMMUNE] == 20 and counts[Level.AREA] == 140
    users, memberships = User.objects.count(), Membership.objects.count()
    call_command("load_demo", "--quiet-logins")
    assert OrgUnit.objects.count() == 162
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    area_board = Membership.objects.get(user__username="khoipho1")
    assert area_board.unit.parent.name == "Vĩnh Điện"
