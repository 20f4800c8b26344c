"""Helpers the view modules share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def _user(request: HttpRequest) -> Any:
    return request.user


def _errors_text(form: Any) -> str:
    """A form's errors as one message, each naming its field (an error that names it already, like the unit
    pickers' out-of-scope one, is kept as it is)."""
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label
        texts += [str(e) if str(e).startswith(f"{label}:") else f"{label}: {e}" for e in errors]
    return "; ".join(texts)
