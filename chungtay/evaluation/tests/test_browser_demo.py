"""The demo through a whole evaluation in a real browser (issue 18): the office finishes the review and
records why the returned and unfinished communes are left out, the board locks the ranking, the office
proposes from the ranking — the province's Cờ thi đua upward, the town's Giấy khen — records
the meeting and its votes and drafts the decision, the board signs a decision that holds only what the
town may confer, and the dossier for the province downloads as one package."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chungtay.campaigns.models import Movement
from chungtay.evaluation.models import Assessment, Decision, Proposal, ProposalStatus
from chungtay.orgunits.demo import DEMO_PASSWORD
from chungtay.reports.demo import DEMO_DAY
from conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.libreoffice,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]


def _as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)


def test_the_demo_goes_from_review_to_a_lawful_decision_and_a_dossier_for_the_province(
    page, live_server, settings, tmp_path
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    page.set_default_timeout(180_000)  # signing converts the papers with LibreOffice on a busy machine
    call_command("load_demo", "--quiet-logins")
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    base = page.base_url + f"/danh-gia/phong-trao/{movement.pk}"

    _as(page, "vanphong")
    for pk in Assessment.objects.filter(participation__level=3, status="submitted").values_list("pk", flat=True):
        page.goto(page.base_url + f"/danh-gia/ban/{pk}/tham-dinh/")
        page.click("[data-testid=mark-reviewed]")
        page.wait_for_selector("text=Đã thẩm định xong")
    page.goto(base + "/xep-hang/")
    unranked = page.inner_text("[data-testid=unranked]")
    assert unranked.count("Trả lại để bổ sung") == 3 and "Đang tự chấm" in unranked
    while page.query_selector("[data-testid=exclude-form]"):
        page.fill("[data-testid=exclude-form] input[name=reason]", "Không hoàn thiện hồ sơ trong thời hạn bình xét")
        page.click("[data-testid=exclude-form] button[type=submit]")
        page.wait_for_selector("text=Đã ghi lý do không xếp hạng")

    _as(page, "chutich")
    page.goto(base + "/xep-hang/")
    page.click("[data-testid=approve-form] button[type=submit]")
    page.wait_for_selector("[data-testid=approved]")

    _as(page, "vanphong")
    # The ranking's leader (band "Xuất sắc") goes up for the province's Cờ thi đua; three more get the
    # town's Giấy khen (a second award for the leader would be refused: one award per achievement).
    for label, count in (("Cờ thi đua (Tập thể)", "1"), ("Giấy khen (Tập thể)", "3")):
        page.goto(base + "/khen-thuong/")
        page.select_option("[data-testid=from-ranking-form] select[name=award_form]", label=label)
        page.fill("[data-testid=from-ranking-form] input[name=count]", count)
        page.click("[data-testid=from-ranking-form] button[type=submit]")
        page.wait_for_selector(".alert")
        assert page.query_selector(".alert-danger") is None, (label, page.inner_text(".alert-danger"))
    page.fill("[data-testid=meeting-form] input[name=held_on]", "16/12/2024")
    page.fill("[data-testid=meeting-form] input[name=place]", "Hội trường Ủy ban MTTQ thị xã")
    page.fill("[data-testid=meeting-form] input[name=chair]", "Lê Văn Khánh")
    page.fill("[data-testid=meeting-form] input[name=secretary]", "Trần Thị Mỹ Duyên")
    page.fill("[data-testid=meeting-form] input[name=attendees]", "9")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector("[data-testid=votes-form]")
    for row in page.query_selector_all("[data-testid=votes-form] tbody tr"):
        row.query_selector("input[name^=agree_]").fill("8")
        row.query_selector("input[name^=disagree_]").fill("1")
    proposed = Proposal.objects.filter(award_form__movement=movement)
    assert {p.award_form.name for p in proposed} == {"Cờ thi đua", "Giấy khen"} and proposed.count() == 4
    page.click("[data-testid=votes-form] button[type=submit]")
    page.wait_for_selector(f"text=Đã ghi kết quả biểu quyết {proposed.count()} đề nghị")
    assert "Biên bản kiểm phiếu" in page.inner_text("[data-testid=meeting-papers]")
    page.goto(base + "/khen-thuong/")
    page.fill("[data-testid=decision-form] input[name=number]", "25/QĐ-MTTQ-BTT")
    page.fill("[data-testid=decision-form] input[name=signed_on]", "20/12/2024")
    page.fill("[data-testid=decision-form] input[name=memo_number]", "24/TTr-VP")
    page.fill("[data-testid=decision-form] input[name=signer_name]", "Lê Văn Khánh")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_selector("text=Đã lập dự thảo quyết định số 25/QĐ-MTTQ-BTT")
    decision = Decision.objects.get(number="25/QĐ-MTTQ-BTT")
    assert {p.award_form.name for p in decision.proposals.all()} == {"Giấy khen"}

    _as(page, "chutich")
    page.goto(page.base_url + f"/danh-gia/quyet-dinh/{decision.pk}/")
    page.click("[data-testid=sign-form] button[type=submit]")
    page.wait_for_selector("text=Đã ký ban hành Quyết định số 25/QĐ-MTTQ-BTT", timeout=300_000)
    assert set(decision.proposals.values_list("status", flat=True)) == {ProposalStatus.DECIDED}

    page.goto(base + "/khen-thuong/")
    with page.expect_download(timeout=600_000) as download:
        page.click("[data-testid=upward-dossier]")
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = archive.namelist()
    assert "01-to-trinh-cap-tren.docx" in names and "02-bien-ban-hop.pdf" in names
    upward = proposed.filter(award_form__decided_here=False).count()
    assert sum(1 for n in names if n.startswith("04-bao-cao-thanh-tich") and n.endswith(".docx")) == upward
