"""Writes of member organisations' participation and of in-kind contributions. Each is permission-checked
against the actor, runs in one transaction and is audited (django-auditlog, attributed with `as_actor`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from chungtay.campaigns.models import Movement, MovementStatus
from chungtay.core import dates
from chungtay.core.access import closed_refusal, has_perm
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import DocumentKind
from chungtay.core.text import nfc
from chungtay.housing.models import Household, Status
from chungtay.orgunits.models import MemberOrganisation, OrgUnit

from .models import WORKDAY_MEASURE, GiverKind, InKindContribution, InKindKind, MemberOrgRegistration

# Who records in-kind help: commune staff and area boards, for their own subtree.
RECORD_PERM = "in_kind.record"
# Who registers a member organisation for a movement and reports its results: the unit's Front staff.
PARTICIPATE_PERM = "movement.participate"
# A value above this is a typing slip (an extra zero), not a gift of materials for one house.
MAX_VALUE = 2_000_000_000


def _require(actor: Any, perm: str, unit: OrgUnit) -> None:
    if actor is None or not has_perm(actor, perm, unit):
        raise PermissionDenied(closed_refusal(perm, unit) or "Không có quyền ghi nhận cho đơn vị này.")


def _in_movement_subtree(movement: Movement, unit: OrgUnit) -> bool:
    return unit.path.startswith(movement.issuing_unit.path)


# --- Member organisations in a movement --------------------------------------------------------
@transaction.atomic
def member_org_register(
    *, actor: Any, movement: Movement, member_org: MemberOrganisation, commitments: str, registered_on: dt.date
) -> MemberOrgRegistration:
    """Register a member organisation for a movement (the unit's staff do it for it)."""
    _require(actor, PARTICIPATE_PERM, member_org.unit)
    if movement.status in (MovementStatus.DRAFT, MovementStatus.CLOSED):
        raise DomainError(_("Phong trào chưa phát động hoặc đã kết thúc: không đăng ký được."))
    if not _in_movement_subtree(movement, member_org.unit):
        raise DomainError(
            _("%(org)s (%(unit)s) không thuộc phạm vi phong trào này.")
            % {"org": member_org.name, "unit": member_org.unit.title}
        )
    commitments = nfc(commitments).strip()
    if not commitments:
        raise DomainError(_("Cần ghi nội dung đăng ký, cam kết thi đua của tổ chức."), field="commitments")
    if registered_on > dates.today():
        raise DomainError(_("Ngày đăng ký không được sau hôm nay."), field="registered_on")
    if registered_on < movement.issued_on:
        raise DomainError(_("Ngày đăng ký phải từ ngày ban hành kế hoạch phong trào."), field="registered_on")
    if MemberOrgRegistration.objects.filter(movement=movement, member_org=member_org).exists():
        raise DomainError(
            _("%(org)s đã đăng ký thi đua trong phong trào này.") % {"org": member_org.name}, field="member_org"
        )
    with as_actor(actor):
        return MemberOrgRegistration.objects.create(
            movement=movement, member_org=member_org, commitments=commitments, registered_on=registered_on,
            created_by=actor,
        )  # fmt: skip


@transaction.atomic
def member_org_results_report(
    *, actor: Any, registration: MemberOrgRegistration, results: str, results_on: dt.date
) -> MemberOrgRegistration:
    """Record (or update) what a registered member organisation reports it has done, as of a day."""
    _require(actor, PARTICIPATE_PERM, registration.member_org.unit)
    results = nfc(results).strip()
    if not results:
        raise DomainError(_("Cần ghi kết quả thực hiện."), field="results")
    if results_on > dates.today():
        raise DomainError(_("Ngày báo cáo kết quả không được sau hôm nay."), field="results_on")
    if results_on < registration.registered_on:
        raise DomainError(_("Ngày báo cáo kết quả phải từ ngày đăng ký."), field="results_on")
    registration.results, registration.results_on = results, results_on
    with as_actor(actor):
        registration.save(update_fields=["results", "results_on"])
    return registration


# --- In-kind contributions ----------------------------------------------------------------------
@dataclass(frozen=True)
class InKindData:
    """What the form (or an import row) gives for one contribution."""

    unit: OrgUnit | None
    household: Household | None
    movement: Movement | None
    giver_kind: str
    member_org: MemberOrganisation | None
    giver_name: str
    kind: str
    description: str
    quantity: Decimal
    measure: str
    value: int
    given_on: dt.date
    note: str = ""


def _checked(data: InKindData) -> dict[str, Any]:
    """The row to store, or a DomainError naming the field that is wrong."""
    unit = data.household.area if data.household is not None else data.unit
    if unit is None:
        raise DomainError(_("Chọn hộ được hỗ trợ hoặc đơn vị nhận đóng góp."), field="household")
    if data.household is None and data.movement is None:
        raise DomainError(_("Chọn hộ được hỗ trợ hoặc phong trào mà đóng góp thuộc về."), field="household")
    if data.household is not None and data.household.status == Status.WITHDRAWN:
        raise DomainError(
            _("Hộ %(code)s đã rút khỏi danh sách: không ghi nhận đóng góp.") % {"code": data.household.code},
            field="household",
        )
    if data.movement is not None and not _in_movement_subtree(data.movement, unit):
        raise DomainError(_("Đơn vị không thuộc phạm vi phong trào đã chọn."), field="movement")
    if data.giver_kind not in GiverKind.values:
        raise DomainError(_("Chọn bên đóng góp."), field="giver_kind")
    giver_name = nfc(data.giver_name).strip()
    member_org = None
    if data.giver_kind == GiverKind.MEMBER_ORG:
        if data.member_org is None:
            raise DomainError(_("Chọn tổ chức thành viên đóng góp."), field="member_org")
        # The organisation of this unit or of a unit above it (the ward's Hội Phụ nữ helps its areas).
        if not unit.path.startswith(data.member_org.unit.path):
            raise DomainError(
                _("%(org)s (%(org_unit)s) không hoạt động tại %(unit)s.")
                % {"org": data.member_org.name, "org_unit": data.member_org.unit.title, "unit": unit.title},
                field="member_org",
            )
        member_org, giver_name = data.member_org, ""
    elif not giver_name:
        raise DomainError(_("Ghi tên người, đơn vị đóng góp (có thể ghi “Nhân dân khối phố …”)."), field="giver_name")
    if data.kind not in InKindKind.values:
        raise DomainError(_("Chọn loại đóng góp."), field="kind")
    description = nfc(data.description).strip()
    if not description:
        raise DomainError(_("Ghi nội dung đóng góp (ví dụ: xi măng PCB40, công phụ hồ)."), field="description")
    if data.quantity is None or data.quantity <= 0:
        raise DomainError(_("Số lượng phải lớn hơn 0."), field="quantity")
    if data.quantity.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError(_("Số lượng ghi tối đa 2 chữ số thập phân."), field="quantity")
    measure = WORKDAY_MEASURE if data.kind == InKindKind.LABOUR else nfc(data.measure).strip()
    if not measure:
        raise DomainError(_("Ghi đơn vị tính (bao, viên, tấm, m³ …)."), field="measure")
    if data.value < 0:
        raise DomainError(_("Giá trị quy đổi không được âm."), field="value")
    if data.value > MAX_VALUE:
        raise DomainError(_("Giá trị quy đổi quá lớn: kiểm tra lại số chữ số (đơn vị là đồng)."), field="value")
    if data.given_on > dates.today():
        raise DomainError(_("Ngày đóng góp không được sau hôm nay."), field="given_on")
    if data.household is not None and data.household.decision_date and data.given_on < data.household.decision_date:
        raise DomainError(
            _("Ngày đóng góp trước ngày hộ %(code)s được phê duyệt (%(day)s).")
            % {"code": data.household.code, "day": f"{data.household.decision_date:%d/%m/%Y}"},
            field="given_on",
        )
    if data.movement is not None and data.given_on < data.movement.issued_on:
        raise DomainError(_("Ngày đóng góp phải từ ngày ban hành kế hoạch phong trào."), field="given_on")
    return {
        "unit": unit, "household": data.household, "movement": data.movement, "giver_kind": data.giver_kind,
        "member_org": member_org, "giver_name": giver_name, "kind": data.kind, "description": description,
        "quantity": data.quantity, "measure": measure, "value": data.value, "given_on": data.given_on,
        "note": nfc(data.note).strip(),
    }  # fmt: skip


@transaction.atomic
def in_kind_record(
    *, actor: Any, data: InKindData, evidence: IO[bytes] | None = None, evidence_name: str = ""
) -> InKindContribution:
    """Record one in-kind contribution (and its evidence file, in the same transaction). No money moves:
    nothing is written to the funds' ledger."""
    target = data.household.area if data.household is not None else data.unit
    if target is not None:
        _require(actor, RECORD_PERM, target)  # before any check, so no one learns about others' households
    row = _checked(data)
    _require(actor, RECORD_PERM, row["unit"])
    document = None
    if evidence is not None:
        document = document_upload(
            actor=actor, unit=row["unit"], upload=evidence, name=evidence_name or "minh-chung",
            kind=DocumentKind.MINUTES, title=f"Minh chứng đóng góp hiện vật: {row['description']}",
            issued_on=row["given_on"], issuer=row["unit"].committee_title,
        )  # fmt: skip
    with as_actor(actor):
        return InKindContribution.objects.create(**row, evidence=document, created_by=actor)


@transaction.atomic
def in_kind_delete(*, actor: Any, contribution: InKindContribution) -> None:
    """Remove a contribution recorded by mistake (the audit log keeps what it was and who removed it)."""
    _require(actor, RECORD_PERM, contribution.unit)
    with as_actor(actor):
        contribution.delete()
