"""The office imports a statement, reconciles it, allocates and pays — in a real browser."""

import pytest

from chungtay.funds.ledger import account_for, verify
from chungtay.funds.models import AccountKind, Disbursement, Receipt, Transfer
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENT = """NGÂN HÀNG TMCP MẪU
SAO KÊ TÀI KHOẢN
Số tài khoản:,0041000123456
Ngày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Số dư,Nội dung
02/06/2024 08:00:00,FT001,,"70,000,000","70,000,000",NGUYEN VAN HAI ung ho xoa nha tam
03/06/2024 09:30:00,FT002,,"5,000,000","75,000,000",ung ho nha dot nat
03/06/2024 09:31:00,FEE01,"11,000",,"74,989,000",PHI CHUYEN TIEN
Tổng cộng,,"11,000","75,000,000",,
"""


def test_statement_to_disbursement_in_the_browser(
    page, browser, live_server, people, tree, town_fund, make_household, tmp_path, settings, verified
):
    settings.MEDIA_ROOT = tmp_path
    household = make_household(tree.area_a1)
    login(page, "office")
    page.goto(page.base_url + f"/quy/quy/{town_fund.pk}/sao-ke/")
    statement = tmp_path / "sao-ke-thang-6.csv"
    statement.write_text(STATEMENT, encoding="utf-8")
    page.set_input_files("input[type=file]", str(statement))
    page.click("text=Kiểm tra tệp")
    assert "mới: 3" in page.inner_text("[data-testid=statement-counts]")
    assert Receipt.objects.count() == 0
    page.click("[data-testid=confirm-statement]")
    page.wait_for_selector("text=chờ đối soát 1")
    # The unnamed credit waits in the queue; a person settles it.
    assert "ung ho nha dot nat" in page.inner_text("[data-testid=reconcile-queue]")
    page.click("[data-testid=reconcile-queue] >> text=Xử lý")
    page.fill("input[name=donor_name]", "Nhóm thiện nguyện Phố Cổ")
    page.select_option("select[name=designation]", "phong_trao")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=Không còn giao dịch chờ đối soát.")
    assert Receipt.objects.count() == 2

    page.goto(page.base_url + "/quy/phan-bo/")
    page.select_option("select[name=origin]", f"fund:{town_fund.pk}")
    page.fill("input[name=household_code]", household.code)
    page.fill("input[name=amount]", "60.000.000")
    page.fill("input[name=date]", "10/06/2024")
    page.fill("input[name=decision]", "Quyết định 15/QĐ-MTTQ-BTT ngày 09/6/2024")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("[data-testid=household-money]")

    page.goto(page.base_url + f"/quy/chi/lap/?ho={household.code}")
    page.select_option("select[name=origin]", f"fund:{town_fund.pk}")
    page.fill("input[name=amount]", "20.000.000")
    page.fill("input[name=date]", "12/06/2024")
    page.fill("input[name=voucher_number]", "PC-0001")
    page.select_option("select[name=stage]", "start")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=chờ người khác duyệt")
    assert Disbursement.objects.get().status == "recorded"

    # The standing board approves in its own session.
    context = browser.new_context(locale="vi-VN")
    board = context.new_page()
    board.base_url = live_server.url
    login(board, "board")
    board.goto(board.base_url + "/quy/chi/")
    board.on("dialog", lambda dialog: dialog.accept())
    # The start is not verified yet: the tranche waits (programme rule, on by default).
    board.click("[data-testid=disbursements] >> text=Duyệt")
    board.wait_for_selector("text=chưa được xác nhận")
    verified(household, "start")
    board.click("[data-testid=disbursements] >> text=Duyệt")
    board.wait_for_selector("text=Đã duyệt phiếu chi PC-0001")
    context.close()
    assert Disbursement.objects.get().status == "approved"
    assert account_for(AccountKind.DISBURSED, fund=town_fund, household=household).balance == 20_000_000
    assert account_for(AccountKind.FUND_CASH, fund=town_fund).balance == 75_000_000 - 11_000 - 60_000_000
    assert verify() == []


def test_the_province_office_transfers_to_a_communes_fund_choosing_the_district_first(
    page, tree, many, give, province_office, funds
):
    give(funds["province"], 50_000_000, actor=province_office)
    login(page, "tinh")
    page.goto(page.base_url + f"/quy/quy/{funds['province'].pk}/chuyen/")
    cascade = "[data-testid=unit-cascade-to_fund]"
    assert "phường Vĩnh Điện" not in page.inner_text(f"{cascade} select[name=to_fund]")
    page.select_option(f"{cascade} select[name=to_fund__cap]", label="thị xã Điện Bàn")
    commune_fund = "Quỹ vận động phường Vĩnh Điện — phường Vĩnh Điện"
    page.wait_for_selector(f"{cascade} select[name=to_fund] option:text('{commune_fund}')", state="attached")
    assert "Duy Xuyên" not in page.inner_text(f"{cascade} select[name=to_fund]")
    page.select_option(f"{cascade} select[name=to_fund]", label=commune_fund)
    page.fill("input[name=amount]", "10.000.000")
    page.fill("input[name=date]", "10/06/2024")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=Đã chuyển quỹ")
    assert Transfer.objects.get().to_fund.unit == tree.commune_a
