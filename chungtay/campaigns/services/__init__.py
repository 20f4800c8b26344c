"""Writes for movements: typed, keyword-only, atomic, attributed to an actor (django-auditlog).

Views check who may act on which unit (access.py + scoped lookups); services check the rules of
the domain and raise DomainError with a Vietnamese message naming the form field.
"""

from .base import PARTICIPANT_LEVELS, RUNNING
from .contest import contest_create, entrant_add, judge_scores_record, round_add
from .criteria import (
    criteria_set_for_edit,
    criteria_set_publish,
    criterion_add,
    criterion_remove,
    criterion_update,
    latest_set,
)
from .good_models import good_model_add_photo, good_model_decide, good_model_propose, good_model_replicate
from .movements import (
    legal_reference_add,
    legal_reference_remove,
    movement_attach_plan,
    movement_copy,
    movement_create,
    movement_launch,
    movement_transition,
    movement_update,
)
from .participation import (
    ACTIVITY_FULFILS,
    REPORT_KINDS,
    activity_add_document,
    activity_record,
    evidence_upload,
    milestone_add,
    milestone_remove,
    obligation_excuse,
    obligation_fulfil,
    obligations_generate,
    own_plan_upload,
    participant_remove,
    participants_add,
    participants_add_level,
    participation_register,
    registration_deadline,
    report_submit,
)

__all__ = [
    "ACTIVITY_FULFILS",
    "PARTICIPANT_LEVELS",
    "REPORT_KINDS",
    "RUNNING",
    "activity_add_document",
    "activity_record",
    "contest_create",
    "criteria_set_for_edit",
    "criteria_set_publish",
    "criterion_add",
    "criterion_remove",
    "criterion_update",
    "entrant_add",
    "evidence_upload",
    "good_model_add_photo",
    "good_model_decide",
    "good_model_propose",
    "good_model_replicate",
    "judge_must_recuse",
    "judge_scores_record",
    "latest_set",
    "legal_reference_add",
    "legal_reference_remove",
    "milestone_add",
    "milestone_remove",
    "movement_attach_plan",
    "movement_copy",
    "movement_create",
    "movement_launch",
    "movement_transition",
    "movement_update",
    "obligation_excuse",
    "obligation_fulfil",
    "obligations_generate",
    "own_plan_upload",
    "participant_remove",
    "participants_add",
    "participants_add_level",
    "participation_register",
    "registration_deadline",
    "report_submit",
    "round_add",
]
