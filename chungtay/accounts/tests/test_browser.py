"""In a real browser: an office past a few units gives a new user a role on an area, choosing the commune first
in the unit picker (htmx), then the area."""

import pytest

from chungtay.accounts.models import User
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_gives_a_new_user_a_role_on_an_area_choosing_the_commune_first(page, people, tree, many):
    login(page, "office")
    page.goto(page.base_url + "/tai-khoan/nguoi-dung/them/")
    cascade = "[data-testid=unit-cascade-unit]"
    assert "Khối phố 1" not in page.inner_text(f"{cascade} select[name=unit]")
    page.select_option(f"{cascade} select[name=unit__cap]", label="phường Vĩnh Điện")
    page.wait_for_selector(f"{cascade} select[name=unit] option:text('Khối phố 1 (Vĩnh Điện)')", state="attached")
    assert "Thôn 1" not in page.inner_text(f"{cascade} select[name=unit]")
    page.select_option(f"{cascade} select[name=unit]", label="Khối phố 1 (Vĩnh Điện)")
    page.fill("input[name=username]", "kp1_moi")
    page.fill("input[name=full_name]", "Trần Văn Chọn")
    page.fill("input[name=password]", "Mot-mat-khau-dai")
    page.select_option("select[name=role]", "area_board")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Đã tạo tài khoản kp1_moi")
    assert User.objects.get(username="kp1_moi").memberships.get().unit == tree.area_a1
