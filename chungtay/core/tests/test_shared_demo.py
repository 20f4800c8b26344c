"""conftest.py's `shared_demo`: the demo is loaded once for the tests that ask for it, what each of them
changes is rolled back before the next, and no other test sees the demo."""

from chungtay.accounts.models import User
from chungtay.orgunits.models import OrgUnit

CHANGED = "Tên đã đổi trong một phép thử"


def test_a_test_of_the_shared_demo_sees_the_demo_and_may_change_it(shared_demo, db):
    assert User.objects.filter(username="khoipho1").exists() and OrgUnit.objects.count() == 162
    User.objects.update(full_name=CHANGED)
    assert User.objects.exclude(full_name=CHANGED).count() == 0


def test_the_next_test_of_the_shared_demo_sees_it_as_loaded(shared_demo, db):
    assert User.objects.filter(username="khoipho1").exists() and OrgUnit.objects.count() == 162
    assert not User.objects.filter(full_name=CHANGED).exists()


def test_a_test_without_it_never_sees_the_demo(db):
    assert not User.objects.filter(username="khoipho1").exists() and OrgUnit.objects.count() == 0
