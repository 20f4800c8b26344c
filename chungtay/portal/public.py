"""The public selector layer: the only way the portal and the public API read data.

Everything here is safe to show to anyone, and is built so that it stays safe when models grow:
- what leaves this module is a frozen dataclass holding only publishable fields, already masked
  (`PublicHousehold`, `PublicReceipt`, …), or a lazy `PublicList` of them that pagers count and
  slice in SQL: never a queryset nor a model, so no caller can forget to mask what it never receives,
  and mypy rejects `row.head_name` (tests/test_public_types.py checks both);
- rows are selected with explicit `.values(...)` columns, never whole Household/Donor/Receipt rows;
- a household is its code, area and masked head name ("Nguyễn V. A."); its citizen ID, phone,
  exact address, health note, exact coordinates and progress notes are never selected;
- a donor is their public name, decided in SQL (anonymous → "Nhà hảo tâm ẩn danh"); the real name of
  an anonymous donor is never selected nor searched, the contact never;
- a receipt's memo is never selected (it may carry personal data), nor a complaint's parties; a
  search may match the words of a named donor's memo (so a donor finds their transfer), never an
  anonymous donor's;
- map positions are rounded in SQL to 0.01° (~1 km) and grouped, so a point never pins a house;
- photos only of households that consented to publication.

Decree 93/2021/NĐ-CP art. 14 asks for what was received and distributed, to whom, at what level,
and when, where and how it was received: those are the columns published here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Generic, TypeVar, overload

from django.core.files import File
from django.core.files.storage import Storage
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from chungtay.campaigns.models import GoodModel, GoodModelField, GoodModelStatus, Movement, MovementStatus
from chungtay.core import dates
from chungtay.core.text import fold, mask_name
from chungtay.figures import funds as fund_figures
from chungtay.figures import households as household_stages
from chungtay.funds import vietqr
from chungtay.funds.models import (
    Account,
    AccountKind,
    BankStatement,
    Channel,
    Designation,
    Donor,
    Fund,
    Receipt,
    ReceiptTally,
)
from chungtay.funds.selectors import household_sources
from chungtay.funds.selectors import monthly_series as funds_monthly
from chungtay.housing.models import Household, Photo, ProgressUpdate, Stage, Status, SupportKind
from chungtay.housing.selectors import complaint_counts as housing_counts
from chungtay.orgunits.models import Kind, Level, OrgUnit
from chungtay.orgunits.selectors import active_on
from chungtay.tallies import catalogue, rollup

ANONYMOUS_NAME = "Nhà hảo tâm ẩn danh"
POSITION_DECIMALS = 2  # 0.01° of latitude ≈ 1.1 km

# Household statuses and stages as the public sees them.
PUBLIC_HOUSEHOLD = ~Q(status="withdrawn")


# --- What leaves this module -------------------------------------------------------------------
class PublicRecord:
    """A public row: read as attributes, or by key like the dicts it replaced (templates, open data);
    a key that is not one of its fields is a KeyError, as it is not there."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.__dataclass_fields__ else default

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


R = TypeVar("R", bound=PublicRecord)


class PublicList(Generic[R]):
    """A public list read lazily: counted and sliced in SQL like a queryset, so Django's and DRF's
    pagers read one page of it, but what comes out is only ever `R`. The queryset stays inside."""

    ordered = True  # what Paginator asks of a queryset before it slices

    def __init__(self, rows: QuerySet, make: Callable[[dict[str, Any]], R]) -> None:
        self._rows, self._make = rows, make

    def count(self) -> int:
        return self._rows.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self._make(row) for row in self._rows[index]]
        return self._make(self._rows[index])

    def __iter__(self) -> Iterator[R]:
        """Every row, read in chunks (the open data streams whole lists)."""
        return (self._make(row) for row in self._rows.iterator(chunk_size=2000))

    def first(self) -> R | None:
        row = self._rows.first()
        return self._make(row) if row else None


# --- Units ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicUnit:
    id: int
    name: str
    kind: str
    level: int
    path: str

    @property
    def title(self) -> str:
        kind = str(Kind(self.kind).label) if self.kind in Kind.values else ""
        if not kind or fold(self.name).startswith(fold(kind)):
            return self.name
        return f"{kind} {self.name}"


_UNIT_FIELDS = ("id", "name", "kind", "level", "path")


def _unit(row: dict[str, Any]) -> PublicUnit:
    return PublicUnit(**{key: row[key] for key in _UNIT_FIELDS})


def unit_get(pk: int) -> PublicUnit | None:
    row = OrgUnit.objects.filter(pk=pk).values(*_UNIT_FIELDS).first()
    return _unit(row) if row else None


def unit_children(unit: PublicUnit, *, on: dt.date | None = None) -> list[PublicUnit]:
    """The children in force on `on` (today when not given), as the staff dashboard lists them."""
    rows = OrgUnit.objects.filter(path__startswith=unit.path, depth=len(unit.path) // OrgUnit.steplen + 1)
    return [_unit(row) for row in active_on(rows, on).order_by("kind", "name").values(*_UNIT_FIELDS)]


def unit_ancestors(unit: PublicUnit) -> list[PublicUnit]:
    step = OrgUnit.steplen
    prefixes = [unit.path[: i * step] for i in range(1, len(unit.path) // step)]
    return [_unit(row) for row in OrgUnit.objects.filter(path__in=prefixes).order_by("depth").values(*_UNIT_FIELDS)]


@dataclass(frozen=True)
class ListedUnit(PublicRecord):
    unit: PublicUnit
    parent_id: int | None


def units_list(
    *, parent: int | None = None, level: int | None = None, ngay: dt.date | None = None
) -> PublicList[ListedUnit]:
    """Units for the API with their parent's id; filter by parent or level. The units in force on
    `ngay` (today when not given): after a reorganisation the list is today's map, and a day before
    it gives the map of that day."""
    qs = active_on(OrgUnit.objects.order_by("path"), ngay)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    return PublicList(qs.values(*_UNIT_FIELDS, "parent_id"), lambda row: ListedUnit(_unit(row), row["parent_id"]))


# --- The movement -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicMovement(PublicRecord):
    id: int
    symbol: str
    title: str
    theme: str
    issued_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str
    issuing_unit_id: int


def current_movement(*, on: dt.date | None = None) -> PublicMovement | None:
    """The latest movement that has been launched (drafts are not public). With `on`, the latest issued
    by that day by a unit in force that day: the movement a summary as of that day is about (a day of
    2024 is the old town's 2024 movement, not the city's of today, which did not exist yet)."""

    qs = Movement.objects.exclude(status=MovementStatus.DRAFT)
    if on is not None:
        qs = qs.filter(issued_on__lte=on, issuing_unit__in=active_on(OrgUnit.objects.all(), on))
    row = qs.order_by("-issued_on", "-id").values(*(f.name for f in fields(PublicMovement))).first()
    return PublicMovement(**row) if row else None


def home_unit(*, on: dt.date | None = None) -> PublicUnit | None:
    """The unit the portal opens on: the current movement's issuing unit, else the first district. With
    `on`, the issuing unit of that day's movement (`current_movement(on=…)`), else today's home unit."""
    movement = current_movement(on=on)
    if movement:
        return unit_get(movement.issuing_unit_id)
    if on is not None:
        return home_unit()
    row = OrgUnit.objects.filter(level=Level.DISTRICT).order_by("path").values(*_UNIT_FIELDS).first()
    if row is None:
        row = OrgUnit.objects.order_by("path").values(*_UNIT_FIELDS).first()
    return _unit(row) if row else None


# --- Progress and money per unit ---------------------------------------------------------------
# The public figures of a unit's subtree: catalogue figures only (aggregates, never a household's row).
PUBLIC_FIGURES = (
    "houses_planned",
    "houses_started",
    "houses_completed",
    "houses_handed_over",
    "houses_done_percent",
    "houses_support_amount",
    "money_received",
    "money_paid_from_funds",
    "money_other_sources_paid",
    "money_households_allocated",
    "money_households_received",
    "in_kind_value",  # in-kind help at its agreed value, beside the cash and never in it
    "in_kind_workdays",
)
# The API's first field names (documented in docs/api.md) and the catalogue figure each one is.
LEGACY_FIELDS = {
    "planned": "houses_planned",
    "started": "houses_started",
    "completed": "houses_completed",
    "handed_over": "houses_handed_over",
    "done_percent": "houses_done_percent",
    "state_support": "houses_support_amount",
    "mobilised": "money_received",
    "allocated": "money_households_allocated",
    "disbursed": "money_households_received",
}


@dataclass(frozen=True)
class Figures:
    """The public figures of a unit's subtree as of a day, by catalogue name (`values`)."""

    as_of: dt.date
    values: dict[str, int | None]

    def __getattr__(self, name: str) -> int | None:
        if name in PUBLIC_FIGURES:
            return self.values[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> int | None:
        return self.values[name]

    def as_dict(self) -> dict[str, int | None]:
        """The catalogue names, and the API's first names for the same figures."""
        legacy = {old: self.values[name] for old, name in LEGACY_FIELDS.items()}
        legacy["done_percent"] = legacy["done_percent"] or 0  # was 0, not null, with no house planned
        return {**legacy, **self.values}


@dataclass
class UnitReport:
    unit: PublicUnit
    whole: Figures
    children: list[tuple[PublicUnit, Figures]] = field(default_factory=list)

    @property
    def as_of(self) -> dt.date:
        return self.whole.as_of


def _figures(figures: Any) -> Figures:
    return Figures(figures.as_of, {name: figures[name] for name in PUBLIC_FIGURES})


def unit_report(unit: PublicUnit, *, as_of: dt.date | None = None) -> UnitReport:
    """The public figures of the unit's subtree and of each child's, as of `as_of` (today when not
    given), from the figures catalogue: a few queries per figure group, whatever the size of the tree."""

    children = unit_children(unit, on=as_of)

    def handle(u: PublicUnit) -> OrgUnit:  # what the catalogue reads of a unit: its id and path
        return OrgUnit(pk=u.id, path=u.path)

    whole = _figures(catalogue.for_unit(handle(unit), as_of=as_of))
    rows = catalogue.for_units([handle(child) for child in children], as_of=as_of)
    return UnitReport(unit, whole, [(child, _figures(f)) for child, (_h, f) in zip(children, rows, strict=True)])


def units_summary(*, as_of: dt.date | None = None) -> Iterator[dict[str, Any]]:
    """Every unit in force on `as_of` (today when not given; the map of that day, as the API's unit list)
    with its id, title, parent id, level and the public figures of its subtree as of that day, in tree
    order, for the open data: the catalogue asked once per depth, not once per unit."""

    rows = list(active_on(OrgUnit.objects.order_by("path"), as_of).values(*_UNIT_FIELDS, "parent_id"))
    by_depth: dict[int, list[OrgUnit]] = {}
    for row in rows:
        by_depth.setdefault(len(row["path"]), []).append(OrgUnit(pk=row["id"], path=row["path"]))
    figures: dict[int, Figures] = {}
    for units in by_depth.values():
        figures.update({u.pk: _figures(f) for u, f in catalogue.for_units(units, as_of=as_of)})
    for row in rows:
        unit = _unit(row)
        yield {"unit_id": unit.id, "name": unit.title, "parent_id": row["parent_id"], "level": unit.level,
               "as_of": figures[unit.id].as_of, **figures[unit.id].values}  # fmt: skip


def monthly_series(unit: PublicUnit, *, until: dt.date | None = None) -> dict[str, list]:
    """Money in and out per month for the chart (aggregates only)."""

    return funds_monthly(OrgUnit(pk=unit.id, path=unit.path), until=until)


def map_cells(unit: PublicUnit, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Households grouped by position rounded in SQL to ~1 km: a cell never pins one house. As of an
    earlier day: the households on the list that day, completed by then (the catalogue's definition)."""

    if as_of is None or as_of >= dates.today():
        qs = Household.objects.filter(PUBLIC_HOUSEHOLD, area__path__startswith=unit.path, lat__isnull=False)
        done = Q(status__in=["completed", "handed_over"])
    else:
        located = household_stages.in_subtree_on(unit.path, as_of).filter(lat__isnull=False)
        qs = household_stages.with_stage_on(located, as_of).filter(gone=False)
        done = Q(status_on__in=["completed", "handed_over"])
    rows = (
        qs.annotate(lat_r=Round("lat", POSITION_DECIMALS), lon_r=Round("lon", POSITION_DECIMALS))
        .values("lat_r", "lon_r")
        .annotate(n=Count("id"), done=Count("id", filter=done))
        .order_by("lat_r", "lon_r")
    )
    return [
        {
            "lat": round(float(row["lat_r"]), POSITION_DECIMALS),
            "lon": round(float(row["lon_r"]), POSITION_DECIMALS),
            "households": row["n"],
            "completed": row["done"],
        }
        for row in rows
    ]


# --- Households -------------------------------------------------------------------------------
HOUSEHOLD_FIELDS = ("id", "code", "head_name", "area__name", "area__kind", "area__parent__name", "area__parent__kind")
HOUSEHOLD_PUBLIC_FIELDS = ("support_kind", "phase_year", "status", "photo_consent")


def _area_title(name: str, kind: str, commune: str = "") -> str:
    """A unit's title; a residential area's with its commune ("Khối phố 1 (Vĩnh Điện)", as
    OrgUnit.full_title): many communes have a "Khối phố 1"."""
    title = PublicUnit(0, name or "", kind or "", 0, "").title
    return f"{title} ({commune})" if commune and not title.rstrip().endswith(")") else title


def _commune_of(level: int | None, parent_name: str | None) -> str:
    """The commune to name beside a unit that may be an area (empty for any other level)."""
    return (parent_name or "") if level == Level.AREA else ""


@dataclass(frozen=True)
class PublicHousehold(PublicRecord):
    """A household as anyone may see it: its head's name masked ("Nguyễn V. A."), its area and
    commune by name. `on_list`: whether it was on the list on the day asked for (household_get)."""

    id: int
    code: str
    name: str
    area: str
    commune: str
    support_kind: str
    support_kind_label: str
    phase_year: int | None
    status: str
    status_label: str
    photo_consent: bool
    on_list: bool = True


def _public_household(row: dict[str, Any]) -> PublicHousehold:
    return PublicHousehold(
        id=row["id"],
        code=row["code"],
        name=mask_name(row["head_name"]),
        area=_area_title(row["area__name"], row["area__kind"]),
        commune=_area_title(row["area__parent__name"], row["area__parent__kind"]),
        support_kind=row["support_kind"],
        support_kind_label=str(SupportKind(row["support_kind"]).label),
        phase_year=row["phase_year"],
        status=row["status"],
        status_label=str(Status(row["status"]).label),
        photo_consent=row["photo_consent"],
    )


def households(*, unit: PublicUnit | None = None, query: str = "", status: str = "") -> PublicList[PublicHousehold]:
    """The public households, in area and code order, names masked."""
    return PublicList(_household_values(unit=unit, query=query, status=status), _public_household)


def _household_values(*, unit: PublicUnit | None = None, query: str = "", status: str = "") -> QuerySet:

    qs = Household.objects.filter(PUBLIC_HOUSEHOLD)
    query = query.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    if unit is not None:
        qs = qs.filter(area__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    folded = fold(query)
    if folded:
        # The code, or the area's name; never the head's name (a search is an oracle for a full name).
        qs = qs.filter(Q(code__iexact=query.strip()) | Q(area__name_folded__contains=folded))
    return qs.order_by("area__path", "code").values(*HOUSEHOLD_FIELDS, *HOUSEHOLD_PUBLIC_FIELDS)


# Pages after the first few are read from the last row of the page before (a keyset: `?sau=<day>.<id>`),
# not by skipping rows (OFFSET): at 5 million receipts, page 50,000 read 2.5 million index entries only
# to throw them away. Page numbers alone (`?trang=`) reach only this many pages.
OFFSET_PAGES = 10


class _PagerLinks:
    """What the shared pager reads of a page besides its numbers (Django's `Page` names)."""

    number: int
    has_next: bool
    has_previous: bool

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class HouseholdPage(_PagerLinks):
    """One page of the public household list, read like Django's `Page` by the shared pager. `count`
    None: not known without counting (then `num_pages` is None); the cursors are households' codes."""

    rows: list[PublicHousehold]
    number: int
    size: int
    count: int | None
    has_next: bool = False
    has_previous: bool = False

    @property
    def num_pages(self) -> int | None:
        return None if self.count is None else max(1, -(-self.count // self.size))

    @property
    def paginator(self) -> HouseholdPage:
        return self

    @property
    def object_list(self) -> list[PublicHousehold]:
        return self.rows

    @property
    def next_cursor(self) -> str:
        return self.rows[-1].code if self.has_next and self.rows else ""

    @property
    def previous_cursor(self) -> str:
        return self.rows[0].code if self.number > 2 and self.rows else ""


def household_page(
    *,
    unit: PublicUnit | None = None,
    query: str = "",
    number: int = 1,
    size: int = 50,
    after: str = "",
    before: str = "",
) -> HouseholdPage:
    """A page of `households(unit=, query=)`: just after the household coded `after`, just before
    `before` (a keyset on area path and code: a deep page costs what the first does), or else the page
    `number`, clamped to the pages there are and to `OFFSET_PAGES`. Counted from the kept figures
    when nothing is searched, else by counting."""

    qs = _household_values(unit=unit, query=query)
    count = household_count(unit) if not fold(query) else qs.count()
    page = HouseholdPage([], 1, size, count=count)
    last = page.num_pages or 1
    bound = None
    if after or before:
        bound = (
            Household.objects.filter(PUBLIC_HOUSEHOLD, code=(after or before).replace("\x00", ""))
            .values_list("area__path", "code")
            .first()
        )
    if bound is not None and before:
        path, code = bound
        newer = Q(area__path__lte=path) & (Q(area__path__lt=path) | Q(area__path=path, code__lt=code))
        rows = list(qs.filter(newer).order_by("-area__path", "-code")[: size + 1])
        page.has_previous, page.has_next = len(rows) > size, True
        rows = rows[:size][::-1]
        page.number = min(max(number, 2), last) if page.has_previous else 1
    elif bound is not None:
        path, code = bound
        older = Q(area__path__gte=path) & (Q(area__path__gt=path) | Q(area__path=path, code__gt=code))
        rows = list(qs.filter(older)[: size + 1])
        page.has_previous, page.has_next = True, len(rows) > size
        page.number = min(max(number, 2), last)
    else:
        page.number = min(max(number, 1), last, OFFSET_PAGES)
        offset = (page.number - 1) * size
        rows = list(qs[offset : offset + size + 1])
        page.has_previous, page.has_next = page.number > 1, len(rows) > size
    page.rows = [_public_household(row) for row in rows[:size]]
    return page


def household_count(unit: PublicUnit | None = None) -> int:
    """How many households the unfiltered public list holds (not withdrawn), from the kept subtree
    figures: counting the list itself read every household of the country."""

    if unit is not None:
        ids = [unit.id]
    else:
        ids = list(OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    rollup.ensure_fresh()
    return sum(rollup.houses_total(phases)["planned"] for phases in rollup.houses(ids).values())


def household_get(code: str, *, as_of: dt.date | None = None) -> PublicHousehold | None:
    """A public household by code; as of an earlier day with its status that day (`on_list` False
    when it was not yet decided then), by the house figures' definition (figures.households)."""

    if "\x00" in code:
        return None
    item = PublicList(_household_values().filter(code=code), _public_household).first()
    if item is None:
        return None
    if as_of is not None and as_of < dates.today():
        status = household_stages.status_on(item.id, as_of)
        item = replace(item, on_list=status is not None)
        if status is not None:
            item = replace(item, status=status, status_label=str(Status(status).label))
    return item


@dataclass(frozen=True)
class TimelineStep(PublicRecord):
    stage: str
    stage_label: str
    date: dt.date
    percent: int


def household_timeline(household_id: int, *, as_of: dt.date | None = None) -> list[TimelineStep]:
    """The household's progress updates up to `as_of` (all when not given), oldest first."""

    rows = ProgressUpdate.objects.filter(household_id=household_id).order_by("date", "id")
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    return [
        TimelineStep(r["stage"], str(Stage(r["stage"]).label), r["date"], r["percent"])
        for r in rows.values("stage", "date", "percent")
    ]


@dataclass(frozen=True)
class HouseholdMoney:
    """A household's money by source as of a day, and the totals of every source: the catalogue's
    figures (`household_planned_state`, …, `household_planned`, …; labels and amounts only)."""

    as_of: dt.date
    rows: list[dict[str, Any]]
    total: dict[str, int]


def household_money(household_id: int, *, as_of: dt.date | None = None) -> HouseholdMoney:
    figures = fund_figures.for_household(Household(pk=household_id), as_of=as_of)
    rows = [
        {key: r[key] for key in ("source", "source_label", "planned", "allocated", "names")}
        | {"disbursed": r["received"]}
        for r in household_sources(figures)
    ]
    total = {
        "planned": figures.household_planned,
        "allocated": figures.household_allocated,
        "disbursed": figures.household_received,
    }
    return HouseholdMoney(figures.as_of, rows, total)


@dataclass(frozen=True)
class HouseholdPhoto(PublicRecord):
    id: int
    stage_label: str
    date: dt.date


def household_photos(household_id: int) -> list[HouseholdPhoto]:
    """Photos of a household that consented to publication (id, stage, date); none otherwise."""

    rows = _consented_photos().filter(update__household_id=household_id).order_by("update__date", "id")
    return [
        HouseholdPhoto(r["id"], str(Stage(r["update__stage"]).label), r["update__date"])
        for r in rows.values("id", "update__stage", "update__date")
    ]


def _consented_photos() -> QuerySet:
    return Photo.objects.filter(update__household__photo_consent=True).exclude(update__household__status="withdrawn")


@dataclass(frozen=True)
class StoredPhoto:
    """A consented photo's file: its name in the storage, nothing of its row (a FieldFile would
    carry the Photo, and through it the household)."""

    name: str
    storage: Storage

    def open(self, mode: str = "rb") -> File:
        return self.storage.open(self.name, mode)


def photo_file(pk: int) -> StoredPhoto | None:
    """The stored file of a consented photo, or None: the public photo view serves only these."""
    photo = _consented_photos().filter(pk=pk).only("id", "file").first()
    return StoredPhoto(photo.file.name, photo.file.storage) if photo and photo.file else None


@dataclass(frozen=True)
class GalleryPhoto(PublicRecord):
    id: int
    date: dt.date
    stage_label: str
    code: str
    name: str  # the head's name, masked
    area: str


def gallery() -> PublicList[GalleryPhoto]:
    """Finished houses with consent: the latest photo of each completed or handed-over stage."""
    return PublicList(_gallery_values(), _gallery_photo)


def _gallery_values() -> QuerySet:
    return (
        _consented_photos()
        .filter(
            update__household__status__in=["completed", "handed_over"], update__stage__in=["completed", "handed_over"]
        )
        .order_by("-update__date", "-id")
        .values(
            "id",
            "update__date",
            "update__stage",
            "update__household__code",
            "update__household__head_name",
            "update__household__area__name",
            "update__household__area__kind",
            "update__household__area__parent__name",
        )
    )


def _gallery_photo(r: dict[str, Any]) -> GalleryPhoto:
    return GalleryPhoto(
        id=r["id"],
        date=r["update__date"],
        stage_label=str(Stage(r["update__stage"]).label),
        code=r["update__household__code"],
        name=mask_name(r["update__household__head_name"]),
        area=_area_title(
            r["update__household__area__name"],
            r["update__household__area__kind"],
            r["update__household__area__parent__name"],
        ),
    )


@dataclass(frozen=True)
class PublicProgress(PublicRecord):
    id: int
    household_code: str
    area: str
    stage: str
    date: dt.date
    percent: int


def progress_rows(unit: PublicUnit | None = None) -> PublicList[PublicProgress]:
    """Every stage update, for the open data and the API: code, area, stage, date, percent."""

    qs = ProgressUpdate.objects.exclude(household__status="withdrawn")
    if unit is not None:
        qs = qs.filter(household__area__path__startswith=unit.path)
    rows = qs.order_by("household__code", "date", "id").values(
        "id", "household__code", "household__area__name", "household__area__kind", "household__area__parent__name",
        "stage", "date", "percent",
    )  # fmt: skip
    return PublicList(rows, _progress)


def _progress(row: dict[str, Any]) -> PublicProgress:
    return PublicProgress(
        id=row["id"],
        household_code=row["household__code"],
        area=_area_title(
            row["household__area__name"], row["household__area__kind"], row["household__area__parent__name"]
        ),
        stage=row["stage"],
        date=row["date"],
        percent=row["percent"],
    )


# --- Receipts (the public ledger) --------------------------------------------------------------
def _public_name() -> Case:
    return Case(
        When(donor__anonymous=True, then=Value(ANONYMOUS_NAME)),
        When(~Q(donor__published_name=""), then=F("donor__published_name")),
        default=F("donor__name"),
        output_field=CharField(),
    )


RECEIPT_FIELDS = (
    "id",
    "received_on",
    "public_name",
    "amount",
    "channel",
    "designation",
    "designated_unit__name",
    "designated_unit__kind",
    "designated_unit__level",
    "designated_unit__parent__name",
    "designated_household__code",
    "bank_ref",
    "fund_id",
    "fund__name",
    "fund__code",
)
NEWEST_FIRST = ("-received_on", "-id")
OLDEST_FIRST = ("received_on", "id")


@dataclass(frozen=True)
class PublicReceipt(PublicRecord):
    """A receipt as anyone may see it: the donor by their public name ("Nhà hảo tâm ẩn danh" when
    anonymous), never the memo nor the donor's real name or contact."""

    id: int
    received_on: dt.date
    donor: str
    amount: int
    channel: str
    channel_label: str
    designation: str
    designation_label: str
    designated_to: str
    household_code: str
    bank_ref: str
    fund_code: str
    fund: str


@dataclass(frozen=True)
class ReceiptFilters:
    query: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    fund: int | None = None
    unit: PublicUnit | None = None

    @property
    def by_date_or_amount(self) -> bool:
        return bool(self.date_from or self.date_to or self.amount_min is not None or self.amount_max is not None)

    @property
    def picks_rows(self) -> bool:
        """Whether the filters keep some receipts of a fund and not others (the fund tallies cannot answer)."""
        return bool(fold(self.query)) or self.by_date_or_amount


# A memo is searched from this many letters: one or two letters would match nearly every transfer.
MEMO_MIN_CHARS = 4
MEMO_DIGITS = re.compile(r"\d{3,}")
# Up to this many ids, a part of the search goes into the receipts query as a list, `IN (…)`:
# PostgreSQL then estimates it exactly and reads the receipts' own indexes. Above it, a subquery.
ID_LIST_CAP = 2000
# A search or filter matching more receipts than this shows "Hơn 5.000 khoản" and no sum, and pages
# through its newest 5,000: counting and summing every receipt of a one-word search ("nguyen" is a
# third of all names) cannot be fast at millions of receipts. Below it, count and sum are exact.
TOTALS_CAP = 5000


def _receipts_in_scope(filters: ReceiptFilters) -> QuerySet:
    qs = Receipt.objects.all()
    if filters.unit is not None:
        qs = qs.filter(fund__unit__path__startswith=filters.unit.path)
    if filters.fund:
        qs = qs.filter(fund_id=filters.fund)
    if filters.date_from:
        qs = qs.filter(received_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(received_on__lte=filters.date_to)
    if filters.amount_min is not None:
        qs = qs.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        qs = qs.filter(amount__lte=filters.amount_max)
    return qs


@dataclass(frozen=True)
class _Part:
    """One part of a search as a condition on the receipt's own columns. A broad part (more ids than
    a list holds) carries `sample`, a condition on a few of its ids, to tell cheaply that it is over the cap."""

    match: Q
    sample: Q | None = None
    column: str = "id"  # the receipt column the part is about: counting it reads only its index
    funds: tuple[int, ...] = ()  # funds all of whose receipts match (their tallies give a lower bound)


def _search_parts(folded: str, raw: str) -> list[_Part]:
    """What a search matches: parts whose OR is the answer.

    A receipt matches by its donor's public name, the unit it was given to or whose fund received it,
    the household it was given to (code), its bank reference or the words of a named donor's memo. Each
    part is resolved to ids on its own index first (trigram indexes on the folded names and memos, the
    household code, the bank reference); small lists share the first part, which PostgreSQL answers by
    combining the receipts' own indexes. A part with too many ids for a list (a common word of names,
    "ẩn danh") is a part of its own, `IN (SELECT …)`, to be run as its own query: inside an OR it would
    make PostgreSQL read every receipt. The real name of an anonymous donor is never searched."""

    listed = Q(bank_ref__in=sorted({raw, raw.upper()}))
    broad: list[_Part] = []
    funds: list[int] = []

    def add(column: str, qs: QuerySet) -> None:
        nonlocal listed
        ids = list(qs.order_by().values_list("id", flat=True)[: ID_LIST_CAP + 1])
        if len(ids) > ID_LIST_CAP:
            # Any ID_LIST_CAP + 1 of them as a subquery: cheaper than as many literals to send and plan.
            subquery = qs.order_by().values("id")
            sample = Q(**{f"{column}__in": subquery[: ID_LIST_CAP + 1]})
            broad.append(_Part(Q(**{f"{column}__in": subquery}), sample, column))
        elif ids:
            listed |= Q(**{f"{column}__in": ids})
            if column == "fund_id":
                funds.extend(ids)

    named = Donor.objects.filter(anonymous=False)
    add("donor_id", named.filter(published_folded="", name_folded__contains=folded))
    add("donor_id", named.exclude(published_folded="").filter(published_folded__contains=folded))
    if folded in fold(ANONYMOUS_NAME):
        add("donor_id", Donor.objects.filter(anonymous=True))
    add("designated_unit_id", OrgUnit.objects.filter(name_folded__contains=folded))
    add("fund_id", Fund.objects.filter(unit__name_folded__contains=folded))
    # A household code as typed or in capitals, on the code's unique index (codes are capitals in practice).
    add("designated_household_id", Household.objects.filter(code__in=sorted({raw, raw.upper(), raw.lower()})))
    # What the donor typed in the transfer (the memo, without diacritics): a donor finds their own
    # transfer by their words. The memo is searched, never shown (it may carry personal data); an
    # anonymous donor's memo is not searched (it often starts with the real name), nor is a search
    # with a run of digits (a phone or account number in a memo must not be found by typing it).
    if len(folded) >= MEMO_MIN_CHARS and not MEMO_DIGITS.search(folded):
        add("id", Receipt.objects.filter(memo_folded__contains=folded, donor__anonymous=False))
    return [_Part(listed, funds=tuple(funds)), *broad]


def receipts(
    filters: ReceiptFilters = ReceiptFilters(), *, after: ReceiptKey | None = None, before: ReceiptKey | None = None
) -> PublicList[PublicReceipt]:
    """Public receipts, newest first: the API's list and the open data. The parts of a search are
    ORed into one condition here; the portal's page runs them apart (`receipt_page`). With `after`,
    those after that receipt in the ledger; with `before`, those before it, nearest first (oldest first)."""
    qs = _receipts_in_scope(filters)
    order = NEWEST_FIRST
    if after is not None:
        qs = qs.filter(after.older())
    elif before is not None:
        qs, order = qs.filter(before.newer()), OLDEST_FIRST
    folded = fold(filters.query)
    if folded:
        match = Q()
        for part in _search_parts(folded, filters.query.strip()):
            match |= part.match
        qs = qs.filter(match)
    return PublicList(qs.annotate(public_name=_public_name()).order_by(*order).values(*RECEIPT_FIELDS), _public_receipt)


@dataclass(frozen=True, order=True)
class ReceiptKey:
    """Where a receipt stands in the ledger's order (newest first by day, then id); in a URL `2024-10-01.123`."""

    received_on: dt.date
    id: int

    def __str__(self) -> str:
        return f"{self.received_on.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> ReceiptKey | None:
        """The key written by `str`, or None for anything else (a bad cursor shows the first page)."""
        day, _, pk = (text or "").partition(".")
        if not (pk.isascii() and pk.isdigit() and len(pk) < 19):
            return None
        try:
            return cls(dt.date.fromisoformat(day), int(pk))
        except ValueError:
            return None

    def older(self) -> Q:
        """The receipts after this one in the ledger. `received_on <= day` lets the newest-first index
        start at the day instead of filtering its way down to it."""
        return Q(received_on__lte=self.received_on) & (
            Q(received_on__lt=self.received_on) | Q(received_on=self.received_on, id__lt=self.id)
        )

    def newer(self) -> Q:
        """The receipts before this one in the ledger."""
        return Q(received_on__gte=self.received_on) & (
            Q(received_on__gt=self.received_on) | Q(received_on=self.received_on, id__gt=self.id)
        )


@dataclass
class ReceiptPage(_PagerLinks):
    """One page of the public ledger with the count and sum of everything the filters match.

    `capped`: more than `count` receipts match; there is no sum. Reads like Django's `Page` for the
    shared pager (`paginator.num_pages` is None when capped); `next_cursor`/`previous_cursor` are the
    keysets of the pages beside it (`previous_cursor` is empty when the page before is the first).
    """

    rows: list[PublicReceipt]
    number: int
    size: int
    count: int
    total: int | None
    capped: bool = False
    has_next: bool = False
    has_previous: bool = False

    @property
    def num_pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.count // self.size))

    @property
    def paginator(self) -> ReceiptPage:
        return self

    @property
    def next_cursor(self) -> str:
        return str(_key(self.rows[-1])) if self.has_next and self.rows else ""

    @property
    def previous_cursor(self) -> str:
        return str(_key(self.rows[0])) if self.number > 2 and self.rows else ""


def _key(row: PublicReceipt) -> ReceiptKey:
    return ReceiptKey(row.received_on, row.id)


# Reads the ledger's keys from a bound: (bound, older, limit) → up to `limit` keys strictly older than
# `bound` newest first (from the newest when `bound` is None), or strictly newer than it oldest first.
_Read = Callable[[ReceiptKey | None, bool, int], list[ReceiptKey]]


def receipt_page(
    filters: ReceiptFilters = ReceiptFilters(),
    *,
    number: int = 1,
    size: int = 50,
    after: ReceiptKey | None = None,
    before: ReceiptKey | None = None,
) -> ReceiptPage:
    """A page of the receipts the filters match, newest first: the page just after the receipt `after`,
    just before `before`, or else the page `number` (clamped to the pages there are and to `OFFSET_PAGES`);
    with a cursor `number` is only shown (the page a visitor counted to).

    Without a search, date or amount filter, count and sum come from the funds' receipt tallies and
    the page is read from the newest-first index. Otherwise each part of the match is read up to
    `TOTALS_CAP` receipts (id, date, amount): below the cap count and sum are exact and the page is
    cut from them; above it the page is merged from the newest receipts of each part."""
    scope = _receipts_in_scope(filters)
    if not filters.picks_rows:
        count, total = _tallied(filters)
        page = ReceiptPage([], 1, size, count=count, total=total)
        return _turn(page, _reader(scope, [Q()]), number, after, before)

    folded = fold(filters.query)
    parts = _search_parts(folded, filters.query.strip()) if folded else [_Part(Q(), sample=Q(), column="received_on")]
    found = _matches(scope, parts, filters)
    if found is not None:
        page = ReceiptPage([], 1, size, count=len(found), total=sum(amount for _, amount in found.values()))
        keys = sorted(ReceiptKey(day, pk) for pk, (day, _) in found.items())

        def read(bound: ReceiptKey | None, older: bool, limit: int) -> list[ReceiptKey]:
            if older:
                return [key for key in reversed(keys) if bound is None or key < bound][:limit]
            return [key for key in keys if bound is None or key > bound][:limit]

        return _turn(page, read, number, after, before)

    page = ReceiptPage([], 1, size, count=TOTALS_CAP, total=None, capped=True)
    return _turn(page, _reader(scope, [part.match for part in parts]), number, after, before)


def _reader(scope: QuerySet, matches: list[Q]) -> _Read:
    """Keys of the receipts any of `matches` picks, each match read on its own (inside an OR a broad
    part makes PostgreSQL read every receipt): the first `limit` of the union are among the first
    `limit` of each."""

    def read(bound: ReceiptKey | None, older: bool, limit: int) -> list[ReceiptKey]:
        order = NEWEST_FIRST if older else OLDEST_FIRST
        keys: set[ReceiptKey] = set()
        for match in matches:
            qs = scope.filter(match)
            if bound is not None:
                qs = qs.filter(bound.older() if older else bound.newer())
            keys.update(ReceiptKey(day, pk) for day, pk in qs.order_by(*order).values_list("received_on", "id")[:limit])
        return sorted(keys, reverse=older)[:limit]

    return read


def _turn(
    page: ReceiptPage, read: _Read, number: int, after: ReceiptKey | None, before: ReceiptKey | None
) -> ReceiptPage:
    """Fill `page` with the keys `read` gives around the cursor, or at the page number."""

    size, last = page.size, page.num_pages
    if before is not None:
        keys = read(before, False, size + 1)
        page.has_previous, page.has_next = len(keys) > size, True
        keys = keys[:size][::-1]
        page.number = min(max(number, 2), last or max(number, 2)) if page.has_previous else 1
    elif after is not None:  # a capped list goes on past its newest TOTALS_CAP: each page costs the same
        keys = read(after, True, size + 1)
        page.has_previous, page.has_next = True, len(keys) > size
        page.number = min(max(number, 2), last or max(number, 2))
    else:
        page.number = min(max(number, 1), last or -(-TOTALS_CAP // size), OFFSET_PAGES)
        offset = (page.number - 1) * size
        keys = read(None, True, offset + size + 1)[offset:]
        if page.capped:  # numbered pages cover the newest TOTALS_CAP
            keys = keys[: TOTALS_CAP - offset]
        page.has_previous, page.has_next = page.number > 1, len(keys) > size
    return _fill(page, [key.id for key in keys[:size]])


def receipt_count(filters: ReceiptFilters) -> int | None:
    """How many receipts `receipts(filters)` lists, from the funds' tallies when no search, date or
    amount filter picks rows (None then: only counting the rows tells)."""
    return None if filters.picks_rows else _tallied(filters)[0]


def _tallied(filters: ReceiptFilters, funds: tuple[int, ...] | None = None) -> tuple[int, int]:
    """Count and sum of every receipt of the funds in scope (of `funds` among them), from the tallies."""

    tallies = ReceiptTally.objects.all()
    if funds is not None:
        tallies = tallies.filter(fund_id__in=funds)
    if filters.unit is not None:
        tallies = tallies.filter(fund__unit__path__startswith=filters.unit.path)
    if filters.fund:
        tallies = tallies.filter(fund_id=filters.fund)
    sums = tallies.aggregate(n=Coalesce(Sum("count"), 0), total=Coalesce(Sum("total"), 0))
    return sums["n"], sums["total"]


def _matches(scope: QuerySet, parts: list[_Part], filters: ReceiptFilters) -> dict[int, tuple[dt.date, int]] | None:
    """Every receipt the parts match (id → date, amount), or None when there are more than `TOTALS_CAP`."""
    found: dict[int, tuple[dt.date, int]] = {}
    for part in parts:
        # Funds whose receipts all match (a search for a unit's name): their tallies may settle it.
        if part.funds and not filters.by_date_or_amount and _tallied(filters, part.funds)[0] > TOTALS_CAP:
            return None
        # Counting a broad part's first ids from an index alone usually shows it is over the cap already.
        if part.sample is not None:
            sample = scope.filter(part.sample).order_by().values(part.column)
            if sample[: TOTALS_CAP + 1].count() > TOTALS_CAP:
                return None
        rows = scope.filter(part.match).order_by().values_list("id", "received_on", "amount")[: TOTALS_CAP + 1]
        found.update((pk, (day, amount)) for pk, day, amount in rows)
        if len(found) > TOTALS_CAP:
            return None
    return found


def _fill(page: ReceiptPage, ids: list[int]) -> ReceiptPage:
    """Put the rows of `ids` on the page, in order."""

    if ids:
        rows = Receipt.objects.filter(id__in=ids).order_by().annotate(public_name=_public_name())
        by_id: dict[int, dict[str, Any]] = {row["id"]: row for row in rows.values(*RECEIPT_FIELDS)}
        page.rows = [_public_receipt(by_id[pk]) for pk in ids]
    return page


def _public_receipt(row: dict[str, Any]) -> PublicReceipt:
    target = ""
    if row["designated_unit__name"]:
        commune = _commune_of(row["designated_unit__level"], row["designated_unit__parent__name"])
        target = _area_title(row["designated_unit__name"], row["designated_unit__kind"], commune)
    elif row["designated_household__code"]:
        target = row["designated_household__code"]
    return PublicReceipt(
        id=row["id"],
        received_on=row["received_on"],
        donor=row["public_name"],
        amount=row["amount"],
        channel=row["channel"],
        channel_label=str(Channel(row["channel"]).label) if row["channel"] in Channel.values else "",
        designation=row["designation"],
        designation_label=(
            str(Designation(row["designation"]).label) if row["designation"] in Designation.values else ""
        ),
        designated_to=target,
        household_code=row["designated_household__code"] or "",
        bank_ref=row["bank_ref"],
        fund_code=row["fund__code"],
        fund=row["fund__name"],
    )


def statements(unit: PublicUnit | None = None) -> list[Mapping[str, Any]]:
    """Each fund's bank statement periods and totals."""

    qs = BankStatement.objects.order_by("fund__name", "-period_to")
    if unit is not None:
        qs = qs.filter(fund__unit__path__startswith=unit.path)
    return list(
        qs.values(
            "fund__name",
            "fund__code",
            "period_from",
            "period_to",
            "total_credit",
            "total_debit",
            "opening_balance",
            "closing_balance",
        )
    )


@dataclass(frozen=True)
class HouseholdMoneyRow(PublicRecord):
    household_code: str
    area: str
    source: str
    allocated: int
    disbursed: int


def household_money_rows(unit: PublicUnit | None = None) -> list[HouseholdMoneyRow]:
    """Allocated and disbursed per household code and source (funds are one source, "front_fund")."""

    qs = Account.objects.filter(household__isnull=False, kind__in=[AccountKind.ALLOCATION, AccountKind.DISBURSED])
    qs = qs.exclude(household__status="withdrawn")
    if unit is not None:
        qs = qs.filter(household__area__path__startswith=unit.path)
    rows = qs.values(
        "household__code", "household__area__name", "household__area__kind", "household__area__parent__name", "kind",
        "source__kind",
    )  # fmt: skip
    totals = rows.annotate(total=Sum("balance")).order_by("household__code")
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in totals:
        source = row["source__kind"] or "front_fund"
        key = (row["household__code"], source)
        item = merged.setdefault(
            key,
            {
                "household_code": row["household__code"],
                "area": _area_title(
                    row["household__area__name"], row["household__area__kind"], row["household__area__parent__name"]
                ),
                "source": source,
                "allocated": 0,
                "disbursed": 0,
            },
        )
        item["allocated"] += row["total"] or 0
        if row["kind"] == AccountKind.DISBURSED:
            item["disbursed"] += row["total"] or 0
    return [HouseholdMoneyRow(**item) for _key, item in sorted(merged.items())]


# --- Good models, funds, complaints -------------------------------------------------------------
def good_models() -> list[dict[str, Any]]:
    rows = GoodModel.objects.filter(status=GoodModelStatus.RECOGNISED).order_by("-decided_at", "-id")
    out = []
    fields = ("id", "title", "field", "description", "unit__name", "unit__kind", "unit__level", "unit__parent__name")
    for r in rows.values(*fields, "movement__title"):
        out.append(
            {
                "id": r["id"],
                "title": r["title"],
                "field_label": str(GoodModelField(r["field"]).label) if r["field"] in GoodModelField.values else "",
                "description": r["description"],
                "unit": _area_title(
                    r["unit__name"], r["unit__kind"], _commune_of(r["unit__level"], r["unit__parent__name"])
                ),
                "movement": r["movement__title"],
            }
        )
    return out


def donation_funds() -> list[dict[str, Any]]:
    """Funds with a bank account, each with a VietQR for the fund and one per commune below it."""

    funds = list(
        Fund.objects.exclude(account_number="")
        .exclude(bank_bin="")
        .order_by("unit__path", "name")
        .values(
            "id",
            "name",
            "code",
            "kind",
            "bank_name",
            "bank_bin",
            "account_number",
            "account_name",
            "unit__path",
            "unit__name",
            "unit__kind",
        )
    )
    communes: list[dict[str, Any]] = []
    if funds:
        q = Q()
        for fund in funds:
            q |= Q(path__startswith=fund["unit__path"])
        communes = list(OrgUnit.objects.filter(q, level=Level.COMMUNE).order_by("kind", "name").values(*_UNIT_FIELDS))
    out = []
    for fund in funds:
        payload = vietqr.payload(
            bin_code=fund["bank_bin"], account=fund["account_number"], purpose=vietqr.purpose_for(fund["code"])
        )
        purposes = [
            {"unit": _unit(row).title, "purpose": vietqr.purpose_for(fund["code"], row["name"])}
            for row in communes
            if row["path"].startswith(fund["unit__path"])
        ]
        out.append(
            {
                "id": fund["id"],
                "name": fund["name"],
                "code": fund["code"],
                "unit": _area_title(fund["unit__name"], fund["unit__kind"]),
                "bank_name": fund["bank_name"],
                "account_number": fund["account_number"],
                "account_name": fund["account_name"],
                "purpose": vietqr.purpose_for(fund["code"]),
                "qr": vietqr.svg_data_uri(payload),
                "payload": payload,
                "commune_purposes": purposes,
            }
        )
    return out


def complaint_counts(unit: PublicUnit) -> dict[str, int]:
    """Only counts: a complaint's parties and content are never public."""

    counts = housing_counts(OrgUnit(path=unit.path))
    return {key: counts[key] for key in ("total", "open", "overdue")}
