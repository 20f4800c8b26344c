"""Hypothesis writes random sequences of scores and complaints on different days (issue 16): communes
submit their self-assessments, the office scores them and changes its scores later, the board approves
the ranking, complaints arrive and are resolved — each through its service with the clock on its day.
Then, for every day of the sequence, the catalogue, the evaluation table as it stood
(`results_table(as_of=)`, scores read back from the audit log) and the sơ kết's figures (the context
its Word and PDF are rendered from, and the Word text on the last day) agree with a model kept beside the
sequence: who had submitted, been scored and approved by that day, each unit's total after the last
score written by then, and the complaints received and still open that day.

The movement and criteria are the evaluation tests' (199/KH-MTTQ-BTT on the shared tree, TODAY
15/10/2024); the days are TODAY to TODAY + 20.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chungtay.core.errors import DomainError
from chungtay.core.money import format_decimal_vn
from chungtay.evaluation import services as evaluation
from chungtay.evaluation.selectors import results_table
from chungtay.evaluation.tests import conftest as evaluation_tests
from chungtay.evaluation.tests.conftest import TODAY, lines_by_code, participation, self_score
from chungtay.housing import services as housing
from chungtay.orgunits.models import Level
from chungtay.reports.services import review_context, review_docx
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db
# The evaluation tests' movement and bands, on their fixed day (autouse), with media in a temporary folder.
movement, bands = evaluation_tests.movement, evaluation_tests.bands
on_fixed_day, media = evaluation_tests.on_fixed_day, evaluation_tests.media
SCORES = {"3.2.1.a": 28, "3.2.1.b": 18, "3.2.1.c": 10, "3.2.3.a": 5, "3.2.3.b": 0}

offsets = st.integers(min_value=0, max_value=20)
commune = st.sampled_from(["commune_a", "commune_b"])
# fmt: off
operations = st.one_of(
    st.tuples(offsets, st.just("submit"), commune),
    st.tuples(offsets, st.just("score"), commune, st.integers(min_value=0, max_value=30)),
    st.tuples(offsets, st.just("approve")),
    st.tuples(offsets, st.just("complaint"), st.sampled_from(["complaint", "petition", "denunciation"]),
              st.one_of(st.none(), st.integers(min_value=0, max_value=15))),
)
# fmt: on


@dataclass
class Model:
    """What the sequence did, by day: the oracle's expectations."""

    submitted: dict[str, dt.date] = field(default_factory=dict)  # by name in the tree fixture
    scored: dict[str, dt.date] = field(default_factory=dict)  # by unit title, as the tables name them
    approved: dt.date | None = None
    totals: list[tuple[dt.date, str, object]] = field(default_factory=list)  # (day, unit, total after)
    complaints: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)  # (received, resolved)

    def on(self, day: dt.date) -> dict[str, object]:
        scored = {u for u, d in self.scored.items() if d <= day}
        totals = {unit: total for d, unit, total in self.totals if d <= day and unit in scored}
        return {
            "units_self_assessed": sum(d <= day for d in self.submitted.values()),
            "units_scored": len(scored),
            "units_approved": len(scored) if self.approved and self.approved <= day else 0,
            "complaints_received": sum(r <= day for r, _ in self.complaints),
            "complaints_open": sum(r <= day and not (s and s <= day) for r, s in self.complaints),
            "totals": totals,
        }


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def apply(op: tuple, *, movement, tree, people, model: Model, assessments: dict) -> None:
    day, kind, *args = op
    office = people.town_office
    if kind == "submit":
        (name,) = args
        if name in assessments:
            return
        staff = people.commune_a_staff if name == "commune_a" else people.commune_b_staff
        a = evaluation.assessment_open(actor=staff, participation=participation(movement, getattr(tree, name)))
        self_score(staff, a, SCORES)
        assessments[name] = evaluation.assessment_submit(actor=staff, assessment=a)
        model.submitted[name] = day
    elif kind == "score":
        name, points = args
        a = assessments.get(name)
        if a is None:
            raise DomainError("chưa nộp")
        line = lines_by_code(a)["3.2.1.a"]
        reason = "Thiếu biên bản" if points != SCORES["3.2.1.a"] else ""
        evaluation.review_save(actor=office, assessment=a, entries={line.pk: (str(points), reason)})
        a.refresh_from_db()
        if a.status == "submitted":
            evaluation.assessment_mark_reviewed(actor=office, assessment=a)
            model.scored[tree_title(tree, name)] = day
        a.refresh_from_db()
        model.totals.append((day, tree_title(tree, name), a.final_total))
    elif kind == "approve":
        evaluation.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)
        model.approved = day
    elif kind == "complaint":
        complaint_kind, resolved_after = args
        complaint = housing.complaint_create(
            actor=office, unit=tree.commune_a, kind=complaint_kind, concerns="unit", received_on=day,
            channel="letter", complainant_name="Người Gửi Thử", content="Nội dung thử",
        )  # fmt: skip
        resolved = None
        if resolved_after is not None:
            resolved = day + dt.timedelta(days=resolved_after)
            housing.complaint_update(actor=office, complaint=complaint, status="resolved", resolution="Đã trả lời",
                                     resolved_on=resolved)  # fmt: skip
        model.complaints.append((day, resolved))


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [" | ".join(c.text for c in row.cells) for table in document.tables for row in table.rows]
    return "\n".join(parts)


def tree_title(tree, name: str) -> str:
    return getattr(tree, name).title


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=8))
# Always also: both communes scored, one score changed later (a lower total from day 5), the ranking approved
# on day 9, a petition received on day 3 and resolved on day 7.
@example(ops=[(0, "submit", "commune_a"), (2, "score", "commune_a", 10), (5, "score", "commune_a", 25),
              (6, "submit", "commune_b"), (7, "score", "commune_b", 30), (9, "approve"),
              (3, "complaint", "petition", 4)])  # fmt: skip
def test_random_scores_and_complaints_on_different_days_show_as_they_stood_on_every_surface(
    movement, bands, tree, people, time_machine, ops
):
    savepoint = transaction.savepoint()
    try:
        model, assessments = Model(), {}
        ordered = sorted(ops, key=lambda op: op[0])  # things happen in time order
        for hour, op in enumerate(ordered):
            day = TODAY + dt.timedelta(days=op[0])
            time_machine.move_to(at(day, 8 + hour % 12))
            try:
                with transaction.atomic():
                    apply((day, *op[1:]), movement=movement, tree=tree, people=people, model=model,
                          assessments=assessments)  # fmt: skip
            except DomainError:
                pass  # refused (a second approval, a complaint resolved in the future …): nothing changed
        last = TODAY + dt.timedelta(days=21)
        time_machine.move_to(at(last, 9))
        days = sorted({TODAY + dt.timedelta(days=op[0]) for op in ordered} | {last, TODAY - dt.timedelta(days=1)})
        for day in days:
            expected = model.on(day)
            f = catalogue.for_unit(tree.town, as_of=day, movement=movement)
            for name in ("units_self_assessed", "units_scored", "units_approved"):
                assert f[name] == expected[name], (day, name)
            for name in ("complaints_received", "complaints_open"):
                assert f[name] == expected[name], (day, name)
            table = {row["unit"]: row["total"] for row in results_table(movement, as_of=day)}
            assert table == expected["totals"], day
            context = review_context(movement, kind="so-ket", as_of=day)
            assert context["units_scored"] == expected["units_scored"], day
            assert context["units_self_assessed"] == expected["units_self_assessed"], day
            assert (context["complaints_total"], context["complaints_open"]) == (
                expected["complaints_received"], expected["complaints_open"],
            ), day  # fmt: skip
            shown = {row["unit"]: row["total"] for row in context["evaluation"]}  # as the report prints them
            assert shown == {unit: format_decimal_vn(total) for unit, total in expected["totals"].items()}, day
        text = docx_text(review_docx(movement, kind="tong-ket", as_of=last))
        assert f"{model.on(last)['units_scored']} đơn vị đã được thẩm định, chấm điểm" in text
    finally:
        transaction.savepoint_rollback(savepoint)
