"""The contest "Cán bộ Mặt trận cơ sở giỏi": rounds, entrants, judges' scores with recusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import DocumentKind
from chungtay.core.text import nfc
from chungtay.orgunits.models import Membership, OrgUnit

from ..models import (
    Contest,
    ContestRound,
    Entrant,
    JudgeScore,
    Movement,
)


# --- The contest ---------------------------------------------------------------------------------
@transaction.atomic
def contest_create(
    *, actor: Any, movement: Movement, title: str, description: str = "", upload: IO[bytes] | None = None,
    file_name: str = "",
) -> Contest:  # fmt: skip
    check_actor(actor, "movement.manage", movement.issuing_unit)
    title = nfc(title)
    if not title:
        raise DomainError(_("Cần ghi tên cuộc thi."), field="title")
    with as_actor(actor):
        contest = Contest.objects.create(movement=movement, title=title, description=description.strip())
    if upload is not None:
        contest.plan_document = document_upload(
            actor=actor, unit=movement.issuing_unit, upload=upload, name=file_name, kind=DocumentKind.PLAN,
            title=f"Kế hoạch {title}", attach_to=contest,
        )  # fmt: skip
        with as_actor(actor):
            contest.save(update_fields=["plan_document"])
    return contest


@transaction.atomic
def round_add(
    *, actor: Any, contest: Contest, name: str, held_on: dt.date | None = None, max_score: Decimal = Decimal(100)
) -> ContestRound:
    check_actor(actor, "movement.manage", contest.movement.issuing_unit)
    name = nfc(name)
    if not name:
        raise DomainError(_("Cần ghi tên vòng thi."), field="name")
    if max_score <= 0:
        raise DomainError(_("Điểm tối đa phải lớn hơn 0."), field="max_score")
    order = (contest.rounds.aggregate(m=Max("order"))["m"] or 0) + 1
    with as_actor(actor):
        return ContestRound.objects.create(
            contest=contest, name=name, held_on=held_on, max_score=max_score, order=order
        )


@transaction.atomic
def entrant_add(*, actor: Any, contest: Contest, unit: OrgUnit, person_name: str, position: str = "") -> Entrant:
    check_actor(actor, "movement.manage", contest.movement.issuing_unit)
    person_name = nfc(person_name)
    if not person_name:
        raise DomainError(_("Cần ghi họ và tên thí sinh."), field="person_name")
    if not contest.movement.participations.filter(unit=unit).exists():
        raise DomainError(_("%(unit)s không tham gia phong trào này.") % {"unit": unit.title}, field="unit")
    try:
        with transaction.atomic(), as_actor(actor):
            return Entrant.objects.create(contest=contest, unit=unit, person_name=person_name, position=nfc(position))
    except IntegrityError as exc:
        raise DomainError(
            _("%(person_name)s đã có trong danh sách thí sinh.") % {"person_name": person_name}, field="person_name"
        ) from exc


@transaction.atomic
def judge_scores_record(
    *, actor: Any, contest_round: ContestRound, scores: dict[int, Decimal | None]
) -> list[JudgeScore]:
    """One judge's scores for a round (entrant id → score). Own-unit entrants are recorded as recused."""
    check_actor(actor, "contest.judge", contest_round.contest.movement.issuing_unit)
    entrants = {e.pk: e for e in contest_round.contest.entrants.select_related("unit")}
    own_paths = list(Membership.objects.filter(user=actor).values_list("unit__path", flat=True))
    saved = []
    with as_actor(actor):
        for entrant_id, score in scores.items():
            entrant = entrants.get(entrant_id)
            if entrant is None:
                raise DomainError(_("Thí sinh không thuộc cuộc thi này."), field="scores")
            recused = any(path.startswith(entrant.unit.path) for path in own_paths)
            if recused:
                score = None
            elif score is None:
                continue  # not scored yet
            elif not (0 <= score <= contest_round.max_score):
                raise DomainError(
                    _("Điểm của %(person_name)s phải từ 0 đến %(max_score)s.")
                    % {"person_name": entrant.person_name, "max_score": format(contest_round.max_score, "g")},
                    field=f"score_{entrant_id}",
                )
            row, _created = JudgeScore.objects.update_or_create(
                round=contest_round, entrant=entrant, judge=actor, defaults={"score": score, "recused": recused}
            )
            saved.append(row)
    return saved
