"""The documents on two days (issue 16): the June sơ kết and the December tổng kết — their Word text, their
PDF text — and the Excel tables of houses and of money per unit asked for on the same two days show the
catalogue's value for the town and every row on their day, and so differ from each other exactly where
the catalogue's figures of June and December differ.

The scenario is the one of figures/tests/conftest.py (houses and money on known days of 2024); the
movement is the reports tests' (199/KH-MTTQ-BTT of the town, 2024).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from chungtay.core.docgen import docx_to_pdf, libreoffice_available, pdf_text
from chungtay.reports.services import review_docx
from chungtay.reports.tests import conftest as reports_tests
from chungtay.reports.tests.test_review import docx_text, expected_lines
from chungtay.tallies import catalogue

from .test_surfaces_as_of import export_through_the_job

pytestmark = pytest.mark.django_db
movement = reports_tests.movement  # the reports tests' movement of the town
JUNE, DECEMBER = dt.date(2024, 6, 30), dt.date(2024, 12, 15)
REPORTS = {JUNE: "so-ket", DECEMBER: "tong-ket"}
EXCEL = ("houses_by_unit", "funds_by_unit")


def test_the_june_and_december_documents_show_the_catalogue_of_their_day_and_differ_where_it_did(
    client, scenario, movement, tree, people
):
    town = tree.town
    units = [town, *[child for child, _ in catalogue.for_children(town)]]
    words, excels = {}, {}
    for day, kind in REPORTS.items():
        words[day] = docx_text(review_docx(movement, kind=kind, as_of=day))
        for line in expected_lines(movement, town, day):
            assert line in words[day], (day, line)
        excels[day] = {}
        for table in EXCEL:
            rows, _heading = export_through_the_job(client, people.town_office, town, table, day)
            for unit in units:
                expected = catalogue.for_unit(unit, as_of=day)
                for name, value in rows[unit.title].items():
                    assert value == expected[name], (day, table, unit.title, name)
                    excels[day][(table, unit.title, name)] = value

    # Where the catalogue's figures differ between the two days, the documents do; where not, they agree.
    june, december = catalogue.for_unit(town, as_of=JUNE), catalogue.for_unit(town, as_of=DECEMBER)
    changed = [n for n in ("money_received", "houses_started", "houses_completed") if june[n] != december[n]]
    assert "money_received" in changed  # July's 50 million
    for key, value in excels[JUNE].items():
        assert (value != excels[DECEMBER][key]) == (
            catalogue.for_unit(next(u for u in units if u.title == key[1]), as_of=JUNE)[key[2]]
            != catalogue.for_unit(next(u for u in units if u.title == key[1]), as_of=DECEMBER)[key[2]]
        ), key
    june_lines = set(expected_lines(movement, town, JUNE))
    december_lines = set(expected_lines(movement, town, DECEMBER))
    assert june_lines != december_lines
    for line in june_lines - december_lines:
        assert line not in words[DECEMBER], line
    for line in december_lines - june_lines:
        assert line not in words[JUNE], line


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_the_december_final_review_pdf_shows_decembers_catalogue_not_junes(scenario, movement, tree):
    text = pdf_text(docx_to_pdf(review_docx(movement, kind="tong-ket", as_of=DECEMBER)))
    for line in expected_lines(movement, tree.town, DECEMBER):
        for part in line.split(" | "):  # table rows become runs of cells in the PDF's text
            assert re.sub(r"\s+", " ", part) in text, part
    assert "Đã vận động vào quỹ: 170.000.000 đ" in text
    assert "Đã vận động vào quỹ: 120.000.000 đ" not in text
