"""What the public receipt page needs to stay fast at millions of receipts.

- `ReceiptTally`: receipts and their sum per fund, filled here from the existing receipts and kept by
  `Receipt.save` from now on (the page's "N khoản, tổng X" without counting every row).
- `Donor.published_folded`: the published name folded like `name_folded`, so the search matches it
  in SQL (a trigram index on PostgreSQL) instead of reading every published name into Python. The
  trigram index on the unfolded `published_name` served nothing and goes.
- `receipt_bank_ref`: a bank reference looked up across funds (the unique index starts with the fund).
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill_tallies(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO funds_receipttally (fund_id, count, total) "
        "SELECT fund_id, COUNT(*), SUM(amount) FROM funds_receipt GROUP BY fund_id"
    )


def fold_published_names(apps, schema_editor):
    from chungtay.core.text import fold

    Donor = apps.get_model("funds", "Donor")
    last = 0
    while True:
        rows = list(
            Donor.objects.filter(pk__gt=last).exclude(published_name="").order_by("pk").values_list("pk", "published_name")[:BATCH]
        )
        if not rows:
            return
        for pk, name in rows:
            Donor.objects.filter(pk=pk).update(published_folded=fold(name))
        last = rows[-1][0]


def trigram_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS funds_donor_published_name_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS funds_donor_published_folded_trgm ON funds_donor "
        "USING gin (published_folded gin_trgm_ops) WHERE published_folded <> ''"
    )


def trigram_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS funds_donor_published_folded_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS funds_donor_published_name_trgm ON funds_donor "
        "USING gin (published_name gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="ReceiptTally",
            fields=[
                (
                    "fund",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="receipt_tally",
                        serialize=False,
                        to="funds.fund",
                    ),
                ),
                ("count", models.BigIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "Tổng hợp khoản ủng hộ của quỹ",
                "verbose_name_plural": "Tổng hợp khoản ủng hộ của quỹ",
            },
        ),
        migrations.RunPython(fill_tallies, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="donor",
            name="published_folded",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fold_published_names, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(trigram_forwards, trigram_backwards, elidable=False),
        migrations.AddIndex(
            model_name="receipt",
            index=models.Index(
                condition=models.Q(("bank_ref", ""), _negated=True), fields=["bank_ref"], name="receipt_bank_ref"
            ),
        ),
    ]
