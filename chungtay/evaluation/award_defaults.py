"""The Front's default award rules, as data: who confers which form, and the cash that goes with it.

Migration 0004 seeded the same rows into `AwardRule`, where the office edits them (a migration keeps
its own frozen copy). Until any rule exists — a database emptied and not yet seeded again — the
award checks read these defaults, so a committee is never left with no rule at all.
"""

from __future__ import annotations

from chungtay.orgunits.models import Level

BASIS = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP"
# (form, level, conferrer, cash collective, cash individual): the Giấy khen carries 0,3 times the base
# salary for a person and twice that for a collective (Decree 98/2023/NĐ-CP; base salary 2.340.000 đ).
RULES: tuple[tuple[str, int, str, int, int], ...] = (
    ("Giấy khen", Level.DISTRICT, "Ban Thường trực Ủy ban MTTQ Việt Nam cấp huyện", 1_404_000, 702_000),
    ("Giấy khen", Level.COMMUNE, "Ban Thường trực Ủy ban MTTQ Việt Nam cấp xã", 1_404_000, 702_000),
    ("Bằng khen", Level.PROVINCE, "Ủy ban MTTQ Việt Nam tỉnh", 0, 0),
    ("Cờ thi đua", Level.PROVINCE, "Ủy ban MTTQ Việt Nam tỉnh", 0, 0),
    ("Bằng khen", Level.COUNTRY, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
    ("Cờ thi đua", Level.COUNTRY, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
    ("Kỷ niệm chương", Level.COUNTRY, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
)
