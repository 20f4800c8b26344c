"""The contest "Cán bộ Mặt trận cơ sở giỏi" (criterion 3.2.1c): who of a unit's subtree took part and
how well, as of a date.

A judge's score counts from the day it was last recorded (`JudgeScore.scored_at`); an entrant's result
is, per round, the average of the non-recused judges' scores, summed over the rounds — as the contest's
own results page ranks them (campaigns.selectors.contest_results) — and is written as a percentage of
the sum of the rounds' maximum scores.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chungtay.campaigns.models import ContestRound, JudgeScore
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _scope

CONTEST_NAMES = ("contest_entrants", "contest_best_percent")


@group("contest", "Cuộc thi Cán bộ Mặt trận cơ sở giỏi")
def contest(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    if not units:
        return {}
    common, length, by_path = _scope(units)
    end = timezone.make_aware(dt.datetime.combine(p.as_of + dt.timedelta(days=1), dt.time()))
    scores = JudgeScore.objects.filter(
        recused=False, score__isnull=False, scored_at__lt=end, entrant__unit__path__startswith=common
    )
    rounds = ContestRound.objects.all()
    if p.movement_id is not None:
        scores = scores.filter(round__contest__movement_id=p.movement_id)
        rounds = rounds.filter(contest__movement_id=p.movement_id)
    maximum: dict[int, Decimal] = defaultdict(Decimal)
    for contest_id, max_score in rounds.values_list("contest_id", "max_score"):
        maximum[contest_id] += max_score
    marks: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    entrant_of: dict[int, tuple[int, str]] = {}
    for entrant_id, round_id, contest_id, path, score in scores.values_list(
        "entrant_id", "round_id", "round__contest_id", "entrant__unit__path", "score"
    ):
        assert score is not None  # score__isnull=False above
        marks[(entrant_id, round_id)].append(score)
        entrant_of[entrant_id] = (contest_id, path)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (entrant_id, _round_id), values in marks.items():
        totals[entrant_id] += sum(values, Decimal(0)) / len(values)
    found: dict[int, dict[str, int]] = {}
    for entrant_id, total in totals.items():
        contest_id, path = entrant_of[entrant_id]
        unit_id = by_path.get(path[:length])
        if unit_id is None or not maximum[contest_id]:
            continue
        share = int((total * 100 / maximum[contest_id]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        row = found.setdefault(unit_id, {"contest_entrants": 0, "contest_best_percent": 0})
        row["contest_entrants"] += 1
        row["contest_best_percent"] = max(row["contest_best_percent"], share)
    return _fill(units, found, CONTEST_NAMES)


CT = "contest"
figure(CT, "contest_entrants", _("Thí sinh dự thi cán bộ Mặt trận cơ sở giỏi"),
       "Thí sinh của các đơn vị trong cây dự các cuộc thi của phong trào, đã có điểm của ít nhất một giám khảo "
       "(không tính giám khảo cùng đơn vị) ghi đến ngày tính.", unit="người")  # fmt: skip
figure(CT, "contest_best_percent", _("Kết quả cao nhất cuộc thi cán bộ Mặt trận cơ sở giỏi"),
       "Của thí sinh cao điểm nhất trong cây: tổng qua các vòng của điểm trung bình các giám khảo không cùng "
       "đơn vị (điểm ghi đến ngày tính), chia tổng điểm tối đa các vòng của cuộc thi, làm tròn đến 1%.",
       unit="%")  # fmt: skip
