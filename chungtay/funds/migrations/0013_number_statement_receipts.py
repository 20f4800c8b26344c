"""Receipts read from bank statements before they were numbered (issue 19) get their Phiếu thu numbers.

Until then a statement's confirm recorded its receipts without a number, while a receipt entered by
hand, or settled from the reconciliation queue, took the next one of its fund's book for the year.
Each unnumbered receipt now takes the next number of its fund and year, in the order the receipts
were recorded (their ledger entries' order), after the numbers already given: no number changes.
"""

from django.db import migrations
from django.db.models import Max


def number_unnumbered(apps, schema_editor):  # type: ignore[no-untyped-def]
    Receipt = apps.get_model("funds", "Receipt")
    last: dict = {}
    for fund_id, year, serial in (
        Receipt.objects.filter(serial__isnull=False)
        .order_by()
        .values("fund_id", "serial_year")
        .annotate(last=Max("serial"))
        .values_list("fund_id", "serial_year", "last")
    ):
        last[(fund_id, year)] = serial
    unnumbered = Receipt.objects.filter(serial__isnull=True).order_by("entry__seq", "pk")
    for receipt in unnumbered.only("pk", "fund_id", "received_on").iterator(chunk_size=2000):
        key = (receipt.fund_id, receipt.received_on.year)
        last[key] = (last.get(key) or 0) + 1
        Receipt.objects.filter(pk=receipt.pk).update(serial_year=key[1], serial=last[key])


class Migration(migrations.Migration):
    dependencies = [("funds", "0012_audit_labels")]

    operations = [migrations.RunPython(number_unnumbered, migrations.RunPython.noop)]
