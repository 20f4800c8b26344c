"""Issue 17 in a real browser: a donor follows a transfer to the house, its stage photos and its
payments; the programme's rules refuse, in Vietnamese, a payment before its stage is verified, an
allocation above the plan without a reviewer's reason and a payment to a withdrawn household."""

import datetime as dt
import io

import pytest

from chungtay.funds.models import Allocation, Designation, Disbursement
from chungtay.funds.services import (
    DonorRef,
    allocation_record,
    disbursement_approve,
    disbursement_record,
    receipt_record,
)
from chungtay.housing import photos, services
from chungtay.housing.models import FundingPlanLine
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2024, 6, 1)


def test_a_donor_follows_one_transfer_to_the_house_its_photos_and_payments(
    page, people, tree, town_fund, give, make_household, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    give(town_fund, 30_000_000, name="Công ty Chung Tay")
    house = make_household(tree.area_a1, photo_consent=True)
    receipt_record(
        actor=people.town_office, fund=town_fund, donor=DonorRef(name="Nguyễn Văn Hảo Tâm"), amount=15_000_000,
        received_on=DAY, channel="chuyen_khoan", bank_ref="FT24HO0102", designation=Designation.HOUSEHOLD,
        designated_household=house, memo="UNG HO XAY NHA",
    )  # fmt: skip
    allocation_record(
        actor=people.town_office, household=house, fund=town_fund, amount=15_000_000, date=DAY, decision="QĐ 52"
    )
    jpeg = photos.make_jpeg(taken_at=dt.datetime(2024, 6, 10, 9), lat=15.8812, lon=108.2512)
    foundation = services.progress_record(
        actor=None, household=house, stage="foundation", date=dt.date(2024, 6, 10),
        photos=[services.UploadedPhoto("mong.jpg", io.BytesIO(jpeg))],
    )  # fmt: skip
    services.progress_verify(actor=people.town_office, update=foundation)
    voucher = disbursement_record(
        actor=people.town_office, household=house, fund=town_fund, amount=6_000_000, date=dt.date(2024, 6, 12),
        voucher_number="PC-0102", stage="foundation",
    )  # fmt: skip
    disbursement_approve(actor=people.board, disbursement=voucher)

    page.goto(page.base_url + "/cong-khai/ung-ho/")
    page.fill("[data-testid=receipt-search]", "FT24HO0102")
    page.wait_for_selector(f"[data-testid=designated-household]:has-text('{house.code}')")
    page.click("[data-testid=receipt-trace-link]")
    page.wait_for_selector("[data-testid=public-trace]")
    payments = page.inner_text("[data-testid=trace-payments]")
    assert "Xong móng" in payments and "6.000.000" in payments
    page.click("[data-testid=trace-household]")
    page.wait_for_selector("[data-testid=photos] img")
    assert house.code in page.inner_text("h1")
    assert house.head_name not in page.content() and house.citizen_id not in page.content()


def test_the_rules_refuse_in_vietnamese_what_the_programme_does_not_allow(
    page, browser, live_server, people, tree, town_fund, give, make_household
):
    give(town_fund, 60_000_000)
    planned, gone = make_household(tree.area_a1), make_household(tree.area_a1)
    FundingPlanLine.objects.create(household=planned, source="front_fund", amount=10_000_000)
    allocation_record(
        actor=people.town_office, household=gone, fund=town_fund, amount=5_000_000, date=DAY, decision="QĐ 1"
    )
    allocation_record(
        actor=people.town_office, household=planned, fund=town_fund, amount=10_000_000, date=DAY, decision="QĐ 2"
    )
    roof = disbursement_record(
        actor=people.town_office, household=planned, fund=town_fund, amount=3_000_000, date=DAY,
        voucher_number="PC-MAI", stage="roof",
    )  # fmt: skip
    services.household_withdraw(actor=people.town_office, household=gone, reason="Chuyển đi nơi khác", on=DAY)

    login(page, "office")
    # An allocation above the plan line, without a reviewer's reason.
    page.goto(page.base_url + f"/quy/phan-bo/?ho={planned.code}")
    page.select_option("select[name=origin]", f"fund:{town_fund.pk}")
    page.fill("input[name=amount]", "5.000.000")
    page.fill("input[name=date]", "02/06/2024")
    page.fill("input[name=decision]", "Quyết định 60/QĐ-MTTQ")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=vượt kế hoạch nguồn")
    assert "Cần người duyệt cho phép vượt và ghi lý do" in page.content()
    # A payment to a withdrawn household.
    page.goto(page.base_url + f"/quy/chi/lap/?ho={gone.code}")
    page.select_option("select[name=origin]", f"fund:{town_fund.pk}")
    page.fill("input[name=amount]", "1.000.000")
    page.fill("input[name=date]", "03/06/2024")
    page.fill("input[name=voucher_number]", "PC-RUT")
    page.select_option("select[name=stage]", "start")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=đã rút khỏi danh sách hỗ trợ; không chi tiền cho hộ này")

    # A payment for a roof nobody has verified.
    context = browser.new_context(locale="vi-VN")
    board = context.new_page()
    board.base_url = live_server.url
    login(board, "board")
    board.goto(board.base_url + "/quy/chi/")
    board.on("dialog", lambda dialog: dialog.accept())
    board.click("[data-testid=disbursements] >> text=Duyệt")
    board.wait_for_selector(f"text=Giai đoạn “Lợp mái” của hộ {planned.code} chưa được xác nhận")
    context.close()

    assert Allocation.objects.filter(household=planned).count() == 1
    assert not Disbursement.objects.filter(household=gone).exists()
    assert Disbursement.objects.get(pk=roof.pk).status == "recorded"
