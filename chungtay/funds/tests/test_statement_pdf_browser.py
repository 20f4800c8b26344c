"""The office imports each big bank's statement, as its internet banking exports it (Excel) and as the bank
prints it (PDF), in a real browser: right bank, counts and totals."""

import pytest

from chungtay.funds.models import BankStatement, StatementLine
from chungtay.funds.tests.test_statement_layouts import BANK_NAMES, LAYOUTS, OPENING, statement
from chungtay.funds.tests.test_statement_pdf import printed
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


def test_every_banks_excel_and_pdf_statement_is_checked_and_one_is_imported_in_the_browser(
    page, live_server, people, town_fund, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    login(page, "office")
    files = [(bank, kind) for bank in LAYOUTS for kind in ("xlsx", "pdf")]
    for bank, kind in files:
        town_fund.account_number = LAYOUTS[bank]["account"]
        town_fund.save()
        path = tmp_path / f"sao-ke-{bank}.{kind}"
        path.write_bytes(printed(bank) if kind == "pdf" else statement(bank))
        page.goto(page.base_url + f"/quy/quy/{town_fund.pk}/sao-ke/")
        page.set_input_files("input[type=file]", str(path))
        page.click("text=Kiểm tra tệp")
        header = page.inner_text("[data-testid=statement-header]")
        counts = page.inner_text("[data-testid=statement-counts]")
        assert f"Ngân hàng: {BANK_NAMES[bank]}" in header, (bank, kind)
        assert "số dư cuối kỳ: 11.889.000 đ" in header.replace("\xa0", " "), (bank, kind, header)
        assert "Giao dịch: 5" in counts and "mới: 5" in counts, (bank, kind, counts)
        assert "tổng ghi có: 1.900.000 đ" in counts.replace("\xa0", " "), (bank, kind, counts)
        assert "tổng ghi nợ: 11.000 đ" in counts.replace("\xa0", " "), (bank, kind, counts)
    # The last one (MB, printed) is confirmed: five lines, one statement with its closing balance.
    page.click("[data-testid=confirm-statement]")
    page.wait_for_load_state()
    assert StatementLine.objects.filter(fund=town_fund).count() == 5
    assert BankStatement.objects.get(fund=town_fund).closing_balance == OPENING + 1_900_000 - 11_000
    # The bank's Excel export of the same month adds nothing: every line is recognised as imported.
    page.goto(page.base_url + f"/quy/quy/{town_fund.pk}/sao-ke/")
    page.set_input_files("input[type=file]", str(tmp_path / "sao-ke-mb.xlsx"))
    page.click("text=Kiểm tra tệp")
    counts = page.inner_text("[data-testid=statement-counts]")
    assert "mới: 0" in counts and "đã nhập trước (bỏ qua): 5" in counts, counts
