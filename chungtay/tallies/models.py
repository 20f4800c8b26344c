"""The kept figures' tables (tallies.rollup): subtree figures recomputed on write, and month-ends.

Moved from `reports` (issue 23) with their tables: each keeps the name it had there (`db_table`).
"""

from __future__ import annotations

from django.db import models


# --- Subtree figures (kept by tallies.rollup) -----------------------------------------------------
# A dashboard for the whole country would otherwise add up 334,000 households, 2 million progress
# updates and 900,000 ledger accounts on every view. Each row below holds the figures of a unit's
# whole subtree (its own rows plus its children's subtree rows), recomputed for the units a write
# touched and their ancestors only. Writers mark units stale in their own transaction; the rows are
# brought up to date by a background task and, before any read, by the reader itself — so a figure
# is never older than the last committed write.
class TreeHouses(models.Model):
    """Households of a unit's subtree in one phase year."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    phase_year = models.PositiveSmallIntegerField()
    planned = models.PositiveIntegerField(default=0)  # not withdrawn
    not_started = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    building = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    handed_over = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # state support of the planned houses, đồng
    amount_done = models.BigIntegerField(default=0)
    plan_amount = models.BigIntegerField(default=0)  # funding plan lines of the planned houses, đồng
    located = models.PositiveIntegerField(default=0)  # planned houses with a position
    lat_sum = models.FloatField(default=0)  # for the centre of the located houses (map bubbles)
    lon_sum = models.FloatField(default=0)

    class Meta:
        db_table = "reports_treehouses"  # the table it had in reports: moved without copying a row
        constraints = [models.UniqueConstraint(fields=["unit", "phase_year"], name="treehouses_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.phase_year}: {self.completed}/{self.planned}"


class TreeProgress(models.Model):
    """Houses of a unit's subtree that started / were completed in a month (distinct households)."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reports_treeprogress"  # the table it had in reports: moved without copying a row
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="treeprogress_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%m/%Y}: {self.started}, {self.completed}"


class MoneyFigures(models.Model):
    """Ledger balances by kind (signs as in the ledger), đồng: of a subtree (TreeMoney) or of one unit's
    own accounts (OwnMoney)."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    fund_donations = models.BigIntegerField(default=0)
    fund_cash = models.BigIntegerField(default=0)
    fund_allocation = models.BigIntegerField(default=0)
    fund_disbursed = models.BigIntegerField(default=0)
    fund_fees = models.BigIntegerField(default=0)
    source_committed = models.BigIntegerField(default=0)
    source_disbursed = models.BigIntegerField(default=0)
    # Donations accounts of funds (the per-child "mobilised" bars) and money disbursed to the
    # households whose area is in the subtree, whoever's fund paid it.
    donations_of_funds = models.BigIntegerField(default=0)
    disbursed_to_households = models.BigIntegerField(default=0)
    # Allocated to those households and not yet paid, whoever's fund (figure money_households_allocated).
    allocated_to_households = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}: {-self.fund_donations}"


class MonthMoneyFigures(models.Model):
    """Money received (receipts of the funds) and paid out (approved disbursements from the funds and
    sources) in a month, đồng: of a subtree (TreeMonthMoney) or of one unit (OwnMonthMoney)."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    received = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)
    # Of the receipts received in the month: those not reversed, less the pieces allocations and
    # transfers took from them (funds.Funding, not released) — the idle-money figure's months.
    waiting = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%m/%Y}: {self.received}, {self.disbursed}"


class TreeMoney(MoneyFigures):
    """The accounts held by a unit's whole subtree."""

    class Meta:
        db_table = "reports_treemoney"  # the table it had in reports: moved without copying a row


class TreeMonthMoney(MonthMoneyFigures):
    """The subtree's funds and sources, per month."""

    class Meta:
        db_table = "reports_treemonthmoney"  # the table it had in reports: moved without copying a row
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="treemonthmoney_unique")]


class OwnMoney(MoneyFigures):
    """The accounts of one unit only, kept by adding each posting's changes in its own transaction (a
    unit holding a national fund has hundreds of thousands of accounts: summing them again after each
    posting took seconds)."""

    class Meta:
        db_table = "reports_ownmoney"  # the table it had in reports: moved without copying a row


class OwnMonthMoney(MonthMoneyFigures):
    """One unit's own funds and sources per month, added to as receipts are recorded and
    disbursements approved."""

    class Meta:
        db_table = "reports_ownmonthmoney"  # the table it had in reports: moved without copying a row
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="ownmonthmoney_unique")]


class StaleFigures(models.Model):
    """A unit whose own rows changed since its subtree figures were computed."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        db_table = "reports_stalefigures"  # the table it had in reports: moved without copying a row

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.marked_at}"


# --- Month-end figures (issue 16): history without reading every dated row --------------------------
# Figures as of an earlier day are defined on the dated rows (figures.definitions' history path). At
# province scale recomputing them took half a minute; a kept month-end plus the rows dated after it
# gives the same number. A write dated on or before a kept month-end leaves a MonthEndMark; marks
# are applied (the month-ends of the unit and its ancestors from that day on deleted) before any
# month-end is read or stored (tallies.rollup).
class MonthEnd(models.Model):
    """A group's figures (houses or money) of a unit's subtree as of a closed month's last day."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month_end = models.DateField()
    group = models.CharField(max_length=20)  # a figure group of the catalogue: "houses", "money"
    phase_year = models.PositiveSmallIntegerField(default=0)  # 0: every phase
    values = models.JSONField()  # {figure name: value}, as the group's history function returns them

    class Meta:
        db_table = "reports_monthend"  # the table it had in reports: moved without copying a row
        constraints = [
            models.UniqueConstraint(fields=["unit", "month_end", "group", "phase_year"], name="monthend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month_end:%d/%m/%Y} {self.group}/{self.phase_year}"


class MonthEndMark(models.Model):
    """A write changed a unit's figures from `since` on (null: on every day): its month-ends and its
    ancestors' from that day on are to be forgotten."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateField(null=True)

    class Meta:
        db_table = "reports_monthendmark"  # the table it had in reports: moved without copying a row

    def __str__(self) -> str:
        return f"{self.unit_id} từ {self.since or '—'}"
