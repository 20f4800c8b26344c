"""Criteria scored from their sources (CriterionSource): 3.2.1c from the results of the contest "Cán bộ
Mặt trận cơ sở giỏi", the 3.2.3 bonus from the unit's recognised good models. Like the computed criteria
(`metrics`), each reads the figures catalogue for the unit's subtree and the movement as of the day and
explains its points; the unit does not type these scores, the office may change them in review with a
reason.

- contest: points = max × the best entrant's result (`contest_best_percent`); no entrant scored → 0.
- good_models: the whole bonus when the subtree has at least one good model of the movement recognised by
  that day (`good_models_recognised`), else 0.
A yes/no criterion takes its maximum when the source gives any points, else 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from chungtay.campaigns.models import CriterionKind
from chungtay.tallies import catalogue

from .metrics import ZERO, MetricValue, q2
from .models import CriterionSource, Source


def contest(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    f = catalogue.for_unit(unit, as_of=as_of, movement=movement)
    entrants, best = f.contest_entrants, f.contest_best_percent
    detail = {"contest_entrants": entrants, "contest_best_percent": best}
    if not entrants:
        return MetricValue(ZERO, ZERO, f"{f.label('contest_entrants')}: 0 — chưa có điểm.", detail)
    share = Decimal(best) / 100
    best_label = f.label("contest_best_percent")  # lower case for the middle of the sentence, "Mặt trận" kept
    text = f"{f.label('contest_entrants')}: {entrants}; {best_label[:1].lower()}{best_label[1:]}: {best}%."
    return MetricValue(share, q2(max_points * share), text, detail)


def good_models(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    f = catalogue.for_unit(unit, as_of=as_of, movement=movement)
    recognised = f.good_models_recognised
    detail = {"good_models_recognised": recognised}
    text = f"{f.label('good_models_recognised')}: {recognised}."
    return MetricValue(Decimal(recognised), max_points if recognised else ZERO, text, detail)


SOURCES: dict[str, Callable[..., MetricValue]] = {Source.CONTEST: contest, Source.GOOD_MODELS: good_models}


def sources_of(movement: Any) -> dict[str, str]:
    """Criterion code → source, for the movement."""
    return dict(CriterionSource.objects.filter(movement=movement).values_list("code", "source"))


def compute(source: str, criterion: Any, unit: Any, movement: Any, *, as_of: dt.date) -> MetricValue:
    result = SOURCES[source](unit, movement, criterion.max_points, as_of=as_of)
    points = min(criterion.max_points, max(ZERO, result.points))
    if criterion.kind == CriterionKind.YES_NO:
        points = criterion.max_points if points > 0 else ZERO
    result.points = points
    return result
