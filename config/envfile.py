"""`make run` prepares `.env` for a local, production-like server: `python -m config.envfile`.

- DJANGO_SECRET_KEY is generated once. A key already there is never replaced: sessions, password-reset
  links and signed tokens all depend on it.
- CHUNGTAY_REQUIRE_2FA=0 is written once, with a comment, so the demo's admin, office and board logins
  work without an authenticator app. The line stays the operator's: set it to 1 (production does).

Standard library only, so it runs before Django's settings can be loaded (they refuse DEBUG off without
a key).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"

TWO_FACTOR_NOTE = (
    "# Written by `make run`: the demo's admin, office and board accounts sign in with the password only.\n"
    "# A real installation sets 1 (a TOTP code from an authenticator app after the password).\n"
)


def _value(lines: list[str], name: str) -> str | None:
    """The value of `name=` in the file (None when there is no such line)."""
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip("'\"")
    return None


def ensure(path: Path = ENV_FILE) -> list[str]:
    """Add what is missing to `path`; returns what was added (for the banner)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    added: list[str] = []
    if not _value(lines, "DJANGO_SECRET_KEY"):
        key = secrets.token_urlsafe(50)
        # An empty `DJANGO_SECRET_KEY=` (copied from .env.example) is filled in place.
        lines = [line for line in lines if line.partition("=")[0].strip() != "DJANGO_SECRET_KEY"]
        lines += ["# Generated once by `make run`; keep it secret and never change it on a running site.",
                  f"DJANGO_SECRET_KEY={key}"]  # fmt: skip
        added.append("DJANGO_SECRET_KEY")
    if _value(lines, "CHUNGTAY_REQUIRE_2FA") is None:
        lines += [*TWO_FACTOR_NOTE.rstrip("\n").split("\n"), "CHUNGTAY_REQUIRE_2FA=0"]
        added.append("CHUNGTAY_REQUIRE_2FA=0")
    if added:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return added


def banner(url: str, path: Path = ENV_FILE) -> str:
    """What `make run` prints before it starts serving."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    two_factor = (_value(lines, "CHUNGTAY_REQUIRE_2FA") or "1").lower() in {"1", "true", "yes", "on"}
    return "\n".join(
        [
            f"Chung Tay: {url}  (Ctrl+C để dừng)",
            "  Chạy như bản cài đặt thật: DEBUG tắt, gunicorn, trang lỗi tiếng Việt; khóa bí mật trong .env.",
            "  Đăng nhập hai lớp (TOTP): BẬT — quản trị, văn phòng, thường trực cần mã từ ứng dụng xác thực."
            if two_factor
            else "  Đăng nhập hai lớp (TOTP): TẮT cho bản thử (CHUNGTAY_REQUIRE_2FA=0 trong .env); bản cài thật đặt 1.",
            "  Gỡ lỗi (DEBUG bật, tự nạp lại mã): make dev",
        ]
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--banner"]:
        print(banner(argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/"))
        return 0
    added = ensure()
    if added:
        print(f"{ENV_FILE.name}: đã ghi {', '.join(added)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
