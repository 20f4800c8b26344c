"""Reminder digests by the channel each person chose (e-mail, SMS via eSMS.vn, Zalo ZNS), tested against
a local HTTP server that speaks each provider's documented request and response format."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from chungtay.core.errors import DomainError
from chungtay.reports import services
from chungtay.reports.models import ContactChannel, Delivery, Notification, ReminderLog

from .conftest import TODAY

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = dt.datetime(2024, 12, 2, 8, 0, tzinfo=VN)
NIGHT = dt.datetime(2024, 12, 2, 22, 30, tzinfo=VN)


class FakeProvider:
    """Records each POST (path, headers, JSON body) and answers with the next configured reply."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                provider.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "json": body}
                )
                reply = provider.replies.pop(0) if provider.replies else provider.default(self.path, body)
                raw = json.dumps(reply).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def default(path: str, body: dict) -> dict:
        if path.startswith("/message/template"):  # Zalo ZNS
            return {"error": 0, "message": "Success",
                    "data": {"msg_id": f"zns-{body['tracking_id']}", "sent_time": "1733101200000",
                             "quota": {"dailyQuota": "500", "remainingQuota": "499"}}}  # fmt: skip
        return {"CodeResult": "100", "CountRegenerate": 0, "SMSID": f"esms-{body['RequestId']}"}  # eSMS

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(monkeypatch):
    fake = FakeProvider()
    monkeypatch.setenv("CHUNGTAY_ZNS_URL", fake.url + "/message/template")
    monkeypatch.setenv("CHUNGTAY_ZNS_ACCESS_TOKEN", "token-thu-nghiem")
    monkeypatch.setenv("CHUNGTAY_ZNS_TEMPLATE_ID", "123456")
    monkeypatch.setenv("CHUNGTAY_ESMS_URL", fake.url + "/MainService.svc/json/SendMultipleMessage_V4_post_json/")
    monkeypatch.setenv("CHUNGTAY_ESMS_API_KEY", "khoa-thu")
    monkeypatch.setenv("CHUNGTAY_ESMS_SECRET_KEY", "bi-mat-thu")
    monkeypatch.setenv("CHUNGTAY_ESMS_BRANDNAME", "MTTQ_DB")
    monkeypatch.delenv("CHUNGTAY_QUIET_HOURS", raising=False)
    yield fake
    fake.close()


@pytest.fixture
def overdue(tree, people, obligation):
    people.commune_a_staff.email = "vinhdien@example.vn"
    people.commune_a_staff.save()
    obligation(tree.commune_a, TODAY - dt.timedelta(days=3), title="Kế hoạch cụ thể")
    obligation(tree.commune_a, TODAY - dt.timedelta(days=5), kind="progress_report", title="Báo cáo tháng 11")


def _choose(user, channel, phone="0905 123 456"):
    return services.contact_channel_set(actor=user, user=user, channel=channel, phone=phone, consent=True)


def test_one_days_reminders_reach_one_person_exactly_once_by_zalo(people, overdue, provider):
    person = people.commune_a_staff
    _choose(person, "zalo")
    services.send_reminders(today=TODAY, escalate_after=7, now=MORNING)
    services.send_reminders(today=TODAY, escalate_after=7, now=MORNING)  # the job runs twice

    to_person = [r for r in provider.requests if r["json"].get("phone") == "84905123456"]
    assert len(to_person) == 1
    sent = to_person[0]
    assert sent["path"] == "/message/template" and sent["headers"]["access_token"] == "token-thu-nghiem"
    assert sent["json"]["template_id"] == "123456" and sent["json"]["tracking_id"].startswith("ct-")
    data = sent["json"]["template_data"]
    assert (data["ngay"], data["so_viec"]) == ("02/12/2024", "2")
    assert "/bao-cao/thong-bao/ngung-nhan/" in data["ngung_nhan"]
    delivery = Delivery.objects.get(user=person)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("zalo", "sent", 1)
    assert delivery.provider_id == f"zns-{sent['json']['tracking_id']}"
    assert not [m for m in mail.outbox if m.to == ["vinhdien@example.vn"]]  # not by e-mail as well
    logs = ReminderLog.objects.filter(recipient=person)
    assert logs.filter(channel="zalo", recipient_email="0905123456").count() == 2
    assert logs.filter(channel="app").count() == 2 and not logs.filter(channel="email").exists()
    assert Notification.objects.filter(user=person).count() == 1


def test_sms_goes_through_esms_in_its_documented_format(people, overdue, provider):
    person = people.commune_a_staff
    _choose(person, "sms", phone="+84 905 123 456")
    run = services.send_reminders(today=TODAY, escalate_after=7, now=MORNING)
    assert run.texts == 1
    body = next(r for r in provider.requests if r["json"].get("Phone") == "84905123456")["json"]
    assert (body["ApiKey"], body["SecretKey"], body["Brandname"]) == ("khoa-thu", "bi-mat-thu", "MTTQ_DB")
    assert (body["SmsType"], body["IsUnicode"]) == ("2", "0")
    assert body["Content"].startswith("Chung Tay nhac viec 02/12/2024: 2 viec can xu ly.")
    assert "Ngung nhan tin:" in body["Content"] and body["Content"].isascii()
    delivery = Delivery.objects.get(user=person)
    assert delivery.status == "sent" and delivery.provider_id == f"esms-{body['RequestId']}"


def test_quiet_hours_hold_text_messages_until_the_morning_run(people, overdue, provider):
    person = people.commune_a_staff
    _choose(person, "zalo")
    night = services.send_reminders(today=TODAY, escalate_after=7, now=NIGHT)
    assert night.deferred == 1 and provider.requests == []
    assert Delivery.objects.get(user=person).status == "deferred"
    services.dispatch_deliveries(today=TODAY + dt.timedelta(days=1), now=MORNING + dt.timedelta(days=1))
    assert len(provider.requests) == 1 and Delivery.objects.get(user=person).status == "sent"


def test_a_refusal_by_the_provider_is_logged_and_retried_by_the_next_run(people, overdue, provider):
    person = people.commune_a_staff
    _choose(person, "sms")
    provider.replies.append({"CodeResult": "103", "ErrorMessage": "Balance not enough to send message"})
    first = services.send_reminders(today=TODAY, escalate_after=7, now=MORNING)
    delivery = Delivery.objects.get(user=person)
    assert first.failures == 1 and delivery.status == "failed"
    assert delivery.error == "eSMS từ chối (mã 103): Balance not enough to send message."
    services.send_reminders(today=TODAY, escalate_after=7, now=MORNING + dt.timedelta(hours=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert len(provider.requests) == 2


def test_the_stop_link_ends_text_messages_but_not_the_in_app_notification(client, people, overdue, provider):
    person = people.commune_a_staff
    _choose(person, "zalo")
    services.send_reminders(today=TODAY, escalate_after=7, now=MORNING)
    link = provider.requests[0]["json"]["template_data"]["ngung_nhan"]
    path = link[link.index("/bao-cao/") :]
    assert "Ngừng nhận" in client.get(path).content.decode()
    assert ContactChannel.objects.get(user=person).stopped_at is None  # opening the link stops nothing
    assert "Đã ngừng gửi" in client.post(path).content.decode()
    tomorrow = TODAY + dt.timedelta(days=1)
    services.send_reminders(today=tomorrow, escalate_after=7, now=MORNING + dt.timedelta(days=1))
    assert len(provider.requests) == 1 and not mail.outbox
    assert not Delivery.objects.filter(user=person, run_on=tomorrow).exists()
    assert Notification.objects.filter(user=person).count() == 2
    assert client.post("/bao-cao/thong-bao/ngung-nhan/sai-chu-ky/").status_code == 200


def test_a_text_channel_needs_a_number_and_consent(people):
    person = people.commune_a_staff
    with pytest.raises(DomainError) as no_consent:
        services.contact_channel_set(actor=person, user=person, channel="zalo", phone="0905123456", consent=False)
    assert no_consent.value.field == "consent"
    with pytest.raises(DomainError) as bad_phone:
        services.contact_channel_set(actor=person, user=person, channel="sms", phone="09051", consent=True)
    assert bad_phone.value.field == "phone" and "0905123456" in bad_phone.value.message
    assert not ContactChannel.objects.exists()


def test_a_person_chooses_the_channel_on_their_own_page(client, people):
    person = people.commune_a_staff
    client.force_login(person)
    page = client.post("/bao-cao/thong-bao/kenh-nhan/", {"channel": "sms", "phone": "0905123456"})
    assert "Cần đánh dấu đồng ý" in page.content.decode()
    client.post("/bao-cao/thong-bao/kenh-nhan/", {"channel": "sms", "phone": "0905123456", "consent": "on"})
    choice = ContactChannel.objects.get(user=person)
    assert (choice.channel, choice.phone) == ("sms", "0905123456") and choice.consent_at is not None
