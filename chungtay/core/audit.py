"""One audit mechanism: django-auditlog records every model change (settings.AUDITLOG_*).

Web requests get their actor from AuditlogMiddleware. Services also run from management
commands and background jobs, so each takes an `actor` and wraps its writes in `as_actor`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from auditlog.context import auditlog_value, set_actor
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
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
HIDDEN_FIELDS = frozenset({"path", "depth", "numchild", "id"})
# Columns kept for searching ("name_folded": the name without diacritics) repeat another field.
HIDDEN_SUFFIXES = ("_folded",)
# Fields many models share whose verbose name is Django's default (English, from the column name).
COMMON_LABELS = {"created_at": "Thời điểm tạo", "updated_at": "Thời điểm cập nhật", "created_by": "Người tạo"}
# What auditlog stores for a many-to-many field at save time: the manager's repr, "housing.Complaint.None".
_MANAGER_REPR = re.compile(r"^[\w]+\.[\w]+\.None$")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _fields(entry: Any) -> Iterator[tuple[str, Any, list | tuple]]:
    """(name, model field or None, [old, new]) of each change a reader is shown."""
    model = entry.content_type.model_class()
    for name, values in (entry.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or name.endswith(HIDDEN_SUFFIXES) or not isinstance(values, list | tuple):
            continue
        if len(values) != 2:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_many:
            continue
        yield name, field, values


def _related(field: Any) -> type[models.Model]:
    # Django has resolved a "self" or "app.Model" reference to the class by the time fields are read.
    return cast(type[models.Model], field.related_model)


def prefetch_words(entries: Iterable[Any]) -> list[Any]:
    """The entries of a page, each with its changes in words, the linked objects' names read in one
    query per kind of object (naming them one by one took a query per change: 100 for a page)."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        for _name, field, values in _fields(entry):
            if isinstance(field, models.ForeignKey):
                for value in values:
                    if value is not None and value not in ("None", ""):
                        try:
                            wanted[_related(field)].add(_related(field)._meta.pk.to_python(value))
                        except Exception:  # noqa: S112 - a malformed reference is shown as recorded
                            continue
    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(pks)).items()}
        for model, pks in wanted.items()
    }
    for entry in entries:
        entry.words = changes_in_words(entry, names=names)
    return entries


def changes_in_words(entry: Any, *, names: dict | None = None) -> list[Change]:
    """A log entry's changes as a reader would say them: the field's label, choices by their label,
    a linked object by its name, an empty value as "(trống)"; tree internals left out.
    `names`: linked objects' names already read ({model: {pk: name}}, see `prefetch_words`)."""
    if names is None and hasattr(entry, "words"):
        return entry.words
    changes = []
    for name, field, values in _fields(entry):
        old, new = (_value_in_words(field, v, names) for v in values)
        if old == new:
            continue
        label = str(getattr(field, "verbose_name", name) or name) if field is not None else name
        if name in COMMON_LABELS and label == name.replace("_", " "):
            label = COMMON_LABELS[name]
        changes.append(Change(label[:1].upper() + label[1:], old, new))
    return changes


def _value_in_words(field: Any, value: Any, names: dict | None = None) -> str:
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
            related = _related(field)
            pk = related._meta.pk.to_python(value)
            if names is not None:
                return names[related][pk]
            return str(related._default_manager.get(pk=pk))
        except Exception:  # a deleted or malformed reference is shown as recorded
            return _("(đã xoá: %(value)s)") % {"value": value}
    if isinstance(field, models.DateTimeField):
        try:
            moment = dt.datetime.fromisoformat(str(value))
            if timezone.is_naive(moment) and settings.USE_TZ:
                moment = moment.replace(tzinfo=dt.UTC)  # auditlog records times naive, in UTC
            return format_date(moment)  # in the local time, as the entry's own time is shown
        except ValueError:
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return format_date(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    return str(value)
