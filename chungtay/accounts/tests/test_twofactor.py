"""Office, board and admin roles need a TOTP code after their password; other roles do not."""

import pytest
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
    assert response.redirect_chain[-1][0] == reverse("accounts:otp_verify")
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
