"""The sơ kết / tổng kết reports take every figure from the catalogue as of their date: a June report
shows June's houses, money and scores, a December one December's, and the Word/PDF text carries the
catalogue's values for the unit and each child row."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document as Docx

from chungtay.campaigns.models import CriteriaSet
from chungtay.core.docgen import docx_to_pdf, libreoffice_available, pdf_text
from chungtay.core.money import format_vnd
from chungtay.evaluation.models import Assessment
from chungtay.funds import services as funds
from chungtay.funds.models import Channel, FundKind
from chungtay.reports.services import REVIEW_IN_KIND, REVIEW_MONEY, review_context, review_docx
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db
D = dt.date
JUNE, DECEMBER = D(2024, 6, 30), D(2024, 12, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def docx_text(data: bytes) -> str:
    document = Docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def year(people, tree, movement, participate, obligation, make_household):
    """2024 in Điện Bàn: a house completed in May (Điện Hồng), one started in June and completed in
    August (Vĩnh Điện), one not started; the town fund receives 50 million in May, 30 in September and
    20 in January 2025, and pays 10 to the August house in July; Vĩnh Điện assessed itself in May and was
    scored in November."""
    office = people.town_office
    a = participate(tree.commune_a)
    participate(tree.commune_b, late=True)
    obligation(tree.commune_a, D(2024, 3, 31), done_on=D(2024, 3, 30))
    obligation(tree.commune_b, D(2024, 9, 30))
    make_household(tree.area_b1, status="completed", completed_on=D(2024, 5, 10))
    august = make_household(tree.area_a1, status="completed", completed_on=D(2024, 8, 15))
    make_household(tree.area_a1)
    fund = funds.fund_create(actor=office, unit=tree.town, kind=FundKind.FOR_THE_POOR,
                             name="Quỹ Vì người nghèo thị xã", code="vnn-sk")  # fmt: skip
    for n, (amount, day) in enumerate(((50_000_000, D(2024, 5, 2)), (30_000_000, D(2024, 9, 10)),
                                       (20_000_000, D(2025, 1, 5)))):  # fmt: skip
        funds.receipt_record(actor=office, fund=fund, donor=funds.DonorRef(name="Công ty Sơ Kết"), amount=amount,
                             received_on=day, channel=Channel.BANK, bank_ref=f"SK{n:04d}")  # fmt: skip
    funds.allocation_record(actor=office, household=august, amount=10_000_000, date=D(2024, 7, 1),
                            decision="15/QĐ-MTTQ", fund=fund)  # fmt: skip
    # The start was checked in the field before its tranche was paid (the programme's rule).
    august.updates.filter(stage="start").update(verified_by=people.board, verified_at=at(D(2024, 6, 20)))
    voucher = funds.disbursement_record(actor=office, household=august, amount=10_000_000, date=D(2024, 7, 20),
                                        voucher_number="PC0720", stage="start", fund=fund)  # fmt: skip
    funds.disbursement_approve(actor=people.board, disbursement=voucher)
    criteria = CriteriaSet.objects.create(movement=movement, level=a.level, frozen_at=at(D(2024, 4, 1)))
    Assessment.objects.create(
        participation=a, criteria_set=criteria, status="reviewed", due_on=D(2024, 10, 31),
        first_submitted_at=at(D(2024, 5, 20)), submitted_at=at(D(2024, 10, 1)), reviewed_at=at(D(2024, 11, 12)),
    )  # fmt: skip
    return movement


def test_a_june_mid_term_review_differs_from_the_december_final_review_where_the_data_did(year, tree):
    june = review_context(year, kind="so-ket", as_of=JUNE)
    december = review_context(year, kind="tong-ket", as_of=DECEMBER)
    # The August completion, the September receipt and the November score appear only in December's.
    assert (june["houses_completed"], december["houses_completed"]) == (1, 2)
    assert (june["houses_started"], december["houses_started"]) == (2, 2)
    assert (june["money_received"], december["money_received"]) == ("50.000.000 đ", "80.000.000 đ")
    assert (june["money_paid_from_funds"], december["money_paid_from_funds"]) == ("0 đ", "10.000.000 đ")
    assert (june["units_self_assessed"], june["units_scored"]) == (1, 0)
    assert (december["units_self_assessed"], december["units_scored"]) == (1, 1)
    assert (len(june["evaluation"]), len(december["evaluation"])) == (0, 1)
    # Obligations as they stood: Điện Hồng's was not yet due in June, overdue in December.
    assert (june["obligations_due"], june["obligations_late"]) == (1, 0)
    assert (december["obligations_due"], december["obligations_late"]) == (2, 1)
    for context, day in ((june, JUNE), (december, DECEMBER)):
        f = catalogue.for_unit(tree.town, as_of=day, movement=year)
        assert context["houses_planned"] == f.houses_planned == 3
        assert context["houses_completed"] == f.houses_completed
        assert context["registered"] == f.units_registered
        money = [m for m in context["money"] if m["name"] in REVIEW_MONEY]
        assert money == [{"name": n, "label": f.label(n), "value": format_vnd(f[n])} for n in REVIEW_MONEY]
        # In-kind help stands beside the money lines under its own labels, never among them.
        assert [m["name"] for m in context["money"][len(REVIEW_MONEY) :]] == list(REVIEW_IN_KIND)


def test_the_per_phase_rows_count_only_the_houses_listed_by_the_reports_day(year, tree, make_household):
    later = make_household(tree.area_a1, phase_year=2025)
    later.decision_date = D(2025, 1, 20)
    later.save()
    assert [r["year"] for r in review_context(year, kind="tong-ket", as_of=DECEMBER)["phases"]] == [2024]
    phases = review_context(year, kind="tong-ket", as_of=D(2025, 2, 1))["phases"]
    assert [(r["year"], r["planned"]) for r in phases] == [(2024, 3), (2025, 1)]


def test_a_receipt_dated_after_the_as_of_day_is_not_in_the_report(year):
    december = docx_text(review_docx(year, kind="tong-ket", as_of=DECEMBER))
    assert "- Đã vận động vào quỹ: 80.000.000 đ;" in december
    assert "100.000.000 đ" not in december
    january = docx_text(review_docx(year, kind="tong-ket", as_of=D(2025, 1, 31)))
    assert "- Đã vận động vào quỹ: 100.000.000 đ;" in january


def expected_lines(movement, unit, day: dt.date) -> list[str]:
    """What the catalogue says the report must show for `unit` and its children on `day`."""
    f = catalogue.for_unit(unit, as_of=day, movement=movement)
    lines = [f"- {f.label(name)}: {format_vnd(f[name])};" for name in
             ("money_received", "money_allocated", "money_paid_from_funds", "money_households_received")]  # fmt: skip
    lines.append(f"hoàn thành {f.houses_completed} nhà")
    lines.append(f"{f.units_scored} đơn vị đã được thẩm định, chấm điểm")
    for child, cf in catalogue.for_children(unit, as_of=day, movement=movement):
        percent = "—" if cf.houses_done_percent is None else f"{cf.houses_done_percent}%"
        lines.append(" | ".join([child.title, str(cf.houses_planned), str(cf.houses_completed), percent,
                                 format_vnd(cf.money_received), format_vnd(cf.money_households_received)]))  # fmt: skip
    return lines


def test_the_word_report_shows_the_catalogues_values_for_the_unit_and_each_child_row(year, tree):
    for kind, day in (("so-ket", JUNE), ("tong-ket", DECEMBER)):
        text = docx_text(review_docx(year, kind=kind, as_of=day))
        for line in expected_lines(year, tree.town, day):
            assert line in text, (day, line)
        assert "{{" not in text and "{%" not in text
    f = catalogue.FigureSet
    header = docx_text(review_docx(year, kind="so-ket", as_of=JUNE))
    assert f.label("money_received") in header and f.label("money_households_received") in header


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_the_pdf_report_shows_the_catalogues_values_as_of_its_date(year, tree):
    text = pdf_text(docx_to_pdf(review_docx(year, kind="so-ket", as_of=JUNE)))
    for line in expected_lines(year, tree.town, JUNE):
        # Table rows become runs of cells in the PDF's text: each cell's value must be there.
        for part in line.split(" | "):
            assert re.sub(r"\s+", " ", part) in text, part
    # The September receipt is after the mid-term date.
    assert "Đã vận động vào quỹ: 50.000.000 đ" in text and "Đã vận động vào quỹ: 80.000.000 đ" not in text


def test_the_review_page_previews_the_catalogues_money_as_of_the_chosen_day(client, people, year, tree):
    client.force_login(people.board)
    page = client.get(f"/bao-cao/phong-trao/{year.pk}/so-ket/?as_of=30/06/2024").content.decode()
    f = catalogue.for_unit(tree.town, as_of=JUNE, movement=year)
    shown = dict(re.findall(r'data-testid="review-money-value" data-figure="(\w+)">([^<]*)<', page))
    assert [shown[name] for name in REVIEW_MONEY] == [format_vnd(f[name]) for name in REVIEW_MONEY]
    assert set(shown) == {*REVIEW_MONEY, *REVIEW_IN_KIND}
    assert f.label("money_households_received") in page and "30/06/2024" in page


def _review_money(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="review-money-value" data-figure="(\w+)">([^<]*)<', page))


def test_a_past_movements_reports_opened_without_a_day_show_its_mid_term_and_final_days_not_today(
    client, people, year, tree
):
    """14/03–31/12/2024: the sơ kết defaults to the end of the month before the period's middle (31/07/2024),
    the tổng kết to the end of its review month (31/12/2024) — the September and January receipts fall
    between them and after both."""
    client.force_login(people.board)
    for kind, day in (("so-ket", D(2024, 7, 31)), ("tong-ket", D(2024, 12, 31))):
        page = client.get(f"/bao-cao/phong-trao/{year.pk}/{kind}/").content.decode()
        f = catalogue.for_unit(tree.town, as_of=day, movement=year)
        assert f"Số liệu tính đến ngày {day:%d/%m/%Y}" in page
        assert _review_money(page)["money_received"] == format_vnd(f.money_received)
    assert [catalogue.for_unit(tree.town, as_of=d, movement=year).money_received
            for d in (D(2024, 7, 31), D(2024, 12, 31))] == [50_000_000, 80_000_000]  # fmt: skip


def test_the_review_page_takes_the_day_as_ngay_like_every_other_page_with_figures(client, people, year):
    client.force_login(people.board)
    by_ngay = client.get(f"/bao-cao/phong-trao/{year.pk}/tong-ket/?ngay=30/06/2024").content.decode()
    by_as_of = client.get(f"/bao-cao/phong-trao/{year.pk}/tong-ket/?as_of=30/06/2024").content.decode()
    assert "Số liệu tính đến ngày 30/06/2024" in by_ngay
    assert _review_money(by_ngay) == _review_money(by_as_of)


def test_a_movement_counts_no_obligation_nor_participant_before_the_day_it_was_issued(
    tree, movement, participate, obligation
):
    """Issued 14/03/2024: a report as of 01/03/2024 knows nothing of it; one as of 01/04/2024 does."""
    participate(tree.commune_a)
    obligation(tree.commune_a, D(2024, 3, 31), done_on=D(2024, 3, 30))
    before = catalogue.for_unit(tree.town, as_of=D(2024, 3, 1))
    after = catalogue.for_unit(tree.town, as_of=D(2024, 4, 1))
    names = ("obligations_total", "obligations_on_time", "units_participating", "units_participating_communes")
    assert [before[name] for name in names] == [0, 0, 0, 0]
    assert [after[name] for name in names] == [1, 1, 1, 1]
