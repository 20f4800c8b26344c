"""Open data: the public ledger and progress as CSV and JSON with a stable, documented schema.

Column names are English snake_case and never change meaning; new columns are only ever added at
the end (docs/open-data.md). Every row comes from the public selector layer.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chungtay.core import cells
from chungtay.tallies.catalogue import FIGURES

from . import public

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.vi"
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: Any


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    columns: tuple[Column, ...]
    rows: Callable[..., Iterable[Mapping[str, Any]] | Iterable[public.PublicRecord]]
    dated: bool = False  # its rows are figures as of a day: `rows(as_of=…)`, `?ngay=YYYY-MM-DD`

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _receipts() -> Iterator[public.PublicReceipt]:
    return iter(public.receipts())


def _households() -> Iterator[public.PublicHousehold]:
    return iter(public.households())


def _progress() -> Iterator[public.PublicProgress]:
    return iter(public.progress_rows())


def _summary_columns() -> tuple[Column, ...]:
    """The unit's columns, then one per public figure of the catalogue: its name, its label and its
    definition (docs/figures.md), so a column means exactly what the catalogue's figure means."""

    columns = [
        Column("unit_id", "integer", _("Mã số đơn vị")),
        Column("name", "string", _("Tên đơn vị")),
        Column("parent_id", "integer | null", _("Mã số đơn vị cấp trên (trống với đơn vị cao nhất)")),
        Column("level", "integer 0–4", _("Cấp: 0 trung ương, 1 tỉnh, 2 huyện, 3 xã, 4 khu dân cư")),
        Column("as_of", "date (YYYY-MM-DD)", _("Số liệu tính đến ngày")),
    ]
    for name in public.PUBLIC_FIGURES:
        item = FIGURES[name]
        kind = "integer 0–100 | null" if item.unit == "%" else f"integer ({item.unit})"
        columns.append(Column(name, kind, _Meaning(name)))
    return tuple(columns)


class _Meaning:
    """A figure's label and definition, in the active language when shown."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        item = FIGURES[self.name]
        return f"{item.label}: {item.definition}"


DATASETS: dict[str, Dataset] = {
    "receipts": Dataset(
        "receipts",
        _("Các khoản ủng hộ đã nhận"),
        (
            Column("id", "integer", _("Số thứ tự của khoản ủng hộ trong hệ thống")),
            Column("received_on", "date (YYYY-MM-DD)", _("Ngày nhận")),
            Column("donor", "string", _("Tên nhà hảo tâm như được công khai; “Nhà hảo tâm ẩn danh” nếu ẩn danh")),
            Column("amount", "integer (đồng)", _("Số tiền, đồng")),
            Column("channel", "tien_mat | chuyen_khoan", _("Hình thức nhận: tiền mặt hoặc chuyển khoản")),
            Column("designation", "chung | phong_trao | don_vi | ho", _("Mục đích ủng hộ")),
            Column("designated_to", "string", _("Đơn vị hoặc mã hộ được ủng hộ (nếu có)")),
            Column("bank_ref", "string", _("Số tham chiếu ngân hàng (chuyển khoản)")),
            Column("fund_code", "string", _("Mã quỹ nhận")),
            Column("fund", "string", _("Tên quỹ nhận")),
        ),
        _receipts,
    ),
    "allocations": Dataset(
        "allocations",
        _("Phân bổ và chi cho từng hộ theo nguồn"),
        (
            Column("household_code", "string", _("Mã hộ")),
            Column("area", "string", _("Khu dân cư, kèm tên xã, phường (ví dụ “Khối phố 1 (Vĩnh Điện)”)")),
            Column(
                "source",
                "front_fund | state | sponsor | other_programme | own_share",
                _("Nguồn: quỹ do Mặt trận quản lý, ngân sách, nhà tài trợ, lồng ghép, hộ đối ứng"),
            ),
            Column("allocated", "integer (đồng)", _("Đã phân bổ (gồm cả phần đã chi)")),
            Column("disbursed", "integer (đồng)", _("Đã chi cho hộ")),
        ),
        lambda: public.household_money_rows(),
    ),
    "households": Dataset(
        "households",
        _("Hộ được hỗ trợ nhà ở"),
        (
            Column("code", "string", _("Mã hộ")),
            Column("name", "string", _("Tên chủ hộ đã che (ví dụ “Nguyễn V. A.”)")),
            Column("area", "string", _("Khu dân cư")),
            Column("commune", "string", _("Xã, phường")),
            Column("support_kind", "new | repair", _("Xây mới hoặc sửa chữa")),
            Column("phase_year", "integer", _("Năm thực hiện theo phân kỳ")),
            Column(
                "status",
                "approved | surveyed | started | building | completed | handed_over",
                _("Trạng thái"),
            ),
        ),
        _households,
    ),
    "progress": Dataset(
        "progress",
        _("Tiến độ xây, sửa nhà"),
        (
            Column("id", "integer", _("Số thứ tự của lần cập nhật")),
            Column("household_code", "string", _("Mã hộ")),
            Column("area", "string", _("Khu dân cư, kèm tên xã, phường (ví dụ “Khối phố 1 (Vĩnh Điện)”)")),
            Column("stage", "start | foundation | walls | roof | completed | handed_over", _("Giai đoạn")),
            Column("date", "date (YYYY-MM-DD)", _("Ngày đạt giai đoạn")),
            Column("percent", "integer 0–100", _("Tỷ lệ hoàn thành")),
        ),
        _progress,
    ),
    "units-summary": Dataset(
        "units-summary",
        _("Kết quả từng đơn vị (toàn bộ đơn vị và cấp dưới), tính đến một ngày"),
        _summary_columns(),
        public.units_summary,
        dated=True,
    ),
}


def _cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(dataset: Dataset, as_of: dt.date | None) -> Iterable[Mapping[str, Any] | public.PublicRecord]:
    return dataset.rows(as_of=as_of) if dataset.dated else dataset.rows()


def csv_chunks(dataset: Dataset, *, as_of: dt.date | None = None) -> Iterator[str]:
    """UTF-8 with a BOM so Excel opens Vietnamese text correctly; one header row, then the data.
    Text that a spreadsheet would take for a formula gets a leading quote (cells.neutralise)."""
    buffer = io.StringIO()
    writer = cells.csv_writer(buffer)
    yield "\ufeff"
    writer.writerow(dataset.names)
    for row in _rows(dataset, as_of):
        writer.writerow([_cell(row.get(name, "")) for name in dataset.names])
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(dataset: Dataset, *, as_of: dt.date | None = None) -> Iterator[str]:
    """JSON is not opened as a spreadsheet: values go out exactly as stored, with no formula guard."""
    head = {
        "dataset": dataset.slug,
        "schema_version": SCHEMA_VERSION,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "fields": [{"name": c.name, "type": c.type, "meaning": str(c.meaning)} for c in dataset.columns],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    first = True
    for row in _rows(dataset, as_of):
        item = {name: _cell(row.get(name, "")) for name in dataset.names}
        yield ("" if first else ",") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]}"
