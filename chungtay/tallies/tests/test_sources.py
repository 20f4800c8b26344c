"""The kept figures sit below housing and funds and import neither: those apps give them, once their
app is ready, what only they can read (tallies.rollup.provide)."""

import pytest

from chungtay.funds import own_figures as fund_figures
from chungtay.housing import own_figures as house_figures
from chungtay.tallies import rollup


def test_housing_and_funds_provide_the_recomputations_the_kept_figures_call():
    assert rollup.SOURCES.houses is house_figures.own_houses
    assert rollup.SOURCES.progress is house_figures.own_progress
    assert rollup.SOURCES.refill_money is fund_figures.refill


def test_a_second_provider_of_the_same_figures_is_refused():
    with pytest.raises(ValueError, match="provided twice"):
        rollup.provide(houses=house_figures.own_houses)
