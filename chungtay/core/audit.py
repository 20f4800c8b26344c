"""One audit mechanism: django-auditlog records every model change (settings.AUDITLOG_*).

Web requests get their actor from AuditlogMiddleware. Services also run from management
commands and background jobs, so each takes an `actor` and wraps its writes in `as_actor`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from auditlog.context import auditlog_value, set_actor
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from chungtay.core.dates import format_date


@contextlib.contextmanager
def as_actor(actor: Any) -> Iterator[None]:
    """Attribute the writes inside to `actor`; on exit the enclosing context (a request's) is restored."""
    if actor is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        # set_actor leaves its own value behind; put back the request's so its later writes keep their actor.
        if previous is not None:
            auditlog_value.set(previous)


# Bookkeeping of the unit tree (django-treebeard): it changes whenever a unit gains a child and means
# nothing to a reader of the log.
HIDDEN_FIELDS = frozenset({"path", "depth", "numchild"})
# What auditlog stores for a many-to-many field at save time: the manager's repr, "housing.Complaint.None".
_MANAGER_REPR = re.compile(r"^[\w]+\.[\w]+\.None$")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def changes_in_words(entry: Any) -> list[Change]:
    """A log entry's changes as a reader would say them: the field's label, choices by their label,
    a linked object by its name, an empty value as "(trống)"; tree internals left out."""
    model = entry.content_type.model_class()
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_many:
            continue
        old, new = (_value_in_words(field, v) for v in values)
        if old == new:
            continue
        label = str(getattr(field, "verbose_name", name) or name) if field is not None else name
        changes.append(Change(label[:1].upper() + label[1:], old, new))
    return changes


def _value_in_words(field: Any, value: Any) -> str:
    if value is None or value in ("None", ""):
        return _("(trống)")
    if field is None:
        return str(value)
    if isinstance(value, str) and _MANAGER_REPR.match(value):
        return _("(trống)")
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(field, models.BooleanField):
        return _("Có") if str(value) == "True" else _("Không")
    if isinstance(field, models.ForeignKey):
        try:
            # Django has resolved a "self" or "app.Model" reference to the class by the time fields are read.
            related = cast(type[models.Model], field.related_model)
            return str(related._default_manager.get(pk=related._meta.pk.to_python(value)))
        except Exception:  # a deleted or malformed reference is shown as recorded
            return _("(đã xoá: %(value)s)") % {"value": value}
    if isinstance(field, models.DateTimeField):
        try:
            return format_date(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return format_date(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    return str(value)
