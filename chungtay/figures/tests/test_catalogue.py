"""One definition per figure, as of any date: history from dated rows agrees with the kept figures."""

import datetime as dt

import pytest
from django.core.management import call_command

from chungtay.core import dates
from chungtay.figures import definitions
from chungtay.orgunits.models import OrgUnit
from chungtay.tallies import catalogue
from chungtay.tallies.catalogue import Params

D = dt.date


def every_unit():
    return list(OrgUnit.objects.order_by("path"))


@pytest.mark.django_db
def test_figures_as_of_today_from_dated_rows_equal_the_kept_figures(scenario):
    today = Params(as_of=dates.today())
    for unit in every_unit():
        kept_houses = definitions.houses([unit], today)[unit.pk]
        kept_money = definitions.money([unit], today)[unit.pk]
        assert definitions._houses_history([unit], today)[unit.pk] == kept_houses, unit.name
        assert definitions._money_history([unit], today)[unit.pk] == kept_money, unit.name
        for phase in (2024, 2025):
            by_phase = Params(as_of=dates.today(), phase=phase)
            assert (
                definitions._houses_history([unit], by_phase)[unit.pk] == definitions.houses([unit], by_phase)[unit.pk]
            )


@pytest.mark.django_db
def test_houses_as_of_a_day_count_only_what_had_happened_by_then(scenario, tree):
    before = catalogue.for_unit(tree.town, as_of=D(2024, 2, 29))
    assert (before.houses_planned, before.houses_started, before.houses_completed) == (4, 0, 0)
    march = catalogue.for_unit(tree.town, as_of=D(2024, 3, 1))
    assert (march.houses_started, march.houses_building, march.houses_completed) == (1, 1, 0)
    after_withdrawal = catalogue.for_unit(tree.town, as_of=D(2024, 4, 10))
    assert (after_withdrawal.houses_planned, after_withdrawal.houses_withdrawn) == (3, 1)
    june = catalogue.for_unit(tree.town, as_of=D(2024, 6, 30))
    assert (june.houses_planned, june.houses_started, june.houses_completed, june.houses_done_percent) == (3, 2, 1, 33)
    # The phase-2025 house was decided in January 2025: it is in no 2024 figure, and in today's.
    assert catalogue.for_unit(tree.town, as_of=D(2024, 12, 31)).houses_planned == 3
    assert catalogue.for_unit(tree.town).houses_planned == 4


@pytest.mark.django_db
def test_money_as_of_a_day_counts_entries_dated_up_to_it(scenario, tree):
    may = catalogue.for_unit(tree.town, as_of=D(2024, 5, 31))
    assert may.money_received == 100_000_000
    assert (may.money_allocated_unpaid, may.money_paid_from_funds, may.money_allocated) == (10_000_000, 30_000_000,
                                                                                             40_000_000)  # fmt: skip
    assert may.money_unallocated == 60_000_000
    assert (may.money_other_sources_committed, may.money_other_sources_paid) == (60_000_000, 0)
    assert may.money_households_received == 30_000_000
    july = catalogue.for_unit(tree.town, as_of=D(2024, 7, 31))
    assert july.money_received == 170_000_000
    assert (july.money_other_sources_paid, july.money_households_received) == (60_000_000, 90_000_000)


@pytest.mark.django_db
def test_money_paid_from_a_units_funds_and_money_its_households_received_are_two_figures(scenario, tree):
    ward = catalogue.for_unit(tree.commune_a)
    # The ward's own fund paid nothing; its household received 30 million from the town's fund and 60 from the state.
    assert ward.money_paid_from_funds == 0
    assert ward.money_households_received == 90_000_000
    assert catalogue.FigureSet.label("money_paid_from_funds") != catalogue.FigureSet.label("money_households_received")


@pytest.mark.django_db
def test_the_rows_of_a_table_equal_each_unit_asked_alone(scenario, tree):
    for day in (D(2024, 3, 31), D(2024, 6, 30), dates.today()):
        for child, figures in catalogue.for_children(tree.town, as_of=day):
            alone = catalogue.for_unit(child, as_of=day)
            for item in catalogue.all_figures():
                assert figures[item.name] == alone[item.name], (child.name, day, item.name)


def test_every_label_is_distinct_so_two_different_figures_never_share_words():
    labels = [str(item.label) for item in catalogue.all_figures()]
    assert len(labels) == len(set(labels))


def test_docs_figures_md_is_generated_from_the_catalogue():
    call_command("figures_doc", "--check")
