"""REST API. Public endpoints read only through `chungtay.portal.public` (no private field can
reach them); staff endpoints use the same scoping as the pages and write through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from chungtay.accounts import services as accounts_services
from chungtay.accounts.twofactor import code_refusal, needs_second_factor, signed_in_fully
from chungtay.core.access import closed_refusal, has_perm, visible_to
from chungtay.core.errors import DomainError
from chungtay.figures import funds as fund_figures
from chungtay.funds import services as funds_services
from chungtay.funds.models import Designation, Fund, Receipt, ReceiptTally
from chungtay.housing import services as housing_services
from chungtay.housing.models import Household, ProgressUpdate
from chungtay.housing.privacy import log_private_view
from chungtay.housing.selectors import PrivacyScope
from chungtay.orgunits.models import OrgUnit
from chungtay.portal import public

from . import serializers as s
from .pagination import ReceiptPagination
from .permissions import HasPerm


def _validation_error(exc: DomainError) -> serializers.ValidationError:
    """A domain rule broken → 400 with the Vietnamese message under the field it names."""
    return serializers.ValidationError({exc.field or "non_field_errors": [exc.message]})


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    params = {key: value.replace("\x00", "") for key, value in request.query_params.items()}
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _unit_dict(unit: public.PublicUnit, parent_id: int | None = None) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "title": unit.title,
        "kind": unit.kind,
        "level": unit.level,
        "parent_id": parent_id,
    }


def _report_dict(unit: public.PublicUnit, *, as_of: dt.date | None = None) -> dict[str, Any]:
    report = public.unit_report(unit, as_of=as_of)
    ancestors = public.unit_ancestors(unit)
    parent_id = ancestors[-1].id if ancestors else None
    return {
        "unit": _unit_dict(unit, parent_id),
        "as_of": report.as_of,
        "figures": report.whole.as_dict(),
        "children": [
            {"unit": _unit_dict(child, unit.id), "figures": figures.as_dict()} for child, figures in report.children
        ],
    }


def _public_unit_param(pk: int | None) -> public.PublicUnit | None:
    if pk is None:
        return None
    unit = public.unit_get(pk)
    if unit is None:
        raise serializers.ValidationError({"unit": ["Không có đơn vị này."]})
    return unit


# --- Public, read only, anonymous allowed and throttled ---------------------------------------
class PublicMixin:
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


class PublicSummaryView(PublicMixin, APIView):
    @extend_schema(
        summary="Tổng quan phong trào và kết quả của đơn vị chủ trì",
        parameters=[s.SummaryQuerySerializer],
        responses=s.SummarySerializer,
    )
    def get(self, request: Request) -> Response:
        as_of = _query(s.SummaryQuerySerializer, request).get("ngay")
        # The movement and unit of the day asked for: before a reorganisation, the units of that day.
        movement = public.current_movement(on=as_of)
        unit = public.home_unit(on=as_of)
        data = {
            "movement": movement and {key: movement[key] for key in s.MovementSerializer().fields},
            "report": _report_dict(unit, as_of=as_of) if unit else None,
        }
        return Response(s.SummarySerializer(data).data)


class PublicUnitViewSet(PublicMixin, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @extend_schema(
        summary="Danh sách đơn vị", parameters=[s.UnitQuerySerializer], responses=s.PublicUnitSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        params = _query(s.UnitQuerySerializer, request)
        paginator = self.paginator
        page = paginator.paginate_queryset(public.units_list(**params), request, view=self)
        rows = [_unit_dict(listed.unit, listed.parent_id) for listed in page]
        return paginator.get_paginated_response(s.PublicUnitSerializer(rows, many=True).data)

    @extend_schema(
        summary="Kết quả của một đơn vị và các đơn vị trực thuộc (đơn vị đang hoạt động ngày đó)",
        parameters=[s.SummaryQuerySerializer],
        responses=s.UnitReportSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        unit = public.unit_get(int(pk))
        if unit is None:
            raise NotFound("Không có đơn vị này.")
        as_of = _query(s.SummaryQuerySerializer, request).get("ngay")
        return Response(s.UnitReportSerializer(_report_dict(unit, as_of=as_of)).data)

    @property
    def paginator(self) -> Any:
        from rest_framework.settings import api_settings

        if not hasattr(self, "_paginator"):
            self._paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        return self._paginator


class PublicReceiptViewSet(PublicMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicReceiptSerializer
    pagination_class = ReceiptPagination
    paginator: ReceiptPagination

    def _filters(self) -> public.ReceiptFilters:
        params = _query(s.ReceiptQuerySerializer, self.request)
        return public.ReceiptFilters(
            query=params.get("q", ""),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            amount_min=params.get("amount_min"),
            amount_max=params.get("amount_max"),
            fund=params.get("fund"),
            unit=_public_unit_param(params.get("unit")),
        )

    def get_queryset(self) -> public.PublicList[public.PublicReceipt]:
        return public.receipts(self._filters())

    @extend_schema(
        summary="Sổ ủng hộ công khai (tìm không dấu, lọc theo ngày, số tiền)", parameters=[s.ReceiptQuerySerializer]
    )
    def list(self, request: Request) -> Response:
        filters = self._filters()
        page = self.paginator.paginate_receipts(
            request,
            lambda after, before: public.receipts(filters, after=after, before=before),
            count=public.receipt_count(filters),  # the funds' tallies when nothing picks rows (issue 22)
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _household_public(item: public.PublicHousehold) -> dict[str, Any]:
    return {key: item[key] for key in ("code", "name", "area", "commune", "support_kind", "phase_year", "status")}


class PublicHouseholdViewSet(PublicMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicHouseholdSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> public.PublicList[public.PublicHousehold]:
        params = _query(s.HouseholdQuerySerializer, self.request)
        return public.households(
            unit=_public_unit_param(params.get("unit")), query=params.get("q", ""), status=params.get("status", "")
        )

    @extend_schema(summary="Hộ được hỗ trợ (mã hộ, khu dân cư, tên đã che)", parameters=[s.HouseholdQuerySerializer])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [_household_public(item) for item in page or []]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        summary="Một hộ: tiến độ, kinh phí theo nguồn, ảnh (nếu đồng ý)",
        parameters=[s.HouseholdDetailQuerySerializer],
        responses=s.PublicHouseholdDetailSerializer,
    )
    def retrieve(self, request: Request, code: str) -> Response:
        as_of = _query(s.HouseholdDetailQuerySerializer, request).get("ngay")
        item = public.household_get(code, as_of=as_of)  # status and progress on that day, like the money
        if item is None:
            raise NotFound("Không có hộ này.")
        data = _household_public(item)
        data["timeline"] = public.household_timeline(item.id, as_of=as_of)
        money = public.household_money(item.id, as_of=as_of)
        data["money"] = money.rows
        data["money_total"] = money.total
        data["money_as_of"] = money.as_of
        photos = public.household_photos(item.id) if item.photo_consent else []
        data["photos"] = [
            {
                "url": request.build_absolute_uri(reverse("portal:photo", args=[p.id])),
                "stage": p.stage_label,
                "date": p.date,
            }
            for p in photos
        ]
        return Response(s.PublicHouseholdDetailSerializer(data).data)


class PublicProgressViewSet(PublicMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicProgressSerializer

    def get_queryset(self) -> public.PublicList[public.PublicProgress]:
        params = _query(s.ProgressQuerySerializer, self.request)
        return public.progress_rows(_public_unit_param(params.get("unit")))

    @extend_schema(summary="Tiến độ từng hộ (mã hộ, giai đoạn, ngày, tỷ lệ)", parameters=[s.ProgressQuerySerializer])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TokenView(APIView):
    """POST username and password, and a TOTP `code` for the roles that sign in with one; get a token to
    send as `Authorization: Token <token>`, valid settings.API_TOKEN_DAYS days (issue 15)."""

    authentication_classes: list[type] = []  # the password (and code) is the proof, not a session or another token
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary="Lấy token bằng tên đăng nhập, mật khẩu và mã xác thực hai lớp (nếu tài khoản cần)",
        request=s.TokenRequestSerializer,
        responses=s.TokenSerializer,
    )
    def post(self, request: Request) -> Response:
        query = s.TokenRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]})
        second_factor = needs_second_factor(user)
        if second_factor:
            _check_totp(request, user, data.get("code", ""))
        signed_in_fully(user)
        token, secret = accounts_services.token_issue(
            user=user, second_factor=second_factor, name=data.get("name") or "Token API"
        )
        return Response(s.TokenSerializer({"token": secret, "expiry": token.expiry}).data)


def _check_totp(request: Request, user: Any, code: str) -> None:
    """The code, checked exactly as the sign-in page checks it (twofactor.code_refusal): django-otp's
    back-off, and each wrong code counted towards the account lockout like a wrong password."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        message = "Tài khoản này cần xác thực hai lớp: hãy đăng nhập trên trang web để bật ứng dụng xác thực trước."
        raise serializers.ValidationError({"code": [message]})
    if not code:
        message = "Tài khoản này cần mã xác thực hai lớp: gửi thêm trường code (6 chữ số trên ứng dụng xác thực)."
        raise serializers.ValidationError({"code": [message]})
    refusal = code_refusal(request._request, user, device, code)
    if refusal:
        raise serializers.ValidationError({"code": [refusal]})


# --- Staff: token or session, scoped like the pages --------------------------------------------
def _area(pk: int, user: Any, perm: str) -> OrgUnit:
    area = OrgUnit.objects.filter(pk=pk).first()
    if area is None:
        raise serializers.ValidationError({"area": ["Không có khu dân cư này."]})
    if not has_perm(user, perm, area):
        raise PermissionDenied(closed_refusal(perm, area) or f"Bạn không có quyền thực hiện việc này tại {area.title}.")
    return area


class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Households in the caller's scope ("housing.view"); writes need "housing.edit" over the area."""

    serializer_class = s.HouseholdSerializer
    permission_classes = [HasPerm]
    read_perm = "housing.view"
    write_perm = "housing.edit"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Household]:
        qs = visible_to(self.request.user, Household.objects.select_related("area"), "housing.view", "area__path")
        return qs.order_by("area__path", "code")

    def _mark(self, households: list[Household]) -> list[Household]:
        privacy = PrivacyScope(self.request.user)
        for household in households:
            household.show_private = privacy.covers(household.area)  # type: ignore[attr-defined]
        # Law 91/2025: every showing of private fields is logged, through the API as on the pages.
        shown = [h for h in households if h.show_private]  # type: ignore[attr-defined]
        log_private_view(user=self.request.user, households=shown, path=self.request.get_full_path())
        return households

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self._mark(list(self.paginate_queryset(self.get_queryset())))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self._mark([self.get_object()])[0]).data)

    def _data(self, values: dict[str, Any]) -> housing_services.HouseholdData:
        fields = {key: values[key] for key in housing_services.HouseholdData.__dataclass_fields__ if key in values}
        return housing_services.HouseholdData(**fields)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values["area"] = _area(values["area"], request.user, "housing.edit")
        code = values.pop("code", "")
        try:
            household = housing_services.household_create(actor=request.user, data=self._data(values), code=code)
        except DomainError as exc:
            raise _validation_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied() from exc
        return Response(self.get_serializer(self._mark([household])[0]).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        if not has_perm(request.user, "housing.edit", household.area):
            raise PermissionDenied(f"Bạn không có quyền sửa hộ tại {household.area.title}.")
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(household, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = {name: getattr(household, name) for name in housing_services.HouseholdData.__dataclass_fields__}
        current["area"] = household.area_id
        values = {**current, **serializer.validated_data}
        values.pop("code", None)
        values["area"] = _area(values["area"], request.user, "housing.edit")
        if "state_support" not in serializer.validated_data and household.state_support == household.norm.amount:
            values["state_support"] = None  # follow the norm if the household did
        try:
            household = housing_services.household_update(
                actor=request.user, household=household, data=self._data(values)
            )
        except DomainError as exc:
            raise _validation_error(exc) from exc
        return Response(self.get_serializer(self._mark([household])[0]).data)


class ProgressViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Stage updates in scope; a new one goes through housing.services.progress_record."""

    serializer_class = s.ProgressSerializer
    permission_classes = [HasPerm]
    read_perm = "housing.view"
    write_perm = "housing.progress"

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        qs = ProgressUpdate.objects.select_related("household").order_by("-date", "-id")
        return visible_to(self.request.user, qs, "housing.view", "household__area__path")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = (
            visible_to(request.user, Household.objects.select_related("area"), "housing.view", "area__path")
            .filter(pk=data["household"])
            .first()
        )
        if household is None:
            raise serializers.ValidationError({"household": ["Không có hộ này trong phạm vi của bạn."]})
        if not has_perm(request.user, "housing.progress", household.area):
            raise PermissionDenied(f"Bạn không có quyền cập nhật tiến độ tại {household.area.title}.")
        try:
            update = housing_services.progress_record(
                actor=request.user,
                household=household,
                stage=data["stage"],
                date=data["date"],
                percent=data.get("percent"),
                note=data.get("note", ""),
            )
        except DomainError as exc:
            raise _validation_error(exc) from exc
        return Response(self.get_serializer(update).data, status=201)


class ReceiptViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Receipts of the funds in scope ("funds.view"); recording needs "funds.record" over the fund."""

    serializer_class = s.ReceiptSerializer
    permission_classes = [HasPerm]
    read_perm = "funds.view"
    write_perm = "funds.record"

    pagination_class = ReceiptPagination
    paginator: ReceiptPagination

    def get_queryset(self) -> QuerySet[Receipt]:
        qs = Receipt.objects.select_related("fund", "donor", "designated_household").order_by("-received_on", "-id")
        return visible_to(self.request.user, qs, "funds.view", "fund__unit__path")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = self.get_queryset()

        def listing(after: public.ReceiptKey | None, before: public.ReceiptKey | None) -> QuerySet[Receipt]:
            if after is not None:
                return qs.filter(after.older())
            if before is not None:
                return qs.filter(before.newer()).order_by("received_on", "id")
            return qs

        # Every receipt of the funds in scope: their tallies hold the count (issue 22).
        tallies = visible_to(request.user, ReceiptTally.objects.all(), "funds.view", "fund__unit__path")
        count = tallies.aggregate(n=Coalesce(Sum("count"), 0))["n"]
        page = self.paginator.paginate_receipts(request, listing, count=count)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fund = (
            visible_to(request.user, Fund.objects.select_related("unit"), "funds.view", "unit__path")
            .filter(pk=data["fund"])
            .first()
        )
        if fund is None:
            raise serializers.ValidationError({"fund": ["Không có quỹ này trong phạm vi của bạn."]})
        if not has_perm(request.user, "funds.record", fund.unit):
            reason = closed_refusal("funds.record", fund.unit)
            raise PermissionDenied(reason or f"Bạn không có quyền ghi nhận khoản ủng hộ vào {fund.name}.")
        unit = household = None
        if data.get("designation") == Designation.UNIT and data.get("designated_unit"):
            unit = OrgUnit.objects.filter(pk=data["designated_unit"]).first()
        if data.get("designation") == Designation.HOUSEHOLD and data.get("designated_household"):
            household = Household.objects.filter(code=data["designated_household"]).only("id", "area").first()
        try:
            receipt = funds_services.receipt_record(
                actor=request.user,
                fund=fund,
                donor=funds_services.DonorRef(data["donor_name"], data["donor_kind"], data["anonymous"]),
                amount=data["amount"],
                received_on=data["received_on"],
                channel=data["channel"],
                receipt_number=data.get("receipt_number", ""),
                bank_ref=data.get("bank_ref", ""),
                designation=data["designation"],
                designated_unit=unit,
                designated_household=household,
                memo=data.get("memo", ""),
            )
        except DomainError as exc:
            raise _validation_error(exc) from exc
        return Response(self.get_serializer(receipt).data, status=201)


class FundViewSet(viewsets.GenericViewSet):
    """Funds in scope ("funds.view") with their catalogue figures as of a day (`?ngay=`): what each
    received, allocated and paid, and what it holds in cash and in the bank (the books' balances)."""

    serializer_class = s.FundSerializer
    permission_classes = [HasPerm]
    read_perm = "funds.view"
    write_perm = "funds.manage"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Fund]:
        qs = Fund.objects.select_related("unit").order_by("unit__path", "name")
        return visible_to(self.request.user, qs, "funds.view", "unit__path")

    def _rows(self, funds: list[Fund]) -> list[dict[str, Any]]:
        as_of = _query(s.SummaryQuerySerializer, self.request).get("ngay")
        figures = fund_figures.for_funds(funds, as_of=as_of)
        return [
            {
                "id": fund.pk,
                "code": fund.code,
                "name": fund.name,
                "unit": fund.unit.title,
                "as_of": figures[fund.pk].as_of,
                "figures": {name: figures[fund.pk][name] for name in s.FUND_FIGURES},
            }
            for fund in funds
        ]

    @extend_schema(summary="Các quỹ trong phạm vi và số liệu của từng quỹ", parameters=[s.SummaryQuerySerializer])
    def list(self, request: Request) -> Response:
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        return self.get_paginated_response(self.get_serializer(self._rows(page), many=True).data)

    @extend_schema(summary="Số liệu của một quỹ đến ngày", parameters=[s.SummaryQuerySerializer])
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self._rows([self.get_object()])[0]).data)
