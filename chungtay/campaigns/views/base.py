"""Helpers the view modules share."""

from __future__ import annotations

from typing import Any

from django.forms import Form
from django.http import HttpRequest

from chungtay.core.errors import DomainError


def _fail(form: Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _user(request: HttpRequest) -> Any:
    return request.user
