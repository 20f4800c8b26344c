"""Mark subtree figures stale when the rows they are made of change (see reports.rollup).

Signals rather than calls in each service: households and progress updates are saved from several
services, imports and the API, and a figure must follow every one of them. Bulk writes that skip
signals (the benchmark generator, a restore) call `rollup.rebuild()` afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chungtay.funds.signals import balances_changed
from chungtay.housing.models import FundingPlanLine, Household, ProgressUpdate

from . import rollup


@receiver(pre_save, sender=Household)
def _household_moving(sender: Any, instance: Household, update_fields: Any = None, **kwargs: Any) -> None:
    # A household moved to another area leaves figures behind in the old one.
    if instance.pk and (update_fields is None or "area" in update_fields or "area_id" in update_fields):
        old = Household.objects.filter(pk=instance.pk).values_list("area_id", flat=True).first()
        if old and old != instance.area_id:
            rollup.mark_stale([old])


@receiver(post_save, sender=Household)
@receiver(post_delete, sender=Household)
def _household_changed(sender: Any, instance: Household, **kwargs: Any) -> None:
    rollup.mark_stale([instance.area_id])


@receiver(post_save, sender=ProgressUpdate)
@receiver(post_delete, sender=ProgressUpdate)
@receiver(post_save, sender=FundingPlanLine)
@receiver(post_delete, sender=FundingPlanLine)
def _household_row_changed(sender: Any, instance: ProgressUpdate | FundingPlanLine, **kwargs: Any) -> None:
    area = Household.objects.filter(pk=instance.household_id).values_list("area_id", flat=True).first()
    rollup.mark_stale([area])


@receiver(balances_changed)
def _balances_changed(sender: Any, accounts: list, **kwargs: Any) -> None:
    units = {account.unit_id for account in accounts}
    households = [account.household_id for account in accounts if account.household_id]
    if households:
        units |= set(Household.objects.filter(pk__in=households).values_list("area_id", flat=True))
    rollup.mark_stale(units)
