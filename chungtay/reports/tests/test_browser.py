"""The chair puts the dashboard on the screen and drills down; the office issues an urging notice."""

import datetime as dt
import random
from pathlib import Path

import pytest

from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.reports.models import UrgingNotice
from chungtay.reports.selectors import late_units
from conftest import login

from .conftest import TODAY

# The server's clock stands on the conftest's day (the browser needs no date), so "late" and the
# dashboard's figures are the same whatever day the suite runs on.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=7)))),
]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
STATUSES = ["approved", "started", "building", "completed", "completed", "handed_over", "handed_over"]


@pytest.fixture
def town(tree, people, make_household, participate, obligation):
    """Six communes with houses spread over 2024 and a few late obligations."""
    rng = random.Random(7)
    communes = [tree.commune_a, tree.commune_b]
    for name in ("Điện An", "Điện Ngọc", "Điện Minh", "Điện Phương"):
        commune = unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="phuong", name=name)
        unit_create(actor=None, parent=commune, level=Level.AREA, kind="khoi_pho", name="Khối phố 1")
        communes.append(commune)
    for i, commune in enumerate(communes):
        area = commune.children_set.first()
        participate(commune)
        obligation(commune, dt.date(2024, 3, 31), done_on=dt.date(2024, 3, 30 if i % 3 else 31))
        obligation(
            commune, dt.date(2024, 10, 31), kind="self_assessment", done_on=None if i % 2 else dt.date(2024, 10, 30)
        )
        for _ in range(6 + i):
            status = rng.choice(STATUSES)
            done = (
                dt.date(2024, rng.randint(3, 11), rng.randint(1, 28))
                if status in ("completed", "handed_over")
                else None
            )
            make_household(area, status=status, phase_year=2024, completed_on=done,
                           lat=15.88 + (i % 3) * 0.02 + rng.uniform(-0.004, 0.004),
                           lon=108.22 + (i // 3) * 0.03 + rng.uniform(-0.004, 0.004))  # fmt: skip
    from chungtay.funds.models import Channel, FundKind
    from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record

    for unit, amount, code in ((tree.town, 350_000_000, "vnn-db"), (tree.commune_a, 60_000_000, "xnt-vd")):
        fund = fund_create(actor=people.town_office, unit=unit, kind=FundKind.MOVEMENT, name=f"Quỹ {code}", code=code)
        donor = donor_find_or_create(unit=unit, name="Công ty TNHH Mẫu")
        receipt_record(actor=people.town_office, fund=fund, donor=donor, amount=amount, received_on=dt.date(2024, 5, 1),
                       channel=Channel.BANK, bank_ref=f"FT-{code}")  # fmt: skip
    return communes


def no_tiles(page):
    # Tests run without the Internet: tiles fail, the page must fall back to its list.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())


def test_the_chair_opens_the_dashboard_and_drills_down_to_a_household(page, town, tree):
    no_tiles(page)
    page.set_viewport_size({"width": 1366, "height": 1180})
    login(page, "board")
    page.goto(page.base_url + "/bao-cao/")
    page.wait_for_selector("#ban-do[data-ready='1']")
    for canvas in ("bieu-do-don-vi", "bieu-do-tien-do"):
        assert page.evaluate(f"!!Chart.getChart(document.getElementById('{canvas}'))"), canvas
    page.wait_for_selector("[data-testid=map-fallback][open]")
    assert page.locator("[data-testid=map-fallback] tbody tr").count() == sum(6 + i for i in range(6))
    # The houses are drawn even without tiles (on the canvas overlay).
    assert page.get_attribute("#ban-do", "data-markers") == str(sum(6 + i for i in range(6)))
    assert page.locator("#ban-do .leaflet-overlay-pane canvas").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports-dashboard.png"))  # the first screen: what the chair projects

    page.click("[data-testid=children] >> text=phường Vĩnh Điện")
    page.wait_for_selector("h1:has-text('phường Vĩnh Điện')")
    assert "xã Điện Hồng" not in page.inner_text("[data-testid=children]")
    page.click("[data-testid=children] >> text=Khối phố 1")
    page.wait_for_selector("[data-testid=households]")
    page.click("[data-testid=households] tbody tr >> nth=0 >> a")
    page.wait_for_url("**/nha-o/ho/*/")
    assert "Hộ Thử Nghiệm" in page.inner_text("main")


def test_a_big_subtree_maps_one_bubble_per_commune_and_a_bubble_leads_to_its_dashboard(page, town, tree, monkeypatch):
    from chungtay.reports import selectors

    monkeypatch.setattr(selectors, "MAP_LIMIT", 20)  # the town has 51 located houses in six communes
    no_tiles(page)
    login(page, "board")
    page.goto(page.base_url + "/bao-cao/")
    page.wait_for_selector("#ban-do[data-ready='1']")
    assert page.get_attribute("#ban-do", "data-markers") == "6"
    assert page.locator("[data-testid=map-fallback] tbody tr").count() == 6
    page.click("[data-testid=map-fallback] >> text=phường Vĩnh Điện")
    page.wait_for_selector("h1:has-text('phường Vĩnh Điện')")
    page.wait_for_selector("#ban-do[data-ready='1']")
    assert page.get_attribute("#ban-do", "data-markers") == "6"  # its six houses, one by one


def test_the_office_issues_an_urging_notice_and_downloads_it(page, town, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(page, "office")
    page.goto(page.base_url + "/bao-cao/don-doc/")
    late = page.locator("[data-testid=urging-form] input[name=units]:checked")
    expected = [u for u, _items in late_units(TODAY, tree.town)]
    assert late.count() == len(expected) >= 3  # the late units are ticked by default
    first, items = expected[0], late_units(TODAY, tree.town)[0][1]
    page.click(f"[data-testid=late-unit]:has-text('{first.title}') summary")  # its items load when opened
    page.wait_for_selector("[data-testid=late-unit] [data-testid=late-items] li")
    assert page.locator("[data-testid=late-unit] [data-testid=late-items] li").first.inner_text() == items[0].line
    page.fill("input[name=number]", "85/MTTQ-BTT")
    page.fill("input[name=signer_name]", "Lê Văn Khánh")
    page.click("[data-testid=issue-notice]")
    page.wait_for_selector("text=Đã ban hành công văn đôn đốc 85/MTTQ-BTT")
    notice = UrgingNotice.objects.get()
    assert notice.units.count() == len(expected)
    with page.expect_download() as info:
        page.click("[data-testid=notices] >> [data-testid=notice-docx]")
    path = tmp_path / "cong-van.docx"
    info.value.save_as(str(path))
    from docx import Document

    document = Document(str(path))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for c in t._cells])
    assert "Số: 85/MTTQ-BTT" in text and "Tự đánh giá, chấm điểm" in text
