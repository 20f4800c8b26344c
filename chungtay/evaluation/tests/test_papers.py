"""Every paper of the evaluation cycle (issue 18): each Word template fills with no tag left, converts to
PDF with the key text, no word of its heading broken across lines (core/tests/pdf_lines.py), numbers
in the Vietnamese way; the decision carries the cash of the Giấy khen; the province's awards go in
their own tờ trình and dossier, not into the town's memo."""

import io
import zipfile

import pytest

from chungtay.campaigns import services as campaigns
from chungtay.core import docgen
from chungtay.core.tests.pdf_lines import heading_breaks, pdftotext_available
from chungtay.evaluation import documents, papers, services
from chungtay.evaluation.models import Recipient
from chungtay.orgunits.models import Role
from conftest import make_user

from .conftest import day

pytestmark = pytest.mark.django_db
needs_office = pytest.mark.skipif(not docgen.libreoffice_available(), reason="LibreOffice (soffice) is not installed")
needs_pdftotext = pytest.mark.skipif(not pdftotext_available(), reason="poppler-utils (pdftotext) is not installed")
TOWN = "Ủy ban MTTQ Việt Nam thị xã Điện Bàn"


@pytest.fixture
def cycle(approved, movement, tree, people, tmp_path, monkeypatch):
    """Vĩnh Điện (101 points) proposed for the province's Bằng khen, Điện Hồng (78) for the town's Giấy
    khen, a person of Vĩnh Điện for a Giấy khen; a meeting of 9 passes them all; a draft decision."""
    monkeypatch.setattr(docgen, "DOCX_DIR", tmp_path / "docx")  # built from the code, not the committed copy
    office = people.town_office
    merit = services.award_form_create(
        actor=office, movement=movement, name="Bằng khen", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=2, decided_here=False,
    )  # fmt: skip
    paper = services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer=TOWN, recipient=Recipient.COLLECTIVE, quota=6
    )
    person = services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer=TOWN, recipient=Recipient.INDIVIDUAL, quota=6
    )
    services.proposals_from_ranking(actor=office, award_form=merit, count=1)
    services.proposals_from_ranking(actor=office, award_form=paper, count=1)
    services.proposal_add(
        actor=office, award_form=person, unit=tree.commune_a, person_name="Nguyễn Thị Thu Trang",
        position="Phó Chủ tịch", achievements="Vận động 12 căn nhà đại đoàn kết",
    )  # fmt: skip
    meeting = services.meeting_create(
        actor=office, movement=movement, held_on=day(1), place="Hội trường Ủy ban MTTQ thị xã", chair="Lê Văn Khánh",
        secretary="Phan Thị Thu Sương, Chuyên viên", attendees=9,
    )  # fmt: skip
    for p in [*merit.proposals.all(), *paper.proposals.all(), *person.proposals.all()]:
        services.vote_record(actor=office, meeting=meeting, proposal=p, agree=8, disagree=1)
    decision = services.decision_create(
        actor=office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2), signer_name="Phan Văn Hòa",
        memo_number="24/TTr-VP",
    )  # fmt: skip
    return movement, meeting, decision, merit.proposals.get()


def _text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    return "\n".join(
        [p.text for p in doc.paragraphs]
        + [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    ).replace(docgen.NBSP, " ")


def _papers(cycle):  # type: ignore[no-untyped-def]
    """(name, context, docx) of every paper of the cycle."""
    movement, meeting, decision, upward = cycle
    made = []
    for kind, (name, make, _title) in papers.MOVEMENT_PAPERS.items():
        made.append((kind, make(movement), papers.render(name, make(movement))))
    for kind, (name, make, _title) in papers.MEETING_PAPERS.items():
        made.append((kind, make(meeting), papers.render(name, make(meeting))))
    name, make, _title = papers.PROPOSAL_PAPERS["bao-cao-thanh-tich"]
    made.append(("bao-cao-thanh-tich", make(upward), papers.render(name, make(upward))))
    for kind, (_name, make) in documents.RENDERERS.items():
        made.append((kind, make(decision), documents.render_docx(decision, kind)))
    return made


# Key text of each paper: sender, addressee, and the figures it must carry.
EXPECTED = {
    "huong-dan-cham-diem": ["HƯỚNG DẪN", "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam các xã, phường thuộc thị "
                            "xã Điện Bàn",
                            "3.2.1.a", "Xuất sắc: từ 90 điểm", "Tính từ số liệu"],
    "to-trinh-cap-tren": ["TỜ TRÌNH", "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
                          "phường Vĩnh Điện", "101", "Xuất sắc", "8/9", "Bằng khen (1)"],
    "giay-moi": ["GIẤY MỜI", "Hội trường Ủy ban MTTQ thị xã", "Lê Văn Khánh", "3 đề nghị"],
    "bien-ban-hop": ["BIÊN BẢN", "Thư ký: Phan Thị Thu Sương, Chuyên viên. Số thành viên dự họp: 9", "THƯ KÝ",
                     "CHỦ TRÌ HỘI NGHỊ", "Xuất sắc", "Thông qua",
                     "khen thưởng 2 tập thể, cá nhân thuộc thẩm quyền", "cấp trên khen thưởng 1 tập thể"],
    "bien-ban-kiem-phieu": ["BIÊN BẢN KIỂM PHIẾU", "88,9%", "3 đề nghị được thông qua", "TRƯỞNG BAN"],
    "bao-cao-thanh-tich": ["BÁO CÁO THÀNH TÍCH", "Đề nghị tặng Bằng khen", "xếp loại Xuất sắc", "3.2.1.a"],
    "to-trinh": ["TỜ TRÌNH", "CHÁNH VĂN PHÒNG", "8/9 tán thành", "xã Điện Hồng"],
    "quyet-dinh": ["QUYẾT ĐỊNH", "06/2022/QH15", "98/2023/NĐ-CP", "1.404.000 đ", "702.000 đ",
                   "tổng cộng 2.106.000 đồng"],
}  # fmt: skip


def test_every_paper_fills_every_tag_with_its_key_text(cycle):
    made = _papers(cycle)
    assert {kind for kind, _c, _d in made} == set(EXPECTED)
    for kind, _context, data in made:
        text = _text(data)
        assert "{{" not in text and "{%" not in text, kind
        for expected in EXPECTED[kind]:
            assert expected in text, (kind, expected)


def test_the_province_s_awards_stay_out_of_the_town_s_memo_and_decision(cycle):
    _movement, _meeting, decision, _upward = cycle
    for kind in ("to-trinh", "quyet-dinh"):
        names = [a["form"] for a in documents.RENDERERS[kind][1](decision)["awardees"]]
        assert names and "Bằng khen" not in names, kind


def test_the_dossier_upward_is_one_package_with_the_memo_minutes_tally_and_each_report(cycle):
    movement, *_ = cycle
    archive = zipfile.ZipFile(io.BytesIO(papers.upward_dossier(movement, with_pdf=False)))
    names = archive.namelist()
    assert names == [
        "01-to-trinh-cap-tren.docx", "02-bien-ban-hop.docx", "03-bien-ban-kiem-phieu.docx",
        "04-bao-cao-thanh-tich-01-uy-ban-mttq-viet-nam-phuong-vinh-dien.docx",
    ]  # fmt: skip
    assert "tỉnh Quảng Nam" in _text(archive.read(names[0]))


@needs_office
@needs_pdftotext
def test_every_paper_converts_to_pdf_with_no_word_of_its_heading_broken(cycle):
    for kind, context, data in _papers(cycle):
        pdf = docgen.docx_to_pdf(data)
        assert heading_breaks(pdf, context["org_parent"], context["org_name"]) == [], kind
        text = docgen.pdf_text(pdf)
        assert EXPECTED[kind][0] in text, kind


def test_the_dossier_upward_goes_to_the_committee_directly_above_the_issuing_one(movement, tree, people):
    """A town's goes to its province; a province-level committee's (a city's since 2025) to the Central
    committee, never to itself. The guide and the decision report to the same committee."""
    province_office = make_user("province_office", tree.province, Role.OFFICE)
    city = campaigns.movement_create(
        actor=province_office, issuing_unit=tree.province, symbol="12/KH-MTTQ-BTT", issued_on=day(-100),
        title="Phong trào thi đua của tỉnh", starts_on=day(-100), ends_on=day(30), review_month=day(40),
    )  # fmt: skip
    for m, above in ((movement, "Ủy ban MTTQ Việt Nam tỉnh Quảng Nam"), (city, "Ủy ban Trung ương MTTQ Việt Nam")):
        context = papers.upward_context(m)
        assert context["addressee"] == f"Ban Thường trực {above}"
        assert context["org_parent"] != above
        assert f"Ban Thường trực {above} (b/c)" in papers.guide_context(m)["recipients"]


def test_the_guide_says_which_criteria_are_taken_from_their_sources(movement, people):
    services.criterion_source_set(actor=people.town_office, movement=movement, code="3.2.1.c", source="contest")
    services.criterion_source_set(actor=people.town_office, movement=movement, code="3.2.3.a", source="good_models")
    how = {c["code"]: c["how"] for c in papers.guide_context(movement)["criteria"]}
    assert how["3.2.1.c"] == "Lấy từ kết quả Cuộc thi cán bộ Mặt trận cơ sở giỏi"
    assert how["3.2.3.a"] == "Lấy từ mô hình hay được công nhận"
    assert how["3.2.1.a"] == "Tự chấm, Văn phòng thẩm định"


def test_the_minutes_are_signed_by_the_secretary_on_the_left_and_the_chair_on_the_right(cycle):
    from docx import Document

    _movement, meeting, _decision, _upward = cycle
    data = papers.render(papers.MINUTES, papers.minutes_context(meeting))
    signatures = Document(io.BytesIO(data)).tables[-1].rows[0].cells
    left = [p.text for p in signatures[0].paragraphs if p.text.strip()]
    right = [p.text for p in signatures[1].paragraphs if p.text.strip()]
    assert left == ["THƯ KÝ", "Phan Thị Thu Sương"]
    assert right == ["CHỦ TRÌ HỘI NGHỊ", "Lê Văn Khánh"]


def test_minutes_of_a_meeting_without_a_named_secretary_leave_the_name_for_the_pen(cycle):
    _movement, meeting, _decision, _upward = cycle
    meeting.secretary = ""
    text = _text(papers.render(papers.MINUTES, papers.minutes_context(meeting)))
    assert "Thư ký: ……………………." in text and "THƯ KÝ" in text and "{{" not in text
