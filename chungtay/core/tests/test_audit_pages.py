"""The change log /nhat-ky/ is read without counting it: the count ran the scope filter over the whole
log a second time (bench: 353 ms on the town demo, issue 20); pages go on while there are entries."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.pagination import UncountedPage
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create


def test_the_change_log_pages_on_without_counting_the_log(client, people, tree, monkeypatch):
    for i in range(3):
        unit_create(actor=people.town_office, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name=f"Tổ {i}")
    monkeypatch.setattr("chungtay.core.views.UncountedPage", lambda rows, size, number: UncountedPage(rows, 2, number))
    client.force_login(people.inspector)
    with CaptureQueriesContext(connection) as seen:
        first = client.get(reverse("core:audit_recent")).content.decode()
    assert not [q for q in seen.captured_queries if "COUNT(" in q["sql"].upper() and "auditlog_logentry" in q["sql"]]
    assert "Trang 1<" in first and "trang=2" in first
    pages, url = [], reverse("core:audit_recent")
    while url:
        body = client.get(url).content.decode()
        pages.append(body.split("<tbody>")[1].split("</tbody>")[0].count("<tr"))
        link = re.search(r'href="(\?trang=\d+)"[^>]*>›', body)
        url = reverse("core:audit_recent") + link.group(1) if link else ""
    assert all(n == 2 for n in pages[:-1]) and 1 <= pages[-1] <= 2 and len(pages) >= 2


def test_an_uncounted_page_tells_a_next_page_by_one_row_more():
    rows = list(range(7))
    shown = [UncountedPage(rows, 3, n).object_list for n in ("1", "3", "x", "0")]
    assert shown == [[0, 1, 2], [6], [0, 1, 2], [0, 1, 2]]
    assert (UncountedPage(rows, 3, "2").has_next, UncountedPage(rows, 3, "3").has_next) == (True, False)
    assert UncountedPage(rows, 3, "4").object_list == [] and UncountedPage(rows, 3, "2").has_previous
