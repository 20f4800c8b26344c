from auditlog.models import LogEntry
from django.urls import reverse

from chungtay.core.audit import as_actor
from chungtay.orgunits.models import Level, Membership, Role
from chungtay.orgunits.services import member_org_add, unit_create, unit_update


def test_a_change_records_who_when_and_what(people, tree):
    unit_update(
        actor=people.town_office,
        unit=tree.commune_a,
        name="Vĩnh Điện 2",
        kind="phuong",
        code="",
        valid_from=tree.commune_a.valid_from,
        valid_to=None,
    )
    entry = LogEntry.objects.get_for_object(tree.commune_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == people.town_office
    assert entry.timestamp is not None
    assert entry.changes_dict["name"] == ["Vĩnh Điện", "Vĩnh Điện 2"]


def test_changes_made_through_a_page_are_attributed_to_the_signed_in_user(client, people, tree):
    client.force_login(people.town_office)
    client.post(
        reverse("orgunits:edit", args=[tree.commune_b.pk]),
        {"kind": "xa", "name": "Điện Hồng Mới", "valid_from": "01/01/2000"},
    )
    entry = LogEntry.objects.get_for_object(tree.commune_b).latest("timestamp")
    assert entry.actor == people.town_office and "Điện Hồng Mới" in entry.changes_dict["name"]


def test_an_inspector_reads_the_history_of_an_object_in_their_subtree(client, people, tree):
    member_org_add(actor=people.town_office, unit=tree.commune_a, kind="phu_nu", name="Hội Phụ nữ")
    unit_update(
        actor=people.town_office,
        unit=tree.commune_a,
        name="Vĩnh Điện Sửa",
        kind="phuong",
        code="",
        valid_from=tree.commune_a.valid_from,
        valid_to=None,
    )
    client.force_login(people.inspector)
    body = client.get(reverse("core:audit_object", args=["orgunits.orgunit", tree.commune_a.pk])).content.decode()
    assert "Vĩnh Điện Sửa" in body and people.town_office.display_name in body
    recent = client.get(reverse("core:audit_recent")).content.decode()
    assert "Hội Phụ nữ" in recent


def test_history_outside_the_subtree_is_not_found(client, people, tree):
    client.force_login(people.inspector)
    url = reverse("core:audit_object", args=["orgunits.orgunit", tree.other_district.pk])
    assert client.get(url).status_code == 404


def test_unit_staff_cannot_read_the_audit_log(client, people, tree):
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("core:audit_recent")).status_code == 403


def test_inspectors_cannot_change_anything(client, people, tree):
    client.force_login(people.inspector)
    for name, args in [
        ("orgunits:edit", [tree.town.pk]),
        ("orgunits:create_child", [tree.town.pk]),
        ("orgunits:import", []),
        ("accounts:user_create", []),
    ]:
        assert client.post(reverse(name, args=args), {}).status_code == 403, name


def test_an_inspector_of_the_whole_tree_sees_every_units_changes_but_not_user_accounts(client, people, tree):
    from conftest import make_user

    whole = make_user("thanh_tra_tinh", tree.province, "inspector")
    province_office = make_user("van_phong_tinh", tree.province, "office")  # the town's office may not edit it
    unit_update(actor=province_office, unit=tree.other_district, name="Duy Xuyên Mới", kind="huyen", code="",
                valid_from=tree.other_district.valid_from, valid_to=None)  # fmt: skip
    make_user("tai_khoan_moi_xyz", None, None)
    client.force_login(whole)
    recent = client.get(reverse("core:audit_recent")).content.decode()
    assert "Duy Xuyên Mới" in recent and "tai_khoan_moi_xyz" not in recent
    client.force_login(people.inspector)  # the town's inspector: not the other district
    assert "Duy Xuyên Mới" not in client.get(reverse("core:audit_recent")).content.decode()


def test_the_change_log_speaks_in_field_labels_and_names_not_internals(client, people, tree):
    from chungtay.orgunits.models import OrgUnit

    unit_update(
        actor=people.town_office,
        unit=tree.commune_a,
        name="Vĩnh Điện Mới",
        kind="phuong",
        code="",
        valid_from=tree.commune_a.valid_from,
        valid_to=None,
    )
    client.force_login(people.inspector)
    body = client.get(reverse("core:audit_recent")).content.decode()
    name_label = str(OrgUnit._meta.get_field("name").verbose_name)
    assert f"<b>{name_label[:1].upper() + name_label[1:]}</b>: Vĩnh Điện → Vĩnh Điện Mới" in body
    for internal in ("<b>path</b>", "<b>numchild</b>", "<b>depth</b>", "None →", "→ None", ".None"):
        assert internal not in body
    # A new child unit's parent is shown by its name.
    assert f"→ {tree.commune_a}" in body or "→ Vĩnh Điện" in body


def test_the_change_logs_linked_names_are_read_once_per_kind_not_once_per_change(
    client, people, tree, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chungtay.orgunits.models import Level
    from chungtay.orgunits.services import unit_create

    def queries_for_the_log() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as seen:
            body = client.get(reverse("core:audit_recent")).content.decode()
        return len(seen), body

    client.force_login(people.inspector)
    unit_create(actor=people.town_office, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name="Khối phố 2")
    few, _ = queries_for_the_log()
    for i in range(3, 15):  # each new area's log entry names its parent: a linked object
        unit_create(
            actor=people.town_office, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name=f"Khối phố {i}"
        )
    many, body = queries_for_the_log()
    assert many == few, (few, many)
    assert body.count("→ phường Vĩnh Điện") >= 13  # every entry still names the parent
    # Internals are not shown; a time is the local time, as the entry's own column shows it.
    for internal in ("Name folded", "<b>ID</b>", "Created at"):
        assert internal not in body
    import re

    shown, created = re.search(
        r"<td>(\d\d/\d\d/\d{4} \d\d:\d\d)</td>.*?<b>Thời điểm tạo</b>: \(trống\) → ([^<]+)<", body, re.S
    ).groups()
    assert created == shown  # the entry's time and the recorded creation time, both local


# Labels that are Vietnamese words though written without a diacritic.
VIETNAMESE_WITHOUT_DIACRITICS = {"Sang"}


def test_every_field_the_change_log_shows_is_labelled_in_vietnamese():
    """Each audited model's fields, as the log would label them: never the column name, never English."""
    from auditlog.registry import auditlog

    from chungtay.core import audit

    wrong = []
    for model in auditlog.get_models():
        if model._meta.auto_created:
            continue  # many-to-many rows: added in bulk by .add(), auditlog never records them
        tracked = auditlog.get_model_fields(model)
        for field in model._meta.concrete_fields:
            name = field.name
            if tracked["include_fields"] and name not in tracked["include_fields"]:
                continue
            if name in tracked["exclude_fields"] or not audit.is_shown(model, name):
                continue
            label = audit.field_label(field, name)
            raw = label.lower() in {name, name.replace("_", " ")}
            if raw or (label.isascii() and label not in VIETNAMESE_WITHOUT_DIACRITICS):
                wrong.append(f"{model._meta.label}.{name}: {label!r}")
    assert wrong == []


def test_an_urging_notice_and_its_files_are_logged_in_words_not_internals(client, people, tree, settings, tmp_path):
    import io

    from chungtay.core.documents import document_upload
    from chungtay.core.tests.test_documents import docx_bytes
    from chungtay.reports.models import UrgingNotice

    settings.MEDIA_ROOT = tmp_path
    pdf = document_upload(actor=people.town_office, unit=tree.town, upload=io.BytesIO(b"%PDF-1.4 " + b"x" * 150_000),
                          name="cong-van-don-doc.pdf", kind="other", title="Công văn đôn đốc 5/MTTQ-BTT")  # fmt: skip
    docx = document_upload(actor=people.town_office, unit=tree.town, upload=io.BytesIO(docx_bytes()),
                           name="cong-van-don-doc.docx", kind="other", title="Công văn đôn đốc 5/MTTQ-BTT")  # fmt: skip
    lines = ["Nhà hộ Võ Thị Kim Nga (DB0101), Khối phố 1 (Vĩnh Điện): quá hạn"]
    items = [{"unit": str(tree.commune_a), "unit_id": tree.commune_a.pk, "lines": lines}]
    with as_actor(people.town_office):
        UrgingNotice.objects.create(issuing_unit=tree.town, number="5/MTTQ-BTT", issued_on=pdf.uploaded_at.date(),
                                    items=items, docx=docx, pdf=pdf, issued_by=people.town_office)  # fmt: skip
    client.force_login(people.inspector)
    body = client.get(reverse("core:audit_recent")).content.decode()
    assert "<b>Việc quá hạn chưa thực hiện</b>: (trống) → 1 đơn vị" in body
    assert "<b>Tên tệp gốc</b>: (trống) → cong-van-don-doc.pdf" in body
    assert "<b>Dung lượng</b>: (trống) → 150 kB" in body
    assert f"<b>Người ban hành</b>: (trống) → {people.town_office.display_name}" in body
    for internal in ('{"lines"', "\\u", "<b>Docx", "<b>Pdf", "Issued by", "Content type", "<b>Size", "Sha256",
                     pdf.sha256[:16], "documents/", "application/pdf"):  # fmt: skip
        assert internal not in body, internal


def test_money_and_codes_in_the_change_log_read_as_people_write_them(people, tree):
    from chungtay.campaigns.models import Criterion
    from chungtay.core import audit

    def shown(model, name, value):
        return audit._value_in_words(model._meta.get_field(name), value)

    from chungtay.funds.models import Disbursement
    from chungtay.housing.models import Household

    assert shown(Disbursement, "amount", "60000000") == "60.000.000 đ"
    assert shown(Disbursement, "stage", "walls") == "Xong tường"
    assert shown(Criterion, "evidence_kinds", '["minutes", "resolution"]') == "Biên bản, Nghị quyết"
    assert shown(Criterion, "metric_key", "non_state_share") == "Tỷ lệ nguồn lồng ghép, tài trợ ngoài ngân sách"
    assert shown(Household, "lat", "15.912437") == "15,912437"


def test_a_residential_area_in_the_change_log_is_named_with_its_commune(client, people, tree):
    twin = unit_create(actor=people.town_office, parent=tree.commune_b, level=Level.AREA, kind="khoi_pho",
                       name="Khối phố 1")  # fmt: skip
    with as_actor(people.town_office):
        Membership.objects.create(user=people.commune_b_staff, unit=twin, role=Role.AREA_BOARD)
    client.force_login(people.inspector)
    body = client.get(reverse("core:audit_recent")).content.decode()
    assert "→ Khối phố 1 (Điện Hồng)" in body  # the membership's unit
    assert ": Khối phố 1 (Điện Hồng)</td>" in body  # the new area itself, in the object column
