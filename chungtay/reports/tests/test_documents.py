"""Urging notices and sơ kết / tổng kết reports: Word in the Decree 30/2020 layout, filled from data,
converted to PDF by LibreOffice, the text checked."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document as Docx

from chungtay.core.docgen import docx_to_pdf, libreoffice_available, pdf_text
from chungtay.core.errors import DomainError
from chungtay.core.tests.pdf_lines import heading_breaks, pdftotext_available
from chungtay.funds.models import Channel, FundKind
from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record
from chungtay.reports.models import Notification, UrgingNotice
from chungtay.reports.services import RECIPIENTS, _org_parent, review_docx, urging_notice_issue

from .conftest import TODAY

pytestmark = pytest.mark.django_db
needs_libreoffice = pytest.mark.skipif(
    not libreoffice_available(), reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)


def docx_text(data: bytes) -> str:
    document = Docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@needs_libreoffice
def test_the_office_issues_an_urging_notice_listing_each_units_overdue_items(
    media, people, tree, obligation, make_household
):
    obligation(tree.commune_a, dt.date(2024, 10, 25), kind="progress_report", title="Báo cáo tháng 10")
    obligation(tree.area_a1, dt.date(2024, 10, 31), kind="self_assessment", title="Tự chấm điểm khối phố")
    house = make_household(tree.area_b1, status="started", phase_year=2023)  # due 31/12/2023
    notice = urging_notice_issue(
        actor=people.town_office,
        issuing_unit=tree.town,
        units=[tree.commune_a, tree.commune_b],
        number="85/MTTQ-BTT",
        today=TODAY,
        deadline=dt.date(2024, 12, 12),
        signer_name="Lê Văn Khánh",
    )
    assert UrgingNotice.objects.get() == notice and set(notice.units.all()) == {tree.commune_a, tree.commune_b}
    word = docx_text(notice.docx.file.read())
    assert "Số: 85/MTTQ-BTT" in word and "V/v đôn đốc thực hiện các việc quá hạn" in word and "trễ hạn" not in word
    assert "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam phường Vĩnh Điện; " in word
    assert "1. Phường Vĩnh Điện (2 việc):" in word
    assert "- Báo cáo tháng 10 (phong trào 199/KH-MTTQ-BTT) — hạn 25/10/2024, trễ 38 ngày;" in word
    assert "Tự chấm điểm khối phố" in word  # an area's item is listed under its commune
    assert f"Nhà hộ {house.head_name} ({house.code})" in word
    assert "12/12/2024" in word and "{{" not in word and "{%" not in word
    pdf = notice.pdf.file.read()
    if pdftotext_available():
        assert (
            heading_breaks(pdf, _org_parent(tree.town), f"Ban Thường trực Ủy ban MTTQ Việt Nam {tree.town.title}") == []
        )
    text = pdf_text(pdf)
    assert "CÔNG VĂN" in text and "Phường Vĩnh Điện (2 việc)" in text and "Lưu VT" in text
    assert "Lê Văn Khánh" in text
    assert Notification.objects.filter(user=people.commune_a_staff, kind="urging").count() == 1


def test_an_urging_notice_needs_late_units_and_the_right_to_remind(media, people, tree, obligation):
    obligation(tree.commune_a, dt.date(2024, 12, 20))  # not yet due
    with pytest.raises(DomainError, match="không còn việc quá hạn chưa thực hiện"):
        urging_notice_issue(
            actor=people.town_office, issuing_unit=tree.town, units=[tree.commune_a], number="86/MTTQ-BTT", today=TODAY
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        urging_notice_issue(actor=people.board, issuing_unit=tree.town, units=[tree.commune_a], number="1", today=TODAY)
    with pytest.raises(DomainError, match="cấp dưới"):
        urging_notice_issue(
            actor=people.town_office,
            issuing_unit=tree.town,
            units=[tree.other_district],
            number="87/MTTQ-BTT",
            today=TODAY,
        )


@pytest.fixture
def story(people, tree, participate, obligation, make_household, complaint, movement):
    from chungtay.campaigns.models import Activity, GoodModel

    participate(tree.commune_a)
    participate(tree.commune_b, late=True)
    obligation(tree.commune_a, dt.date(2024, 3, 31), done_on=dt.date(2024, 3, 30))
    obligation(tree.commune_b, dt.date(2024, 3, 31))
    Activity.objects.create(
        movement=movement,
        unit=tree.commune_a,
        kind="launch_conference",
        title="Phát động",
        held_on=dt.date(2024, 4, 8),
        attendance=86,
    )
    Activity.objects.create(
        movement=movement,
        unit=tree.commune_a,
        kind="training",
        title="Tập huấn",
        held_on=dt.date(2024, 5, 17),
        attendance=42,
    )
    GoodModel.objects.create(
        movement=movement,
        unit=tree.commune_a,
        title="Ngày công thiện nguyện",
        field="housing",
        description="Góp ngày công dựng nhà",
        status="recognised",
        decided_at=timezone.make_aware(dt.datetime(2024, 5, 20, 10)),
    )
    make_household(tree.area_a1, status="handed_over", phase_year=2024, completed_on=dt.date(2024, 8, 1))
    make_household(tree.area_a1, status="completed", phase_year=2024, completed_on=dt.date(2024, 9, 1))
    make_household(tree.area_b1, status="building", phase_year=2024)
    complaint(tree.commune_b, due_on=dt.date(2024, 11, 20))
    fund = fund_create(
        actor=people.town_office, unit=tree.town, kind=FundKind.FOR_THE_POOR, name="Quỹ Vì người nghèo", code="vnn-db"
    )
    receipt_record(
        actor=people.town_office,
        fund=fund,
        donor=donor_find_or_create(unit=tree.town, name="Công ty A"),
        amount=60_000_000,
        received_on=dt.date(2024, 5, 1),
        channel=Channel.BANK,
        bank_ref="FT001",
    )
    return movement


def test_the_review_report_is_filled_with_every_figure_in_word(story):
    text = docx_text(
        review_docx(
            story, kind="so-ket", as_of=dt.date(2024, 6, 30), number="12/BC-MTTQ-BTT", signer_name="Lê Văn Khánh"
        )
    )
    assert "Số: 12/BC-MTTQ-BTT" in text and "Sơ kết phong trào thi đua năm 2024" in text
    assert "có 2 đơn vị tham gia thi đua (2 xã, phường; 0 khu dân cư); 2 đơn vị đã đăng ký" in text
    assert "trong đó 1 đơn vị đăng ký trễ hạn" in text
    assert "1 hội nghị phát động; 1 hội nghị, lớp bồi dưỡng, tập huấn với 42 lượt người" in text
    assert "Tổng số hộ được phê duyệt hỗ trợ: 3 hộ, kinh phí Nhà nước hỗ trợ 180.000.000 đ" in text
    # Both houses were completed after June (August, September): none is in the mid-term report.
    assert "hoàn thành 0 nhà (đạt 0%), trong đó đã bàn giao 0 nhà" in text
    assert "- Đã vận động vào quỹ: 60.000.000 đ;" in text
    assert "Ngày công thiện nguyện (phường Vĩnh Điện)" in text
    assert "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI" in text
    for line in RECIPIENTS:
        assert f"- {line};" in text
    assert "{{" not in text and "{%" not in text


@needs_libreoffice
def test_the_final_report_converts_to_pdf_with_the_figures_and_the_distribution_list(story):
    pdf = docx_to_pdf(review_docx(story, kind="tong-ket", as_of=TODAY, signer_name="Lê Văn Khánh"))
    if pdftotext_available():
        assert (
            heading_breaks(
                pdf, _org_parent(unit := story.issuing_unit), f"Ban Thường trực Ủy ban MTTQ Việt Nam {unit.title}"
            )
            == []
        )
    text = pdf_text(pdf)
    assert "BÁO CÁO" in text and "Tổng kết phong trào thi đua năm 2024" in text
    assert "hoàn thành 2 nhà" in text and "60.000.000 đ" in text and "180.000.000 đ" in text
    assert "Nơi nhận:" in text
    for line in ("BTT UBMTTQ tỉnh (b/c)", "Thị ủy (b/c)", "Ban Dân vận Thị ủy", "UBND thị xã", "Lưu VT"):
        assert line in text
    assert "PHƯƠNG HƯỚNG, KIẾN NGHỊ, ĐỀ XUẤT" in text and "Lê Văn Khánh" in text
