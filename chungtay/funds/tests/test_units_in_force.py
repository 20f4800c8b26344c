"""Any depth (issue 24): a city's communes sit right under it, and a unit closed by a reorganisation is
no longer offered on the receipt form."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from chungtay.funds.models import FundKind
from chungtay.funds.services import fund_create
from chungtay.orgunits.models import Level, Role
from chungtay.orgunits.services import unit_create
from conftest import make_user

DAY = dt.date(2026, 5, 20)


def test_a_city_funds_receipt_form_offers_its_communes_in_force_and_not_the_closed_ones(client, db, time_machine):
    time_machine.move_to(dt.datetime.combine(DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    city = unit_create(actor=None, parent=None, level=Level.PROVINCE, kind="thanh_pho", name="Đà Nẵng")
    ward = unit_create(
        actor=None, parent=city, level=Level.COMMUNE, kind="phuong", name="Điện Bàn Bắc",
        valid_from=dt.date(2025, 7, 1),
    )  # fmt: skip
    closed = unit_create(
        actor=None, parent=city, level=Level.COMMUNE, kind="phuong", name="Điện Ngọc",
        valid_to=dt.date(2025, 6, 30),
    )  # fmt: skip
    area = unit_create(actor=None, parent=ward, level=Level.AREA, kind="khoi_pho", name="Khối phố 9")
    office = make_user("cityoffice", city, Role.OFFICE)
    fund = fund_create(actor=office, unit=city, kind=FundKind.FOR_THE_POOR, name="Quỹ thành phố", code="vnn-dn")

    client.force_login(office)
    form = client.get(reverse("funds:receipt_create", args=[fund.pk])).context["form"]
    offered = {value for value, _label in form.fields["designated_unit"].widget.choices}
    assert ward.pk in offered and city.pk in offered
    assert closed.pk not in offered and area.pk not in offered
