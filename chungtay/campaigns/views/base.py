"""Helpers the view modules share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def _user(request: HttpRequest) -> Any:
    return request.user
