"""Awards by the rules in a real browser (issue 18): the board cannot lock the ranking while a
commune is "trả lại bổ sung" — the commune stays listed with its state until the office records why it
is left out; a Cờ thi đua conferred at town level and a second award for the same achievement are each
refused with the reason on the page."""

import pytest

from chungtay.evaluation import services
from chungtay.evaluation.models import AwardForm, Proposal, Recipient
from conftest import login

from .conftest import FULL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_locking_waits_for_returned_units_and_awards_follow_the_rules(page, live_server, movement, tree, people,
                                                                      submitted, bands):  # fmt: skip
    office = people.town_office
    a = submitted(tree.commune_a, people.commune_a_staff)
    b = submitted(tree.commune_b, people.commune_b_staff, FULL)
    services.assessment_mark_reviewed(actor=office, assessment=a)
    services.assessment_return(actor=office, assessment=b, comment="Bổ sung biên bản 3.2.1.a")

    login(page, "board")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/xep-hang/")
    assert "Trả lại để bổ sung" in page.inner_text("[data-testid=unranked] tr[data-unit='Điện Hồng']")
    page.click("[data-testid=approve-form] button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert "xã Điện Hồng (Trả lại để bổ sung)" in page.inner_text(".alert-danger")
    assert page.query_selector("[data-testid=approved]") is None

    page.context.clear_cookies()
    login(page, "office")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/xep-hang/")
    page.fill("[data-testid=exclude-form] input[name=reason]", "Không bổ sung minh chứng trong hạn")
    page.click("[data-testid=exclude-form] button[type=submit]")
    page.wait_for_selector("text=Đã ghi lý do không xếp hạng")

    page.context.clear_cookies()
    login(page, "board")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/xep-hang/")
    page.click("[data-testid=approve-form] button[type=submit]")
    page.wait_for_selector("[data-testid=approved]")
    row = page.inner_text("[data-testid=unranked] tr[data-unit='Điện Hồng']")
    assert "Trả lại để bổ sung" in row and "Không bổ sung minh chứng trong hạn" in row

    page.context.clear_cookies()
    login(page, "office")
    awards = page.base_url + f"/danh-gia/phong-trao/{movement.pk}/khen-thuong/"
    page.goto(awards)
    form = "[data-testid=add-award-form]"
    page.fill(f"{form} input[name=name]", "Cờ thi đua")
    page.fill(f"{form} input[name=issuer]", "Ban Thường trực Ủy ban MTTQ Việt Nam thị xã Điện Bàn")
    page.fill(f"{form} input[name=quota]", "1")
    page.check(f"{form} input[name=decided_here]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert "không được tặng Cờ thi đua" in page.inner_text(".alert-danger")
    assert not AwardForm.objects.filter(name="Cờ thi đua").exists()

    page.fill(f"{form} input[name=name]", "Bằng khen")
    page.fill(f"{form} input[name=issuer]", "Ủy ban MTTQ Việt Nam tỉnh Quảng Nam")
    page.fill(f"{form} input[name=quota]", "2")
    page.uncheck(f"{form} input[name=decided_here]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=Đã thêm hình thức “Bằng khen”")
    services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=6,
    )  # fmt: skip
    for name in ("Bằng khen", "Giấy khen"):
        page.goto(awards)
        proposal = "[data-testid=proposal-form]"
        page.select_option(f"{proposal} select[name=award_form]", label=f"{name} (Tập thể)")
        page.select_option(f"{proposal} select[name=unit]", label="phường Vĩnh Điện")
        page.fill(f"{proposal} textarea[name=achievements]", "Dẫn đầu phong trào")
        page.click(f"{proposal} button[type=submit]")
        page.wait_for_selector(".alert")
    assert "cùng một thành tích" in page.inner_text(".alert-danger")
    assert list(Proposal.objects.values_list("award_form__name", flat=True)) == ["Bằng khen"]
