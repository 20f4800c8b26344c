"""axe-core (vendored, loaded only here) on the key pages at a phone's and a desktop's width: no serious or
critical WCAG 2.1 AA violation."""

# ruff: noqa: F811 - the fixtures imported below are requested by name
from __future__ import annotations

from pathlib import Path

import pytest

# The public world (households, money, a movement) is shared with the portal's tests.
from chungtay.portal.tests.conftest import give, make_household, norm, town_fund, world  # noqa: F401
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[3] / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(pg) -> list[str]:
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    found = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {targets}")
    return found


def key_pages(public_world) -> tuple[list[str], list[str]]:
    from chungtay.campaigns.models import Movement

    household = public_world.consenting
    movement = Movement.objects.get()
    staff = [
        "/bang-dieu-khien/",
        "/nha-o/",
        f"/nha-o/ho/{household.pk}/",
        f"/nha-o/ho/{household.pk}/cap-nhat-tien-do/",
        "/quy/",
        f"/danh-gia/phong-trao/{movement.pk}/",
        "/nhat-ky/",
    ]
    public = ["/tai-khoan/dang-nhap/", "/cong-khai/", "/cong-khai/ung-ho/", f"/cong-khai/ho/{household.code}/"]
    return staff, public


def check(pg, paths: list[str]) -> dict[str, list[str]]:
    failures = {}
    for path in paths:
        response = pg.goto(pg.base_url + path)
        assert response.status < 400, (path, response.status)
        pg.wait_for_load_state("networkidle")
        if found := axe_violations(pg):
            failures[path] = found
    return failures


@pytest.mark.parametrize("width", [360, 1280])
def test_key_pages_have_no_serious_accessibility_violation(browser, live_server, world, width):
    # axe is injected as an inline script, which the site's CSP rightly forbids; only this context bypasses it.
    context = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 576, locale="vi-VN", bypass_csp=True
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    try:
        staff, public = key_pages(world)
        failures = check(pg, public)
        login(pg, "office")
        failures |= check(pg, staff)
    finally:
        context.close()
    assert not failures, "\n".join(f"{p}: {v}" for p, vs in failures.items() for v in vs)
