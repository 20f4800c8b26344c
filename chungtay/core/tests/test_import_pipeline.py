"""The one import pipeline's services and view flow (core.imports, core.import_views), shown on the units
list, the simplest adapter: each step moves the batch as the state machine allows, checks the person's
rule, and the three domains are registered with every step's URL in the permission map."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.core.access import URL_RULES
from chungtay.core.errors import DomainError
from chungtay.core.imports import ADAPTERS, adapter_for, batch_check, batch_commit, batch_upload
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.orgunits.models import OrgUnit

GOOD = "level,kind,name,parent\narea,thôn,Thôn 3,Điện Hồng\narea,thôn,Thôn 4,Điện Hồng\n".encode()
BAD = "level,kind,name,parent\narea,thôn,Thôn 3,Không Có\n".encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(user, data: bytes) -> ImportBatch:
    adapter = adapter_for("orgunits")
    return batch_upload(actor=user, adapter=adapter, target=adapter.target(user), data=data, filename="dv.csv")


def test_the_three_domains_register_their_adapters_with_every_step_in_the_permission_map():
    assert set(ADAPTERS) == {"orgunits", "households", "bank_statement"}
    for adapter in ADAPTERS.values():
        assert {"upload", "check", "confirm"} <= set(adapter.urls) and (
            "mapping" in adapter.urls
        ) == adapter.has_mapping
        assert all(name in URL_RULES for name in adapter.urls.values()), adapter.kind


def test_a_clean_file_moves_uploaded_checked_committed(people, tree, media):
    batch = upload(people.town_office, GOOD)
    assert batch.status == ImportStatus.UPLOADED and batch.unit is not None and len(batch.sha256) == 64
    adapter, target = adapter_for("orgunits"), adapter_for("orgunits").target(people.town_office)
    plan = batch_check(actor=people.town_office, adapter=adapter, batch=batch, target=target)
    batch.refresh_from_db()
    assert plan.ok and batch.status == ImportStatus.CHECKED and batch.counts["create"] == 2
    assert not OrgUnit.objects.filter(name="Thôn 3").exists()
    plan, done = batch_commit(actor=people.town_office, adapter=adapter, batch=batch, target=target)
    batch.refresh_from_db()
    assert done == "Đã nhập 2 đơn vị mới; 0 đơn vị đã có, giữ nguyên."
    assert batch.status == ImportStatus.COMMITTED and batch.committed_by == people.town_office
    assert OrgUnit.objects.filter(name__in=["Thôn 3", "Thôn 4"], parent=tree.commune_b).count() == 2
    # Checking it again shows the same file but does not move a committed batch.
    batch_check(actor=people.town_office, adapter=adapter, batch=batch, target=target)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED


def test_a_file_with_errors_fails_and_cannot_be_committed(people, tree, media):
    batch = upload(people.town_office, BAD)
    adapter, target = adapter_for("orgunits"), adapter_for("orgunits").target(people.town_office)
    plan = batch_check(actor=people.town_office, adapter=adapter, batch=batch, target=target)
    batch.refresh_from_db()
    assert not plan.ok and batch.status == ImportStatus.FAILED
    assert batch.errors[0]["row"] == 2 and "Không tìm thấy đơn vị cấp trên “Không Có”" in batch.errors[0]["message"]
    with pytest.raises(DomainError, match="đang ở bước “Thất bại”, không thể chuyển sang “Đã nhập”"):
        batch_commit(actor=people.town_office, adapter=adapter, batch=batch, target=target)
    assert not OrgUnit.objects.filter(name="Thôn 3").exists()


def test_the_services_refuse_a_person_without_the_rule(people, tree, media):
    adapter = adapter_for("orgunits")
    with pytest.raises(DomainError, match="Bạn không có quyền"):
        batch_upload(actor=people.commune_a_staff, adapter=adapter, target=adapter.target(people.town_office),
                     data=GOOD, filename="dv.csv")  # fmt: skip
    batch = upload(people.town_office, GOOD)
    with pytest.raises(DomainError, match="Bạn không có quyền"):
        batch_check(actor=people.commune_a_staff, adapter=adapter, batch=batch,
                    target=adapter.target(people.town_office))  # fmt: skip
    assert ImportBatch.objects.get().status == ImportStatus.UPLOADED


def test_the_units_flow_has_a_check_page_only_its_uploader_opens_and_confirms_once(client, people, tree, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.town_office)
    page = client.post(reverse("orgunits:import"), {"file": SimpleUploadedFile("dv.csv", GOOD)})
    batch = page.context["batch"]
    assert page.status_code == 200 and batch.status == ImportStatus.CHECKED
    check_url = reverse("orgunits:import_preview", args=[batch.pk])
    assert client.get(check_url).status_code == 200
    listing = client.get(reverse("orgunits:import")).content.decode()
    assert check_url in listing and "Đã kiểm tra" in listing
    response = client.post(reverse("orgunits:import_confirm", args=[batch.pk]), follow=True)
    assert "Đã nhập 2 đơn vị mới" in response.content.decode()
    # A committed batch is not confirmed again; someone else cannot open it.
    assert client.post(reverse("orgunits:import_confirm", args=[batch.pk])).status_code == 404
    client.force_login(people.admin)
    assert client.get(check_url).status_code == 404


def test_the_list_of_recent_batches_costs_the_same_queries_for_one_batch_as_for_ten(client, people, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.town_office)

    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("housing:import")).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for i in range(n):
            ImportBatch.objects.create(kind="households", file_name=f"ds-{i}.xlsx", sha256="x", unit=tree.town,
                                       created_by=people.town_office, status=ImportStatus.FAILED,
                                       counts={"create": 1, "errors": 2})  # fmt: skip

    add(1)
    one = listing_queries()
    add(9)
    assert listing_queries() == one
