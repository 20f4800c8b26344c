"""HTML → PDF with WeasyPrint, for receipts, vouchers, posters and certificates.

WeasyPrint needs Pango from the operating system (Debian: libpango-1.0-0 libpangoft2-1.0-0);
`pdf_available()` lets tests skip with a reason where it is missing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


@cache
def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    # base_url lets templates use the vendored font files under static/.
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def pdf_response(template: str, context: dict[str, Any], filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
