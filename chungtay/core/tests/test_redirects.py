"""Every redirect whose target comes from outside our code stays on this site (issue 15, item 2).

The surfaces are every place found in chungtay/ that redirects to a target it did not reverse() itself:
the TOTP step's `next` (ours, through chungtay.core.redirects), Django's login, logout and language
views (their own check, the same function), and the stored link of a notification.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chungtay.reports.models import Notification, NotificationKind
from conftest import PASSWORD, make_user

PROBES = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    " //evil.example",
    "\t//evil.example",
    "%2F%2Fevil.example",  # arrives as written; the decoded form is the first probe
    "/%5Cevil.example",
    "javascript:alert(1)",
    "https://evil.example",
    "https://127.0.0.1.evil.example",
    "///evil.example",
    "https://testserver@evil.example",
]


@pytest.fixture
def alice(db, settings):
    settings.REQUIRE_2FA = False
    return make_user("alice", None, None, is_superuser=True, is_staff=True)


def with_next(path: str, target: str) -> str:
    return f"{path}?{urlencode({'next': target})}"


def after_totp_code(client, alice, settings, target, *, in_form=False):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.force_login(alice)
    if in_form:
        return client.post(reverse("accounts:otp_verify"), {"code": code, "next": target})
    return client.post(with_next(reverse("accounts:otp_verify"), target), {"code": code})


def after_totp_code_in_form(client, alice, settings, target):
    return after_totp_code(client, alice, settings, target, in_form=True)


def after_login(client, alice, settings, target):
    return client.post(with_next(reverse("accounts:login"), target), {"username": "alice", "password": PASSWORD})


def after_login_in_form(client, alice, settings, target):
    return client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD, "next": target})


def after_logout(client, alice, settings, target):
    client.force_login(alice)
    return client.post(with_next(reverse("accounts:logout"), target))


def after_language_switch(client, alice, settings, target):
    return client.post(reverse("set_language"), {"language": "vi", "next": target})


def after_language_switch_by_referer(client, alice, settings, target):
    return client.post(reverse("set_language"), {"language": "vi"}, headers={"referer": target})


def after_opening_a_notification(client, alice, settings, target):
    note = Notification.objects.create(user=alice, kind=NotificationKind.DIGEST, title="Nhắc việc", url=target)
    client.force_login(alice)
    return client.post(reverse("reports:notification_read", args=[note.pk]), {"mo": "1"})


SURFACES = [
    after_totp_code,
    after_totp_code_in_form,
    after_login,
    after_login_in_form,
    after_logout,
    after_language_switch,
    after_language_switch_by_referer,
    after_opening_a_notification,
]


def stays_on_site(location: str) -> bool:
    """Read Location as a browser does: leading blanks and control characters dropped, "\\" taken as "/"."""
    parts = urlsplit(location.lstrip("".join(map(chr, range(33)))).replace("\\", "/"))
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return True  # a path on this host


# Whether a target leaves the site is decided in code (chungtay.core.redirects and Django's own check), never
# by the database, which only holds the persona, its session and the notification's short link: the same
# result on every database, so .ci/run checks these 8 × 14 + 8 cases once, in the SQLite pass (conftest.py).
@pytest.mark.database_independent
@pytest.mark.parametrize("probe", PROBES)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda f: f.__name__)
def test_a_redirect_target_from_outside_never_leaves_the_site(client, alice, settings, surface, probe):
    response = surface(client, alice, settings, probe)
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.database_independent
@pytest.mark.parametrize("surface", SURFACES, ids=lambda f: f.__name__)
def test_a_local_target_is_honoured(client, alice, settings, surface):
    response = surface(client, alice, settings, "/quy/")
    assert response.status_code == 302
    assert response["Location"] == "/quy/"


def test_the_totp_step_really_signed_in_before_following_next(client, alice, settings):
    after_totp_code(client, alice, settings, "/quy/")
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_check_is_stricter_on_https(rf):
    from chungtay.core.redirects import safe_url

    request = rf.get("/", secure=True)
    assert safe_url(request, "http://testserver/quy/", "dashboard") == reverse("dashboard")
    assert safe_url(request, "https://testserver/quy/", "dashboard") == "https://testserver/quy/"
