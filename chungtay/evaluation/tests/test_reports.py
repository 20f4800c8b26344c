"""Periodic reports with figures (issue 18): the office sets the figures each progress report of a
movement must carry; a commune enters them for its report (every bad figure named), and the office's
table shows each unit's figures beside whether the file was sent."""

import pytest
from django.urls import reverse

from chungtay.campaigns import services as campaigns
from chungtay.campaigns.models import MilestoneKind, Obligation
from chungtay.core.errors import DomainError
from chungtay.evaluation import selectors, services
from chungtay.evaluation.models import ReportValue
from chungtay.orgunits.models import Level

from .conftest import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_form(movement, people):
    campaigns.milestone_add(
        actor=people.town_office, movement=movement, kind=MilestoneKind.PROGRESS_REPORT, level=Level.COMMUNE,
        due_on=day(5),
    )  # fmt: skip
    started = services.report_field_add(
        actor=people.town_office, movement=movement, label="Số nhà khởi công trong tháng", unit="căn"
    )
    raised = services.report_field_add(
        actor=people.town_office, movement=movement, label="Số tiền vận động được", unit="đồng"
    )
    return started, raised


def _report(movement, unit) -> Obligation:  # type: ignore[no-untyped-def]
    return Obligation.objects.get(milestone__movement=movement, milestone__kind="progress_report", unit=unit)


def test_a_commune_enters_every_figure_of_its_report_and_bad_ones_are_named(report_form, movement, tree, people):
    started, raised = report_form
    report = _report(movement, tree.commune_a)
    with pytest.raises(DomainError, match="“Số tiền vận động được”: cần nhập số liệu"):
        services.report_values_save(actor=people.commune_a_staff, obligation=report, values={started.pk: "3"})
    with pytest.raises(DomainError, match="“Số nhà khởi công trong tháng”: “ba” không phải là số nguyên"):
        services.report_values_save(
            actor=people.commune_a_staff, obligation=report, values={started.pk: "ba", raised.pk: "1"}
        )
    services.report_values_save(
        actor=people.commune_a_staff, obligation=report, values={started.pk: "3", raised.pk: "120.000.000"}
    )
    rows = {o.unit: o.values for o in selectors.report_rows(people.town_office, movement)}
    assert rows[tree.commune_a] == {started.pk: 3, raised.pk: 120_000_000}
    assert rows[tree.commune_b] == {}
    with pytest.raises(DomainError, match="đã có số liệu"):
        services.report_field_add(actor=people.town_office, movement=movement, label="số tiền vận động được", unit="đ")


def test_a_report_of_no_house_started_saves_zero_whether_typed_or_given_as_a_number(
    report_form, movement, tree, people
):
    started, raised = report_form
    report = _report(movement, tree.commune_a)
    services.report_values_save(actor=people.commune_a_staff, obligation=report, values={started.pk: 0, raised.pk: "0"})
    rows = {o.unit: o.values for o in selectors.report_rows(people.town_office, movement)}
    assert rows[tree.commune_a] == {started.pk: 0, raised.pk: 0}
    with pytest.raises(DomainError, match="cần nhập số liệu"):
        services.report_values_save(
            actor=people.commune_a_staff, obligation=report, values={started.pk: None, raised.pk: ""}
        )


def test_the_pages_let_the_office_set_the_form_and_the_commune_fill_it(client, report_form, movement, tree, people):
    report = _report(movement, tree.commune_a)
    client.force_login(people.commune_a_staff)
    page = reverse("evaluation:report_entry", args=[report.pk])
    bad = client.post(page, {f"field_{report_form[0].pk}": "-1", f"field_{report_form[1].pk}": "5"})
    assert "không phải là số nguyên không âm" in bad.content.decode()
    ok = client.post(page, {f"field_{report_form[0].pk}": "2", f"field_{report_form[1].pk}": "5000000"})
    assert ok.status_code == 302 and ReportValue.objects.filter(obligation=report).count() == 2
    other = _report(movement, tree.commune_b)
    assert client.get(reverse("evaluation:report_entry", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("evaluation:reports", args=[movement.pk]), {"label": "x", "unit": "y"}).status_code == 403
    )

    client.force_login(people.town_office)
    listing = reverse("evaluation:reports", args=[movement.pk])
    client.post(listing, {"label": "Số hộ bàn giao", "unit": "hộ"})
    text = client.get(listing).content.decode()
    assert "Số hộ bàn giao" in text and "5.000.000" in text
