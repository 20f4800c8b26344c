"""Good models and their replication: the figures of the "mô hình hay" card, as of a date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chungtay.campaigns.models import GoodModel, GoodModelStatus, Replication
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _grouped

GOOD_MODEL_NAMES = ("good_models_proposed", "good_models_recognised", "good_models_replications")


@group("good_models", "Mô hình hay, cách làm hiệu quả")
def good_models(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    day = p.as_of
    models = GoodModel.objects.filter(proposed_at__date__lte=day)
    replications = Replication.objects.filter(since__lte=day, good_model__proposed_at__date__lte=day)
    if p.movement_id is not None:
        models = models.filter(movement_id=p.movement_id)
        replications = replications.filter(good_model__movement_id=p.movement_id)
    recognised = Q(status=GoodModelStatus.RECOGNISED, decided_at__date__lte=day)
    found = _grouped(
        models, "unit__path", units,
        good_models_proposed=Count("id"),
        good_models_recognised=Count("id", filter=recognised),
    )  # fmt: skip
    for unit_id, row in _grouped(
        replications, "good_model__unit__path", units, good_models_replications=Count("id")
    ).items():
        found.setdefault(unit_id, {}).update(row)
    return _fill(units, found, GOOD_MODEL_NAMES)


GM = "good_models"
GMS = "Mô hình hay, cách làm hiệu quả do các đơn vị trong cây đề xuất"
figure(GM, "good_models_proposed", _("Mô hình hay đã đề xuất"), f"{GMS}, đề xuất đến ngày tính.", unit="mô hình")
figure(GM, "good_models_recognised", _("Mô hình hay được công nhận"),
       f"{GMS}, được công nhận (ngày quyết định không sau ngày tính).", unit="mô hình")  # fmt: skip
figure(GM, "good_models_replications", _("Nơi nhân rộng mô hình hay"),
       "Số nơi áp dụng (từ ngày không sau ngày tính) các mô hình hay do các đơn vị trong cây đề xuất.",
       unit="nơi")  # fmt: skip
