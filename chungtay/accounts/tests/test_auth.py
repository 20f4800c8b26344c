import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD


def test_a_user_logs_in_with_the_form_and_lands_on_the_dashboard(client, people):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Xin chào" in response.content.decode()


def test_a_wrong_password_gets_a_vietnamese_message(client, people):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_repeated_failures_lock_the_account_out(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khoá" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(people):
    assert people.town_office.password.startswith("argon2$")


def test_password_reset_sends_a_vietnamese_email(client, people):
    people.town_office.email = "office@example.vn"
    people.town_office.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "office@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject
    assert "/tai-khoan/dat-lai/" in mail.outbox[0].body


def test_password_change_requires_login_and_works(client, people):
    assert client.get(reverse("accounts:password_change")).status_code == 302
    client.force_login(people.board)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2025",
            "new_password2": "Mat-khau-moi-2025",
        },
    )
    assert response.status_code == 302
    people.board.refresh_from_db()
    assert people.board.check_password("Mat-khau-moi-2025")


@pytest.mark.parametrize(
    "persona,visible,hidden",
    [
        ("town_office", ["Đơn vị", "Người dùng", "Nhật ký"], []),
        ("inspector", ["Đơn vị", "Nhật ký"], ["Người dùng"]),
        ("commune_a_staff", ["Đơn vị"], ["Người dùng", "Nhật ký"]),
        ("area_board", ["Đơn vị"], ["Người dùng", "Nhật ký"]),
    ],
)
def test_navigation_follows_the_role(client, people, persona, visible, hidden):
    client.force_login(getattr(people, persona))
    body = client.get(reverse("dashboard")).content.decode()
    nav = body.split('id="menu"')[1].split("</ul>")[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_the_interface_switches_to_english(client, people):
    client.force_login(people.town_office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert ">Units</a>" in body and ">Đơn vị</a>" not in body


def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client, people):
    client.force_login(people.town_office)
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert ">Đơn vị</a>" in body and 'lang="vi"' in body


def test_an_area_board_lands_on_a_big_progress_button(client, people):
    client.force_login(people.area_board)
    body = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="quick-housing"' in body and "Cập nhật tiến độ xây nhà" in body
    client.force_login(people.town_office)
    assert 'data-testid="quick-housing"' not in client.get(reverse("dashboard")).content.decode()
