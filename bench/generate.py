"""Deterministic data for one scale, written with COPY.

Rows are produced by generators (seeded `random.Random`), turned into COPY text lines and streamed
to PostgreSQL; ids are assigned here so foreign keys need no round trips. The ledger is written the
way `ledger.post` would write it: entries in `seq` order, each `hash` over the previous one and
the same payload (`ledger.entry_payload`), balances equal to the sum of the lines, one LedgerHead.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterable, Iterator
from hashlib import sha256

from django.contrib.auth import get_user_model
from django.db import connection

from chungtay.core.text import fold
from chungtay.orgunits.models import Level, OrgUnit

from .scales import Scale

SEED = 20240101
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
UTC = dt.UTC
NOW = dt.datetime(2025, 6, 30, 8, 0, tzinfo=UTC)
START = dt.date(2023, 1, 1)
DAYS = (dt.date(2025, 6, 30) - START).days + 1
PASSWORD = "bench-Chung-Tay-2025"

SYLLABLES = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thạnh",
    "Long",
    "Mỹ",
    "Phước",
    "Sơn",
    "Hưng",
    "Thuận",
    "Điện",
    "Quang",
    "Minh",
    "Hải",
    "Thanh",
    "Xuân",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Vĩnh",
    "Đức",
    "Hiệp",
    "Lộc",
    "Phong",
    "Thắng",
    "Lợi",
    "Cẩm",
    "Hương",
    "Kim",
    "Ngọc",
    "Thọ",
    "Lâm",
    "Giang",
    "Hà",
]
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Đoàn", 1),
    ("Lương", 1),
    ("Trịnh", 1),
    ("Mai", 1),
    ("Tạ", 1),
    ("Quách", 1),
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thanh",
    "Ngọc",
    "Xuân",
    "Quốc",
    "Kim",
    "Thu",
    "Hoài",
    "Công",
    "Đình",
    "Bảo",
    "Gia",
    "Khánh",
    "Phương",
]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Chi",
    "Cường",
    "Dũng",
    "Dung",
    "Duy",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Huy",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "My",
    "Nam",
    "Nga",
    "Nghĩa",
    "Ngọc",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thanh",
    "Thịnh",
    "Thu",
    "Thủy",
    "Tiến",
    "Trang",
    "Trí",
    "Trung",
    "Tuấn",
    "Tùng",
    "Uyên",
    "Vân",
    "Việt",
    "Vinh",
    "Xuân",
    "Yến",
]
BUSINESS = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã", "Hội đồng hương"]
TRADES = [
    "Xây dựng",
    "Thương mại",
    "Vận tải",
    "Dịch vụ",
    "Nông sản",
    "Thủy sản",
    "May mặc",
    "Gỗ",
    "Điện máy",
    "Dược phẩm",
]


def _path(parent: str, n: int) -> str:
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    return parent + digits.rjust(4, "0")


def _text(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def copy_rows(table: str, columns: Iterable[str], rows: Iterable[tuple], batch: int = 20_000) -> int:
    """COPY rows into a table in text format (our values never hold tabs, newlines or backslashes)."""
    cols = ", ".join(columns)
    n = 0
    with connection.cursor() as cursor, cursor.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        buf: list[str] = []
        for row in rows:
            buf.append("\t".join(map(_text, row)))
            n += 1
            if len(buf) >= batch:
                copy.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            copy.write("\n".join(buf) + "\n")
    return n


def _spread(rng: random.Random, total: int, parents: int) -> list[int]:
    """How many children each parent gets: at least one each, the rest at random (uneven, like life)."""
    counts = [1] * parents
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    for i in rng.choices(range(parents), cum_weights=cum, k=total - parents):
        counts[i] += 1
    return counts


class Generator:
    def __init__(self, scale: Scale, log=print) -> None:  # type: ignore[no-untyped-def]
        self.scale = scale
        self.rng = random.Random(SEED)
        self.log = log
        self.units: list[tuple] = []  # (id, path, level, parent_id)
        self.communes: list[int] = []
        self.areas: list[int] = []
        self.area_commune: dict[int, int] = {}
        self.unit_parent: dict[int, int | None] = {}
        self.fund_of_unit: dict[int, int] = {}
        self.source_of_province: dict[int, int] = {}
        self.timings: dict[str, float] = {}

    def run(self) -> dict[str, float]:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            # Foreign-key triggers off while loading (rows are consistent by construction: ids are
            # assigned here); at national scale they would cost tens of millions of lookups.
            cursor.execute("SET session_replication_role = replica")
        for step in (self.users, self.orgunits, self.households, self.progress, self.ledger, self.finish):
            t = time.perf_counter()
            step()
            self.timings[step.__name__] = round(time.perf_counter() - t, 1)
            self.log(f"  generated {step.__name__} in {self.timings[step.__name__]} s")
        return self.timings

    # --- people ------------------------------------------------------------------------------
    def users(self) -> None:
        User = get_user_model()
        self.maker = User.objects.create_user("bench_office", password=PASSWORD, full_name="Văn phòng (bench)")
        self.checker = User.objects.create_user("bench_board", password=PASSWORD, full_name="Thường trực (bench)")
        self.admin = User.objects.create_superuser("bench_admin", password=PASSWORD, full_name="Quản trị (bench)")

    # --- the tree ----------------------------------------------------------------------------
    def orgunits(self) -> None:
        s, rng = self.scale, self.rng
        rows: list[tuple] = []
        next_id = 1

        def add(parent: tuple | None, n: int, level: int, kind: str, name: str) -> tuple:
            nonlocal next_id
            path = _path(parent[1] if parent else "", n)
            unit = (next_id, path, level, parent[0] if parent else None, kind, name)
            next_id += 1
            rows.append(unit)
            self.unit_parent[unit[0]] = unit[3]
            return unit

        def place_names(count: int) -> list[str]:
            seen: set[str] = set()
            names = []
            for _ in range(count):
                name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
                base, k = name, 2
                while fold(name) in seen:
                    name, k = f"{base} {k}", k + 1
                seen.add(fold(name))
                names.append(name)
            return names

        country = add(None, 1, 0, "quoc_gia", "Việt Nam")
        provinces = [
            add(country, i + 1, 1, "thanh_pho" if i % 12 == 0 else "tinh", name)
            for i, name in enumerate(["Quảng Nam"] if s.provinces == 1 else place_names(s.provinces))
        ]
        districts = []
        for province, k in zip(provinces, _spread(rng, s.districts, len(provinces)), strict=True):
            names = ["Điện Bàn"] if s.districts == 1 else place_names(k)
            for i, name in enumerate(names):
                districts.append(add(province, i + 1, 2, "thi_xa" if s.districts == 1 else "huyen", name))
        communes = []
        for district, k in zip(districts, _spread(rng, s.communes, len(districts)), strict=True):
            for i, name in enumerate(place_names(k)):
                communes.append(add(district, i + 1, 3, "phuong" if i % 4 == 0 else "xa", name))
        for commune, k in zip(communes, _spread(rng, s.areas, len(communes)), strict=True):
            kind = "khoi_pho" if commune[4] == "phuong" else "thon"
            for i in range(k):
                area = add(commune, i + 1, 4, kind, f"{'Khối phố' if kind == 'khoi_pho' else 'Thôn'} {i + 1}")
                self.areas.append(area[0])
                self.area_commune[area[0]] = commune[0]
        self.communes = [c[0] for c in communes]
        self.provinces = [p[0] for p in provinces]
        self.districts = [d[0] for d in districts]
        children: dict[int, int] = {}
        for unit in rows:
            if unit[3] is not None:
                children[unit[3]] = children.get(unit[3], 0) + 1
        self.units = rows
        self.country = country[0]
        copy_rows(
            "orgunits_orgunit",
            [
                "id",
                "path",
                "depth",
                "numchild",
                "level",
                "kind",
                "name",
                "name_folded",
                "code",
                "valid_from",
                "valid_to",
                "created_at",
                "parent_id",
            ],
            (
                (
                    uid,
                    path,
                    len(path) // 4,
                    children.get(uid, 0),
                    level,
                    kind,
                    name,
                    fold(name),
                    f"B{uid:07d}",
                    "2000-01-01",
                    None,
                    NOW,
                    parent,
                )
                for uid, path, level, parent, kind, name in rows
            ),
        )

    # --- households --------------------------------------------------------------------------
    STATUSES = [
        ("approved", 10),
        ("surveyed", 5),
        ("started", 10),
        ("building", 20),
        ("completed", 25),
        ("handed_over", 28),
        ("withdrawn", 2),
    ]
    CATEGORIES = [("poor", 55), ("near_poor", 20), ("policy", 12), ("disaster", 8), ("other", 5)]

    def _person(self) -> tuple[str, str]:
        rng = self.rng
        family = rng.choices(self._family_names, cum_weights=self._family_cum)[0]
        parts = (family, rng.choice(MIDDLE), rng.choice(GIVEN))
        return " ".join(parts), " ".join(self._folded[p] for p in parts)

    def households(self) -> None:
        s, rng = self.scale, self.rng
        self._family_names = [f for f, _ in FAMILY]
        acc, self._family_cum = 0, []
        for _, w in FAMILY:
            acc += w
            self._family_cum.append(acc)
        self._folded = {w: fold(w) for w in [*self._family_names, *MIDDLE, *GIVEN, *SYLLABLES]}
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO housing_supportnorm (id, programme, kind, amount, categories, area_group, valid_from,
                   valid_to, legal_basis, created_at) VALUES
                   (1, 'Xóa nhà tạm, nhà dột nát', 'new', 60000000, '[]', '', '2023-01-01', NULL, 'NQ 13/2023', now()),
                   (2, 'Xóa nhà tạm, nhà dột nát', 'repair', 30000000, '[]', '', '2023-01-01', NULL, 'NQ 13/2023',
                    now())"""
            )
        statuses = [x for x, _ in self.STATUSES]
        status_w = [w for _, w in self.STATUSES]
        categories = [x for x, _ in self.CATEGORIES]
        category_w = [w for _, w in self.CATEGORIES]
        area_counts = _spread(rng, s.households, len(self.areas))
        self.households_rows: list[tuple[int, int, str, int, int]] = []  # id, area, status, amount, phase

        def rows() -> Iterator[tuple]:
            hid = 0
            for area, k in zip(self.areas, area_counts, strict=True):
                for _ in range(k):
                    hid += 1
                    name, folded = self._person()
                    status = rng.choices(statuses, status_w)[0]
                    kind = "new" if rng.random() < 0.7 else "repair"
                    amount = 60_000_000 if kind == "new" else 30_000_000
                    phase = rng.choice((2023, 2024, 2025))
                    self.households_rows.append((hid, area, status, amount, phase))
                    yield (
                        hid,
                        f"H{hid:07d}",
                        name,
                        folded,
                        rng.choice(("male", "female")),
                        rng.randint(1940, 1995),
                        f"{rng.randrange(10**11, 10**12)}",
                        f"09{rng.randrange(10**7, 10**8)}",
                        f"Số {hid % 200 + 1}",
                        "",
                        rng.choices(categories, category_w)[0],
                        kind,
                        phase,
                        f"{phase % 100}/QĐ-UBND",
                        f"{phase}-01-15",
                        amount,
                        "",
                        "",
                        f"{rng.uniform(8.5, 23.0):.6f}",
                        f"{rng.uniform(102.2, 109.4):.6f}",
                        rng.random() < 0.5,
                        status,
                        "Hộ tự xây" if status == "withdrawn" else "",
                        NOW,
                        NOW,
                        area,
                        1 if kind == "new" else 2,
                    )

        copy_rows(
            "housing_household",
            [
                "id",
                "code",
                "head_name",
                "head_name_folded",
                "gender",
                "birth_year",
                "citizen_id",
                "phone",
                "address_detail",
                "health_note",
                "category",
                "support_kind",
                "phase_year",
                "decision_number",
                "decision_date",
                "state_support",
                "override_reason",
                "note",
                "lat",
                "lon",
                "photo_consent",
                "status",
                "withdrawn_reason",
                "created_at",
                "updated_at",
                "area_id",
                "norm_id",
            ],
            rows(),
        )

    # --- progress updates ----------------------------------------------------------------------
    STAGE_OF = {"started": 1, "building": 4, "completed": 5, "handed_over": 6}
    STAGES = ["start", "foundation", "walls", "roof", "completed", "handed_over"]
    PERCENT = [10, 30, 60, 80, 100, 100]

    def progress(self) -> None:
        rng = self.rng
        eligible = [h for h in self.households_rows if h[2] in self.STAGE_OF]
        weight = sum(self.STAGE_OF[h[2]] for h in eligible) or 1
        factor = self.scale.progress / weight

        def rows() -> Iterator[tuple]:
            pid = 0
            carry = 0.0
            for hid, _area, status, _amount, phase in eligible:
                stages = self.STAGE_OF[status]
                carry += stages * factor
                n = int(carry)
                carry -= n
                day = dt.date(phase, 2, 1)
                for i in range(n):
                    stage = min(stages - 1, i * stages // max(n, 1))
                    day += dt.timedelta(days=rng.randint(3, 20))
                    pid += 1
                    yield (pid, self.STAGES[stage], day, self.PERCENT[stage], "", NOW, hid, self.maker.pk, None, None)

        copy_rows(
            "housing_progressupdate",
            [
                "id",
                "stage",
                "date",
                "percent",
                "note",
                "created_at",
                "household_id",
                "reporter_id",
                "verified_at",
                "verified_by_id",
            ],
            rows(),
        )

    # --- funds, donors, receipts and the ledger -------------------------------------------------
    def ledger(self) -> None:
        s, rng = self.scale, self.rng
        # A "Vì người nghèo" fund at every commune and above; a state-budget source per province.
        fund_units = [self.country, *self.provinces, *self.districts, *self.communes]
        funds = [(i + 1, unit) for i, unit in enumerate(fund_units)]
        self.fund_of_unit = {unit: fid for fid, unit in funds}
        copy_rows(
            "funds_fund",
            [
                "id",
                "kind",
                "name",
                "code",
                "bank_name",
                "bank_bin",
                "account_number",
                "account_name",
                "created_at",
                "unit_id",
            ],
            (
                (
                    fid,
                    "vi_nguoi_ngheo",
                    "Quỹ Vì người nghèo",
                    f"vnn{unit}",
                    "Vietcombank",
                    "970436",
                    f"10{fid:010d}",
                    "UB MTTQ",
                    NOW,
                    unit,
                )
                for fid, unit in funds
            ),
        )
        sources = [(i + 1, p) for i, p in enumerate(self.provinces)]
        self.source_of_province = {p: sid for sid, p in sources}
        copy_rows(
            "funds_source",
            ["id", "kind", "name", "unit_id"],
            ((sid, "state", "Ngân sách nhà nước", p) for sid, p in sources),
        )

        accounts: dict[str, list] = {}  # key -> [id, kind, unit, fund, source, household, balance]

        def account(
            kind: str, unit: int, fund: int | None = None, source: int | None = None, household: int | None = None
        ) -> list:
            key = f"{kind}:{fund or ''}:{source or ''}:{household or ''}"
            acc = accounts.get(key)
            if acc is None:
                acc = accounts[key] = [len(accounts) + 1, kind, unit, fund, source, household, 0, key]
            return acc

        # Donors
        donor_units = self.communes
        donors_folded: list[str] = []

        def donor_rows() -> Iterator[tuple]:
            for did in range(1, s.donors + 1):
                if rng.random() < 0.08:
                    trade = rng.choice(TRADES)
                    name = f"{rng.choice(BUSINESS)} {trade} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
                    folded, kind = fold(name), "doanh_nghiep"
                else:
                    name, folded = self._person()
                    kind = "ca_nhan"
                donors_folded.append(folded)
                anonymous = rng.random() < 0.03
                yield (did, name, folded, kind, anonymous, "", "", NOW, rng.choice(donor_units))

        copy_rows(
            "funds_donor",
            ["id", "name", "name_folded", "kind", "anonymous", "published_name", "contact", "created_at", "unit_id"],
            donor_rows(),
        )
        self.donors_folded = donors_folded

        # Receipts: in date order, so seq follows the date like a real ledger does.
        weights = [1.0 + (3.0 if (START + dt.timedelta(days=d)).month in (1, 10, 11) else 0.0) for d in range(DAYS)]
        total_w = sum(weights)
        per_day = [int(s.receipts * w / total_w) for w in weights]
        per_day[-1] += s.receipts - sum(per_day)
        communes_funds = [self.fund_of_unit[c] for c in self.communes]
        commune_set = set(self.communes)
        upper_funds = [fid for fid, unit in funds if unit not in commune_set]
        fund_unit = {fid: unit for fid, unit in funds}
        fund_accounts = {
            fid: (account("fund_cash", unit, fund=fid), account("donations", unit, fund=fid)) for fid, unit in funds
        }
        # Accounts go in first with a zero balance (lines reference them); balances are set at the end.
        written = self._write_accounts(accounts, 0)
        self.seq = 0
        self.prev_hash = "0" * 64
        entries: list[tuple] = []
        lines: list[tuple] = []
        receipts: list[tuple] = []
        self.line_id = 0
        entry_cols = "id seq kind date memo posted_at reason prev_hash hash checker_id maker_id reverses_id unit_id"
        self._entry_cols = entry_cols.split()
        receipt_cols = (
            "id amount received_on channel receipt_number bank_ref designation memo memo_folded "
            "created_by_id designated_household_id designated_unit_id donor_id entry_id fund_id pledge_id"
        )

        def post(
            kind: str, unit: int, date: dt.date, memo: str, legs: list[tuple[list, int]], maker=None, checker=None
        ) -> int:  # type: ignore[no-untyped-def]
            self.seq += 1
            seq = self.seq
            posted_at = dt.datetime(date.year, date.month, date.day, 2, tzinfo=UTC) + dt.timedelta(
                microseconds=seq % 1_000_000
            )
            line_tuples = [(acc[0], max(a, 0), max(-a, 0)) for acc, a in legs]
            payload = {
                "seq": seq,
                "kind": kind,
                "unit": unit,
                "date": date.isoformat(),
                "memo": memo,
                "maker": maker,
                "checker": checker,
                "posted_at": posted_at.isoformat(timespec="microseconds"),
                "reverses": None,
                "reason": "",
                "lines": sorted([list(x) for x in line_tuples]),
            }
            canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = sha256((self.prev_hash + canonical).encode()).hexdigest()
            entries.append(
                (seq, seq, kind, date, memo, posted_at, "", self.prev_hash, digest, checker, maker, None, unit)
            )
            self.prev_hash = digest
            for (acc, amount), (acc_id, debit, credit) in zip(legs, line_tuples, strict=True):
                acc[6] += amount
                self.line_id += 1
                lines.append((self.line_id, debit, credit, acc_id, seq))
            return seq

        def flush(final: bool = False) -> None:
            if len(entries) >= 50_000 or (final and entries):
                copy_rows("funds_journalentry", self._entry_cols, entries)
                copy_rows("funds_journalline", ["id", "debit", "credit", "account_id", "entry_id"], lines)
                entries.clear()
                lines.clear()
            if receipts and (len(receipts) >= 50_000 or final):
                copy_rows("funds_receipt", receipt_cols.split(), receipts)
                receipts.clear()

        memos = ["ủng hộ quỹ vì người nghèo", "ung ho xoa nha tam", "ủng hộ chương trình xóa nhà tạm", "UH MTTQ"]
        memos_folded = [fold(m) for m in memos]
        rid = 0
        received: dict[int, int] = {}
        for day_index, count in enumerate(per_day):
            date = START + dt.timedelta(days=day_index)
            for _ in range(count):
                rid += 1
                fid = rng.choice(communes_funds) if rng.random() < 0.85 else rng.choice(upper_funds)
                donor = rng.randrange(s.donors) + 1
                amount = rng.choice((50, 100, 200, 200, 500, 500, 1000, 2000, 5000, 20000)) * 1000
                bank = rng.random() < 0.7
                m = rng.randrange(len(memos))
                unit = fund_unit[fid]
                cash, donations = fund_accounts[fid]
                seq = post("receipt", unit, date, f"Nhận ủng hộ (bench #{rid})", [(cash, amount), (donations, -amount)])
                received[fid] = received.get(fid, 0) + amount
                receipts.append(
                    (
                        rid,
                        amount,
                        date,
                        "chuyen_khoan" if bank else "tien_mat",
                        "" if bank else f"PT{rid:08d}",
                        f"FT{rid:010d}" if bank else "",
                        "chung",
                        memos[m],
                        memos_folded[m],
                        None,
                        None,
                        None,
                        donor,
                        seq,
                        fid,
                        None,
                    )
                )
                if len(entries) >= 50_000:
                    flush()
        flush(final=True)
        self.log(f"    receipts {rid}, entries {self.seq}")

        # Allocations: the state budget pays state_support to every started house; the commune fund
        # adds a share of what it received. Finished houses are paid out (approved disbursements).
        by_commune: dict[int, list[tuple]] = {}
        for h in self.households_rows:
            if h[2] in self.STAGE_OF:
                by_commune.setdefault(self.area_commune[h[1]], []).append(h)
        allocations: list[tuple] = []
        disbursements: list[tuple] = []
        alloc_id = disb_id = 0
        province_of = {}
        for uid, path, level, _parent, _kind, _name in self.units:
            if level >= 1:
                province_of[uid] = path[:8]
        province_by_path = {path: uid for uid, path, level, *_ in self.units if level == 1}
        for commune, houses in by_commune.items():
            fid = self.fund_of_unit[commune]
            share = (received.get(fid, 0) // 2 // len(houses)) // 1000 * 1000
            sid = self.source_of_province[province_by_path[province_of[commune]]]
            province = province_by_path[province_of[commune]]
            for hid, _area, status, amount, phase in houses:
                date = dt.date(phase, 3, 1)
                for origin, value, unit in (("source", amount, province), ("fund", share, commune)):
                    if value <= 0:
                        continue
                    kw = {"source": sid} if origin == "source" else {"fund": fid}
                    alloc = account("allocation", unit, household=hid, **kw)
                    counter = account("source", unit, source=sid) if origin == "source" else fund_accounts[fid][0]
                    seq = post(
                        "allocation", unit, date, f"Phân bổ cho hộ H{hid:07d}", [(alloc, value), (counter, -value)]
                    )
                    alloc_id += 1
                    allocations.append(
                        (
                            alloc_id,
                            value,
                            date,
                            "QĐ phân bổ (bench)",
                            hid,
                            kw.get("fund"),
                            seq,
                            kw.get("source"),
                            False,
                            "",
                        )
                    )
                    if status in ("completed", "handed_over"):
                        paid = account("disbursed", unit, household=hid, **kw)
                        pay_day = dt.date(phase, 9, 1)
                        seq = post(
                            "disbursement",
                            unit,
                            pay_day,
                            f"Chi hỗ trợ hộ H{hid:07d}",
                            [(paid, value), (alloc, -value)],
                            self.maker.pk,
                            self.checker.pk,
                        )
                        disb_id += 1
                        disbursements.append(
                            (
                                disb_id,
                                value,
                                pay_day,
                                f"PC{disb_id:07d}",
                                "completed",
                                False,
                                "",
                                "approved",
                                NOW,
                                NOW,
                                "",
                                self.checker.pk,
                                hid,
                                self.maker.pk,
                                kw.get("fund"),
                                seq,
                                kw.get("source"),
                                "tien_mat",
                                pay_day.year,
                                disb_id,  # C41-BB number: unique, so unique per fund and year
                            )
                        )
        # The new accounts before the lines that reference them (each COPY checks its foreign keys).
        self._write_accounts(accounts, written)
        flush(final=True)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_balance (id bigint PRIMARY KEY, balance bigint)")
        copy_rows("bench_balance", ["id", "balance"], ((a[0], a[6]) for a in accounts.values() if a[6]))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE funds_account a SET balance = b.balance FROM bench_balance b WHERE a.id = b.id")
            cursor.execute("DROP TABLE bench_balance")
        copy_rows(
            "funds_allocation",
            [
                "id",
                "amount",
                "date",
                "decision",
                "household_id",
                "fund_id",
                "entry_id",
                "source_id",
                "over_limit",
                "override_reason",
            ],
            allocations,
        )
        copy_rows(
            "funds_disbursement",
            [
                "id",
                "amount",
                "date",
                "voucher_number",
                "stage",
                "requires_verified_stage",
                "note",
                "status",
                "recorded_at",
                "decided_at",
                "rejection_reason",
                "decided_by_id",
                "household_id",
                "recorded_by_id",
                "fund_id",
                "entry_id",
                "source_id",
                "channel",
                "serial_year",
                "serial",
            ],
            disbursements,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO funds_ledgerhead (id, last_seq, last_hash) VALUES (1, %s, %s)", [self.seq, self.prev_hash]
            )
        self.log(f"    allocations {alloc_id}, disbursements {disb_id}, accounts {len(accounts)}")

    @staticmethod
    def _write_accounts(accounts: dict[str, list], after: int) -> int:
        copy_rows(
            "funds_account",
            ["id", "kind", "unit_id", "fund_id", "source_id", "household_id", "balance", "key"],
            ((a[0], a[1], a[2], a[3], a[4], a[5], 0, a[7]) for a in accounts.values() if a[0] > after),
        )
        return len(accounts)

    def finish(self) -> None:
        """Sequences past the ids we chose, memberships and sessions for the load test, statistics."""
        from chungtay.funds.models import ReceiptTally
        from chungtay.orgunits.models import Membership

        with connection.cursor() as cursor:
            for table in (
                "orgunits_orgunit",
                "housing_household",
                "housing_supportnorm",
                "housing_progressupdate",
                "funds_fund",
                "funds_source",
                "funds_account",
                "funds_donor",
                "funds_receipt",
                "funds_journalentry",
                "funds_journalline",
                "funds_allocation",
                "funds_disbursement",
                "funds_ledgerhead",
            ):
                last = f"GREATEST((SELECT max(id) FROM {table}), 1)"
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
        # Receipts were copied in around Receipt.save, which keeps the per-fund tallies.
        ReceiptTally.rebuild()
        # Households, progress and balances were copied in around the signals that mark figures stale.
        from chungtay.tallies import rollup

        started = time.perf_counter()
        rollup.rebuild()
        self.log(f"  subtree figures rebuilt in {time.perf_counter() - started:.1f} s")
        root = OrgUnit.objects.get(pk=self.country)
        Membership.objects.create(user=self.maker, unit=root, role="office")
        Membership.objects.create(user=self.checker, unit=root, role="board")
        # A commune's staff, for the pages as a commune sees them (issue 22: office and commune both).
        commune = OrgUnit.objects.filter(level=Level.COMMUNE).order_by("path").first()
        if commune is not None:
            staff = get_user_model().objects.create_user(
                "bench_commune", password=PASSWORD, full_name="Cán bộ xã (bench)"
            )
            Membership.objects.create(user=staff, unit=commune, role="unit_staff")
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("VACUUM ANALYZE")
