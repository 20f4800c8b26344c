"""Faster `get_<field>_display()` for every model field with choices.

Django's version rebuilds `dict(make_hashable(field.flatchoices))` on every call, hashing every lazy
label (one gettext each): a list of 50 households with their unit titles made ~1,500 such calls and
spent 40 ms per request in them (bench/, province scale). The dict is built once per field here; the
labels stay lazy, so each call still answers in the active language.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


def _display(field: Any) -> Any:
    labels: dict[Any, Any] = {}
    # The label of each value in each language, once translated: a lazy label is a gettext per call
    # (a province's 1,500 area titles in a select spent most of their time there).
    shown: dict[tuple[str | None, Any], Any] = {}

    def get_display(self: Any) -> Any:
        if not labels:
            labels.update({make_hashable(value): label for value, label in field.flatchoices})
        value = make_hashable(getattr(self, field.attname))
        key = (get_language(), value)
        if key not in shown:
            shown[key] = force_str(labels.get(value, value), strings_only=True)
        return shown[key]

    get_display.__name__ = f"get_{field.name}_display"
    return get_display


def install() -> int:
    """Replace the display methods of every installed model; returns how many were replaced."""
    count = 0
    for model in apps.get_models():
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            if field.choices and field.model is model and name in model.__dict__:
                setattr(model, name, _display(field))
                count += 1
    return count
