"""In-kind contributions and member organisations' registrations: who may write, what is refused
(with a Vietnamese message naming the field), what the audit log keeps, and that no money moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from chungtay.campaigns import services as campaigns
from chungtay.core.errors import DomainError
from chungtay.funds.models import JournalEntry
from chungtay.housing import services as housing
from chungtay.members import services
from chungtay.members.models import InKindContribution, MemberOrgRegistration

from .conftest import TODAY, day, in_kind

pytestmark = pytest.mark.django_db


def test_area_board_records_help_for_a_household_of_its_area_and_it_is_audited(people, tree, house, women_a):
    h = house(tree.area_a1)
    item = services.in_kind_record(
        actor=people.area_board,
        data=in_kind(household=h, giver_kind="member_org", member_org=women_a, giver_name="ignored",
                     kind="labour", description="Công phụ hồ", quantity=Decimal("12.5"), measure="",
                     value=3_750_000),
    )  # fmt: skip
    assert item.unit == tree.area_a1 and item.measure == "ngày công" and item.giver_name == ""
    entry = LogEntry.objects.get_for_object(item).get(action=LogEntry.Action.CREATE)
    assert entry.actor == people.area_board
    assert entry.changes_dict["value"] == ["None", "3750000"]


def test_in_kind_help_never_writes_to_the_cash_ledger(people, tree, house):
    h = house(tree.area_a1)
    before = JournalEntry.objects.count()
    services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h))
    assert JournalEntry.objects.count() == before
    assert InKindContribution.objects.get().value == 4_500_000


def test_staff_of_another_commune_and_inspectors_may_not_record(people, tree, house):
    h = house(tree.area_a1)
    for actor in (people.commune_b_staff, people.inspector, people.nobody):
        with pytest.raises(PermissionDenied):
            services.in_kind_record(actor=actor, data=in_kind(household=h))
    assert not InKindContribution.objects.exists()


def test_a_withdrawn_household_gets_no_contribution(people, tree, house):
    h = house(tree.area_a1)
    housing.household_withdraw(actor=people.commune_a_staff, household=h, reason="Chuyển đi nơi khác")
    h.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h))
    assert err.value.field == "household" and "đã rút khỏi danh sách" in err.value.message


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"quantity": Decimal(0)}, "quantity", "Số lượng phải lớn hơn 0"),
        ({"quantity": Decimal("1.234")}, "quantity", "2 chữ số thập phân"),
        ({"value": -1}, "value", "không được âm"),
        ({"value": 5_000_000_000}, "value", "quá lớn"),
        ({"given_on": TODAY + dt.timedelta(days=1)}, "given_on", "không được sau hôm nay"),
        ({"given_on": dt.date(2023, 12, 1)}, "given_on", "trước ngày hộ"),
        ({"giver_name": " "}, "giver_name", "Ghi tên người, đơn vị đóng góp"),
        ({"description": ""}, "description", "Ghi nội dung"),
        ({"measure": ""}, "measure", "Ghi đơn vị tính"),
        ({"giver_kind": "member_org"}, "member_org", "Chọn tổ chức thành viên"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_naming_the_field(people, tree, house, overrides, field, words):
    h = house(tree.area_a1)
    with pytest.raises(DomainError) as err:
        services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h, **overrides))
    assert err.value.field == field and words in err.value.message
    assert not InKindContribution.objects.exists()


def test_a_member_organisation_of_another_commune_cannot_give_as_if_it_worked_here(people, tree, house, farmers_b):
    h = house(tree.area_a1)
    with pytest.raises(DomainError) as err:
        services.in_kind_record(
            actor=people.town_office, data=in_kind(household=h, giver_kind="member_org", member_org=farmers_b)
        )
    assert err.value.field == "member_org" and "không hoạt động tại" in err.value.message


def test_help_for_a_movement_without_a_household_counts_at_the_chosen_unit(people, tree, launched):
    item = services.in_kind_record(
        actor=people.commune_a_staff, data=in_kind(unit=tree.commune_a, movement=launched, given_on=day(-2))
    )
    assert item.unit == tree.commune_a and item.household is None


def test_help_needs_a_household_or_a_movement(people, tree):
    with pytest.raises(DomainError) as err:
        services.in_kind_record(actor=people.commune_a_staff, data=in_kind(unit=tree.commune_a))
    assert err.value.field == "household"


def test_removing_a_mistaken_entry_is_kept_in_the_audit_log(people, tree, house):
    item = services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=house(tree.area_a1)))
    pk = item.pk
    with pytest.raises(PermissionDenied):
        services.in_kind_delete(actor=people.commune_b_staff, contribution=item)
    services.in_kind_delete(actor=people.commune_a_staff, contribution=item)
    assert not InKindContribution.objects.filter(pk=pk).exists()
    deleted = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).get()
    assert deleted.actor == people.commune_a_staff


def test_a_member_organisation_registers_and_reports_its_results(people, tree, launched, women_a):
    reg = services.member_org_register(
        actor=people.commune_a_staff, movement=launched, member_org=women_a,
        commitments="Vận động 200 ngày công giúp hộ nghèo", registered_on=day(0),
    )  # fmt: skip
    services.member_org_results_report(
        actor=people.commune_a_staff, registration=reg, results="Đã góp 120 ngày công", results_on=day(0)
    )
    reg.refresh_from_db()
    assert reg.results == "Đã góp 120 ngày công" and reg.results_on == day(0)
    assert LogEntry.objects.get_for_object(reg).filter(action=LogEntry.Action.UPDATE).get().actor == (
        people.commune_a_staff
    )
    with pytest.raises(DomainError) as err:
        services.member_org_register(
            actor=people.commune_a_staff, movement=launched, member_org=women_a, commitments="Lần hai",
            registered_on=day(0),
        )  # fmt: skip
    assert "đã đăng ký" in err.value.message


def test_registration_is_refused_for_others_a_draft_movement_and_empty_commitments(people, tree, movement, women_a):
    with pytest.raises(DomainError, match="chưa phát động"):
        services.member_org_register(
            actor=people.commune_a_staff, movement=movement, member_org=women_a, commitments="x", registered_on=day(0)
        )
    movement.status = "launched"
    movement.save()
    with pytest.raises(PermissionDenied):
        services.member_org_register(
            actor=people.commune_b_staff, movement=movement, member_org=women_a, commitments="x", registered_on=day(0)
        )
    with pytest.raises(DomainError) as err:
        services.member_org_register(
            actor=people.commune_a_staff, movement=movement, member_org=women_a, commitments=" ", registered_on=day(0)
        )
    assert err.value.field == "commitments"
    assert not MemberOrgRegistration.objects.exists()


def test_a_member_organisation_holds_an_activity_of_its_unit_and_no_other(people, tree, launched, women_a, farmers_b):
    participation = launched.participations.get(unit=tree.commune_a)
    activity = campaigns.activity_record(
        actor=people.commune_a_staff, participation=participation, kind="propaganda", member_org=women_a,
        title="Tuyên truyền giúp hội viên nghèo xây nhà", held_on=day(-1),
    )  # fmt: skip
    assert activity.member_org == women_a and activity.unit == tree.commune_a
    with pytest.raises(DomainError) as err:
        campaigns.activity_record(
            actor=people.commune_a_staff, participation=participation, kind="propaganda", member_org=farmers_b,
            title="Không thuộc phường", held_on=day(-1),
        )  # fmt: skip
    assert err.value.field == "member_org" and "không phải tổ chức thành viên của" in err.value.message
