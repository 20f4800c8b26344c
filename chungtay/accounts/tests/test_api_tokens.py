"""API tokens on the profile page (issue 15 item 1): made by a session that passed the second factor
where one is needed, shown once, listed with created/expiry/last use, revoked by their owner only."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from chungtay.accounts.models import ApiToken
from chungtay.accounts.services import token_issue


def call_api(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api:household-list"))


def create_token(client, name: str = "Máy chủ báo cáo"):
    return client.post(reverse("accounts:token_create"), {"name": name})


def test_a_token_made_on_the_profile_page_is_shown_once_and_works(client, people):
    client.force_login(people.commune_a_staff)
    response = create_token(client)
    assert response.status_code == 200
    stored = ApiToken.objects.get(user=people.commune_a_staff)
    secret = response.context["new_token"]
    assert secret and secret in response.content.decode()
    assert call_api(secret).status_code == 200
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Máy chủ báo cáo" in page and secret not in page
    assert timezone.localtime(stored.expiry).strftime("%d/%m/%Y") in page


def test_the_profile_lists_created_expiry_and_last_use(client, people):
    stored, secret = token_issue(user=people.commune_a_staff, second_factor=False, name="Kịch bản")
    client.force_login(people.commune_a_staff)
    assert "chưa dùng" in client.get(reverse("accounts:profile")).content.decode()
    call_api(secret)
    stored.refresh_from_db()
    page = client.get(reverse("accounts:profile")).content.decode()
    for when in (stored.created, stored.expiry, stored.last_used):
        assert timezone.localtime(when).strftime("%d/%m/%Y") in page
    assert "chưa dùng" not in page


def test_the_profile_lists_only_ones_own_tokens(client, people):
    token_issue(user=people.commune_b_staff, second_factor=False, name="Của xã B")
    token_issue(user=people.commune_a_staff, second_factor=False, name="Của phường A")
    client.force_login(people.commune_a_staff)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Của phường A" in page and "Của xã B" not in page


def test_an_owner_revokes_a_token_and_it_stops_working_with_an_audit_row(client, people):
    stored, secret = token_issue(user=people.commune_a_staff, second_factor=False, name="Cũ")
    client.force_login(people.commune_a_staff)
    response = client.post(reverse("accounts:token_revoke", args=[stored.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert not ApiToken.objects.filter(pk=stored.pk).exists()
    assert call_api(secret).status_code == 401
    entry = LogEntry.objects.get_for_object(stored).get(action=LogEntry.Action.DELETE)
    assert entry.actor == people.commune_a_staff
    assert stored.digest not in str(entry.changes) and secret[:15] not in str(entry.changes)


def test_nobody_revokes_someone_elses_token(client, people):
    stored, secret = token_issue(user=people.commune_b_staff, second_factor=False)
    client.force_login(people.commune_a_staff)
    assert client.post(reverse("accounts:token_revoke", args=[stored.pk])).status_code == 404
    assert call_api(secret).status_code == 200


def test_revoking_takes_a_post(client, people):
    stored, _ = token_issue(user=people.commune_a_staff, second_factor=False)
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("accounts:token_revoke", args=[stored.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=stored.pk).exists()


def test_a_board_member_makes_a_token_only_after_the_second_factor(client, people, settings):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=people.board, name="app", confirmed=True)
    client.force_login(people.board)
    response = create_token(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not ApiToken.objects.exists()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert create_token(client).status_code == 200
    assert ApiToken.objects.get(user=people.board).second_factor


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.post(reverse("accounts:token_create"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_superuser_sees_and_revokes_anyones_token_in_the_admin(client, people, django_user_model):
    stored, _ = token_issue(user=people.commune_a_staff, second_factor=False, name="Lộ")
    root = django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert "Lộ" in client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    response = client.post(reverse("admin:accounts_apitoken_delete", args=[stored.pk]), {"post": "yes"})
    assert response.status_code == 302 and not ApiToken.objects.filter(pk=stored.pk).exists()
