"""Scores as they stood (issue 16): a report as of a day shows the scores, bands and ranks of that day,
read back from the audit log, not today's."""

import datetime as dt
from zoneinfo import ZoneInfo

from chungtay.evaluation import services
from chungtay.evaluation.selectors import results_table

from .conftest import TODAY, lines_by_code


def at(offset: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY + dt.timedelta(days=offset), dt.time(hour), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_a_report_as_of_a_day_shows_the_scores_and_ranks_that_stood_that_day(movement, tree, people, submitted,
                                                                             time_machine):  # fmt: skip
    office = people.town_office
    time_machine.move_to(at(1))
    a = submitted(tree.commune_a, people.commune_a_staff)
    b = submitted(
        tree.commune_b,
        people.commune_b_staff,
        {"3.2.1.a": 20, "3.2.1.b": 18, "3.2.1.c": 10, "3.2.3.a": 5, "3.2.3.b": 0},
    )
    time_machine.move_to(at(2))
    for assessment in (a, b):
        services.assessment_mark_reviewed(actor=office, assessment=assessment)
    before = {row["unit"]: row for row in results_table(movement, as_of=TODAY + dt.timedelta(days=2))}
    # Four days later the reviewer takes points off commune A's criterion 3.2.1.a: B now ranks first.
    time_machine.move_to(at(6))
    line = lines_by_code(a)["3.2.1.a"]
    services.review_save(actor=office, assessment=a, entries={line.pk: ("10", "Thiếu biên bản")})
    then = {row["unit"]: row for row in results_table(movement, as_of=TODAY + dt.timedelta(days=3))}
    now = {row["unit"]: row for row in results_table(movement)}
    a_title, b_title = tree.commune_a.title, tree.commune_b.title
    assert then == before
    assert then[a_title]["total"] - now[a_title]["total"] == 18
    assert (then[a_title]["rank"], then[b_title]["rank"]) == (1, 2)
    assert (now[a_title]["rank"], now[b_title]["rank"]) == (2, 1)
    assert results_table(movement, as_of=TODAY + dt.timedelta(days=6)) == results_table(movement)
