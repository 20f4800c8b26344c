"""The award documents: the proposal memo (tờ trình) and the decision (quyết định) with its annexed
list as Word templates staff can edit (templates/docx/), their PDF through LibreOffice, and one
certificate per awardee as PDF (WeasyPrint, landscape A4, Be Vietnam Pro).

`manage.py build_docx_templates` creates the .docx files from the builders below if missing.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from chungtay.core import docgen
from chungtay.core.dates import vn_long_date
from chungtay.core.documents import document_upload
from chungtay.core.models import DocumentKind
from chungtay.core.money import format_decimal_vn, format_vnd
from chungtay.core.pdf import render_pdf
from chungtay.core.text import fold

from . import selectors
from .models import Decision, Meeting, Proposal, ProposalStatus, Recipient
from .papers import PAPER_TEMPLATES, superior_committee

MEMO = "danh-gia-to-trinh-khen-thuong.docx"
# The tờ trình goes from the Văn phòng to the Ban Thường trực; its head signs. Offices that call the
# post "Trưởng bộ phận Văn phòng" change this (or the Word template, where it is a field).
MEMO_SIGNER_ROLE = "CHÁNH VĂN PHÒNG"
DECISION = "danh-gia-quyet-dinh-khen-thuong.docx"


# --- Template builders -----------------------------------------------------------------------------
def _list_table(document: Any, *, with_issuer: bool) -> None:
    """The awardees; the memo's (with_issuer) also shows each unit's score and the awarding level.
    The widths add up to the 165 mm between the margins."""
    from docx.shared import Mm, Pt

    if with_issuer:
        headers = ["TT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Điểm", "Hình thức khen thưởng", "Biểu quyết"]
        widths = [Mm(10), Mm(48), Mm(34), Mm(17), Mm(33), Mm(23)]
    else:
        headers = ["TT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Hình thức khen thưởng", "Tiền thưởng"]
        widths = [Mm(10), Mm(55), Mm(45), Mm(30), Mm(25)]
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    table.rows[1].cells[0].paragraphs[0].text = "{%tr for a in awardees %}"
    values = ["{{ loop.index }}", "{{ a.name }}", "{{ a.position }}", "{{ a.form }}"]
    if with_issuer:
        values[3:3] = ["{{ a.score }}"]
        values.append("{{ a.votes }}")
    else:
        values.append("{{ a.cash }}")
    for cell, text in zip(table.rows[2].cells, values, strict=True):
        cell.paragraphs[0].text = ""
        cell.paragraphs[0].add_run(text).font.size = Pt(12)
        for width_cell, width in zip(table.rows[2].cells, widths, strict=True):
            width_cell.width = width
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"


def build_memo() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "Kính gửi: {{ addressee }}.", align="center", space_after=8)
        docgen.paragraph(
            document,
            "Thực hiện {{ plan }}, ngày {{ meeting_date }} {{ meeting_body }} đã họp bình xét thi đua, khen thưởng "
            "với {{ attendees }} thành viên dự họp. Căn cứ kết quả chấm điểm, xếp loại đã được Ban Thường trực phê "
            "duyệt và kết quả biểu quyết tại cuộc họp, {{ proposer }} kính trình {{ addressee_short }} xem xét, "
            "khen thưởng {{ count }} tập thể, cá nhân có thành tích xuất sắc trong {{ movement_title }}, "
            "cụ thể như sau:",
            space_after=6,
        )
        _list_table(document, with_issuer=True)
        docgen.paragraph(
            document,
            "Các hình thức khen thưởng thuộc thẩm quyền cấp trên được đề nghị bằng tờ trình riêng gửi cấp có thẩm "
            "quyền. Kính trình Ban Thường trực xem xét, quyết định./.",
            space_after=12,
        )

    return docgen.nd30_skeleton(kind_title="TỜ TRÌNH", body=body)


def build_decision() -> Any:
    def body(document: Any) -> None:
        docgen.paragraph(document, "{{ issuer_body|upper }}", align="center", bold=True, space_after=8)
        docgen.paragraph(document, "{%p for basis in bases %}", align="left")
        docgen.paragraph(document, "{{ basis }};", italic=True)
        docgen.paragraph(document, "{%p endfor %}", align="left")
        docgen.paragraph(document, "QUYẾT ĐỊNH:", align="center", bold=True, space_after=6)
        docgen.paragraph(
            document,
            "Điều 1. Khen thưởng {{ awarded }} đã có thành tích xuất sắc trong {{ movement_title }} (có danh sách "
            "kèm theo), gồm: {{ forms_summary }}.",
        )
        docgen.paragraph(document, "{%p if cash_total %}", align="left")
        docgen.paragraph(
            document,
            "Kèm theo tiền thưởng theo quy định, tổng cộng {{ cash_total }} đồng, chi từ Quỹ thi đua, khen thưởng "
            "của {{ issuer_body }}.",
        )
        docgen.paragraph(document, "{%p endif %}", align="left")
        docgen.paragraph(document, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
        docgen.paragraph(
            document,
            "Điều 3. Văn phòng Ủy ban MTTQ Việt Nam {{ town_title }} và các tập thể, cá nhân có tên tại Điều 1 "
            "căn cứ Quyết định thi hành./.",
            space_after=12,
        )

    document = docgen.nd30_skeleton(kind_title="QUYẾT ĐỊNH", body=body)
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    docgen.paragraph(document, "DANH SÁCH KHEN THƯỞNG", align="center", bold=True)
    docgen.paragraph(
        document,
        "(Kèm theo Quyết định số {{ doc_number }} ngày {{ signed_on }} của {{ issuer_body }})",
        align="center",
        italic=True,
        space_after=8,
    )
    _list_table(document, with_issuer=False)
    return document


DOCX_TEMPLATES = {MEMO: build_memo, DECISION: build_decision, **PAPER_TEMPLATES}


# --- Contexts ------------------------------------------------------------------------------------
def cash_of(p: Proposal) -> int:
    """The cash that goes with the award, by the award rule of the deciding level (0 = none)."""
    rule = selectors.rule_for(p.award_form.name, p.award_form.movement.issuing_unit.level)
    return rule.cash_for(p.award_form.recipient) if rule and p.award_form.decided_here else 0


def _awardee(p: Proposal, *, votes: str = "") -> dict[str, str]:
    if p.award_form.recipient == Recipient.INDIVIDUAL:
        position = ", ".join(x for x in (p.position, p.unit.committee_title) if x)
        name = p.person_name
    else:
        position, name = "", p.unit.committee_title
    score = format_decimal_vn(p.assessment.final_total) if p.assessment else ""
    cash = cash_of(p)
    return {"name": name, "position": position, "form": p.award_form.name, "issuer": p.award_form.issuer,
            "score": score, "votes": votes, "cash": format_vnd(cash) if cash else "—"}  # fmt: skip


def _common(decision: Decision) -> dict[str, Any]:
    movement = decision.movement
    town = movement.issuing_unit
    return {
        "org_parent": f"Ủy ban MTTQ Việt Nam {town.title}",
        "town_title": town.title,
        "issuer_body": f"Ban Thường trực Ủy ban MTTQ Việt Nam {town.title}",
        "movement_title": f"{movement.title[:1].lower()}{movement.title[1:]} ({movement.symbol})",
        "plan": f"Kế hoạch số {movement.symbol} ngày {movement.issued_on:%d/%m/%Y}",
        "signer_title": decision.signer_title,
        "signer_role": decision.signer_role,
        "signer_name": decision.signer_name,
        "signed_on": f"{decision.signed_on:%d/%m/%Y}",
        "dateline": vn_long_date(decision.signed_on, town.name),
    }


def _meeting(decision: Decision) -> Meeting | None:
    return decision.movement.award_meetings.order_by("-held_on", "-pk").first()


def _votes_text(p: Proposal, meeting: Meeting | None) -> str:
    vote = p.votes.filter(meeting=meeting).first() if meeting else None
    return f"{vote.agree}/{meeting.attendees} tán thành" if vote and meeting else ""


def memo_context(decision: Decision) -> dict[str, Any]:
    context = _common(decision)
    proposals = list(
        Proposal.objects.filter(award_form__movement=decision.movement, award_form__decided_here=True)
        .filter(status__in=[ProposalStatus.PASSED, ProposalStatus.DECIDED])
        .select_related("unit", "award_form", "assessment")
        .order_by("award_form__order", "order", "pk")
    )
    meeting = _meeting(decision)
    context.update(
        org_name="Văn phòng",
        doc_number=decision.memo_number or "……/TTr-VP",
        summary=f"Về việc đề nghị khen thưởng trong phong trào thi đua năm {decision.movement.ends_on.year}",
        addressee=f"Ban Thường trực Ủy ban MTTQ Việt Nam {context['town_title']}",
        addressee_short="Ban Thường trực",
        proposer="Văn phòng Ủy ban MTTQ Việt Nam " + context["town_title"],
        signer_title="",
        signer_role=MEMO_SIGNER_ROLE,
        signer_name="",
        meeting_date=f"{meeting.held_on:%d/%m/%Y}" if meeting else "……",
        meeting_body="Hội nghị bình xét",
        attendees=meeting.attendees if meeting else "……",
        count=len(proposals),
        awardees=[_awardee(p, votes=_votes_text(p, meeting)) for p in proposals],
        recipients=["Như trên", "Lưu: VT, VP"],
    )
    return context


def decision_context(decision: Decision) -> dict[str, Any]:
    context = _common(decision)
    proposals = list(
        decision.proposals.select_related("unit", "award_form", "assessment").order_by("award_form__order", "order")
    )
    collectives = sum(1 for p in proposals if p.award_form.recipient == Recipient.COLLECTIVE)
    by_form: dict[str, int] = {}
    for p in proposals:
        by_form[p.award_form.name] = by_form.get(p.award_form.name, 0) + 1
    meeting = _meeting(decision)
    movement = decision.movement
    cash_total = sum(cash_of(p) for p in proposals)
    bases = [
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết thi hành một số điều "
        "của Luật Thi đua, khen thưởng",
        "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam",
        f"Căn cứ Kế hoạch số {movement.symbol} ngày {movement.issued_on:%d/%m/%Y} của Ban Thường trực Ủy ban MTTQ "
        f"Việt Nam {context['town_title']} về phát động {movement.title[:1].lower()}{movement.title[1:]}",
    ]
    if meeting:
        bases.append(f"Căn cứ kết quả bình xét thi đua, khen thưởng tại hội nghị ngày {meeting.held_on:%d/%m/%Y}")
    if decision.memo_number:
        bases.append(f"Xét đề nghị của Văn phòng tại Tờ trình số {decision.memo_number}")
    context.update(
        org_name="Ban Thường trực",
        doc_number=decision.number,
        summary=f"Về việc khen thưởng phong trào thi đua năm {movement.ends_on.year}",
        bases=bases,
        collectives=collectives,
        individuals=len(proposals) - collectives,
        # "5 tập thể", "2 cá nhân" or "5 tập thể và 2 cá nhân": no "0 cá nhân" in the decision.
        awarded=" và ".join(
            f"{n} {what}" for n, what in ((collectives, "tập thể"), (len(proposals) - collectives, "cá nhân")) if n
        ),
        forms_summary="; ".join(f"{name}: {n}" for name, n in by_form.items()),
        cash_total=format_vnd(cash_total, unit="") if cash_total else "",
        awardees=[_awardee(p) for p in proposals],
        recipients=["Như Điều 3", f"{superior_committee(movement)} (b/c)", "Lưu: VT"],
    )
    return context


RENDERERS = {"to-trinh": (MEMO, memo_context), "quyet-dinh": (DECISION, decision_context)}
TITLES = {"to-trinh": "Tờ trình đề nghị khen thưởng", "quyet-dinh": "Quyết định khen thưởng"}


def render_docx(decision: Decision, kind: str) -> bytes:
    name, make_context = RENDERERS[kind]
    if not docgen.template_path(name).exists():
        docgen.save_template(DOCX_TEMPLATES[name](), name)
    return docgen.render_docx(name, make_context(decision))


def filename(decision: Decision, kind: str, extension: str) -> str:
    number = re.sub(r"[^0-9A-Za-z]+", "-", fold(decision.number)).strip("-")
    return f"{kind}-{number}.{extension}"


def store_signed(*, actor: Any, decision: Decision) -> None:
    """Keep the signed tờ trình and quyết định (Word, and PDF where LibreOffice is installed)."""

    unit = decision.movement.issuing_unit
    for kind in ("to-trinh", "quyet-dinh"):
        data = render_docx(decision, kind)
        outputs = [(data, "docx")]
        if docgen.libreoffice_available():
            outputs.append((docgen.docx_to_pdf(data), "pdf"))
        for content, extension in outputs:
            document_upload(
                actor=actor, unit=unit, upload=io.BytesIO(content), name=filename(decision, kind, extension),
                kind=DocumentKind.DECISION if kind == "quyet-dinh" else DocumentKind.OTHER,
                title=f"{TITLES[kind]} ({extension.upper()})",
                number=decision.number if kind == "quyet-dinh" else decision.memo_number,
                issued_on=decision.signed_on,
                issuer=f"{'Văn phòng' if kind == 'to-trinh' else 'Ban Thường trực'} Ủy ban MTTQ Việt Nam {unit.title}",
                attach_to=decision,
            )  # fmt: skip


# --- Certificates ---------------------------------------------------------------------------------
def certificate_context(decision: Decision, proposals: list[Proposal]) -> dict[str, Any]:
    context = _common(decision)
    context["certificates"] = [
        {
            "form": p.award_form.name,
            "name": _awardee(p)["name"],
            "position": _awardee(p)["position"],
            "individual": p.award_form.recipient == Recipient.INDIVIDUAL,
            "achievements": p.achievements,
        }
        for p in proposals
    ]
    context["decision"] = decision
    return context


def certificates_pdf(decision: Decision, proposals: list[Proposal]) -> bytes:
    return render_pdf("evaluation/certificate_pdf.html", certificate_context(decision, proposals))


def certificate_filename(p: Proposal) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "-", fold(_awardee(p)["name"])).strip("-")
    return f"giay-khen-{p.pk}-{name}.pdf"


def certificates_zip(decision: Decision, proposals: list[Proposal]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for p in proposals:
            archive.writestr(certificate_filename(p), certificates_pdf(decision, [p]))
    return buffer.getvalue()
