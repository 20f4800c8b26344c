import datetime as dt

import pytest

from chungtay.core import demo_clock


def test_the_story_moves_by_whole_years_from_the_day_the_plan_is_issued():
    assert demo_clock.shift(dt.date(2024, 12, 2)) == 0
    assert demo_clock.shift(dt.date(2026, 12, 7)) == 2
    assert demo_clock.shift(dt.date(2026, 3, 14)) == 2
    # Before mid-March the year's plan is not out: the previous year's movement is being evaluated.
    assert demo_clock.shift(dt.date(2026, 3, 13)) == 1
    assert demo_clock.shift(dt.date(2025, 2, 10)) == 0


def test_a_fixed_day_moves_the_dates_and_decides_what_has_happened():
    with demo_clock.fixed(dt.date(2027, 5, 20)):
        assert demo_clock.demo_day() == dt.date(2027, 5, 20)
        assert demo_clock.d(2024, 3, 14) == dt.date(2027, 3, 14)
        assert demo_clock.d(2024, 2, 29) == dt.date(2027, 2, 28)
        assert demo_clock.happened(demo_clock.d(2024, 5, 20))
        assert not demo_clock.happened(demo_clock.d(2024, 5, 21))


@pytest.mark.time_machine(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC))
def test_the_day_comes_from_the_environment_and_may_not_be_in_the_future(monkeypatch):
    monkeypatch.setenv(demo_clock.ENV_VAR, "2025-06-01")
    assert demo_clock.demo_day() == dt.date(2025, 6, 1)
    monkeypatch.delenv(demo_clock.ENV_VAR)
    assert demo_clock.demo_day() == dt.date(2026, 12, 7)
    with pytest.raises(ValueError, match="tương lai"):
        demo_clock.parse_day("2026-12-08")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        demo_clock.parse_day("07/12/2026")


def test_on_the_new_map_the_2024_story_stays_in_2024_and_ends_on_the_eve_of_the_reorganisation():
    with demo_clock.fixed(dt.date(2026, 12, 7)):
        assert demo_clock.shift() == 2 and demo_clock.d(2024, 3, 14) == dt.date(2026, 3, 14)
        with demo_clock.story_told():
            assert demo_clock.shift() == 0 and demo_clock.d(2024, 3, 14) == dt.date(2024, 3, 14)
            assert demo_clock.happened(dt.date(2025, 6, 30)) and not demo_clock.happened(dt.date(2025, 7, 1))
            assert demo_clock.demo_day() == dt.date(2026, 12, 7)  # the day the demo is built on is kept
        assert demo_clock.happened(dt.date(2026, 12, 7))
    # Before the reorganisation the story is told as always: moved into the demo's year, up to its day.
    with demo_clock.fixed(dt.date(2025, 5, 1)), demo_clock.story_told():
        assert demo_clock.shift() == 1 and demo_clock.happened(dt.date(2025, 5, 1))
        assert not demo_clock.after_reorganisation()


def test_a_current_movement_of_2025_starts_two_weeks_after_the_new_units_opened():
    with demo_clock.fixed(dt.date(2025, 9, 1)):
        assert demo_clock.d(2024, 3, 14) == dt.date(2025, 7, 14)
    with demo_clock.fixed(dt.date(2026, 2, 1)):  # before mid-March: still the 2025 movement
        assert demo_clock.d(2024, 3, 14) == dt.date(2025, 7, 14)
    with demo_clock.fixed(dt.date(2026, 5, 1)):
        assert demo_clock.d(2024, 3, 14) == dt.date(2026, 3, 14)
