"""The streaming confirm's postings written set-based, on PostgreSQL (issue 19).

`statement_stream.commit_statement_csv` has the statement's new lines in its staging table. On
SQLite it hands them to the page's reconciliation run by run (`statements.reconcile_credits`,
`post_fees`), which builds about eight Django objects per line. Here the same outcome is written
from the staging table with `INSERT … SELECT`, so a million-line statement never becomes a
million model instances:

1. each distinct memo is read once in Python (`matching.read_memo`, `is_fee`, `fold`) and the
   readings are copied into a temporary table;
2. donors are found or created once per name, as `reconcile_credits` does (new ones through
   `bulk_create_audited`, in the order their names first appear);
3. the entries are numbered in the page's order (every receipt in the order of time, then every
   fee the fund's cash covers) and hashed in Python, streaming over a server-side cursor, with the
   canonical JSON `ledger.entry_hash` hashes (checked against it on the first entry of each kind),
   and copied into the journal; their lines, the receipts (numbered per fund and year as
   `number_receipts` numbers them), the statement lines, the balances, the head, the receipt
   tally and the kept figures follow by `INSERT … SELECT` and single updates;
4. every entry, receipt and line gets the audit record `bulk.log_created` would write — the actor,
   the request's address, the correlation id and the diff of the row's own columns, as auditlog
   renders each value — built in SQL from the rows just written.

Locks as `ledger.post_many` takes them: the ledger head first, then the accounts in id order. Memory
stays flat: nothing is held per line in Python. tests/test_statement_stream.py compares what this
leaves with what the page's confirm leaves, record by record, audit included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring  # the C encoder, as json.dumps(ensure_ascii=False) uses it
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, router
from django.db.models.signals import pre_save
from django.utils import timezone

from chungtay.core.text import fold, nfc
from chungtay.housing.models import Household

from . import ledger
from .bulk import bulk_create_audited
from .ledger import account_for
from .matching import read_memo
from .models import (
    Account,
    AccountKind,
    BankStatement,
    Channel,
    Designation,
    Donor,
    EntryKind,
    Fund,
    JournalEntry,
    JournalLine,
    LedgerHead,
    MatchStatus,
    Receipt,
    ReceiptTally,
    StatementLine,
)
from .signals import balances_changed, receipts_recorded
from .statements import _matcher_context, is_fee

CHUNK = 5_000
WORK, MEMOS, DONORS, GIVING, FEES = "stream_work", "stream_memo", "stream_donor", "stream_give", "stream_fee"


def _rows(sql: str, params: Sequence[Any] = ()) -> Iterator[list[tuple]]:
    """The rows of `sql` a chunk at a time, from a server-side cursor (the result is never all in memory)."""
    with connection.connection.cursor(name=f"stream_{id(sql)}") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk


def _copy(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


def post_staged(*, stage: str, fund: Fund, actor: Any, statement: BankStatement) -> None:
    """Write the staged new lines of `statement` reconciled, as `reconcile_new_lines` would (PostgreSQL only).

    Must run inside the confirm's transaction and `as_actor(actor)`; the staging table holds only
    the lines the fund does not have yet.
    """
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {WORK} AS SELECT row_number() OVER (ORDER BY s.txn_at, s.row_number)::integer "  # noqa: S608
            f"AS ord, s.*, r.id AS existing FROM {stage} s LEFT JOIN {Receipt._meta.db_table} r "
            "ON s.credit > 0 AND r.fund_id = %s AND r.bank_ref = s.bank_ref AND r.bank_ref <> ''",
            [fund.pk],
        )
        cursor.execute(f"ANALYZE {WORK}")
    _read_memos(fund)
    giving = _donors(fund)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {LedgerHead._meta.db_table} WHERE id = 1 FOR UPDATE")  # noqa: S608
        found = cursor.fetchone()
    if found is None:  # the first posting ever: as post_many's get_or_create
        LedgerHead.objects.select_for_update().get_or_create(pk=1)
        found = (0, ledger.GENESIS)
    seq, last_hash = int(found[0]), found[1]
    head_seq = seq
    audit = _Audit()
    posted_at = timezone.now()
    maker = actor.pk if actor is not None else None
    unit = fund.unit_id
    changes: list[tuple[list[Account], dict[int, int], dt.date]] = []

    if giving:
        cash = account_for(AccountKind.FUND_CASH, fund=fund)
        donations = account_for(AccountKind.DONATIONS, fund=fund)
        locked = _lock([cash, donations])
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {GIVING} AS SELECT w.ord, w.txn_at, w.bank_ref, w.credit, m.rmemo, m.rfolded, "  # noqa: S608
                f"m.designation, m.unit_id, m.household_code, d.donor_id, d.name AS donor_name, "
                f"%s + row_number() OVER (ORDER BY w.ord) AS seq FROM {WORK} w JOIN {MEMOS} m ON m.memo = w.memo "
                f"JOIN {DONORS} d ON d.key = m.donor_key WHERE w.credit > 0 AND w.existing IS NULL AND m.confident",
                [seq],
            )
            cursor.execute(f"CREATE UNIQUE INDEX {GIVING}_seq ON {GIVING} (seq)")
            cursor.execute(f"ANALYZE {GIVING}")
        first_seq = seq + 1
        cash_id, donations_id = cash.pk, donations.pk
        legs = sorted([cash_id, donations_id])
        total = 0
        first_day: dt.date | None = None

        def receipt_entries() -> Iterator[list[tuple]]:
            nonlocal seq, last_hash, total, first_day
            query = f"SELECT seq, left(txn_at, 10), bank_ref, credit, donor_name FROM {GIVING} ORDER BY seq"  # noqa: S608
            for chunk in _rows(query):
                out = []
                for number, day, ref, amount, name in chunk:
                    memo = f"Nhận ủng hộ của {name} (sao kê {ref})"[:500]
                    lines = {cash_id: f"[{cash_id},{amount},0]", donations_id: f"[{donations_id},0,{amount}]"}
                    entry = _Entry(number, EntryKind.RECEIPT, unit, day, memo, maker, posted_at, last_hash)
                    last_hash = entry.chain(
                        f"[{lines[legs[0]]},{lines[legs[1]]}]",
                        check=number == first_seq,
                        legs=[(cash_id, amount, 0), (donations_id, 0, amount)],
                    )
                    out.append(entry.row())
                    seq, total = number, total + amount
                    first_day = first_day or dt.date.fromisoformat(day)
                yield out

        for rows in receipt_entries():
            _copy(JournalEntry._meta.db_table, _Entry.COLUMNS, rows)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {JournalLine._meta.db_table} (entry_id, account_id, debit, credit) "  # noqa: S608
                f"SELECT e.id, v.account, v.debit, v.credit FROM {GIVING} g "
                f"JOIN {JournalEntry._meta.db_table} e ON e.seq = g.seq AND e.seq > %s "
                "CROSS JOIN LATERAL (VALUES (1, %s, g.credit, 0), (2, %s, 0, g.credit)) v(n, account, debit, credit) "
                "ORDER BY g.seq, v.n",
                [head_seq, cash.pk, donations.pk],
            )
        _receipts(fund, actor, audit, after=head_seq)
        ReceiptTally.add(fund_id=fund.pk, amount=total, count=giving)
        delta = {cash.pk: total, donations.pk: -total}
        _balances(delta)
        assert first_day is not None
        changes.append((list(locked.values()), delta, first_day))
        # The kept figures add a statement's receipts per fund and month: one stand-in a month, with its sum.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT date_trunc('month', left(txn_at, 10)::date)::date, SUM(credit) FROM {GIVING} "  # noqa: S608
                "GROUP BY 1 ORDER BY 1"
            )
            months = [Receipt(fund_id=fund.pk, received_on=month, amount=int(amount)) for month, amount in cursor]
        receipts_recorded.send(sender=Receipt, receipts=months)

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FEES} (ord integer PRIMARY KEY, seq bigint NOT NULL)"  # fees paid, by their entry
        )
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {WORK} w JOIN {MEMOS} m ON m.memo = w.memo WHERE w.debit > 0 AND m.fee)"  # noqa: S608
        )
        any_fee = cursor.fetchone()[0]
    if any_fee:  # as post_fees: each fee in order while the fund's cash covers it, after every credit
        cash = account_for(AccountKind.FUND_CASH, fund=fund)
        available = Account.objects.filter(pk=cash.pk).values_list("balance", flat=True).get()
        paid: list[tuple] = []
        for chunk in _rows(
            f"SELECT w.ord, left(w.txn_at, 10), w.bank_ref, w.debit, w.memo FROM {WORK} w JOIN {MEMOS} m "  # noqa: S608
            "ON m.memo = w.memo WHERE w.debit > 0 AND m.fee ORDER BY w.ord"
        ):
            for row in chunk:
                if available >= row[3]:
                    available -= row[3]
                    paid.append(row)
        if paid:  # the fees of a statement are a few in a hundred lines: held, as post_fees holds them
            charges = account_for(AccountKind.FEES, fund=fund)
            locked = _lock([charges, cash])
            first = seq + 1
            entries, numbered = [], []
            for ord_, day, ref, amount, memo in paid:
                seq += 1
                text = f"Phí ngân hàng (sao kê {ref}): {memo}"[:500]
                lines = sorted([(charges.pk, amount, 0), (cash.pk, 0, amount)])
                entry = _Entry(seq, EntryKind.FEE, unit, day, text, maker, posted_at, last_hash)
                last_hash = entry.chain(
                    ",".join(f"[{a},{d},{c}]" for a, d, c in lines).join("[]"), check=seq == first, legs=lines
                )
                entries.append(entry.row())
                numbered.append((ord_, seq))
            for start in range(0, len(entries), CHUNK):
                _copy(JournalEntry._meta.db_table, _Entry.COLUMNS, entries[start : start + CHUNK])
                _copy(FEES, ("ord", "seq"), numbered[start : start + CHUNK])
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {JournalLine._meta.db_table} (entry_id, account_id, debit, credit) "  # noqa: S608
                    f"SELECT e.id, v.account, v.debit, v.credit FROM {FEES} f JOIN {WORK} w ON w.ord = f.ord "
                    f"JOIN {JournalEntry._meta.db_table} e ON e.seq = f.seq AND e.seq > %s "
                    "CROSS JOIN LATERAL (VALUES (1, %s, w.debit, 0), (2, %s, 0, w.debit)) v(n, account, debit, credit) "
                    "ORDER BY f.seq, v.n",
                    [head_seq, charges.pk, cash.pk],
                )
            fee_total = sum(row[3] for row in paid)
            delta = {charges.pk: fee_total, cash.pk: -fee_total}
            _balances(delta)
            changes.append((list(locked.values()), delta, min(dt.date.fromisoformat(row[1]) for row in paid)))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {FEES}")
    if changes:
        LedgerHead.objects.filter(pk=1).update(last_seq=seq, last_hash=last_hash)
    _lines(fund, statement, audit)
    if seq > head_seq:
        audit.entries(after=head_seq, last=seq)
    for accounts, delta, since in changes:  # as post_many sends them, once per run of entries
        balances_changed.send(sender=Account, accounts=accounts, changes=delta, since=since)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {WORK}, {MEMOS}, {DONORS}, {GIVING}, {FEES}")


class _Entry:
    """One journal entry as `ledger.post_many` makes it, hashed by the canonical JSON `ledger.entry_hash` reads."""

    COLUMNS = (
        "seq",
        "kind",
        "unit_id",
        "date",
        "memo",
        "maker_id",
        "checker_id",
        "posted_at",
        "reverses_id",
        "reason",
        "prev_hash",
        "hash",
    )

    def __init__(self, seq, kind, unit, day, memo, maker, posted_at, prev_hash):
        self.seq, self.kind, self.unit, self.day, self.memo = seq, str(kind), unit, day, memo
        self.maker, self.posted_at, self.prev_hash, self.hash = maker, posted_at, prev_hash, ""

    def chain(self, lines: str, *, check: bool, legs: list[tuple[int, int, int]]) -> str:
        """This entry's hash after `prev_hash`; `lines` is the sorted lines' JSON. Checked against entry_hash."""
        maker = "null" if self.maker is None else str(self.maker)
        posted = self.posted_at.isoformat(timespec="microseconds")
        canonical = (
            f'{{"checker":null,"date":"{self.day}","kind":{encode_basestring(self.kind)},"lines":{lines},'
            f'"maker":{maker},"memo":{encode_basestring(self.memo)},"posted_at":"{posted}","reason":"",'
            f'"reverses":null,"seq":{self.seq},"unit":{self.unit}}}'
        )
        self.hash = hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()
        if check:  # the first of each run: the string above must be json.dumps's, byte for byte
            entry = JournalEntry(
                seq=self.seq,
                kind=self.kind,
                unit_id=self.unit,
                date=dt.date.fromisoformat(self.day),
                memo=self.memo,
                maker_id=self.maker,
                posted_at=self.posted_at,
            )
            expected = ledger.entry_hash(self.prev_hash, ledger.entry_payload(entry, legs))
            if expected != self.hash:
                raise RuntimeError(f"Canonical JSON of entry {self.seq} differs from ledger.entry_hash's")
        return self.hash

    def row(self) -> tuple:
        return (
            self.seq,
            self.kind,
            self.unit,
            self.day,
            self.memo,
            self.maker,
            None,
            self.posted_at,
            None,
            "",
            self.prev_hash,
            self.hash,
        )


def _lock(accounts: list[Account]) -> dict[int, Account]:
    """The accounts locked in id order (the ledger head is locked already), as post_many locks them."""
    ids = sorted({a.pk for a in accounts})
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _balances(delta: dict[int, int]) -> None:
    for account_id, change in delta.items():
        if change:
            Account.objects.filter(pk=account_id).update(balance=models.F("balance") + change)


def _read_memos(fund: Fund) -> None:
    """Each distinct memo read once: folded, a fee or not, and the matcher's reading (credits with no receipt yet)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {MEMOS} (memo text PRIMARY KEY, folded text NOT NULL, fee boolean NOT NULL, "
            "confident boolean NOT NULL, suggestion jsonb, suggestion_audit text, donor_name text, donor_key text, "
            "designation text, unit_id integer, household_code text, rmemo text NOT NULL, rfolded text NOT NULL)"
        )
    context: dict | None = None
    encoder = StatementLine._meta.get_field("suggestion").encoder
    columns = (
        "memo",
        "folded",
        "fee",
        "confident",
        "suggestion",
        "suggestion_audit",
        "donor_name",
        "donor_key",
        "designation",
        "unit_id",
        "household_code",
        "rmemo",
        "rfolded",
    )
    for chunk in _rows(
        f"SELECT memo, bool_or(credit > 0 AND existing IS NULL), bool_or(debit > 0) FROM {WORK} GROUP BY memo"  # noqa: S608
    ):
        out = []
        for memo, to_read, debit in chunk:
            rmemo = nfc(memo)
            row: list[Any] = [
                memo,
                fold(memo),
                bool(debit) and is_fee(memo),
                False,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                rmemo,
                fold(rmemo),
            ]
            if to_read:
                if context is None:
                    context = _matcher_context(fund)
                reading = read_memo(memo, **context)
                suggestion = reading.as_dict()
                stored = json.dumps(suggestion, cls=encoder)  # as the JSONField stores it
                row[3:11] = [
                    reading.confident,
                    stored,
                    json.dumps(suggestion, sort_keys=True),
                    None,
                    None,
                    reading.designation,
                    reading.unit_id,
                    reading.household_code,
                ]
                if reading.confident:
                    name = nfc(reading.donor_name)
                    row[6], row[7] = name, fold(name)
            out.append(row)
        _copy(MEMOS, columns, out)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {MEMOS}")


def _donors(fund: Fund) -> int:
    """Every giving line's donor, as `reconcile_credits` finds or creates them; the number of giving lines.

    A known donor of the unit (the first by id of that folded name) is reused; a new one is named as
    the first line that names it spells it, and created in the order the names first appear.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {DONORS} (key text PRIMARY KEY, donor_id integer NOT NULL, name text NOT NULL)"
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM {WORK} w JOIN {MEMOS} m ON m.memo = w.memo "  # noqa: S608
            "WHERE w.credit > 0 AND w.existing IS NULL AND m.confident"
        )
        giving = int(cursor.fetchone()[0])
    if not giving:
        return 0
    for chunk in _rows(
        f"SELECT key, name FROM (SELECT DISTINCT ON (m.donor_key) m.donor_key AS key, m.donor_name AS name, w.ord "  # noqa: S608
        f"FROM {WORK} w JOIN {MEMOS} m ON m.memo = w.memo WHERE w.credit > 0 AND w.existing IS NULL AND m.confident "
        "ORDER BY m.donor_key, w.ord) first ORDER BY ord"
    ):
        names = dict(chunk)
        found = {}
        for donor_id, key, name in (
            Donor.objects.filter(unit_id=fund.unit_id, anonymous=False, name_folded__in=list(names))
            .order_by("-pk")
            .values_list("pk", "name_folded", "name")
        ):
            found[key] = (donor_id, name)  # by descending id: the first by id is kept
        new = [
            Donor(unit_id=fund.unit_id, name=name, name_folded=key, published_folded=fold(""))
            for key, name in names.items()
            if key not in found
        ]
        for donor in bulk_create_audited(Donor, new):
            found[donor.name_folded] = (donor.pk, donor.name)
        _copy(DONORS, ("key", "donor_id", "name"), [(key, *found[key]) for key in names])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DONORS}")
    return giving


def _receipts(fund: Fund, actor: Any, audit: _Audit, *, after: int) -> None:
    """The receipts of the giving lines, numbered per fund and year from the book's last number, in order, audited."""
    amount = "replace(to_char(t.amount, 'FM999,999,999,999,999,990'), ',', '.') || ' đ'"
    audit.run(
        Receipt,
        f"d.name || ' — ' || {amount} || ' (' || to_char(t.received_on, 'DD/MM/YYYY') || ')'",
        f"JOIN {Donor._meta.db_table} d ON d.id = t.donor_id",
        insert=f"INSERT INTO {Receipt._meta.db_table} (fund_id, donor_id, amount, received_on, channel, "  # noqa: S608
        "receipt_number, bank_ref, designation, designated_unit_id, designated_household_id, pledge_id, memo, "
        "memo_folded, entry_id, created_by_id, serial_year, serial) "
        "SELECT %s, g.donor_id, g.credit, left(g.txn_at, 10)::date, %s, '', g.bank_ref, g.designation, "
        "CASE WHEN g.designation = %s THEN g.unit_id END, CASE WHEN g.designation = %s THEN h.id END, NULL, "
        "g.rmemo, g.rfolded, e.id, %s, left(g.txn_at, 4)::integer, "
        "COALESCE(last.serial, 0) + row_number() OVER (PARTITION BY left(g.txn_at, 4) ORDER BY g.seq) "
        f"FROM {GIVING} g JOIN {JournalEntry._meta.db_table} e ON e.seq = g.seq AND e.seq > %s "
        f"LEFT JOIN {Household._meta.db_table} h ON h.code = g.household_code AND g.designation = %s "
        f"LEFT JOIN (SELECT serial_year, MAX(serial) AS serial FROM {Receipt._meta.db_table} WHERE fund_id = %s "
        "GROUP BY serial_year) last ON last.serial_year = left(g.txn_at, 4)::integer ORDER BY g.seq",
        params=[
            fund.pk,
            Channel.BANK,
            Designation.UNIT,
            Designation.HOUSEHOLD,
            getattr(actor, "pk", None),
            after,
            Designation.HOUSEHOLD,
            fund.pk,
        ],
    )


def _lines(fund: Fund, statement: BankStatement, audit: _Audit) -> None:
    """The statement's new lines with their final status, receipt, fee entry and the matcher's suggestion, audited."""
    audit.run(
        StatementLine,
        "t.bank_ref || ': ' || CASE WHEN t.credit <> 0 THEN t.credit ELSE -t.debit END",
        f"JOIN {MEMOS} m ON m.memo = t.memo",
        overrides={"suggestion": "CASE WHEN t.suggestion = '{}'::jsonb THEN '{}' ELSE m.suggestion_audit END"},
        insert=f"INSERT INTO {StatementLine._meta.db_table} (statement_id, fund_id, row_number, txn_at, bank_ref, "  # noqa: S608
        "debit, credit, balance, memo, memo_folded, status, suggestion, receipt_id, fee_entry_id) "
        "SELECT %s, %s, w.row_number, w.txn_at::timestamp AT TIME ZONE %s, w.bank_ref, w.debit, w.credit, "
        "w.balance, w.memo, m.folded, "
        "CASE WHEN r.id IS NOT NULL THEN %s WHEN e.id IS NOT NULL THEN %s ELSE %s END, "
        "CASE WHEN w.credit > 0 AND w.existing IS NULL THEN m.suggestion ELSE '{}'::jsonb END, r.id, e.id "
        f"FROM {WORK} w JOIN {MEMOS} m ON m.memo = w.memo "
        f"LEFT JOIN {Receipt._meta.db_table} r ON w.credit > 0 AND r.fund_id = %s AND r.bank_ref = w.bank_ref "
        f"AND r.bank_ref <> '' LEFT JOIN {FEES} f ON f.ord = w.ord "
        f"LEFT JOIN {JournalEntry._meta.db_table} e ON e.seq = f.seq ORDER BY w.row_number",
        params=[
            statement.pk,
            fund.pk,
            timezone.get_current_timezone_name(),
            MatchStatus.MATCHED,
            MatchStatus.FEE,
            MatchStatus.UNMATCHED,
            fund.pk,
        ],
    )


# ---- audit records ---------------------------------------------------------------------------------


def _text(column: str, field: models.Field) -> str:
    """SQL for `smart_str` of what auditlog's `get_field_value` reads from `column`, NULL when it is None."""
    if isinstance(field, models.DateTimeField):  # naive UTC, as str(datetime) prints it
        at = f"({column} AT TIME ZONE 'UTC')"
        return (
            f"CASE WHEN date_trunc('second', {at}) = {at} THEN to_char({at}, 'YYYY-MM-DD HH24:MI:SS') "
            f"ELSE to_char({at}, 'YYYY-MM-DD HH24:MI:SS.US') END"
        )
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {column} THEN 'True' WHEN NOT {column} THEN 'False' END"
    if isinstance(field, models.DateField):
        return f"to_char({column}, 'YYYY-MM-DD')"
    if isinstance(field, (models.IntegerField, models.AutoField, models.CharField, models.TextField)):
        return f"{column}::text"
    raise NotImplementedError(f"{field} is not audited by the set-based confirm")


def _changes(model: type[models.Model], alias: str, overrides: dict[str, str]) -> str:
    """SQL for the `changes` of `bulk._created` on rows of `model` read as `alias`: each column with a value."""
    tracked = auditlog.get_model_fields(model)
    masked = set(tracked["mask_fields"]) & {field.name for field in model._meta.concrete_fields}
    as_text = not getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    if masked or not as_text or getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False):
        raise NotImplementedError("masked fields and JSON or string changes are audited by bulk.log_created only")
    parts = []
    for field in model._meta.concrete_fields:
        if (tracked["include_fields"] and field.name not in tracked["include_fields"]) or (
            field.name in tracked["exclude_fields"]
        ):
            continue
        column = f"{alias}.{field.column}"
        if field.name in overrides:
            value = f"jsonb_build_array('None', {overrides[field.name]})"
        elif (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
            # The id itself (a None id too: it differs from the missing old row's "None" string).
            value = f"jsonb_build_array('None', COALESCE({column}::text, 'None'))"
        elif isinstance(field, models.DateTimeField):  # likewise: None is kept as None, then printed
            value = f"jsonb_build_array('None', COALESCE({_text(column, field)}, 'None'))"
        else:  # None, and anything that prints as "None", is the old value: no change
            text = _text(column, field)
            value = f"CASE WHEN {text} IS NULL OR {text} = 'None' THEN NULL ELSE jsonb_build_array('None', {text}) END"
        parts.append(f"'{field.name}', {value}")
    return f"jsonb_strip_nulls(jsonb_build_object({', '.join(parts)}))"


class _Audit:
    """One CREATE record per row written, as `bulk.log_created` writes them, built in SQL from the rows themselves."""

    def __init__(self) -> None:
        for audited in (JournalEntry, Receipt, StatementLine):
            if auditlog.contains(audited) and (
                auditlog.get_serialize_options(audited)["serialize_data"] or hasattr(audited, "get_additional_data")
            ):
                raise NotImplementedError(f"{audited.__name__}: serialized data is audited by bulk.log_created only")
        # What auditlog's actor context adds to a record (actor, address, port, e-mail), asked for as log_created does.
        template = LogEntry(action=LogEntry.Action.CREATE, object_repr="")
        pre_save.send(
            sender=LogEntry, instance=template, raw=False, using=router.db_for_write(LogEntry), update_fields=None
        )
        self.common = [
            get_cid(),
            template.actor_id,
            template.remote_addr,
            template.remote_port,
            template.actor_email,
            timezone.now(),
        ]

    def _insert(self, model: type[models.Model], repr_sql: str, source: str, overrides: dict[str, str]) -> str:
        return (
            f"INSERT INTO {LogEntry._meta.db_table} (content_type_id, object_pk, object_id, object_repr, "  # noqa: S608
            "serialized_data, action, changes_text, changes, cid, actor_id, remote_addr, remote_port, actor_email, "
            f"timestamp, additional_data) SELECT {ContentType.objects.get_for_model(model).pk}, t.id::text, t.id, "
            f"{repr_sql}, NULL, {int(LogEntry.Action.CREATE)}, '', {_changes(model, 't', overrides)}, %s, %s, %s, %s, "
            f"%s, %s, NULL FROM {source} ORDER BY t.id"
        )

    def run(
        self,
        model: type[models.Model],
        repr_sql: str,
        joins: str,
        *,
        insert: str,
        params: list,
        overrides: dict[str, str] | None = None,
    ) -> None:
        """`insert` (an INSERT … SELECT into `model`'s table) and the records of the rows it returns, at once."""
        with connection.cursor() as cursor:
            if not auditlog.contains(model):
                cursor.execute(insert, params)
                return
            audit = self._insert(model, repr_sql, f"t {joins}", overrides or {})
            cursor.execute(f"WITH t AS ({insert} RETURNING *) {audit}", [*params, *self.common])

    def entries(self, *, after: int, last: int) -> None:
        """The records of the journal entries numbered after `after` up to `last` (copied in, so read back)."""
        if not auditlog.contains(JournalEntry):
            return
        kind = " ".join("WHEN %s THEN %s" for _ in EntryKind)
        labels = [str(x) for choice in EntryKind for x in (choice.value, choice.label)]  # the active language's
        repr_sql = f"'#' || t.seq || ' ' || CASE t.kind {kind} ELSE t.kind END || ' ' || to_char(t.date, 'DD/MM/YYYY')"
        source = f"{JournalEntry._meta.db_table} t WHERE t.seq > %s AND t.seq <= %s"
        with connection.cursor() as cursor:
            cursor.execute(self._insert(JournalEntry, repr_sql, source, {}), [*labels, *self.common, after, last])
