"""Office, board and admin roles need a TOTP code after their password; other roles do not."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}, follow=True)


def test_an_office_user_must_pair_an_authenticator_before_working(client, people):
    response = sign_in(client, "office")
    assert response.redirect_chain[-1][0] == reverse("accounts:otp_setup")
    assert client.get(reverse("orgunits:tree")).status_code == 302
    device = TOTPDevice.objects.get(user=people.town_office)
    client.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("orgunits:tree"), follow=True).status_code == 200


def test_a_paired_board_member_enters_a_code_at_each_sign_in(client, people):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    response = sign_in(client, "board")
    assert response.redirect_chain[-1][0].split("?")[0] == reverse("accounts:otp_verify")
    assert client.get(reverse("dashboard")).status_code == 302
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_is_refused_and_nothing_opens(client, people):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    body = client.post(reverse("accounts:otp_verify"), {"code": wrong}).content.decode()
    assert "Mã không đúng" in body
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_code_that_is_not_six_digits_gets_a_vietnamese_error(client, people):
    TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    body = client.post(reverse("accounts:otp_verify"), {"code": "12ab"}).content.decode()
    assert "Mã gồm đúng 6 chữ số." in body


def test_commune_staff_and_inspectors_sign_in_with_a_password_only(client, people):
    for username in ("staff_a", "inspector", "area_a1"):
        client.logout()
        response = sign_in(client, username)
        assert response.redirect_chain[-1][0] == reverse("dashboard"), username


def test_second_factor_can_be_off_in_development(client, people, settings):
    settings.REQUIRE_2FA = False
    assert sign_in(client, "office").redirect_chain[-1][0] == reverse("dashboard")


# --- Guessing (issue 15, item 5) -------------------------------------------------------------------
def wrong_code(device):
    return "000000" if code_for(device) != "000000" else "111111"


def some_time_passes(device, seconds):
    """Move the last refusal into the past instead of sleeping (no time-travel library is installed)."""
    device.refresh_from_db()
    device.throttling_failure_timestamp -= dt.timedelta(seconds=seconds)
    device.save(update_fields=["throttling_failure_timestamp"])


@pytest.fixture
def generous_lockout(settings):
    """The throttle alone, without the account lockout that would otherwise end these sessions first."""
    settings.AXES_FAILURE_LIMIT = 100


def test_after_twelve_wrong_codes_the_right_one_is_refused_half_a_minute_later(client, people, generous_lockout):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    for _ in range(12):
        client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    some_time_passes(device, 30)
    body = client.post(reverse("accounts:otp_verify"), {"code": code_for(device)}).content.decode()
    assert "Hãy chờ" in body
    assert client.get(reverse("dashboard")).status_code == 302


def test_while_throttled_the_page_says_how_long_to_wait(client, people, generous_lockout):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    for _ in range(8):
        client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    body = client.post(reverse("accounts:otp_verify"), {"code": code_for(device)}).content.decode()
    assert "nhập sai mã nhiều lần liên tiếp" in body
    assert "Hãy chờ 5 phút rồi nhập mã mới." in body  # 2**8 = 256 s after the ninth refusal, rounded up


def test_the_right_code_passes_once_the_wait_is_over(client, people, generous_lockout):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    for _ in range(3):
        client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    some_time_passes(device, 2**2 + 1)
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    assert client.get(reverse("dashboard")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_pairing_an_authenticator_is_throttled_too(client, people, generous_lockout):
    sign_in(client, "office")
    device = TOTPDevice.objects.get(user=people.town_office)
    for _ in range(5):
        client.post(reverse("accounts:otp_setup"), {"code": wrong_code(device)})
    body = client.post(reverse("accounts:otp_setup"), {"code": code_for(device)}).content.decode()
    assert "Hãy chờ" in body
    device.refresh_from_db()
    assert not device.confirmed


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, people, settings):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)}).status_code == 200
    response = client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    assert response.status_code == 429
    assert "tạm thời bị khoá" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"username": "board", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_session_opened_before_the_lockout_cannot_finish_with_the_right_code(client, people, settings):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    other = Client()
    sign_in(other, "board")
    sign_in(client, "board")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    some_time_passes(device, 10**6)
    response = other.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    assert response.status_code == 429
    assert "_auth_user_id" not in other.session


def test_signing_in_again_with_the_password_does_not_reset_the_code_throttle(client, people, generous_lockout):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    for _ in range(4):
        client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    client.post(reverse("accounts:logout"))
    sign_in(client, "board")
    body = client.post(reverse("accounts:otp_verify"), {"code": code_for(device)}).content.decode()
    assert "Hãy chờ" in body
    assert client.get(reverse("dashboard")).status_code == 302


def test_after_the_code_the_user_lands_on_the_page_they_asked_for(client, people):
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    sign_in(client, "board")
    asked = client.get(reverse("orgunits:tree") + "?q=x")
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("accounts:otp_verify") + "?next=")
    done = client.post(asked["Location"], {"code": code_for(device)})
    assert done["Location"] == reverse("orgunits:tree") + "?q=x"
