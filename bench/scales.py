"""The three data sizes of issue 9."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int
    districts: int
    communes: int
    areas: int
    households: int
    receipts: int
    progress: int
    donors: int
    statement_rows: int  # bank statement import size
    http_seconds: int  # default load-test length


SCALES = {
    "town": Scale("town", 1, 1, 20, 140, 1_000, 20_000, 6_000, 5_000, 100_000, 30),
    "province": Scale("province", 1, 18, 240, 1_500, 15_735, 500_000, 94_000, 100_000, 1_000_000, 30),
    "national": Scale("national", 63, 700, 10_600, 100_000, 334_234, 5_000_000, 2_000_000, 1_000_000, 1_000_000, 120),
}
