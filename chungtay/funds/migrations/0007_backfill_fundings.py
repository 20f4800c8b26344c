"""Back-fill which receipts paid for each existing allocation and transfer out of a fund, by the
rule new ones follow (`chungtay.funds.tracing`), in the order they were posted; reversed ones take
nothing (their reversal released what they took)."""

from django.db import migrations

from chungtay.funds import tracing


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    m = tracing.Models(
        apps.get_model("funds", "Receipt"), apps.get_model("funds", "Transfer"), apps.get_model("funds", "Funding")
    )
    Allocation = apps.get_model("funds", "Allocation")
    Transfer = apps.get_model("funds", "Transfer")
    if m.Funding.objects.exists():
        return
    moves = [
        ("allocation", a.entry.seq, a)
        for a in Allocation.objects.filter(fund__isnull=False, entry__reversed_by__isnull=True).select_related(
            "entry", "household__area"
        )
    ] + [
        ("transfer", t.entry.seq, t)
        for t in Transfer.objects.filter(entry__reversed_by__isnull=True).select_related("entry")
    ]
    for kind, _seq, row in sorted(moves, key=lambda move: move[1]):
        if kind == "allocation":
            tracing.take(fund_id=row.fund_id, amount=row.amount, allocation=row, household=row.household, m=m)
        else:
            tracing.take(fund_id=row.from_fund_id, amount=row.amount, transfer_out=row, m=m)


class Migration(migrations.Migration):
    dependencies = [("funds", "0006_traceability_and_rules")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
