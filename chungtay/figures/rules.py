"""Complaints and fund-keeping rules (criterion 3.2.2a): complaints and denunciations by the year
they were received, those still open past their due day, and bank statement lines not reconciled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chungtay.funds.models import MatchStatus, StatementLine
from chungtay.housing.models import OPEN_COMPLAINT, Complaint, ComplaintKind
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _grouped

GRAVE = (ComplaintKind.COMPLAINT, ComplaintKind.DENUNCIATION)


@group("grave_complaints", "Khiếu nại, tố cáo (tiêu chí 3.2.2a)")
def grave_complaints(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    day = p.as_of
    qs = Complaint.objects.filter(received_on__lte=day, kind__in=GRAVE)
    if p.phase is not None:
        qs = qs.filter(received_on__year=p.phase)
    # Open on that day as in `complaints_open`: not resolved by then (closed without a date counts as closed).
    open_then = ~Q(resolved_on__lte=day) & (Q(status__in=OPEN_COMPLAINT) | Q(resolved_on__isnull=False))
    found = _grouped(
        qs, "origin_unit__path", units,
        complaints_grave_received=Count("id"),
        complaints_grave_overdue=Count("id", filter=open_then & Q(due_on__lt=day)),
    )  # fmt: skip
    return _fill(units, found, ("complaints_grave_received", "complaints_grave_overdue"))


G = "grave_complaints"
GRV = "Đơn khiếu nại và đơn tố cáo (không gồm kiến nghị, phản ánh) phát sinh trên địa bàn các đơn vị trong cây"
figure(G, "complaints_grave_received", _("Khiếu nại, tố cáo đã tiếp nhận"),
       f"{GRV}, tiếp nhận đến ngày tính (khi hỏi theo năm: tiếp nhận trong năm đó).", unit="đơn")  # fmt: skip
figure(G, "complaints_grave_overdue", _("Khiếu nại, tố cáo quá hạn chưa giải quyết"),
       f"{GRV}, chưa giải quyết xong và đã quá hạn giải quyết tính đến ngày đó.", unit="đơn")  # fmt: skip


@group("statement_lines", "Đối soát sao kê ngân hàng")
def statement_lines(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    qs = StatementLine.objects.filter(txn_at__date__lte=p.as_of, status=MatchStatus.UNMATCHED)
    found = _grouped(qs, "fund__unit__path", units, statement_lines_unmatched=Count("id"))
    return _fill(units, found, ("statement_lines_unmatched",))


figure("statement_lines", "statement_lines_unmatched", _("Dòng sao kê chờ đối soát"),
       "Dòng sao kê ngân hàng của các quỹ do đơn vị trong cây quản lý, giao dịch đến ngày tính, hiện còn chờ "
       "đối soát (ngày đối soát không được lưu: dòng đã khớp được coi là đã khớp ở mọi ngày).",
       unit="dòng")  # fmt: skip
