"""The generated documents are converted to PDF and page images and their text is checked, so a
broken template fails here."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from chungtay.core import docgen
from chungtay.core.pdf import pdf_available
from chungtay.core.tests.pdf_lines import heading_breaks, pdftotext_available
from chungtay.evaluation import documents, services
from chungtay.evaluation.models import Recipient
from chungtay.orgunits.models import Level

from .conftest import FULL, day

pytestmark = pytest.mark.django_db
needs_office = pytest.mark.skipif(not docgen.libreoffice_available(), reason="LibreOffice (soffice) is not installed")

NAMES = ["Ủy ban MTTQ Việt Nam phường Vĩnh Điện", "Ủy ban MTTQ Việt Nam xã Điện Hồng", "Nguyễn Thị Thu Trang"]


@pytest.fixture
def decision(submitted, movement, tree, people, tmp_path, monkeypatch):
    monkeypatch.setattr(docgen, "DOCX_DIR", tmp_path / "docx")  # built from the code, not the committed copy
    for unit, staff in ((tree.commune_a, people.commune_a_staff), (tree.commune_b, people.commune_b_staff)):
        services.assessment_mark_reviewed(actor=people.town_office, assessment=submitted(unit, staff, FULL))
    services.band_save(actor=people.town_office, movement=movement, name="Xuất sắc", minimum=90)
    services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)
    collective = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=6,
    )  # fmt: skip
    person = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.INDIVIDUAL, quota=6,
    )  # fmt: skip
    services.proposals_from_ranking(actor=people.town_office, award_form=collective, count=2)
    services.proposal_add(
        actor=people.town_office, award_form=person, unit=tree.commune_a, person_name="Nguyễn Thị Thu Trang",
        position="Phó Chủ tịch", achievements="Vận động 12 căn nhà đại đoàn kết",
    )  # fmt: skip
    meeting = services.meeting_create(
        actor=people.town_office, movement=movement, held_on=day(1), place="Hội trường", chair="Chủ tịch",
        attendees=7,
    )  # fmt: skip
    for p in [*collective.proposals.all(), *person.proposals.all()]:
        services.vote_record(actor=people.town_office, meeting=meeting, proposal=p, agree=7, disagree=0)
    return services.decision_create(
        actor=people.town_office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2),
        signer_name="Phan Văn Hòa", memo_number="24/TTr-MTTQ-BTT",
    )  # fmt: skip


def test_the_word_documents_are_filled_with_no_tag_left(decision):
    import io

    from docx import Document

    for kind in ("to-trinh", "quyet-dinh"):
        doc = Document(io.BytesIO(documents.render_docx(decision, kind)))
        text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells
        )
        assert "{{" not in text and "{%" not in text, kind
        for name in NAMES:
            assert name in text, (kind, name)


@needs_office
def test_the_decision_and_memo_convert_to_pdf_with_number_awardees_and_signer(decision, tmp_path):
    decision_pdf = docgen.docx_to_pdf(documents.render_docx(decision, "quyet-dinh"))
    text = docgen.pdf_text(decision_pdf)
    for expected in ["QUYẾT ĐỊNH", "Số: 25/QĐ-MTTQ-BTT", "Phan Văn Hòa", "DANH SÁCH KHEN THƯỞNG",
                     "Tờ trình số 24/TTr-MTTQ-BTT", "Khen thưởng 2 tập thể và 1 cá nhân", *NAMES]:  # fmt: skip
        assert expected in text, expected
    memo = docgen.pdf_text(docgen.docx_to_pdf(documents.render_docx(decision, "to-trinh")))
    for expected in ["TỜ TRÌNH", "Số: 24/TTr-MTTQ-BTT", "CHÁNH VĂN PHÒNG", *NAMES]:
        assert expected in memo, expected
    if shutil.which("pdftoppm"):
        source = tmp_path / "qd.pdf"
        source.write_bytes(decision_pdf)
        binary = shutil.which("pdftoppm") or "pdftoppm"
        arguments = [binary, "-png", "-r", "50", "-f", "1", "-l", "2", str(source), str(tmp_path / "trang")]
        subprocess.run(arguments, check=True, timeout=60)  # noqa: S603 - fixed arguments, our temp files
        pages = sorted(tmp_path.glob("trang*.png"))
        assert len(pages) == 2 and pages[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_office
def test_signing_keeps_the_signed_documents(decision, people):
    from chungtay.core.documents import documents_for

    services.decision_sign(actor=people.board, decision=decision)
    names = sorted(d.original_name for d in documents_for(decision))
    assert names == [
        "quyet-dinh-25-qd-mttq-btt.docx", "quyet-dinh-25-qd-mttq-btt.pdf",
        "to-trinh-25-qd-mttq-btt.docx", "to-trinh-25-qd-mttq-btt.pdf",
    ]  # fmt: skip


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint cannot load Pango")
def test_certificates_carry_every_awardee_name_with_its_diacritics(decision, people):
    from chungtay.evaluation.selectors import awardees

    services.decision_sign(actor=people.board, decision=decision, store_documents=False)
    people_awarded = awardees(decision)
    pdf = documents.certificates_pdf(decision, people_awarded)
    text = docgen.pdf_text(pdf)
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    for name in NAMES:
        assert name in text, name
    assert "GIẤY KHEN" in text.upper() and "25/QĐ-MTTQ-BTT" in text
    archive = documents.certificates_zip(decision, people_awarded)
    import zipfile

    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 3


def test_the_decision_cites_the_2022_law_and_decree_98_among_its_bases(decision):
    bases = documents.decision_context(decision)["bases"]
    assert bases[:2] == [
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết thi hành một số điều "
        "của Luật Thi đua, khen thưởng",
    ]
    text = _docx_text(documents.render_docx(decision, "quyet-dinh"))
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;" in text
    assert "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023" in text


def test_the_memo_goes_from_the_office_to_the_standing_board_signed_by_the_head_of_the_office(decision):
    text = _docx_text(documents.render_docx(decision, "to-trinh"))
    assert "ỦY BAN MTTQ VIỆT NAM THỊ XÃ ĐIỆN BÀN\nVĂN PHÒNG" in text.replace(docgen.NBSP, " ")
    assert "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam thị xã Điện Bàn." in text
    assert "Văn phòng Ủy ban MTTQ Việt Nam thị xã Điện Bàn kính trình Ban Thường trực xem xét" in text
    assert "CHÁNH VĂN PHÒNG" in text and "CHỦ TỊCH" not in text and "Phan Văn Hòa" not in text
    assert "TM. BAN THƯỜNG TRỰC" not in text


def test_scores_in_the_memo_are_written_with_a_decimal_comma(decision):
    scores = [a["score"] for a in documents.memo_context(decision)["awardees"] if a["score"]]
    assert scores and all("." not in s for s in scores)
    assessment = decision.proposals.exclude(assessment=None).first().assessment
    assessment.final_total = Decimal("95.96")
    assessment.save(update_fields=["final_total"])
    assert "95,96" in _docx_text(documents.render_docx(decision, "to-trinh"))


@needs_office
@pytest.mark.skipif(not pdftotext_available(), reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize("kind", ["to-trinh", "quyet-dinh"])
def test_no_word_of_the_heading_is_broken_across_lines_in_the_pdf(decision, kind):
    context = documents.RENDERERS[kind][1](decision)
    pdf = docgen.docx_to_pdf(documents.render_docx(decision, kind))
    assert heading_breaks(pdf, context["org_parent"], context["org_name"]) == []


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint cannot load Pango")
@pytest.mark.skipif(not pdftotext_available(), reason="poppler-utils (pdftotext) is not installed")
def test_no_word_of_the_certificate_heading_is_broken_across_lines(decision, people):
    from chungtay.evaluation.selectors import awardees

    services.decision_sign(actor=people.board, decision=decision, store_documents=False)
    pdf = documents.certificates_pdf(decision, awardees(decision)[:1])
    assert heading_breaks(pdf, "Ủy ban MTTQ Việt Nam thị xã Điện Bàn", "Ban Thường trực") == []


def _docx_text(data: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    return "\n".join(
        [p.text for p in doc.paragraphs]
        + [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    )


def test_the_histories_of_an_assessment_and_a_decision_show_their_scores_and_awards(client, decision, people):
    """The inspector reads who changed which criterion's score and why, and who was put into the decision,
    on the object's own history page, not only in the log of everything."""
    assessment = decision.proposals.filter(assessment__isnull=False).first().assessment
    client.force_login(people.inspector)
    page = client.get(reverse("core:audit_object", args=["evaluation.assessment", assessment.pk]))
    lines = [e for e in page.context["entries"] if e.content_type.model == "assessmentline"]
    assert lines and all(e.actor in (people.commune_a_staff, people.commune_b_staff) for e in lines)
    assert "3.2.1.a" in page.content.decode()
    page = client.get(reverse("core:audit_object", args=["evaluation.decision", decision.pk]))
    proposals = {e.object_pk for e in page.context["entries"] if e.content_type.model == "proposal"}
    assert proposals == {str(p.pk) for p in decision.proposals.all()}


def test_the_decision_names_only_the_kinds_of_awardee_it_has(decision):
    assert documents.decision_context(decision)["awarded"] == "2 tập thể và 1 cá nhân"
    decision.proposals.filter(award_form__recipient=Recipient.INDIVIDUAL).update(decision=None)
    assert documents.decision_context(decision)["awarded"] == "2 tập thể"
    assert "0 cá nhân" not in _docx_text(documents.render_docx(decision, "quyet-dinh"))
