"""The public page of one receipt: where the money went (issue 17). Public data only — the donor's
public name, the fund, the household's code and area, payment stages and amounts; never a private
field. Served under the portal's URLs (`portal:receipt_trace`, wrapped in its `public_page`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Receipt


@require_GET
def receipt_trace(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(
        Receipt.objects.select_related("fund__unit", "donor", "designated_household", "designated_unit"), pk=pk
    )
    rows = [row for row in selectors.receipt_trace(receipt) if not row["released"]]
    return render(request, "funds/public_receipt.html", {"receipt": receipt, "trace": rows})
