"""Subtree figures kept up to date on write (TreeHouses, TreeProgress, TreeMoney).

Writes: a change to a household, a progress update, a funding plan line or a ledger balance marks
the unit it belongs to stale (`mark_stale`, in the writer's own transaction, so the mark commits
or rolls back with the data). Refresh: `refresh_pending` recomputes the stale units and their
ancestors, deepest first — a unit's rows are its own rows plus its children's subtree rows — so the
work is proportional to what changed, not to the size of the tree. It runs in the background after
each write (`refresh_figures_task`) and, so that no reader ever sees a figure older than the last
committed write, again at the start of every read (`ensure_fresh`), where it costs one indexed
EXISTS query when nothing is pending.

Why this ordering is safe with concurrent writers (PostgreSQL, READ COMMITTED): a writer upserts
its mark (taking the mark's row lock until it commits); the refresher first deletes the marks it is
about to handle — waiting for any writer holding one — and only then reads the data. A write is
therefore either visible to the recomputation or leaves a mark for the next one. Refreshes are
serialised by a transaction-level advisory lock (SQLite serialises all writers anyway).
`rebuild` recomputes everything (after a bulk load, a restore, or as a nightly safety net).

This app sits below the domain apps whose rows it counts (docs/architecture.md): it keeps the tables
and the refresh, and the apps that own the rows give it what only they can read (`provide`): housing
a unit's own houses and progress (housing.own_figures), funds the refill of the units' own money
(funds.own_figures), each when its app is loaded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from chungtay.core import dates
from chungtay.core import figures as figures_cache
from chungtay.orgunits.models import OrgUnit

from .models import (
    MonthEnd,
    MonthEndMark,
    OwnMoney,
    OwnMonthMoney,
    StaleFigures,
    TreeHouses,
    TreeMoney,
    TreeMonthMoney,
    TreeProgress,
)

logger = logging.getLogger(__name__)
CHUNK = 2000  # unit ids per IN (...) list
LOCK_KEY = 0x43544647  # "CTFG": the advisory lock of the refresher
MONTH_END_LOCK_KEY = 0x43544D45  # "CTME": the advisory lock of the month-ends' writers

HOUSE_FIELDS = (
    "planned",
    "not_started",
    "started",
    "building",
    "completed",
    "handed_over",
    "withdrawn",
    "amount",
    "amount_done",
    "plan_amount",
    "located",
    "lat_sum",
    "lon_sum",
)
PROGRESS_FIELDS = ("started", "completed")
# waiting: of the receipts received in the month, what is still in the funds — the receipts not
# reversed less the pieces allocations and transfers took from them (funds.Funding, not released).
# The idle-money figure (figures.idle) sums it over the months before its cut-off.
MONTH_MONEY_FIELDS = ("received", "disbursed", "waiting")
MONEY_FIELDS = (
    "fund_donations",
    "fund_cash",
    "fund_allocation",
    "fund_disbursed",
    "fund_fees",
    "source_committed",
    "source_disbursed",
    "donations_of_funds",
    "disbursed_to_households",
    "allocated_to_households",
)


# --- What the apps that own the rows provide ----------------------------------------------------
# {(unit id, key): figures} of the units' own rows (not their subtrees), for a chunk of unit ids.
OwnRows = Callable[[list[int]], dict[tuple[Any, ...], dict[str, Any]]]


@dataclass
class Sources:
    houses: OwnRows | None = None  # {(unit id, phase year): HOUSE_FIELDS}
    progress: OwnRows | None = None  # {(unit id, first day of the month): PROGRESS_FIELDS}
    refill_money: Callable[[], None] | None = None  # rebuild: OwnMoney and OwnMonthMoney from the ledger


SOURCES = Sources()


def provide(
    *, houses: OwnRows | None = None, progress: OwnRows | None = None, refill_money: Callable[[], None] | None = None
) -> None:
    """Register an app's part of the recomputation (called once, when the app's module is imported)."""
    for name, fn in (("houses", houses), ("progress", progress), ("refill_money", refill_money)):
        if fn is not None:
            if getattr(SOURCES, name) is not None:
                raise ValueError(f"the kept figures' {name} are provided twice")
            setattr(SOURCES, name, fn)


def _source(name: str) -> Any:
    fn = getattr(SOURCES, name)
    if fn is None:
        raise RuntimeError(f"no app provides the kept figures' {name} (is its app installed and ready?)")
    return fn


# --- Writes --------------------------------------------------------------------------------------
def mark_stale(unit_ids: Iterable[int | None]) -> None:
    """Mark units whose own figures changed; call inside the writer's transaction."""
    ids = sorted({i for i in unit_ids if i})
    if not ids:
        return
    now = timezone.now()
    # An upsert, not "do nothing": updating the existing mark takes its row lock, which makes a
    # concurrent refresher wait for this transaction (see the module docstring).
    StaleFigures.objects.bulk_create(
        [StaleFigures(unit_id=i, marked_at=now) for i in ids],
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["marked_at"],
    )
    conn = transaction.get_connection()
    if conn.in_atomic_block and not any(getattr(fn, "_refresh_figures", False) for _, fn, _ in conn.run_on_commit):
        transaction.on_commit(_enqueue_refresh)
        # Cached figures and public pages (core.figures, portal.caching) are forgotten once it commits.
        transaction.on_commit(figures_cache.invalidate)
    elif not conn.in_atomic_block:
        figures_cache.invalidate()


def _enqueue_refresh() -> None:
    from .tasks import refresh_figures_task

    try:
        refresh_figures_task.enqueue()
    except Exception:  # the readers refresh anyway: a failed enqueue must not fail a committed write
        logger.exception("could not enqueue the refresh of subtree figures")


_enqueue_refresh._refresh_figures = True  # type: ignore[attr-defined]


def add_rows(model: type, key: tuple[str, ...], fields: tuple[str, ...], rows: dict[tuple, dict[str, int]]) -> None:
    """Add to (or create) rows of an Own* table (or its migration state's model): INSERT … ON CONFLICT DO
    UPDATE SET f = f + excluded.f."""
    rows = {k: v for k, v in rows.items() if any(v.values())}
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]
    columns = [*key, *fields]
    updates = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in fields)
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, [[*k, *(v.get(f, 0) for f in fields)] for k, v in sorted(rows.items())])


def add_money(rows: dict[tuple, dict[str, int]]) -> None:
    """Add to the units' own money: {(unit id,): {MONEY_FIELDS name: change}} (in the writer's transaction)."""
    add_rows(OwnMoney, ("unit_id",), MONEY_FIELDS, rows)


def add_month_money(*, unit_id: int, month: dt.date, received: int = 0, disbursed: int = 0, waiting: int = 0) -> None:
    rows = {(unit_id, month.replace(day=1)): {"received": received, "disbursed": disbursed, "waiting": waiting}}
    add_rows(OwnMonthMoney, ("unit_id", "month"), MONTH_MONEY_FIELDS, rows)


# --- Refresh -------------------------------------------------------------------------------------
def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def refresh_pending() -> int:
    """Recompute the stale units and their ancestors; returns how many stale marks were handled."""
    # Through the primary key's index, not .exists(): after a rebuild deleted every mark, a sequential
    # scan reads all the dead rows until autovacuum runs (0.4 s at national scale); an index scan
    # skips them once they are known dead.
    if not StaleFigures.objects.order_by("unit_id").values_list("unit_id", flat=True)[:1]:
        return 0
    with transaction.atomic():
        _lock()
        ids = list(StaleFigures.objects.values_list("unit_id", flat=True))
        if not ids:
            return 0
        StaleFigures.objects.filter(unit_id__in=ids).delete()
        paths = list(OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True))
        step = OrgUnit.steplen
        prefixes = {path[:i] for path in paths for i in range(step, len(path) + 1, step)}
        units: list[tuple[int, int]] = []
        prefix_list = sorted(prefixes)
        for start in range(0, len(prefix_list), CHUNK):
            chunk = prefix_list[start : start + CHUNK]
            units += list(OrgUnit.objects.filter(path__in=chunk).values_list("id", "depth"))
        _recompute(units)
    return len(ids)


def ensure_fresh() -> None:
    """Before reading subtree figures: bring them up to the last committed write."""
    refresh_pending()


def rebuild() -> int:
    """Recompute the figures of every unit (returns the number of units)."""
    with transaction.atomic():
        _lock()
        StaleFigures.objects.all().delete()
        # Data loaded around the application (a COPY, a restore) changed any day: month-ends too.
        MonthEndMark.objects.all().delete()
        MonthEnd.objects.all().delete()
        TreeHouses.objects.all().delete()
        TreeProgress.objects.all().delete()
        TreeMoney.objects.all().delete()
        TreeMonthMoney.objects.all().delete()

        _source("refill_money")()
        units = list(OrgUnit.objects.values_list("id", "depth"))
        _recompute(units, fresh=True)
    return len(units)


def _recompute(units: list[tuple[int, int]], *, fresh: bool = False) -> None:
    by_depth: dict[int, list[int]] = defaultdict(list)
    for unit_id, depth in units:
        by_depth[depth].append(unit_id)
    for depth in sorted(by_depth, reverse=True):
        ids = sorted(by_depth[depth])
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            _recompute_houses(chunk, fresh)
            _recompute_progress(chunk, fresh)
            _recompute_money(chunk, fresh)
            _recompute_month_money(chunk, fresh)


def _add(target: dict[str, Any], source: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        target[name] = target.get(name, 0) + (source.get(name) or 0)


def _children_rows(model: type, chunk: list[int], key: str | None, fields: tuple[str, ...]) -> list[dict]:
    """Sums of the children's subtree rows per parent in `chunk` (and per key)."""
    parent_of = dict(OrgUnit.objects.filter(parent_id__in=chunk).values_list("pk", "parent_id"))
    if not parent_of:
        return []
    out: dict[tuple, dict[str, Any]] = {}
    children = list(parent_of)
    for start in range(0, len(children), CHUNK):
        # By the children's ids, not a join on parent_id: the join read the whole table each time.
        rows = model.objects.filter(unit_id__in=children[start : start + CHUNK]).values(  # type: ignore[attr-defined]
            "unit_id", *((key,) if key else ()), *fields
        )
        for r in rows:
            parent = parent_of[r["unit_id"]]
            group = (parent, r[key]) if key else (parent,)
            target = out.setdefault(group, {"unit__parent_id": parent, **({key: r[key]} if key else {})})
            for name in fields:
                target[f"s_{name}"] = target.get(f"s_{name}", 0) + (r[name] or 0)
    return list(out.values())


def _replace(
    model: Any, chunk: list[int], fresh: bool, rows: dict[tuple, dict[str, Any]], key: str | None, fields: tuple
) -> None:
    """Put `rows` ({(unit id[, key]): figures}) in place of the chunk's rows; all-zero rows are left out."""
    if not fresh:
        model.objects.filter(unit_id__in=chunk).delete()
    model.objects.bulk_create(
        [
            model(unit_id=group[0], **({key: group[1]} if key else {}), **{n: values.get(n, 0) for n in fields})
            for group, values in rows.items()
            if any(values.get(n) for n in fields)
        ],
        batch_size=1000,
    )


def _recompute_houses(chunk: list[int], fresh: bool) -> None:
    rows: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    for key, values in _source("houses")(chunk).items():
        _add(rows[key], values, HOUSE_FIELDS)
    for r in _children_rows(TreeHouses, chunk, "phase_year", HOUSE_FIELDS):
        _add(rows[(r["unit__parent_id"], r["phase_year"])], {n: r[f"s_{n}"] for n in HOUSE_FIELDS}, HOUSE_FIELDS)
    _replace(TreeHouses, chunk, fresh, rows, "phase_year", HOUSE_FIELDS)


def _recompute_progress(chunk: list[int], fresh: bool) -> None:
    rows: dict[tuple[int, dt.date], dict[str, Any]] = defaultdict(dict)
    for (unit_id, month), values in _source("progress")(chunk).items():
        _add(rows[(unit_id, as_date(month))], values, PROGRESS_FIELDS)
    for r in _children_rows(TreeProgress, chunk, "month", PROGRESS_FIELDS):
        key = (r["unit__parent_id"], as_date(r["month"]))
        _add(rows[key], {n: r[f"s_{n}"] for n in PROGRESS_FIELDS}, PROGRESS_FIELDS)
    _replace(TreeProgress, chunk, fresh, rows, "month", PROGRESS_FIELDS)


def as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _recompute_money(chunk: list[int], fresh: bool) -> None:
    rows: dict[int, dict[str, Any]] = defaultdict(dict)
    for r in OwnMoney.objects.filter(unit_id__in=chunk).values("unit_id", *MONEY_FIELDS):
        _add(rows[r["unit_id"]], r, MONEY_FIELDS)
    for r in _children_rows(TreeMoney, chunk, None, MONEY_FIELDS):
        _add(rows[r["unit__parent_id"]], {n: r[f"s_{n}"] for n in MONEY_FIELDS}, MONEY_FIELDS)
    _replace(TreeMoney, chunk, fresh, {(unit_id,): values for unit_id, values in rows.items()}, None, MONEY_FIELDS)


def _recompute_month_money(chunk: list[int], fresh: bool) -> None:
    rows: dict[tuple[int, dt.date], dict[str, Any]] = defaultdict(dict)
    for r in OwnMonthMoney.objects.filter(unit_id__in=chunk).values("unit_id", "month", *MONTH_MONEY_FIELDS):
        _add(rows[(r["unit_id"], as_date(r["month"]))], r, MONTH_MONEY_FIELDS)
    for r in _children_rows(TreeMonthMoney, chunk, "month", MONTH_MONEY_FIELDS):
        key = (r["unit__parent_id"], as_date(r["month"]))
        _add(rows[key], {n: r[f"s_{n}"] for n in MONTH_MONEY_FIELDS}, MONTH_MONEY_FIELDS)
    _replace(TreeMonthMoney, chunk, fresh, rows, "month", MONTH_MONEY_FIELDS)


# --- Reads ---------------------------------------------------------------------------------------
def houses(unit_ids: list[int]) -> dict[int, dict[int, dict[str, Any]]]:
    """{unit id: {phase year: figures}} for the given units' subtrees (call ensure_fresh first)."""
    out: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in TreeHouses.objects.filter(unit_id__in=unit_ids).values("unit_id", "phase_year", *HOUSE_FIELDS):
        out[row["unit_id"]][row["phase_year"]] = row
    return out


def houses_total(by_phase: dict[int, dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {name: 0 for name in HOUSE_FIELDS}
    for row in by_phase.values():
        _add(total, row, HOUSE_FIELDS)
    return total


def money(unit_ids: list[int]) -> dict[int, dict[str, int]]:
    empty = {name: 0 for name in MONEY_FIELDS}
    out = {unit_id: dict(empty) for unit_id in unit_ids}
    for row in TreeMoney.objects.filter(unit_id__in=unit_ids).values("unit_id", *MONEY_FIELDS):
        out[row.pop("unit_id")] = row
    return out


def month_money(unit_id: int) -> list[dict[str, Any]]:
    return list(TreeMonthMoney.objects.filter(unit_id=unit_id).order_by("month").values("month", *MONTH_MONEY_FIELDS))


def waiting_before(unit_ids: list[int], month: dt.date) -> dict[int, int]:
    """{unit id: money of its subtree's receipts received before `month` still waiting in the funds}."""
    rows = (
        TreeMonthMoney.objects.filter(unit_id__in=unit_ids, month__lt=month)
        .values("unit_id")
        .annotate(total=Sum("waiting"))
        .order_by()
    )
    return {r["unit_id"]: int(r["total"] or 0) for r in rows}


def progress(unit_id: int) -> list[dict[str, Any]]:
    return list(TreeProgress.objects.filter(unit_id=unit_id).order_by("month").values("month", *PROGRESS_FIELDS))


class _Rollback(Exception):
    pass


def verify() -> list[str]:
    """Compare the kept figures with a full recomputation (rolled back); returns the differences."""

    def snapshot() -> dict[tuple, tuple]:
        rows: dict[tuple, tuple] = {}
        for r in TreeHouses.objects.values_list("unit_id", "phase_year", *HOUSE_FIELDS):
            rows[("houses", r[0], r[1])] = tuple(round(v, 4) if isinstance(v, float) else v for v in r[2:])
        for r in TreeProgress.objects.values_list("unit_id", "month", *PROGRESS_FIELDS):
            rows[("progress", r[0], r[1])] = r[2:]
        for r in TreeMoney.objects.values_list("unit_id", *MONEY_FIELDS):
            rows[("money", r[0], None)] = r[1:]
        for r in TreeMonthMoney.objects.values_list("unit_id", "month", *MONTH_MONEY_FIELDS):
            rows[("month_money", r[0], r[1])] = r[2:]
        return rows

    refresh_pending()
    kept = snapshot()
    computed: dict[tuple, tuple] = {}
    try:
        with transaction.atomic():
            rebuild()
            computed = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    problems = []
    for key in sorted(kept.keys() | computed.keys(), key=str):
        if kept.get(key) != computed.get(key):
            table, unit_id, part = key
            problems.append(
                f"{table} đơn vị #{unit_id} {part or ''}: lưu {kept.get(key)} ≠ tính lại {computed.get(key)}"
            )
    return problems


def household_count(unit_ids: list[int], *, phase: int | None = None) -> int:
    """Households (withdrawn ones included) of the given units' subtrees, optionally of one phase year."""
    ensure_fresh()
    qs = TreeHouses.objects.filter(unit_id__in=unit_ids)
    if phase:
        qs = qs.filter(phase_year=phase)
    return sum(planned + withdrawn for planned, withdrawn in qs.values_list("planned", "withdrawn"))


def phase_years(unit_ids: list[int]) -> list[int]:
    ensure_fresh()
    return sorted(set(TreeHouses.objects.filter(unit_id__in=unit_ids).values_list("phase_year", flat=True)))


# --- Month-end figures (issue 16) ----------------------------------------------------------------
# History (figures as of an earlier day) is defined on the dated rows; the catalogue keeps each
# group's figures of a unit's subtree as of closed months' last days (MonthEnd) and adds the rows
# dated after the month-end (figures.definitions). Writers never touch month-ends: a write dated on
# or before one leaves a mark (`forget_month_ends`, in its transaction), and the marks are applied
# — the month-ends of the marked units and their ancestors from the mark's day on deleted — before
# any month-end is read (`month_ends_fresh`). Applying marks and computing-and-storing month-ends
# hold the same advisory lock, so they never interleave: a month-end computed from rows that a
# write had not yet committed is stored before that write's mark can be applied, and deleted by it.
# The marks are applied in a short transaction of their own, so a writer never waits for a long
# computation (its mark's upsert would wait for the transaction that deleted the previous mark).
def month_end_on_or_before(day: dt.date) -> dt.date:
    """The last day of `day`'s month if `day` is it, else the last day of the month before."""
    following = day + dt.timedelta(days=1)
    return day if following.day == 1 else day.replace(day=1) - dt.timedelta(days=1)


def last_closed_month_end(today: dt.date | None = None) -> dt.date:
    """The last day of the month before today's (today's month is not closed yet)."""
    return (today or dates.today()).replace(day=1) - dt.timedelta(days=1)


def forget_month_ends(unit_ids: Iterable[int | None], since: dt.date | None) -> None:
    """The figures of these units' subtrees changed from `since` on (None: on every day): call inside
    the writer's transaction. A write dated today changes no closed month (unless today is a month's
    last day, which closes at midnight, possibly before the write commits)."""
    ids = sorted({i for i in unit_ids if i})
    if not ids:
        return
    today = dates.today()
    if since is not None and since >= today and month_end_on_or_before(today) != today:
        return
    table = connection.ops.quote_name(MonthEndMark._meta.db_table)
    # The earlier day wins; NULL (every day) wins over any day.
    statement = (
        f"INSERT INTO {table} (unit_id, since) VALUES (%s, %s) ON CONFLICT (unit_id) DO UPDATE SET since = "  # noqa: S608
        f"CASE WHEN {table}.since IS NULL OR excluded.since IS NULL THEN NULL "
        f"WHEN excluded.since < {table}.since THEN excluded.since ELSE {table}.since END"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, [[unit_id, since] for unit_id in ids])


def _apply_month_end_marks() -> int:
    """Delete the marked units' and their ancestors' month-ends from each mark's day on (the caller
    holds the month-ends' lock, in a transaction)."""
    table = connection.ops.quote_name(MonthEndMark._meta.db_table)
    with connection.cursor() as cursor:
        # RETURNING: a writer that updated a mark while it was being deleted is read as it committed.
        cursor.execute(f"DELETE FROM {table} RETURNING unit_id, since")  # noqa: S608
        marks = cursor.fetchall()
    if not marks:
        return 0
    since_of = {unit_id: _as_day(since) for unit_id, since in marks}
    earliest: dict[str, dt.date | None] = {}
    step = OrgUnit.steplen
    ids = list(since_of)
    for start in range(0, len(ids), CHUNK):
        for unit_id, path in OrgUnit.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("id", "path"):
            since = since_of[unit_id]
            for i in range(step, len(path) + 1, step):
                prefix = path[:i]
                if prefix not in earliest:
                    earliest[prefix] = since
                else:
                    known = earliest[prefix]
                    earliest[prefix] = None if known is None or since is None else min(known, since)
    by_since: dict[dt.date | None, list[str]] = defaultdict(list)
    for prefix, since in earliest.items():
        by_since[since].append(prefix)
    for since, prefixes in by_since.items():
        for start in range(0, len(prefixes), CHUNK):
            rows = MonthEnd.objects.filter(unit__path__in=prefixes[start : start + CHUNK])
            if since is not None:
                rows = rows.filter(month_end__gte=since)
            rows.delete()
    return len(marks)


def _as_day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))  # SQLite's raw cursor returns text


def _month_end_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MONTH_END_LOCK_KEY])


def month_ends_fresh() -> None:
    """Before reading month-ends: apply the marks of the writes committed so far."""
    if not MonthEndMark.objects.order_by("unit_id").values_list("unit_id", flat=True)[:1]:
        return
    with transaction.atomic():
        _month_end_lock()
        _apply_month_end_marks()


@contextmanager
def month_end_writing() -> Iterator[None]:
    """Compute and store month-ends inside this block: one writer at a time, after applying the
    marks committed so far; a write committed meanwhile leaves a mark that deletes what is stored."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MONTH_END_LOCK_KEY])
    try:
        with transaction.atomic():
            _apply_month_end_marks()
        with transaction.atomic():
            yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MONTH_END_LOCK_KEY])


def month_ends(unit_ids: list[int], month_end: dt.date, group: str, phase: int = 0) -> dict[int, dict[str, int]]:
    """The kept month-end figures of the given units (those kept): {unit id: {figure name: value}}."""
    out: dict[int, dict[str, int]] = {}
    for start in range(0, len(unit_ids), CHUNK):
        rows = MonthEnd.objects.filter(
            unit_id__in=unit_ids[start : start + CHUNK], month_end=month_end, group=group, phase_year=phase
        ).values_list("unit_id", "values")
        out.update({unit_id: {name: int(v) for name, v in values.items()} for unit_id, values in rows})
    return out


def store_month_ends(month_end: dt.date, group: str, phase: int, values: dict[int, dict[str, int]]) -> None:
    """Keep month-end figures (inside `month_end_writing`); a closed month's only."""
    if month_end >= dates.today():
        return
    MonthEnd.objects.bulk_create(
        [
            MonthEnd(unit_id=unit_id, month_end=month_end, group=group, phase_year=phase, values=row)
            for unit_id, row in values.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
