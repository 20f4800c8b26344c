"""Where a reminder digest goes: one interface, one adapter per channel (issue 21).

- e-mail: Django's mail backend (as before);
- SMS: eSMS.vn brandname SMS, customer-care type (SmsType 2), its JSON API
  `POST {CHUNGTAY_ESMS_URL}` with ApiKey/SecretKey/Brandname in the body; answer `CodeResult` "100" = accepted;
- Zalo: ZNS template message of an Official Account, `POST {CHUNGTAY_ZNS_URL}` with the `access_token`
  header and phone/template_id/template_data/tracking_id; answer `{"error": 0, "data": {"msg_id": …}}`.

Everything is configured by environment variables (docs/operations-reminders.md), read when a message
is sent; a channel without its settings refuses with a clear error and the delivery stays "failed"
for the next run. The HTTP calls use the standard library (no extra dependency for two JSON POSTs).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.mail import send_mail

from .models import Channel

ESMS_URL = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ZNS_URL = "https://business.openapi.zalo.me/message/template"
TIMEOUT = 15  # seconds: a provider that hangs must not hold the daily job
SMS_MAX = 459  # three concatenated unaccented SMS parts


class ChannelError(Exception):
    """The provider refused or could not be reached; the message is logged on the delivery."""


@dataclass(frozen=True)
class Message:
    to: str  # e-mail address or phone number
    subject: str
    text: str  # the full digest (e-mail)
    short: str  # one or two lines (SMS)
    params: dict[str, str] = field(default_factory=dict)  # ZNS template data
    tracking_id: str = ""


class Adapter(Protocol):
    def send(self, message: Message) -> str:
        """Send; return the provider's message id ("" for e-mail); raise ChannelError."""
        ...


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _require(*names: str) -> dict[str, str]:
    values = {name: _env(name) for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ChannelError("Chưa cấu hình " + ", ".join(missing) + ".")
    return values


def _post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (the URL comes from the operator's settings)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"Nhà cung cấp trả lỗi HTTP {exc.code}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"Không kết nối được nhà cung cấp: {exc}.") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ChannelError("Nhà cung cấp trả về nội dung không phải JSON.") from exc
    if not isinstance(data, dict):
        raise ChannelError("Nhà cung cấp trả về nội dung không đúng định dạng.")
    return data


def international(phone: str) -> str:
    """0905 123 456 / +84905123456 → 84905123456 (the form both providers take)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits


def unaccented(text: str) -> str:
    """Brandname SMS are sent without diacritics (one part holds 160 characters, not 70)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


class EmailAdapter:
    channel = Channel.EMAIL

    def send(self, message: Message) -> str:
        send_mail(message.subject, message.text, None, [message.to])
        return ""


class EsmsAdapter:
    """eSMS.vn, customer-care brandname SMS."""

    channel = Channel.SMS

    def send(self, message: Message) -> str:
        conf = _require("CHUNGTAY_ESMS_API_KEY", "CHUNGTAY_ESMS_SECRET_KEY", "CHUNGTAY_ESMS_BRANDNAME")
        payload = {
            "ApiKey": conf["CHUNGTAY_ESMS_API_KEY"],
            "SecretKey": conf["CHUNGTAY_ESMS_SECRET_KEY"],
            "Brandname": conf["CHUNGTAY_ESMS_BRANDNAME"],
            "Phone": international(message.to),
            "Content": unaccented(message.short)[:SMS_MAX],
            "SmsType": "2",
            "IsUnicode": "0",
            "Sandbox": "1" if _env("CHUNGTAY_ESMS_SANDBOX") == "1" else "0",
            "RequestId": message.tracking_id,
        }
        data = _post_json(_env("CHUNGTAY_ESMS_URL", ESMS_URL), payload)
        if str(data.get("CodeResult")) != "100":
            raise ChannelError(
                f"eSMS từ chối (mã {data.get('CodeResult')}): {data.get('ErrorMessage') or 'không rõ lý do'}."
            )
        return str(data.get("SMSID") or "")


class ZnsAdapter:
    """Zalo Notification Service: a template message the Official Account registered with Zalo."""

    channel = Channel.ZALO

    def send(self, message: Message) -> str:
        conf = _require("CHUNGTAY_ZNS_ACCESS_TOKEN", "CHUNGTAY_ZNS_TEMPLATE_ID")
        payload = {
            "phone": international(message.to),
            "template_id": conf["CHUNGTAY_ZNS_TEMPLATE_ID"],
            "template_data": message.params,
            "tracking_id": message.tracking_id,
        }
        data = _post_json(
            _env("CHUNGTAY_ZNS_URL", ZNS_URL), payload, headers={"access_token": conf["CHUNGTAY_ZNS_ACCESS_TOKEN"]}
        )
        if data.get("error") != 0:
            raise ChannelError(f"Zalo ZNS từ chối (mã {data.get('error')}): {data.get('message') or 'không rõ'}.")
        return str((data.get("data") or {}).get("msg_id") or "")


ADAPTERS: dict[str, Adapter] = {"email": EmailAdapter(), "sms": EsmsAdapter(), "zalo": ZnsAdapter()}


def adapter_for(channel: str) -> Adapter:
    return ADAPTERS[channel]


# --- Quiet hours -------------------------------------------------------------------------------------
# Text messages and Zalo ring the phone: nothing is sent in the quiet hours (local time); the digest
# waits for the next run after them. E-mail does not ring and goes at any hour.
RINGING = {Channel.SMS, Channel.ZALO}


def quiet_hours() -> tuple[dt.time, dt.time]:
    raw = _env("CHUNGTAY_QUIET_HOURS", "21:00-07:00")
    try:
        start, end = (dt.datetime.strptime(part.strip(), "%H:%M").time() for part in raw.split("-", 1))
    except ValueError as exc:
        raise ChannelError(f"CHUNGTAY_QUIET_HOURS phải có dạng 21:00-07:00, không phải “{raw}”.") from exc
    return start, end


def is_quiet(channel: str, local: dt.time) -> bool:
    if channel not in RINGING:
        return False
    start, end = quiet_hours()
    if start == end:
        return False
    return start <= local < end if start < end else (local >= start or local < end)
