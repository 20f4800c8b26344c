"""Funds pages. Thin: scope → form → one service → redirect; DomainError becomes a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core import asof, dates
from chungtay.core.access import get_visible_or_404, has_perm, scope_paths, scope_q, visible_to
from chungtay.core.dates import vn_long_date
from chungtay.core.errors import DomainError
from chungtay.core.figures import cached
from chungtay.core.forms import add_domain_error
from chungtay.core.money import format_vnd
from chungtay.core.pagination import CountedPaginator, UncountedPage
from chungtay.core.pdf import pdf_response
from chungtay.core.text import fold
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.core.words import amount_in_words
from chungtay.housing.models import Household, Stage
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots
from chungtay.orgunits.selectors import active_on, subtree, top_units_for
from chungtay.tallies import catalogue

from . import papers, selectors, services, vietqr
from .forms import (
    AllocationForm,
    DisbursementForm,
    FundForm,
    PledgeForm,
    QrForm,
    ReasonForm,
    ReceiptForm,
    ReconcileForm,
    SourceForm,
    TransferForm,
)
from .models import (
    Channel,
    Designation,
    Disbursement,
    DisbursementStatus,
    Fund,
    JournalEntry,
    MatchStatus,
    Pledge,
    Receipt,
    ReceiptTally,
    Source,
    StatementLine,
)


def _fund(request: AuthedRequest, pk: int, perm: str = "funds.view") -> Fund:
    return get_visible_or_404(request.user, Fund.objects.select_related("unit"), perm, "unit__path", pk=pk)


def _household(request: AuthedRequest, code: str, unit):
    qs = visible_to(request.user, Household.objects.select_related("area"), "housing.view", "area__path")
    household = qs.filter(code__iexact=code.strip(), area__path__startswith=unit.path).first()
    if household is None:
        raise DomainError(
            _("Không tìm thấy hộ mã “%(code)s” trong phạm vi của %(unit)s.") % {"code": code, "unit": unit.title},
            field="household_code",
        )
    return household


def overview(request: AuthedRequest) -> HttpResponse:
    # Every figure is the catalogue's, for the user's top unit's subtree and for each fund of the page,
    # as of the day asked for (`?ngay=dd/mm/yyyy`, today by default).
    as_of, date_error = asof.as_of_from(request.GET.get("ngay"))
    # The table lists the funds the card adds up: those of units in force on the day. After a
    # reorganisation the ended units' funds (their balances moved to today's funds, shown as
    # "Nhận chuyển từ quỹ khác") leave today's table; a day before it lists them again (docs/figures.md).
    in_scope = selectors.funds_for(request.user)
    in_force = in_scope.filter(unit__in=active_on(OrgUnit.objects.all(), as_of))
    # A whole country has some 11,000 funds: the table is paged, its figures read for one page only.
    page = Paginator(in_force.order_by("unit__path", "name"), 50).get_page(request.GET.get("trang"))
    funds = list(page.object_list)
    tops = top_units_for(request.user, on=as_of)
    unit = tops[0] if tops else None
    # An ended unit's fund that still holds money on the day (a household's allocation not paid before the
    # reorganisation moved the rest) is listed apart, so no money drops out of sight; the others are counted.
    ended = list(in_scope.exclude(pk__in=in_force.values("pk")).order_by("unit__path", "name")[:200])
    ended_figures = catalogue.for_items(ended, as_of=as_of)
    holding = [f for f in ended if ended_figures[f.pk].fund_unallocated + ended_figures[f.pk].fund_allocated_unpaid]
    return render(
        request,
        "funds/overview.html",
        {
            "funds": funds,
            "ended_funds": in_scope.exclude(pk__in=in_force.values("pk")).count() - len(holding),
            "ended_holding": holding,
            "ended_figures": ended_figures,
            "page": page,
            "as_of": as_of,
            "is_today": as_of == dates.today(),
            "date_error": date_error,
            "figures": catalogue.for_items(funds, as_of=as_of),
            "unit": unit,
            "summary": catalogue.for_unit(unit, as_of=as_of) if unit else None,
            "series": cached("funds_series", unit.pk, lambda: selectors.monthly_series(unit, until=as_of), as_of)
            if unit
            else None,
            # Badges over the whole scope: cached like the figures, under the user's scope (not the user).
            "queues": cached(
                "funds_queues",
                0,
                lambda: selectors.queue_counts(request.user),
                request.user.is_superuser,
                *scope_paths(request.user, "funds.view"),
            ),
            "can_manage": has_perm(request.user, "funds.manage"),
            "sources": selectors.sources_for(request.user),
        },
    )


def fund_create(request: AuthedRequest) -> HttpResponse:
    tops = [u for u in top_units_for(request.user) if has_perm(request.user, "funds.manage", u)]
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and tops:
        try:
            fund = services.fund_create(actor=request.user, unit=tops[0], **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lập %(fund)s.") % {"fund": fund.name})
            return redirect("funds:fund_detail", pk=fund.pk)
    return render(request, "funds/form.html", {"form": form, "title": "Lập quỹ mới"})


def source_create(request: AuthedRequest) -> HttpResponse:
    tops = [u for u in top_units_for(request.user) if has_perm(request.user, "funds.manage", u)]
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and tops:
        services.source_create(actor=request.user, unit=tops[0], **form.cleaned_data)
        messages.success(request, _("Đã khai báo nguồn."))
        return redirect("funds:overview")
    return render(request, "funds/form.html", {"form": form, "title": "Khai báo nguồn ngoài quỹ"})


def fund_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    # The fund's figures as of the day asked for (`?ngay=dd/mm/yyyy`, today by default), like the overview.
    as_of, date_error = asof.as_of_from(request.GET.get("ngay"))
    entries = selectors.latest_entries(fund)
    return render(
        request,
        "funds/fund_detail.html",
        {
            "fund": fund,
            "figures": catalogue.for_items([fund], as_of=as_of)[fund.pk],
            "date_error": date_error,
            "entries": entries,
            "statements": fund.statements.select_related("batch")[:10],
            "allocations": fund.allocations.select_related("household").order_by("-date", "-pk")[:30],
            "can_record": has_perm(request.user, "funds.record", fund.unit),
            "qr_payload": vietqr.payload(
                bin_code=fund.bank_bin, account=fund.account_number, purpose=vietqr.purpose_for(fund.code)
            )
            if fund.bank_bin and fund.account_number
            else None,
        },
    )


def receipt_list(request: AuthedRequest) -> HttpResponse:
    qs = visible_to(
        request.user, Receipt.objects.select_related("fund", "donor", "fund__unit"), "funds.view", "fund__unit__path"
    )
    q = request.GET.get("q", "").strip()
    page: Any
    if q:
        folded = fold(q)
        qs = qs.filter(Q(donor__name_folded__contains=folded) | Q(memo_folded__contains=folded) | Q(bank_ref=q))
        # A search is not counted: counting a common name ("nguyen") read 200,000 receipts of a province's
        # 500,000 (0.8 s) to print a total; the pager says "Trang n" and whether there is a next (issue 22).
        page = UncountedPage(qs.order_by("-received_on", "-id"), 50, request.GET.get("trang"))
    else:  # every receipt in scope: the per-fund tallies know how many (COUNT(*) read 5 million rows)
        tallies = visible_to(request.user, ReceiptTally.objects.all(), "funds.view", "fund__unit__path")
        count = tallies.aggregate(n=Sum("count"))["n"] or 0
        page = CountedPaginator(qs.order_by("-received_on", "-id"), 50, count=count).get_page(request.GET.get("trang"))
    template = "funds/_receipt_rows.html" if request.htmx else "funds/receipt_list.html"
    return render(request, template, {"page": page, "q": q})


def _receipt_form(request: AuthedRequest, fund: Fund) -> ReceiptForm:
    # Commune level and up, in force today: any depth (a city's communes sit right under it), and a
    # unit closed by a reorganisation is no longer offered. Past a few hundred, chosen level by level.
    units = active_on(subtree(fund.unit).filter(level__lte=Level.COMMUNE), dates.today()).order_by("path")
    return ReceiptForm(
        request.POST or None, units=units, picker_url=reverse("funds:receipt_unit_picker", args=[fund.pk]),
        roots=[fund.unit], initial={"received_on": timezone.localdate()},
    )  # fmt: skip


def receipt_unit_picker(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: the receipt form's designated-unit picker below the unit chosen in it (orgunits.pickers)."""
    fund = _fund(request, pk, "funds.record")
    return cascade_response(request, _receipt_form(request, fund)["designated_unit"], "funds.record")


def receipt_create(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, "funds.record")
    form = _receipt_form(request, fund)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = None
            if data["designation"] == Designation.HOUSEHOLD:
                household = _household(request, data["household_code"] or "", fund.unit)
            receipt = services.receipt_record(
                actor=request.user,
                fund=fund,
                donor=services.DonorRef(data["donor_name"], data["donor_kind"], data["anonymous"]),
                amount=data["amount"],
                received_on=data["received_on"],
                channel=data["channel"],
                receipt_number=data["receipt_number"],
                bank_ref=data["bank_ref"],
                designation=data["designation"],
                designated_unit=data["designated_unit"],
                designated_household=household,
                memo=data["memo"],
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(amount)s của %(donor)s.")
                % {"amount": format_vnd(receipt.amount), "donor": receipt.donor},
            )
            return redirect("funds:fund_detail", pk=fund.pk)
    return render(request, "funds/form.html", {"form": form, "title": f"Ghi nhận khoản ủng hộ — {fund.name}"})


def receipt_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    receipt = get_visible_or_404(
        request.user,
        Receipt.objects.select_related("fund__unit__parent", "donor"),
        "funds.view",
        "fund__unit__path",
        pk=pk,
    )

    unit = receipt.fund.unit
    return pdf_response(
        "funds/receipt_pdf.html",
        {
            "receipt": receipt,
            "words": amount_in_words(receipt.amount),
            "unit": unit,
            "org_parent": f"Ủy ban MTTQ Việt Nam {unit.title}",
            "org_name": "Ban Thường trực",
            "dateline": vn_long_date(receipt.received_on, unit.name),
        },
        f"bien-nhan-{receipt.pk}.pdf",
    )


def pledge_create(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, "funds.record")
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.pledge_record(
            actor=request.user,
            fund=fund,
            donor=services.DonorRef(data["donor_name"], data["donor_kind"]),
            amount=data["amount"],
            pledged_on=data["pledged_on"],
            due_on=data["due_on"],
            note=data["note"],
        )
        messages.success(request, _("Đã ghi nhận cam kết."))
        return redirect("funds:pledge_list")
    return render(request, "funds/form.html", {"form": form, "title": f"Cam kết ủng hộ — {fund.name}"})


def pledge_list(request: AuthedRequest) -> HttpResponse:
    from django.db.models import Sum

    pledges = (
        visible_to(
            request.user,
            Pledge.objects.select_related("donor", "fund"),
            "funds.view",
            "fund__unit__path",
        )
        .annotate(fulfilled=Sum("receipts__amount"))
        .order_by("-pledged_on")
    )
    return render(request, "funds/pledge_list.html", {"pledges": pledges[:200]})


def _transfer_form(request: AuthedRequest, fund: Fund) -> TransferForm:
    """The funds of the fund's subtree the user may see; past a few hundred, the unit first (orgunits.pickers)."""
    targets = selectors.funds_for(request.user).exclude(pk=fund.pk).filter(unit__path__startswith=fund.unit.path)
    return TransferForm(
        request.POST or None, funds=targets.order_by("unit__path", "name", "pk"),
        picker_url=reverse("funds:transfer_fund_picker", args=[fund.pk]), roots=[fund.unit],
        initial={"date": timezone.localdate()},
    )  # fmt: skip


def transfer_fund_picker(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: the transfer form's fund picker below the unit chosen in it."""
    fund = _fund(request, pk, "funds.record")
    return cascade_response(request, _transfer_form(request, fund)["to_fund"], "funds.record")


def transfer_create(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, "funds.record")
    form = _transfer_form(request, fund)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_record(
                actor=request.user,
                from_fund=fund,
                to_fund=data["to_fund"],
                amount=data["amount"],
                date=data["date"],
                decision=data["decision"],
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã chuyển quỹ."))
            return redirect("funds:fund_detail", pk=fund.pk)
    return render(request, "funds/form.html", {"form": form, "title": f"Chuyển tiền từ {fund.name}"})


def _origin(request: AuthedRequest, value: str, perm: str):
    kind, _sep, pk = value.partition(":")
    if kind == "fund":
        return {
            "fund": get_visible_or_404(request.user, Fund.objects.select_related("unit"), perm, "unit__path", pk=pk)
        }
    return {
        "source": get_visible_or_404(request.user, Source.objects.select_related("unit"), perm, "unit__path", pk=pk)
    }


def _origins(request: AuthedRequest) -> dict[str, Any]:
    """What an allocation or a disbursement may draw on: the funds and sources the user records for; past a
    few hundred, chosen unit first (orgunits.pickers)."""
    return {
        "funds": selectors.funds_for(request.user, "funds.record").order_by("unit__path", "name", "pk"),
        "sources": selectors.sources_for(request.user, "funds.record").order_by("unit__path", "name", "pk"),
        "picker_url": reverse("funds:origin_picker"),
        "roots": picker_roots(request.user, "funds.record"),
    }


def origin_picker(request: AuthedRequest) -> HttpResponse:
    """htmx: the allocation and disbursement forms' source picker below the unit chosen in it."""
    return cascade_response(request, AllocationForm(**_origins(request))["origin"], "funds.record")


def allocation_create(request: AuthedRequest) -> HttpResponse:
    form = AllocationForm(
        request.POST or None, **_origins(request),
        initial={"date": timezone.localdate(), "household_code": request.GET.get("ho", "")},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            origin = _origin(request, data["origin"], "funds.record")
            unit = (origin.get("fund") or origin.get("source")).unit
            household = _household(request, data["household_code"], unit)
            services.allocation_record(
                actor=request.user,
                household=household,
                amount=data["amount"],
                date=data["date"],
                decision=data["decision"],
                override_by=request.user if data["override_reason"].strip() else None,
                override_reason=data["override_reason"],
                **origin,
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã phân bổ cho hộ %(code)s.") % {"code": household.code})
            return redirect("funds:household", pk=household.pk)
    return render(request, "funds/form.html", {"form": form, "title": "Phân bổ cho hộ"})


def disbursement_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("trang_thai", DisbursementStatus.RECORDED)
    qs = selectors.vouchers_for(request.user, status if status in DisbursementStatus.values else None)
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "funds/disbursement_list.html",
        {
            "page": page,
            "status": status,
            "statuses": DisbursementStatus.choices,
            "can_approve": has_perm(request.user, "funds.approve"),
        },
    )


def disbursement_create(request: AuthedRequest) -> HttpResponse:
    form = DisbursementForm(
        request.POST or None, **_origins(request), stages=Stage.choices,
        initial={"date": timezone.localdate(), "household_code": request.GET.get("ho", "")},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            origin = _origin(request, data["origin"], "funds.record")
            unit = (origin.get("fund") or origin.get("source")).unit
            household = _household(request, data["household_code"], unit)
            services.disbursement_record(
                actor=request.user,
                household=household,
                amount=data["amount"],
                date=data["date"],
                voucher_number=data["voucher_number"],
                stage=data["stage"],
                channel=data["channel"],
                note=data["note"],
                **origin,
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lập phiếu chi; cần một người khác duyệt."))
            return redirect("funds:disbursement_list")
    return render(request, "funds/form.html", {"form": form, "title": "Lập phiếu chi cho hộ"})


def _disbursement(request: AuthedRequest, pk: int, perm: str) -> Disbursement:
    qs = Disbursement.objects.select_related("household__area", "fund__unit", "source__unit", "recorded_by")
    by_fund = scope_q(request.user, perm, "fund__unit__path")
    by_source = scope_q(request.user, perm, "source__unit__path")
    by_household = scope_q(request.user, perm, "household__area__path")
    if by_fund is not None and by_source is not None and by_household is not None:
        qs = qs.filter(by_fund | by_source | by_household)
    return get_object_or_404(qs, pk=pk)


@require_POST
def disbursement_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement(request, pk, "funds.approve")
    try:
        services.disbursement_approve(actor=request.user, disbursement=disbursement)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(
            request, _("Đã duyệt phiếu chi %(voucher_number)s.") % {"voucher_number": disbursement.voucher_number}
        )
    return redirect("funds:disbursement_list")


def disbursement_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement(request, pk, "funds.approve")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_reject(
                actor=request.user, disbursement=disbursement, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            refuse_with_message(request, exc)
        return redirect("funds:disbursement_list")
    return render(
        request, "funds/form.html", {"form": form, "title": f"Không duyệt phiếu chi {disbursement.voucher_number}"}
    )


def voucher_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement(request, pk, "funds.view")

    origin = disbursement.fund or disbursement.source
    assert origin is not None  # a CheckConstraint makes every disbursement have exactly one
    unit = origin.unit
    return pdf_response(
        "funds/voucher_pdf.html",
        {
            "d": disbursement,
            "words": amount_in_words(disbursement.amount),
            "unit": unit,
            "org_parent": f"Ủy ban MTTQ Việt Nam {unit.title}",
            "org_name": "Ban Thường trực",
            "dateline": vn_long_date(disbursement.date, unit.name),
            "doc_number": disbursement.voucher_number,
        },
        f"phieu-chi-{disbursement.voucher_number}.pdf",
    )


def receipt_c40(request: AuthedRequest, pk: int) -> HttpResponse:
    """Phiếu thu, mẫu C40-BB (Thông tư 107/2017/TT-BTC)."""
    receipt = get_visible_or_404(
        request.user,
        Receipt.objects.select_related("fund__unit", "donor", "designated_household", "created_by"),
        "funds.view",
        "fund__unit__path",
        pk=pk,
    )
    name = papers.serial_text("PT", receipt.serial_year, receipt.serial) or f"{receipt.pk}"
    return pdf_response("funds/paper_pdf.html", {"p": papers.receipt_paper(receipt)}, f"phieu-thu-{name}.pdf")


def voucher_c41(request: AuthedRequest, pk: int) -> HttpResponse:
    """Phiếu chi, mẫu C41-BB (Thông tư 107/2017/TT-BTC)."""
    d = _disbursement(request, pk, "funds.view")
    name = papers.serial_text("PC", d.serial_year, d.serial) or d.voucher_number
    return pdf_response("funds/paper_pdf.html", {"p": papers.voucher_paper(d)}, f"phieu-chi-{name}.pdf")


BOOK_KINDS = {"tien-mat": Channel.CASH, "tien-gui": Channel.BANK}


def _day(raw: str, default: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").date() if raw else default
    except ValueError as exc:
        raise DomainError(
            _("Ngày “%(raw)s” không đúng dạng ngày/tháng/năm (ví dụ 01/01/2024).") % {"raw": raw}
        ) from exc


def fund_book(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    """Sổ quỹ tiền mặt / sổ tiền gửi of one fund for a period (?tu=dd/mm/yyyy&den=…; from 1 January of
    the last day's year to today by default), PDF or Excel."""
    fund = _fund(request, pk, "funds.view")
    if kind not in BOOK_KINDS:
        raise Http404
    today = timezone.localdate()
    try:
        date_to = _day(request.GET.get("den", ""), today)
        date_from = _day(request.GET.get("tu", ""), date_to.replace(month=1, day=1))
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    if date_from > date_to:
        return HttpResponse("Từ ngày phải trước đến ngày.", status=400, content_type="text/plain; charset=utf-8")
    b = papers.book(fund, BOOK_KINDS[kind], date_from, date_to)
    filename = f"{papers.BOOKS[b.channel][2]}-{fund.code}-{date_to:%Y%m%d}"
    if request.GET.get("dinh_dang") == "xlsx":
        response = HttpResponse(
            papers.book_xlsx(b), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    return pdf_response("funds/book_pdf.html", {"b": b}, f"{filename}.pdf")


def entry_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(
        request.user,
        JournalEntry.objects.select_related("maker", "checker", "reverses"),
        "funds.view",
        "unit__path",
        pk=pk,
    )
    form = ReasonForm(request.POST or None)
    can_reverse = has_perm(request.user, "funds.approve", entry.unit) and entry.kind != "reversal"
    if request.method == "POST" and can_reverse and form.is_valid():
        try:
            reversal = services.entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lập bút toán đảo #%(seq)s.") % {"seq": reversal.seq})
            return redirect("funds:entry_detail", pk=reversal.pk)
    return render(
        request,
        "funds/entry_detail.html",
        {
            "entry": entry,
            "lines": entry.lines.select_related("account__fund", "account__source", "account__household"),
            "reversed_by": JournalEntry.objects.filter(reverses=entry).first(),
            "form": form,
            "can_reverse": can_reverse,
        },
    )


def household(request: AuthedRequest, pk: int) -> HttpResponse:
    hh = get_visible_or_404(request.user, Household.objects.select_related("area"), "housing.view", "area__path", pk=pk)
    rows, figures = selectors.household_money(hh)
    return render(
        request,
        "funds/household.html",
        {
            "household": hh,
            "rows": rows,
            "figures": figures,
            "disbursements": hh.disbursements.select_related("recorded_by", "decided_by", "fund", "source").order_by(
                "-date"
            ),
            "allocations": hh.allocations.select_related("fund", "source", "override_by").order_by("-date"),
            "receipts_behind": selectors.household_receipts(hh),
            "can_record": has_perm(request.user, "funds.record", hh.area),
            "show_private": has_perm(request.user, "housing.private", hh.area),
        },
    )


def receipt_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One receipt and where its money went: fund → allocation → household → payments (issue 17)."""
    receipt = get_visible_or_404(
        request.user,
        Receipt.objects.select_related("fund__unit", "donor", "designated_household", "designated_unit"),
        "funds.view",
        "fund__unit__path",
        pk=pk,
    )
    return render(request, "funds/receipt_detail.html", {"receipt": receipt, "trace": selectors.receipt_trace(receipt)})


def reconcile(request: AuthedRequest) -> HttpResponse:
    lines = (
        visible_to(
            request.user,
            StatementLine.objects.select_related("fund", "statement"),
            "funds.record",
            "fund__unit__path",
        )
        .filter(status=MatchStatus.UNMATCHED)
        .order_by("txn_at")
    )
    page = Paginator(lines, 50).get_page(request.GET.get("trang"))
    return render(request, "funds/reconcile.html", {"page": page})


def reconcile_line(request: AuthedRequest, pk: int) -> HttpResponse:
    line = get_visible_or_404(
        request.user, StatementLine.objects.select_related("fund__unit"), "funds.record", "fund__unit__path", pk=pk
    )
    suggestion = line.suggestion or {}
    form = ReconcileForm(
        request.POST or None,
        initial={
            "donor_name": suggestion.get("donor_name", ""),
            "designation": suggestion.get("designation", Designation.GENERAL),
            "household_code": suggestion.get("household_code", ""),
            "action": "receipt" if line.credit else "ignore",
        },
    )
    if request.method == "POST" and form.is_valid() and line.status == MatchStatus.UNMATCHED:
        data = form.cleaned_data
        try:
            services.statement_line_resolve(
                actor=request.user,
                line=line,
                action=data["action"],
                donor_name=data["donor_name"],
                designation=data["designation"],
                household=_household(request, data["household_code"], line.fund.unit)
                if data["household_code"]
                else None,
                note=data["note"],
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã xử lý giao dịch %(bank_ref)s.") % {"bank_ref": line.bank_ref})
            return redirect("funds:reconcile")
    return render(request, "funds/reconcile_line.html", {"line": line, "form": form})


def qr(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = QrForm(request.GET or None)
    payload = None
    if fund.bank_bin and fund.account_number and (form.is_valid() or not request.GET):
        data = form.cleaned_data if form.is_bound else {}
        payload = vietqr.payload(
            bin_code=fund.bank_bin,
            account=fund.account_number,
            purpose=vietqr.purpose_for(fund.code, data.get("target") or ""),
            amount=data.get("amount"),
        )
    return render(
        request,
        "funds/qr.html",
        {
            "fund": fund,
            "form": form,
            "payload": payload,
            "svg": vietqr.svg_data_uri(payload) if payload else None,
            "purpose": vietqr.parse(payload).get("62", "")[4:] if payload else "",
        },
    )


def poster_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    if not (fund.bank_bin and fund.account_number):
        messages.error(request, _("Quỹ chưa khai báo ngân hàng và số tài khoản."))
        return redirect("funds:fund_detail", pk=fund.pk)
    target = request.GET.get("target", "")
    payload = vietqr.payload(
        bin_code=fund.bank_bin, account=fund.account_number, purpose=vietqr.purpose_for(fund.code, target)
    )
    return pdf_response(
        "funds/poster_pdf.html",
        {
            "fund": fund,
            "svg": vietqr.svg_data_uri(payload, scale=10),
            "purpose": vietqr.purpose_for(fund.code, target),
        },
        f"ung-ho-{fund.code}.pdf",
    )
