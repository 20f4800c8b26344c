"""A small evaluation taken to a signed decision and its certificates in a real browser: the
office reviews, the board approves the ranking, the office records the meeting and drafts the
decision, the board signs, certificates download."""

import pytest

from chungtay.evaluation import services
from chungtay.evaluation.models import Assessment, Decision, Recipient
from conftest import login

from .conftest import FULL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_review_to_signed_decision_and_certificates(page, live_server, movement, tree, people, submitted,
                                                         artifacts_dir, settings, tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    office = people.town_office
    for name, minimum in [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65)]:
        services.band_save(actor=office, movement=movement, name=name, minimum=minimum)
    services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=6,
    )  # fmt: skip
    a = submitted(tree.commune_a, people.commune_a_staff)
    submitted(tree.commune_b, people.commune_b_staff, {**FULL, "3.2.1.a": 18})

    login(page, "office")
    page.goto(page.base_url + f"/danh-gia/ban/{a.pk}/tham-dinh/")
    page.fill("[data-testid='review-3.2.1.a']", "25")
    page.click("[data-testid=mark-reviewed]")
    assert "cần ghi lý do" in page.inner_text("body")
    page.fill("[data-testid='reason-3.2.1.a']", "Quy chế chưa có biên bản thông qua")
    page.click("[data-testid=mark-reviewed]")
    page.wait_for_selector("text=Đã thẩm định xong")
    other = Assessment.objects.get(participation__unit=tree.commune_b)
    page.goto(page.base_url + f"/danh-gia/ban/{other.pk}/tham-dinh/")
    page.click("[data-testid=mark-reviewed]")
    page.wait_for_selector("text=Đã thẩm định xong")
    page.screenshot(path=str(artifacts_dir / "danh-gia-bang-theo-doi.png"), full_page=True)

    page.context.clear_cookies()
    login(page, "board")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/xep-hang/")
    page.fill("[data-testid=approve-form] input[name=note]", "Nhất trí kết quả")
    page.click("[data-testid=approve-form] button[type=submit]")
    page.wait_for_selector("[data-testid=approved]")
    assert "Quy tắc xếp hạng" in page.inner_text("[data-testid=tie-rules]")
    rows = page.inner_text("[data-testid=ranking-table]")
    assert rows.index("Vĩnh Điện") < rows.index("Điện Hồng")

    page.context.clear_cookies()
    login(page, "office")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/khen-thuong/")
    page.select_option("[data-testid=from-ranking-form] select[name=award_form]", index=1)
    page.fill("[data-testid=from-ranking-form] input[name=count]", "2")
    page.click("[data-testid=from-ranking-form] button[type=submit]")
    page.wait_for_selector("text=Đã đề nghị 2 đơn vị")
    page.fill("[data-testid=meeting-form] input[name=held_on]", "16/12/2024")
    page.fill("[data-testid=meeting-form] input[name=place]", "Hội trường Ủy ban MTTQ thị xã")
    page.fill("[data-testid=meeting-form] input[name=chair]", "Lê Văn Khánh")
    page.fill("[data-testid=meeting-form] input[name=secretary]", "Trần Thị Mỹ Duyên")
    page.fill("[data-testid=meeting-form] input[name=attendees]", "9")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector("[data-testid=votes-form]")
    for row in page.query_selector_all("[data-testid=votes-form] tbody tr"):
        row.query_selector("input[name^=agree_]").fill("9")
        row.query_selector("input[name^=disagree_]").fill("0")
    page.click("[data-testid=votes-form] button[type=submit]")
    page.wait_for_selector("text=Đã ghi kết quả biểu quyết 2 đề nghị")
    page.goto(page.base_url + f"/danh-gia/phong-trao/{movement.pk}/khen-thuong/")
    page.fill("[data-testid=decision-form] input[name=number]", "25/QĐ-MTTQ-BTT")
    page.fill("[data-testid=decision-form] input[name=signed_on]", "20/12/2024")
    page.fill("[data-testid=decision-form] input[name=memo_number]", "24/TTr-MTTQ-BTT")
    page.fill("[data-testid=decision-form] input[name=signer_name]", "Lê Văn Khánh")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_selector("text=Đã lập dự thảo quyết định số 25/QĐ-MTTQ-BTT")
    with page.expect_download() as download:
        page.click("text=Quyết định (Word)")
    assert download.value.suggested_filename.endswith(".docx")

    page.context.clear_cookies()
    login(page, "board")
    decision = Decision.objects.get()
    page.goto(page.base_url + f"/danh-gia/quyet-dinh/{decision.pk}/")
    page.click("[data-testid=sign-form] button[type=submit]")
    page.wait_for_selector("text=Đã ký ban hành")
    assert "Đã ký ban hành" in page.inner_text("[data-testid=decision-status]")
    page.screenshot(path=str(artifacts_dir / "danh-gia-quyet-dinh.png"), full_page=True)
    response = page.request.get(page.base_url + page.get_attribute("[data-testid=certificate-link] >> nth=0", "href"))
    assert response.ok and response.body()[:5] == b"%PDF-"
    with page.expect_download(timeout=60000) as download:  # one WeasyPrint render per awardee
        page.click("[data-testid=certificates-zip]")
    assert download.value.suggested_filename.endswith(".zip")
