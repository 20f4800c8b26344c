"""Serializers: public ones describe what `portal.public` returns; staff ones validate input for the
housing and funds services (which keep every rule, so the API and the pages behave alike)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from chungtay.core import dates
from chungtay.funds.models import Channel, Designation, DonorKind
from chungtay.housing.models import Category, Gender, Stage, SupportKind
from chungtay.portal.public import PUBLIC_FIGURES
from chungtay.tallies.catalogue import FIGURES

MAX_AMOUNT = 10**15  # đồng; keeps a mistyped figure out of BigIntegerField overflow
MAX_ID = 2**31 - 1


# --- Public ----------------------------------------------------------------------------------
class LegacyFiguresSerializer(serializers.Serializer):
    """The first field names of the public figures, kept for existing clients; each is a catalogue
    figure also given under its catalogue name (`public.LEGACY_FIELDS`)."""

    planned = serializers.IntegerField(help_text="= houses_planned")
    started = serializers.IntegerField(help_text="= houses_started")
    completed = serializers.IntegerField(help_text="= houses_completed")
    handed_over = serializers.IntegerField(help_text="= houses_handed_over")
    done_percent = serializers.IntegerField(help_text="= houses_done_percent, 0 khi chưa có hộ nào")
    state_support = serializers.IntegerField(help_text="= houses_support_amount, đồng")
    mobilised = serializers.IntegerField(help_text="= money_received, đồng")
    allocated = serializers.IntegerField(help_text="= money_households_allocated, đồng")
    disbursed = serializers.IntegerField(help_text="= money_households_received, đồng")


def _catalogue_fields() -> dict[str, serializers.Field]:
    """One field per public figure, named and described as in the figures catalogue (docs/figures.md)."""

    fields: dict[str, serializers.Field] = {}
    for name in PUBLIC_FIGURES:
        item = FIGURES[name]
        fields[name] = serializers.IntegerField(
            allow_null=item.unit == "%", help_text=f"{item.label} ({item.unit}). {item.definition}"
        )
    return fields


# The public figures of a unit's subtree as of a day: the catalogue's names, and the first names.
FiguresSerializer = type("FiguresSerializer", (LegacyFiguresSerializer,), _catalogue_fields())


class PublicUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)


class ChildFiguresSerializer(serializers.Serializer):
    unit = PublicUnitSerializer()
    figures = FiguresSerializer()


class UnitReportSerializer(serializers.Serializer):
    unit = PublicUnitSerializer()
    as_of = serializers.DateField(help_text="Số liệu đến ngày này (mọi số liệu trong figures và children)")
    figures = FiguresSerializer()
    children = ChildFiguresSerializer(many=True)


class MovementSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    title = serializers.CharField()
    theme = serializers.CharField()
    issued_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.CharField()


class SummaryQuerySerializer(serializers.Serializer):
    ngay = serializers.DateField(
        required=False, help_text="Số liệu đến ngày (YYYY-MM-DD); mặc định hôm nay, không được sau hôm nay"
    )

    def validate_ngay(self, value: dt.date) -> dt.date:
        if value > dates.today():
            raise serializers.ValidationError("Chưa có số liệu của ngày này: số liệu chỉ tính đến hôm nay.")
        return value


class HouseholdDetailQuerySerializer(SummaryQuerySerializer):
    """A household's money as of a day (`ngay`, YYYY-MM-DD), today by default."""


class SummarySerializer(serializers.Serializer):
    movement = MovementSerializer(allow_null=True)
    report = UnitReportSerializer(allow_null=True)


class PublicReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    received_on = serializers.DateField()
    donor = serializers.CharField(help_text="Tên công khai; “Nhà hảo tâm ẩn danh” nếu ẩn danh")
    amount = serializers.IntegerField()
    channel = serializers.CharField()
    designation = serializers.CharField()
    designated_to = serializers.CharField()
    bank_ref = serializers.CharField()
    fund_code = serializers.CharField()
    fund = serializers.CharField()


# A fund's figures in the API: the catalogue's names (docs/figures.md), in đồng.
# fund_received + fund_transferred_in − fund_transferred_out − fund_allocated_unpaid − fund_paid − fund_fees
# = fund_unallocated: the money a client reads adds up.
FUND_FIGURES = (
    "fund_received",
    "fund_transferred_in",
    "fund_transferred_out",
    "fund_unallocated",
    "fund_allocated_unpaid",
    "fund_paid",
    "fund_fees",
    "fund_held",
    "fund_cash_book_balance",
    "fund_bank_book_balance",
)


class FundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="Đơn vị quản lý quỹ")
    as_of = serializers.DateField(help_text="Số liệu đến ngày")
    figures = serializers.DictField(child=serializers.IntegerField(), help_text="Tên số liệu → số đồng")


class ReceiptQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Tìm không dấu")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    amount_min = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AMOUNT)
    amount_max = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AMOUNT)
    fund = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "Đến ngày phải sau hoặc bằng từ ngày."})
        low, high = attrs.get("amount_min"), attrs.get("amount_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"amount_max": "Số tiền đến phải lớn hơn hoặc bằng số tiền từ."})
        return attrs


class HouseholdQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Mã hộ hoặc khu dân cư")
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(
        required=False,
        choices=["approved", "surveyed", "started", "building", "completed", "handed_over"],
    )


class UnitQuerySerializer(SummaryQuerySerializer):
    """Filters of the unit list; `ngay`: the units in force on that day (default today)."""

    parent = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    level = serializers.IntegerField(required=False, min_value=0, max_value=4)


class PublicHouseholdSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="Tên chủ hộ đã che, ví dụ “Nguyễn V. A.”")
    area = serializers.CharField()
    commune = serializers.CharField()
    support_kind = serializers.CharField()
    phase_year = serializers.IntegerField()
    status = serializers.CharField()


class TimelineSerializer(serializers.Serializer):
    stage = serializers.CharField()
    date = serializers.DateField()
    percent = serializers.IntegerField()


class MoneySerializer(serializers.Serializer):
    """One source of a household's money: the catalogue's per-source figures (docs/figures.md)."""

    source = serializers.CharField()
    planned = serializers.IntegerField(help_text="= household_planned_<source>, đồng")
    allocated = serializers.IntegerField(help_text="= household_allocated_<source>, đồng (gồm đã chi)")
    disbursed = serializers.IntegerField(help_text="= household_received_<source>, đồng")


class MoneyTotalSerializer(serializers.Serializer):
    """Every source of a household's money: the sum of the `money` rows, the catalogue's totals."""

    planned = serializers.IntegerField(help_text="= household_planned, đồng")
    allocated = serializers.IntegerField(help_text="= household_allocated, đồng (gồm đã chi)")
    disbursed = serializers.IntegerField(help_text="= household_received, đồng")


class PhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    stage = serializers.CharField()
    date = serializers.DateField()


class PublicHouseholdDetailSerializer(PublicHouseholdSerializer):
    timeline = TimelineSerializer(many=True)
    money = MoneySerializer(many=True)
    money_total = MoneyTotalSerializer()
    money_as_of = serializers.DateField(help_text="Ngày tính các số tiền (mặc định hôm nay)")
    photos = PhotoSerializer(many=True, help_text="Chỉ khi hộ đồng ý công khai ảnh")


class PublicProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household_code = serializers.CharField()
    area = serializers.CharField()
    stage = serializers.CharField()
    date = serializers.DateField()
    percent = serializers.IntegerField()


class ProgressQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# --- Staff -----------------------------------------------------------------------------------
PRIVATE_FIELDS = ("citizen_id", "phone", "address_detail", "health_note", "lat", "lon")


class HouseholdSerializer(serializers.Serializer):
    """A household for staff. Private fields appear only to people holding "housing.private" over
    the household's area (the view sets `show_private` per row)."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="Bỏ trống: tự cấp mã")
    area = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã số khu dân cư (OrgUnit id)")
    area_name = serializers.CharField(read_only=True)
    head_name = serializers.CharField(max_length=150)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9999)
    category = serializers.ChoiceField(choices=Category.choices)
    support_kind = serializers.ChoiceField(choices=SupportKind.choices)
    phase_year = serializers.IntegerField(min_value=1, max_value=9999)
    decision_number = serializers.CharField(max_length=60)
    decision_date = serializers.DateField()
    state_support = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=250)
    note = serializers.CharField(required=False, allow_blank=True, max_length=250)
    photo_consent = serializers.BooleanField(required=False, default=False)
    status = serializers.CharField(read_only=True)
    citizen_id = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    address_detail = serializers.CharField(required=False, allow_blank=True, max_length=250)
    health_note = serializers.CharField(required=False, allow_blank=True, max_length=250)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-90, max_value=90)  # fmt: skip
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                   min_value=-180, max_value=180)  # fmt: skip

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = {
            "id": instance.pk,
            "code": instance.code,
            "area": instance.area_id,
            "area_name": instance.area.title,
            "head_name": instance.head_name,
            "gender": instance.gender,
            "birth_year": instance.birth_year,
            "category": instance.category,
            "support_kind": instance.support_kind,
            "phase_year": instance.phase_year,
            "decision_number": instance.decision_number,
            "decision_date": instance.decision_date.isoformat(),
            "state_support": instance.state_support,
            "override_reason": instance.override_reason,
            "note": instance.note,
            "photo_consent": instance.photo_consent,
            "status": instance.status,
        }
        if getattr(instance, "show_private", False):
            data.update(
                citizen_id=instance.citizen_id,
                phone=instance.phone,
                address_detail=instance.address_detail,
                health_note=instance.health_note,
                lat=None if instance.lat is None else str(instance.lat),
                lon=None if instance.lon is None else str(instance.lon),
            )
        return data


class ProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    household = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã số hộ (id)")
    household_code = serializers.CharField(read_only=True)
    stage = serializers.ChoiceField(choices=Stage.choices)
    date = serializers.DateField()
    percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    verified = serializers.BooleanField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "household": instance.household_id,
            "household_code": instance.household.code,
            "stage": instance.stage,
            "date": instance.date.isoformat(),
            "percent": instance.percent,
            "note": instance.note,
            "verified": instance.verified_at is not None,
        }


class ReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    fund = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã số quỹ (id)")
    fund_name = serializers.CharField(read_only=True)
    donor_name = serializers.CharField(max_length=200)
    donor_kind = serializers.ChoiceField(choices=DonorKind.choices, required=False, default=DonorKind.PERSON)
    anonymous = serializers.BooleanField(required=False, default=False)
    public_name = serializers.CharField(read_only=True)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    received_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    receipt_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    bank_ref = serializers.CharField(required=False, allow_blank=True, max_length=80)
    designation = serializers.ChoiceField(choices=Designation.choices, required=False, default=Designation.GENERAL)
    designated_unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    designated_household = serializers.CharField(required=False, allow_blank=True, max_length=30,
                                                 help_text="Mã hộ")  # fmt: skip
    memo = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "fund": instance.fund_id,
            "fund_name": instance.fund.name,
            "donor_name": instance.donor.name,
            "donor_kind": instance.donor.kind,
            "anonymous": instance.donor.anonymous,
            "public_name": instance.donor.public_name,
            "amount": instance.amount,
            "received_on": instance.received_on.isoformat(),
            "channel": instance.channel,
            "receipt_number": instance.receipt_number,
            "bank_ref": instance.bank_ref,
            "designation": instance.designation,
            "designated_unit": instance.designated_unit_id,
            "designated_household": instance.designated_household.code if instance.designated_household_id else "",
            "memo": instance.memo,
        }


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="Tên đăng nhập")
    password = serializers.CharField(label="Mật khẩu", style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        label="Mã xác thực",
        required=False,
        allow_blank=True,
        help_text="6 chữ số trên ứng dụng xác thực; bắt buộc với tài khoản cần xác thực hai lớp.",
    )
    name = serializers.CharField(
        label="Tên token",
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Để nhận ra token trên trang hồ sơ.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Gửi kèm mỗi yêu cầu: `Authorization: Token <token>`. Chỉ hiện một lần.")
    expiry = serializers.DateTimeField()
