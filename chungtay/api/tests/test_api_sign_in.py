"""Issue 15 item 1: the API asks what the pages ask. A token needs a TOTP code from the roles that sign
in with one; tokens expire and can be revoked; a session that has not passed the second factor reaches
nothing but the public endpoints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from chungtay.accounts.models import ApiToken
from chungtay.accounts.services import token_issue, token_revoke
from chungtay.core.access import rule_for
from chungtay.portal.tests.conftest import SENTINELS
from conftest import PASSWORD, make_user

SECOND_FACTOR_DETAIL = "chưa qua bước xác thực hai lớp"


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True
    cache.clear()  # the anonymous rate limit covers /api/token/


def paired(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def ask_token(username: str, **extra):
    return APIClient().post(reverse("api:token"), {"username": username, "password": PASSWORD, **extra})


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def unverified_session(client, user):
    """Signed in with the password; the code step not done (what every page then redirects from)."""
    paired(user)
    client.force_login(user)
    return client


def verified_session(client, user):
    device = paired(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- POST /api/token/ --------------------------------------------------------------------------
def test_a_board_member_gets_no_token_with_a_password_alone(people):
    paired(people.board)
    response = ask_token("board")
    assert response.status_code == 400
    assert "mã xác thực hai lớp" in response.json()["code"][0]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["admin", "superuser"])
def test_the_admin_gets_no_token_with_a_password_alone(people, persona):
    user = people.admin if persona == "admin" else make_user("root", None, None, is_superuser=True, is_staff=True)
    paired(user)
    response = ask_token(user.username)
    assert response.status_code == 400 and "code" in response.json()
    assert not ApiToken.objects.exists()


def test_a_valid_code_gets_a_token_that_reads_private_fields(world, people):
    device = paired(people.board)
    response = ask_token("board", code=code_for(device))
    assert response.status_code == 200
    token = response.json()["token"]
    detail = with_token(token).get(reverse("api:household-detail", args=[world.consenting.pk]))
    assert detail.status_code == 200 and detail.json()["citizen_id"] == SENTINELS["citizen_id"]
    assert ApiToken.objects.get(user=people.board).second_factor


def test_a_wrong_code_is_refused_and_counts_towards_django_otps_back_off(people, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # long enough that the next try is surely still waiting
    device = paired(people.board)
    response = ask_token("board", code=wrong_code(device))
    assert response.status_code == 400 and response.json()["code"][0].startswith("Mã không đúng hoặc đã hết hạn.")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Even the right code waits out the back-off.
    response = ask_token("board", code=code_for(device))
    assert response.status_code == 400 and "nhiều lần" in response.json()["code"][0]
    assert not ApiToken.objects.exists()


def test_a_user_who_needs_the_second_factor_but_has_no_app_is_told_to_pair_one(people):
    response = ask_token("office", code="123456")
    assert response.status_code == 400 and "bật ứng dụng xác thực" in response.json()["code"][0]


def test_a_wrong_password_is_refused_before_any_code_is_looked_at(people):
    device = paired(people.board)
    response = APIClient().post(
        reverse("api:token"), {"username": "board", "password": "sai", "code": code_for(device)}
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_role_without_the_second_factor_gets_a_token_with_its_password(world, people):
    response = ask_token("staff_a")
    assert response.status_code == 200
    assert with_token(response.json()["token"]).get(reverse("api:household-list")).status_code == 200


def test_a_token_is_stored_as_a_digest_and_lasts_api_token_days(people, settings):
    settings.API_TOKEN_DAYS = 7
    token = ask_token("staff_a").json()["token"]
    stored = ApiToken.objects.get(user=people.commune_a_staff)
    assert token not in {stored.digest, stored.token_key} and len(stored.digest) == 128
    assert abs(stored.expiry - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)


# --- Using a token ------------------------------------------------------------------------------
def test_an_expired_token_is_refused(world, people):
    stored, token = token_issue(user=people.commune_a_staff, second_factor=False)
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = with_token(token).get(reverse("api:household-list"))
    assert response.status_code == 401 and "hết hạn" in response.json()["detail"]


def test_a_revoked_token_is_refused(world, people):
    stored, token = token_issue(user=people.commune_a_staff, second_factor=False)
    assert with_token(token).get(reverse("api:household-list")).status_code == 200
    token_revoke(actor=people.commune_a_staff, token=stored)
    assert with_token(token).get(reverse("api:household-list")).status_code == 401


def test_a_password_only_token_stops_when_its_user_comes_to_need_the_second_factor(world, people, settings):
    settings.REQUIRE_2FA = False
    token = ask_token("office").json()["token"]
    assert with_token(token).get(reverse("api:household-list")).status_code == 200
    settings.REQUIRE_2FA = True
    response = with_token(token).get(reverse("api:household-list"))
    assert response.status_code == 401 and "token mới" in response.json()["detail"]


def test_a_tokens_last_use_is_recorded(world, people):
    stored, token = token_issue(user=people.commune_a_staff, second_factor=False)
    assert stored.last_used is None
    with_token(token).get(reverse("api:household-list"))
    stored.refresh_from_db()
    assert stored.last_used is not None


# --- Sessions -----------------------------------------------------------------------------------
def test_a_session_without_the_second_factor_reads_no_household(client, world, people):
    unverified_session(client, people.board)
    response = client.get(reverse("api:household-list"))
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert SECOND_FACTOR_DETAIL in response.json()["detail"]
    assert world.consenting.code not in response.content.decode()


def test_a_session_without_the_second_factor_writes_nothing(client, world, people, tree):
    unverified_session(client, people.town_office)
    response = client.post(reverse("api:household-list"), {"area": tree.area_a1.pk, "head_name": "X"})
    assert response.status_code == 403 and SECOND_FACTOR_DETAIL in response.json()["detail"]


def test_drf_refuses_such_a_session_even_without_the_middleware(client, world, people, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequireTwoFactorMiddleware")]
    unverified_session(client, people.board)
    response = client.get(reverse("api:household-list"))
    assert response.status_code == 403 and SECOND_FACTOR_DETAIL in response.json()["detail"]


def test_a_session_past_the_second_factor_reads_the_api(client, world, people):
    verified_session(client, people.board)
    response = client.get(reverse("api:household-list"))
    assert response.status_code == 200 and response.json()["count"] == 2


def test_public_endpoints_and_the_schema_still_answer_a_session_without_the_second_factor(client, world, people):
    unverified_session(client, people.board)
    for name in ("api:public-summary", "api:public-receipt-list", "api:schema"):
        assert client.get(reverse(name)).status_code == 200, name


# --- Every door ---------------------------------------------------------------------------------
def api_urls() -> list[tuple[str, str]]:
    """(name, url) of every route in the api namespace, with made-up ids filled in."""
    api = next(e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.namespace == "api")

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                kwargs = {key: "987654" for key in entry.pattern.regex.groupindex}
                yield f"api:{entry.name}", reverse(f"api:{entry.name}", kwargs=kwargs)

    return sorted(set(walk(api.url_patterns)))


# A route without a rule counts as private: the test then probes it too (and test_url_rules fails).
PRIVATE_DOORS = [(name, url) for name, url in api_urls() if getattr(rule_for(name), "kind", None) != "public"]
METHODS = ("get", "post", "put", "patch", "delete")


def test_the_walk_finds_the_staff_endpoints():
    assert {"api:household-list", "api:household-detail", "api:receipt-list"} <= {n for n, _ in PRIVATE_DOORS}


@pytest.mark.parametrize(("name", "url"), PRIVATE_DOORS)
def test_no_private_api_door_opens_without_a_token_or_the_second_factor(client, world, people, name, url):
    anonymous = APIClient()
    for method in METHODS:
        assert getattr(anonymous, method)(url).status_code in (401, 403), (method, name)
    unverified_session(client, people.board)
    for method in METHODS:
        # Once as a browser sends it (the middleware answers), once with a header DRF's token class
        # passes over (DRF's session class answers).
        for headers in ({}, {"HTTP_AUTHORIZATION": "Basic Ym9hcmQ6eA=="}):
            response = getattr(client, method)(url, **headers)
            assert response.status_code == 403, (method, name, headers)
            assert SECOND_FACTOR_DETAIL in response.json()["detail"], (method, name, headers)


def test_every_api_route_has_a_rule():
    assert all(rule_for(name) is not None for name, _ in api_urls())


def test_wrong_codes_at_the_token_door_lock_the_account_like_wrong_passwords(people, settings):
    """The correct password each time must not wipe the wrong codes before it (issue 15 item 5)."""
    device = paired(people.board)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # not the back-off: axes
        device.save()
        status = ask_token("board", code=wrong_code(device)).status_code
        assert status == (429 if attempt == settings.AXES_FAILURE_LIMIT else 400)
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    assert ask_token("board", code=code_for(device)).status_code in (400, 403, 429)
    assert not ApiToken.objects.exists()
    assert APIClient().post(reverse("accounts:login"), {"username": "board", "password": PASSWORD}).status_code == 429


def test_a_full_sign_in_at_the_token_door_clears_earlier_failures(people, settings):
    device = paired(people.board)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
        device.save()
        ask_token("board", code=wrong_code(device))
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    assert ask_token("board", code=code_for(device)).status_code == 200
    # The count starts again: as many wrong codes again are refused, not locked out.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
        device.save()
        assert ask_token("board", code=wrong_code(device)).status_code == 400
