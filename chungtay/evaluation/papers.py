"""The other papers of an evaluation cycle, each a Word template staff can edit (templates/docx/) in
the Decree 30/2020 layout, rendered with docxtpl and turned into PDF by LibreOffice (core.docgen):

- hướng dẫn chấm điểm (the Ban Thường trực to the communes' committees: criteria, bands, ties, due day);
- giấy mời to the review conference, biên bản of the evaluation meeting and biên bản kiểm phiếu;
- tờ trình to the committee above (the province's, for a town) for the awards beyond the issuing
  committee's competence (the dossier upward);
- báo cáo thành tích of each nominee.

The tờ trình to the Ban Thường trực and the quyết định with its danh sách are in `documents`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from chungtay.campaigns.models import CriterionKind, Movement
from chungtay.campaigns.selectors import current_set
from chungtay.core import docgen
from chungtay.core.dates import vn_long_date
from chungtay.core.money import format_decimal_vn
from chungtay.core.text import fold
from chungtay.orgunits.models import Level

from . import selectors
from .models import TIE_RULES, Meeting, Proposal, Recipient, Source
from .sources import sources_of

GUIDE = "danh-gia-huong-dan-cham-diem.docx"
INVITATION = "danh-gia-giay-moi.docx"
MINUTES = "danh-gia-bien-ban-hop.docx"
TALLY = "danh-gia-bien-ban-kiem-phieu.docx"
UPWARD = "danh-gia-to-trinh-cap-tren.docx"
ACHIEVEMENTS = "danh-gia-bao-cao-thanh-tich.docx"


# --- Template builders -----------------------------------------------------------------------------
def _table(document: Any, headers: list[str], widths_mm: list[int], cells: list[str], loop: str) -> None:
    """A bordered table: a bold header row, then one row per item of `loop` ("x in items")."""
    from docx.shared import Mm, Pt

    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    widths = [Mm(w) for w in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    table.rows[1].cells[0].paragraphs[0].text = f"{{%tr for {loop} %}}"
    for cell, text, width in zip(table.rows[2].cells, cells, widths, strict=True):
        cell.paragraphs[0].text = ""
        cell.paragraphs[0].add_run(text).font.size = Pt(12)
        cell.width = width
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"


def _lines(document: Any, items: str, line: str) -> None:
    docgen.paragraph(document, f"{{%p for x in {items} %}}", align="left")
    docgen.paragraph(document, line)
    docgen.paragraph(document, "{%p endfor %}", align="left")


def build_guide() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "Kính gửi: {{ addressee }}.", align="center", space_after=8)
        docgen.paragraph(
            document,
            "Thực hiện {{ plan }}, Ban Thường trực Ủy ban MTTQ Việt Nam {{ town_title }} hướng dẫn việc tự chấm "
            "điểm, thẩm định và bình xét thi đua {{ level_name }} trong {{ movement_title }} như sau:",
            space_after=6,
        )
        docgen.paragraph(document, "1. Thang điểm và cách chấm", bold=True)
        _table(
            document,
            ["Mã", "Tiêu chí", "Điểm tối đa", "Cách chấm"],
            [18, 85, 22, 40],
            ["{{ c.code }}", "{{ c.title }}", "{{ c.points }}", "{{ c.how }}"],
            "c in criteria",
        )
        docgen.paragraph(document, "2. Xếp loại", bold=True)
        _lines(document, "bands", "- {{ x }};")
        docgen.paragraph(document, "3. Xếp hạng khi bằng điểm", bold=True)
        _lines(document, "tie_rules", "- {{ x }}")
        docgen.paragraph(
            document,
            "4. Các đơn vị tự chấm điểm, kèm minh chứng, gửi về Văn phòng Ủy ban MTTQ Việt Nam {{ town_title }} "
            "trước ngày {{ due_on }}. Văn phòng thẩm định, trả lại để bổ sung nếu thiếu minh chứng; Ban Thường "
            "trực phê duyệt kết quả và khóa điểm khi mọi đơn vị đã có kết quả cuối cùng./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="HƯỚNG DẪN", body=body)


def build_invitation() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "Kính gửi: {{ addressee }}.", align="center", space_after=8)
        docgen.paragraph(
            document,
            "Ban Thường trực Ủy ban MTTQ Việt Nam {{ town_title }} tổ chức Hội nghị bình xét thi đua, khen thưởng "
            "{{ movement_title }}.",
        )
        docgen.paragraph(document, "Thời gian: ngày {{ held_on }}.")
        docgen.paragraph(document, "Địa điểm: {{ place }}.")
        docgen.paragraph(document, "Chủ trì: {{ chair }}.")
        docgen.paragraph(
            document,
            "Nội dung: thông qua kết quả chấm điểm, xếp loại đã được thẩm định; bình xét, biểu quyết các tập thể, "
            "cá nhân đề nghị khen thưởng ({{ proposals }} đề nghị).",
        )
        docgen.paragraph(
            document,
            "Ban Thường trực trân trọng kính mời {{ addressee_short }} đến dự Hội nghị đúng thời gian, địa điểm "
            "trên./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="GIẤY MỜI", body=body)


def build_minutes() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(
            document,
            "Hôm nay, ngày {{ held_on }}, tại {{ place }}, Ban Thường trực Ủy ban MTTQ Việt Nam {{ town_title }} "
            "họp bình xét thi đua, khen thưởng {{ movement_title }}.",
        )
        docgen.paragraph(
            document,
            "Chủ trì: {{ chair }}. Thư ký: {{ secretary }}. Số thành viên dự họp: {{ attendees }}.",
            space_after=6,
        )
        docgen.paragraph(document, "I. Kết quả chấm điểm, xếp loại đã được thẩm định", bold=True)
        _table(
            document,
            ["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"],
            [16, 89, 30, 30],
            ["{{ r.rank }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.band }}"],
            "r in results",
        )
        docgen.paragraph(document, "{%p if unranked %}", align="left")
        docgen.paragraph(document, "Không xếp hạng: {{ unranked }}.", italic=True)
        docgen.paragraph(document, "{%p endif %}", align="left")
        docgen.paragraph(document, "II. Kết quả biểu quyết đề nghị khen thưởng", bold=True)
        _table(
            document,
            ["TT", "Tập thể, cá nhân", "Hình thức", "Tán thành", "Kết quả"],
            [10, 65, 40, 22, 28],
            ["{{ loop.index }}", "{{ v.name }}", "{{ v.form }}", "{{ v.agree }}/{{ attendees }}", "{{ v.result }}"],
            "v in votes",
        )
        docgen.paragraph(document, "III. Kết luận", bold=True)
        docgen.paragraph(
            document,
            "Hội nghị thống nhất đề nghị Ban Thường trực khen thưởng {{ passed_here }} tập thể, cá nhân thuộc thẩm "
            "quyền và đề nghị cấp trên khen thưởng {{ passed_up }} tập thể, cá nhân. Biên bản lập xong lúc kết "
            "thúc hội nghị, đã thông qua cho các thành viên dự họp cùng nghe và nhất trí./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="BIÊN BẢN", body=body, minutes=True)


def build_tally() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(
            document,
            "Tại Hội nghị bình xét thi đua, khen thưởng ngày {{ held_on }} ({{ place }}), Ban kiểm phiếu tiến hành "
            "kiểm phiếu biểu quyết đề nghị khen thưởng {{ movement_title }}.",
        )
        docgen.paragraph(
            document,
            "Số thành viên dự họp: {{ attendees }}. Đề nghị được thông qua khi có trên một nửa số thành viên dự "
            "họp tán thành.",
            space_after=6,
        )
        _table(
            document,
            ["TT", "Tập thể, cá nhân", "Hình thức", "Tán thành", "Không tán thành", "Không biểu quyết", "Tỷ lệ"],
            [10, 47, 30, 20, 20, 20, 18],
            [
                "{{ loop.index }}",
                "{{ v.name }}",
                "{{ v.form }}",
                "{{ v.agree }}",
                "{{ v.disagree }}",
                "{{ v.abstain }}",
                "{{ v.share }}",
            ],
            "v in votes",
        )
        docgen.paragraph(
            document,
            "Kết quả: {{ passed }} đề nghị được thông qua, {{ rejected }} đề nghị không được thông qua./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="BIÊN BẢN KIỂM PHIẾU", body=body)


def build_upward() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "Kính gửi: {{ addressee }}.", align="center", space_after=8)
        docgen.paragraph(
            document,
            "Thực hiện {{ plan }}, ngày {{ meeting_date }} Ban Thường trực Ủy ban MTTQ Việt Nam {{ town_title }} đã "
            "họp bình xét thi đua, khen thưởng với {{ attendees }} thành viên dự họp. Căn cứ kết quả chấm điểm, xếp "
            "loại đã được phê duyệt và kết quả biểu quyết tại hội nghị, Ban Thường trực Ủy ban MTTQ Việt Nam "
            "{{ town_title }} kính đề nghị {{ addressee_short }} xem xét, tặng {{ forms_summary }} cho "
            "{{ count }} tập thể, cá nhân có thành tích xuất sắc trong {{ movement_title }}, cụ thể:",
            space_after=6,
        )
        _table(
            document,
            ["TT", "Tập thể, cá nhân", "Điểm", "Xếp loại", "Hình thức đề nghị", "Biểu quyết"],
            [10, 55, 18, 22, 35, 25],
            ["{{ loop.index }}", "{{ a.name }}", "{{ a.score }}", "{{ a.band }}", "{{ a.form }}", "{{ a.votes }}"],
            "a in awardees",
        )
        docgen.paragraph(
            document,
            "Hồ sơ kèm theo: biên bản họp bình xét, biên bản kiểm phiếu và báo cáo thành tích của từng tập thể, "
            "cá nhân. Kính đề nghị {{ addressee_short }} xem xét, quyết định./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="TỜ TRÌNH", body=body)


def build_achievements() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", bold=True)
        docgen.paragraph(document, "{{ profile }}")
        docgen.paragraph(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
        docgen.paragraph(document, "{{ achievements }}")
        docgen.paragraph(document, "{%p if lines %}", align="left")
        docgen.paragraph(document, "Kết quả chấm điểm theo tiêu chí đã được thẩm định ({{ total }} điểm, {{ band }}):")
        docgen.paragraph(document, "{%p endif %}", align="left")
        _table(
            document,
            ["Mã", "Tiêu chí", "Điểm tối đa", "Điểm đạt"],
            [18, 97, 25, 25],
            ["{{ x.code }}", "{{ x.title }}", "{{ x.max }}", "{{ x.score }}"],
            "x in lines",
        )
        docgen.paragraph(document, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True)
        docgen.paragraph(document, "{{ past_awards }}", space_after=12)

    return docgen.nd30_skeleton(kind_title="BÁO CÁO THÀNH TÍCH", body=body)


PAPER_TEMPLATES: dict[str, Callable[[], Any]] = {
    GUIDE: build_guide,
    INVITATION: build_invitation,
    MINUTES: build_minutes,
    TALLY: build_tally,
    UPWARD: build_upward,
    ACHIEVEMENTS: build_achievements,
}


# --- Contexts ------------------------------------------------------------------------------------
def _blank_dateline(place: str, year: int) -> str:
    """A paper the office dates when it signs: the day and month left for the pen."""
    return f"{place}, ngày …… tháng …… năm {year}"


def _base(movement: Movement) -> dict[str, Any]:
    town = movement.issuing_unit
    return {
        "org_parent": f"Ủy ban MTTQ Việt Nam {town.title}",
        "org_name": "Ban Thường trực",
        "town_title": town.title,
        "movement_title": f"{movement.title[:1].lower()}{movement.title[1:]} ({movement.symbol})",
        "plan": f"Kế hoạch số {movement.symbol} ngày {movement.issued_on:%d/%m/%Y}",
        "signer_title": "TM. BAN THƯỜNG TRỰC",
        "signer_role": "CHỦ TỊCH",
        "signer_name": "",
        "dateline": _blank_dateline(town.name, movement.ends_on.year),
    }


WHO: dict[int, str] = {Level.COMMUNE: "các xã, phường", Level.AREA: "các khu dân cư"}
KIND_HOW: dict[str, str] = {
    CriterionKind.REVIEWED: "Tự chấm, Văn phòng thẩm định",
    CriterionKind.COMPUTED: "Tính từ số liệu của phần mềm",
    CriterionKind.YES_NO: "Đạt: đủ điểm; không đạt: 0",
    CriterionKind.BONUS: "Điểm thưởng",
    CriterionKind.PENALTY: "Điểm trừ",
}


def _how(criterion: Any, sources: dict[str, str]) -> str:
    """How a criterion is scored; one scored from another part of the system (CriterionSource) says which."""
    source = sources.get(criterion.code)
    if source:
        label = str(Source(source).label)
        return f"Lấy từ {label[:1].lower()}{label[1:]}"
    return KIND_HOW.get(criterion.kind, "")


def guide_context(movement: Movement, level: int = Level.COMMUNE) -> dict[str, Any]:
    context = _base(movement)
    sources = sources_of(movement)
    criteria_set = current_set(movement, level)
    criteria = list(criteria_set.criteria.all().order_by("order", "pk")) if criteria_set else []
    participation = movement.participations.filter(level=level).select_related("movement").first()
    due = selectors.self_assessment_due(participation) if participation else movement.ends_on
    bands = selectors.bands_of(movement)
    context.update(
        doc_number="……/HD-MTTQ-BTT",
        summary=f"Chấm điểm, xếp loại thi đua năm {movement.ends_on.year}",
        addressee=f"Ban Thường trực Ủy ban MTTQ Việt Nam {WHO.get(level, 'các đơn vị')} thuộc {context['town_title']}",
        level_name=str(Level(level).label).lower(),
        criteria=[
            {
                "code": c.code,
                "title": c.title,
                "points": "" if c.is_group else format_decimal_vn(c.max_points),
                "how": "" if c.is_group else _how(c, sources),
            }
            for c in criteria
        ],
        bands=[f"{b.name}: từ {format_decimal_vn(b.minimum)} điểm" for b in bands] or ["(chưa thiết lập)"],
        tie_rules=[str(r) for r in TIE_RULES],
        due_on=f"{due:%d/%m/%Y}",
        recipients=["Như trên", f"{superior_committee(movement)} (b/c)", "Lưu: VT, VP"],
    )
    return context


def _proposals(movement: Movement) -> list[Proposal]:
    return list(
        Proposal.objects.filter(award_form__movement=movement)
        .select_related("unit", "award_form", "assessment", "assessment__band")
        .order_by("award_form__order", "order", "pk")
    )


def _name(p: Proposal) -> str:
    if p.award_form.recipient == Recipient.INDIVIDUAL:
        return ", ".join(x for x in (p.person_name, p.position, p.unit.committee_title) if x)
    return p.unit.committee_title


def invitation_context(meeting: Meeting) -> dict[str, Any]:
    movement = meeting.movement
    context = _base(movement)
    context.update(
        doc_number="……/GM-MTTQ-BTT",
        summary="Dự Hội nghị bình xét thi đua, khen thưởng",
        addressee="Các đồng chí Ủy viên Ban Thường trực, đại diện các đơn vị dự Hội nghị",
        addressee_short="các đồng chí",
        held_on=f"{meeting.held_on:%d/%m/%Y}",
        place=meeting.place,
        chair=meeting.chair,
        proposals=len([p for p in _proposals(movement) if p.status != "rejected"]),
        recipients=["Như trên", "Lưu: VT, VP"],
    )
    return context


def _votes(meeting: Meeting) -> list[dict[str, Any]]:
    rows = []
    for vote in meeting.votes.select_related("proposal__unit", "proposal__award_form").order_by(
        "proposal__award_form__order", "proposal__order", "proposal_id"
    ):
        p = vote.proposal
        share = format_decimal_vn(vote.agree * 100 / meeting.attendees, places=1)
        rows.append(
            {
                "name": _name(p), "form": p.award_form.name, "agree": vote.agree, "disagree": vote.disagree,
                "abstain": vote.abstain, "share": f"{share}%", "passed": vote.passed,
                "result": "Thông qua" if vote.passed else "Không thông qua", "decided_here": p.award_form.decided_here,
            }
        )  # fmt: skip
    return rows


def _person(name_and_title: str) -> str:
    """The name under a signature: "Lê Văn Khánh, Chủ tịch" signs as "Lê Văn Khánh"."""
    return name_and_title.split(",", 1)[0].strip()


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    movement = meeting.movement
    context = _base(movement)
    data = selectors.ranking(movement, Level.COMMUNE)
    votes = _votes(meeting)
    context.update(
        doc_number="……/BB-MTTQ-BTT",
        summary="Họp bình xét thi đua, khen thưởng",
        dateline=vn_long_date(meeting.held_on, movement.issuing_unit.name),
        held_on=f"{meeting.held_on:%d/%m/%Y}",
        place=meeting.place,
        chair=meeting.chair,
        secretary=meeting.secretary or "……………………",
        attendees=meeting.attendees,
        results=[
            {
                "rank": a.rank or i,
                "unit": a.participation.unit.committee_title,
                "total": format_decimal_vn(a.final_total),
                "band": a.band.name if a.band else "",
            }
            for i, a in enumerate(data["rows"], start=1)
        ],
        unranked="; ".join(
            f"{u.unit.full_title} ({u.exclusion.reason if u.exclusion else u.state})" for u in data["unranked"]
        ),
        votes=votes,
        passed_here=sum(1 for v in votes if v["passed"] and v["decided_here"]),
        passed_up=sum(1 for v in votes if v["passed"] and not v["decided_here"]),
        signer_title="CHỦ TRÌ HỘI NGHỊ",
        signer_role="",
        signer_name=_person(meeting.chair),
        secretary_title="THƯ KÝ",
        secretary_name=_person(meeting.secretary),
        recipients=["Ban Thường trực", "Lưu: VT, VP"],
    )
    return context


def tally_context(meeting: Meeting) -> dict[str, Any]:
    context = minutes_context(meeting)
    votes = context["votes"]
    context.update(
        doc_number="……/BB-KP",
        summary="Kiểm phiếu biểu quyết đề nghị khen thưởng",
        org_name="Ban Kiểm phiếu",
        passed=sum(1 for v in votes if v["passed"]),
        rejected=sum(1 for v in votes if not v["passed"]),
        signer_title="TM. BAN KIỂM PHIẾU",
        signer_role="TRƯỞNG BAN",
        signer_name="",
    )
    return context


def superior_committee(movement: Movement) -> str:
    """Where the dossier upward goes: the standing board of the committee directly above the issuing one
    (a proposal for a Central award passes through the province too); above a province-level committee,
    the Central committee's. Named as on the day of the movement: the parent a unit had then stays its
    parent after a reorganisation."""
    parent = movement.issuing_unit.parent
    if parent is None or parent.level == Level.COUNTRY:
        return "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"
    return f"Ban Thường trực {parent.committee_title}"


def upward_context(movement: Movement) -> dict[str, Any]:
    context = _base(movement)
    proposals = selectors.upward_proposals(movement)
    meeting = movement.award_meetings.order_by("-held_on", "-pk").first()
    votes = {v.proposal_id: v for v in meeting.votes.all()} if meeting else {}
    superior = superior_committee(movement)
    by_form: dict[str, int] = {}
    for p in proposals:
        by_form[p.award_form.name] = by_form.get(p.award_form.name, 0) + 1
    context.update(
        doc_number="……/TTr-MTTQ-BTT",
        summary=f"Về việc đề nghị khen thưởng phong trào thi đua năm {movement.ends_on.year}",
        addressee=superior,
        addressee_short=superior,
        meeting_date=f"{meeting.held_on:%d/%m/%Y}" if meeting else "……",
        attendees=meeting.attendees if meeting else "……",
        forms_summary=", ".join(f"{name} ({n})" for name, n in by_form.items()) or "……",
        count=len(proposals),
        awardees=[
            {
                "name": _name(p),
                "score": format_decimal_vn(p.assessment.final_total) if p.assessment else "",
                "band": p.assessment.band.name if p.assessment and p.assessment.band else "",
                "form": f"{p.award_form.name} ({p.award_form.issuer})",
                "votes": f"{votes[p.pk].agree}/{meeting.attendees}" if meeting and p.pk in votes else "",
            }
            for p in proposals
        ],
        recipients=["Như trên", "Lưu: VT, VP"],
    )
    return context


def achievements_context(proposal: Proposal) -> dict[str, Any]:
    movement = proposal.award_form.movement
    unit = proposal.unit
    individual = proposal.award_form.recipient == Recipient.INDIVIDUAL
    assessment = proposal.assessment
    lines = []
    if assessment is not None and not individual:
        for line in assessment.lines.select_related("criterion").order_by("criterion__order", "criterion_id"):
            score = line.effective_review
            lines.append(
                {
                    "code": line.criterion.code,
                    "title": line.criterion.title,
                    "max": format_decimal_vn(line.criterion.max_points),
                    "score": format_decimal_vn(score) if score is not None else "",
                }
            )
    context = _base(movement)
    context.update(
        org_parent=f"Ủy ban MTTQ Việt Nam {movement.issuing_unit.title}",
        org_name=f"Ủy ban MTTQ Việt Nam {unit.title}",
        doc_number="……/BC-MTTQ",
        dateline=_blank_dateline(unit.name, movement.ends_on.year),
        summary=f"Đề nghị tặng {proposal.award_form.name} ({proposal.award_form.issuer})",
        profile=(
            f"{proposal.person_name}, {proposal.position or 'cán bộ'}, {unit.committee_title}."
            if individual
            else f"{unit.committee_title} tham gia {context['movement_title']}."
        ),
        achievements=proposal.achievements,
        total=format_decimal_vn(assessment.final_total) if assessment else "",
        band=f"xếp loại {assessment.band.name}" if assessment and assessment.band else "chưa xếp loại",
        lines=lines,
        past_awards="(Đơn vị, cá nhân ghi các hình thức khen thưởng đã nhận trong những năm gần đây.)",
        signer_title="NGƯỜI BÁO CÁO THÀNH TÍCH" if individual else "TM. BAN THƯỜNG TRỰC",
        signer_role="" if individual else "CHỦ TỊCH",
        signer_name=proposal.person_name if individual else "",
        recipients=["Ban Thường trực Ủy ban MTTQ Việt Nam " + movement.issuing_unit.title, "Lưu: VT"],
    )
    return context


# kind (as in the URL) → (template, what it is made from, context, title)
MOVEMENT_PAPERS = {
    "huong-dan-cham-diem": (GUIDE, guide_context, "Hướng dẫn chấm điểm"),
    "to-trinh-cap-tren": (UPWARD, upward_context, "Tờ trình đề nghị cấp trên khen thưởng"),
}
MEETING_PAPERS = {
    "giay-moi": (INVITATION, invitation_context, "Giấy mời hội nghị bình xét"),
    "bien-ban-hop": (MINUTES, minutes_context, "Biên bản họp bình xét"),
    "bien-ban-kiem-phieu": (TALLY, tally_context, "Biên bản kiểm phiếu"),
}
PROPOSAL_PAPERS = {"bao-cao-thanh-tich": (ACHIEVEMENTS, achievements_context, "Báo cáo thành tích")}


def render(name: str, context: dict[str, Any]) -> bytes:
    if not docgen.template_path(name).exists():
        docgen.save_template(PAPER_TEMPLATES[name](), name)
    return docgen.render_docx(name, context)


def render_paper(papers: dict[str, Any], kind: str, obj: Any) -> bytes:
    name, make_context, _title = papers[kind]
    return render(name, make_context(obj))


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", fold(text)).strip("-").lower()


def upward_dossier(movement: Movement, *, with_pdf: bool = True) -> bytes:
    """The dossier to the committee above as one ZIP: the tờ trình, the minutes and the tally of
    the latest meeting, and each nominee's báo cáo thành tích — Word, and PDF where LibreOffice is."""
    files: list[tuple[str, bytes]] = [("01-to-trinh-cap-tren.docx", render(UPWARD, upward_context(movement)))]
    meeting = movement.award_meetings.order_by("-held_on", "-pk").first()
    if meeting is not None:
        files.append(("02-bien-ban-hop.docx", render(MINUTES, minutes_context(meeting))))
        files.append(("03-bien-ban-kiem-phieu.docx", render(TALLY, tally_context(meeting))))
    for i, p in enumerate(selectors.upward_proposals(movement), start=1):
        files.append((f"04-bao-cao-thanh-tich-{i:02d}-{slug(p.nominee)}.docx", render(ACHIEVEMENTS,
                      achievements_context(p))))  # fmt: skip
    buffer = io.BytesIO()
    convert = with_pdf and docgen.libreoffice_available()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
            if convert:
                archive.writestr(name.removesuffix(".docx") + ".pdf", docgen.docx_to_pdf(data))
    return buffer.getvalue()
