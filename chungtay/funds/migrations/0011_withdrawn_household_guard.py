"""No allocation and no payment for a withdrawn household, held by the database (issue 17).

The services refuse it with a Vietnamese message; these triggers refuse it too for any other write
(a direct ORM write, a shell, a stale household object in a service). The rule is the service's
(`funds.services._withdrawn`): a household is withdrawn for a write dated `date` when its status is
"withdrawn" or its `withdrawn_on` is on or before `date`.

Triggers, not a constraint through a copied field: a CheckConstraint sees only its own row, so the
household's status would have to be copied onto every allocation and voucher and kept in step when a
household is withdrawn — which would rewrite the rows of payments made *before* the withdrawal (they
stay valid) and could itself be written wrongly by the very direct write it should stop. A trigger
reads the household row as it is when the money row is written.

What fires:
- an allocation inserted, or moved to another household or date;
- a payment voucher inserted (unless it is inserted already rejected), moved to another household or
  date, or approved. A voucher may still be rejected, and rows of payments made before the
  withdrawal may still be updated (the demo dates its approvals).

On PostgreSQL the household row is read FOR SHARE, so a withdrawal running at the same time waits for
the payment's transaction (or the payment waits for the withdrawal's and then sees it). Restores do
not fire these: SQLite's backup copies pages, pg_restore creates triggers after the data; the bench's
COPY runs with session_replication_role = replica.
"""

from django.db import migrations

# {what}: "phân bổ" (allocation) or "chi" (payment) — the words of the service's refusal.
SQLITE_MESSAGE = "Hộ đã rút khỏi danh sách hỗ trợ; không {what} tiền cho hộ này."
WITHDRAWN = "h.id = NEW.household_id AND (h.status = 'withdrawn' OR h.withdrawn_on <= NEW.date)"
MOVED = "NEW.household_id <> OLD.household_id OR NEW.date <> OLD.date"
APPROVED_NOW = "NEW.status = 'approved' AND OLD.status <> 'approved'"

# (trigger name, table, event, condition beyond the household's, words of the refusal)
TRIGGERS = [
    ("funds_allocation_withdrawn_ins", "funds_allocation", "INSERT", "", "phân bổ"),
    ("funds_allocation_withdrawn_upd", "funds_allocation", "UPDATE", MOVED, "phân bổ"),
    ("funds_disbursement_withdrawn_ins", "funds_disbursement", "INSERT", "NEW.status <> 'rejected'", "chi"),
    (
        "funds_disbursement_withdrawn_upd",
        "funds_disbursement",
        "UPDATE",
        f"NEW.status <> 'rejected' AND ({MOVED} OR ({APPROVED_NOW}))",
        "chi",
    ),
]

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION funds_refuse_withdrawn_household() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found_code text;
BEGIN
    SELECT h.code INTO found_code FROM housing_household h WHERE {WITHDRAWN} FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            MESSAGE = format('Hộ %s đã rút khỏi danh sách hỗ trợ; không %s tiền cho hộ này.', found_code, TG_ARGV[0]);
    END IF;
    RETURN NEW;
END
$$;
"""


def _create_postgresql(schema_editor):
    schema_editor.execute(PG_FUNCTION, params=None)
    for name, table, event, condition, what in TRIGGERS:
        when = f"WHEN ({condition})" if condition else ""
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW {when} "
            f"EXECUTE FUNCTION funds_refuse_withdrawn_household('{what}')",
            params=None,
        )


def _create_sqlite(schema_editor):
    for name, table, event, condition, what in TRIGGERS:
        extra = f"({condition}) AND " if condition else ""
        message = SQLITE_MESSAGE.format(what=what)
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
            f"WHEN {extra}EXISTS (SELECT 1 FROM housing_household h WHERE {WITHDRAWN}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            params=None,
        )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _create_postgresql(schema_editor)
    elif vendor == "sqlite":
        _create_sqlite(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, _event, _condition, _what in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if vendor == "postgresql" else ""))
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS funds_refuse_withdrawn_household()")


class Migration(migrations.Migration):
    dependencies = [("funds", "0010_receipt_memo_trigram"), ("housing", "0006_progress_client_id")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
