"""One audit mechanism: django-auditlog records every model change (settings.AUDITLOG_*).

Web requests get their actor from AuditlogMiddleware. Services also run from management
commands and background jobs, so each takes an `actor` and wraps its writes in `as_actor`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
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
from chungtay.core.money import format_decimal_vn, format_vnd


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
HIDDEN_FIELDS = frozenset(
    {
        "path",
        "depth",
        "numchild",
        "id",
        # Fingerprints and keys: a file's hash, the ledger's hash chain and its order, an account's
        # lookup key, a two-factor device's secret. None is something a reader could check by eye.
        "sha256",
        "hash",
        "prev_hash",
        "last_hash",
        "seq",
        "last_seq",
        "key",
        # A file's MIME type; the kind and number of a linked object (the entry itself names the object).
        "content_type",
        "object_id",
    }
)
# Columns kept for searching ("name_folded": the name without diacritics) repeat another field.
HIDDEN_SUFFIXES = ("_folded",)
# Third-party models' bookkeeping: a two-factor device's counters and clock settings.
HIDDEN_BY_MODEL = {
    "otp_totp.totpdevice": frozenset(
        {
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "step",
            "t0",
            "digits",
            "tolerance",
            "drift",
            "last_t",
            "last_used_at",
        }
    ),
}
# Fields many models share whose verbose name is Django's default (English, from the column name),
# and the fields of third-party models, whose labels are not ours to change.
COMMON_LABELS = {
    "created_at": "Thời điểm tạo",
    "updated_at": "Thời điểm cập nhật",
    "created_by": "Người tạo",
    "order": "Thứ tự",
    "unit": "Đơn vị",
    "user": "Người dùng",
    "created": "Thời điểm tạo",
    "expiry": "Hết hạn",
    "confirmed": "Đã xác nhận",
    "name": "Tên",
    "group": "Nhóm",
    "permission": "Quyền",
    # Names used by models of apps whose migrations move often (reports): labelled here, no migration.
    "docx": "Bản Word",
    "pdf": "Bản PDF",
    "issued_by": "Người ban hành",
    "params": "Tham số",
    "file_name": "Tên tệp",
    "finished_at": "Thời điểm xong",
}
# A file field whose model keeps the name the file was uploaded under: that name is shown instead
# of the stored path ("documents/163/4f/4f0c…-bien-ban.pdf").
_FILE_NAME_FIELDS = ("original_name", "file_name")
_HASH_PREFIX = re.compile(r"^[0-9a-f]{8,64}-")
# What auditlog stores for a many-to-many field at save time: the manager's repr, "housing.Complaint.None".
_MANAGER_REPR = re.compile(r"^[\w]+\.[\w]+\.None$")


def is_shown(model: type[models.Model] | None, name: str) -> bool:
    """Whether a reader of the log is shown changes of the field `name` (internals are left out)."""
    if name in HIDDEN_FIELDS or name.endswith(HIDDEN_SUFFIXES):
        return False
    if model is None:
        return True
    if name in HIDDEN_BY_MODEL.get(model._meta.label_lower, ()):
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    if field.many_to_many:
        return False
    if isinstance(field, models.FileField):
        return not any(_has_field(model, other) for other in _FILE_NAME_FIELDS)
    return True


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def field_label(field: Any, name: str) -> str:
    """The label a reader sees for a field: its verbose name; where the model gives none (Django
    then makes one from the column name), a link named after the model it points to by that
    model's name ("movement" → "Phong trào"), else a label shared by many models."""
    label = str(getattr(field, "verbose_name", "") or name) if field is not None else name
    if label == name.replace("_", " "):
        related = getattr(field, "related_model", None)
        if name in COMMON_LABELS:
            label = COMMON_LABELS[name]
        elif related is not None and not isinstance(related, str) and related._meta.model_name == name.replace("_", ""):
            label = str(related._meta.verbose_name)
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _fields(entry: Any) -> Iterator[tuple[str, Any, list | tuple]]:
    """(name, model field or None, [old, new]) of each change a reader is shown."""
    model = entry.content_type.model_class()
    for name, values in (entry.changes_dict or {}).items():
        if not isinstance(values, list | tuple) or len(values) != 2 or not is_shown(model, name):
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        yield name, field, values


def _related(field: Any) -> type[models.Model]:
    # Django has resolved a "self" or "app.Model" reference to the class by the time fields are read.
    return cast(type[models.Model], field.related_model)


def prefetch_words(entries: Iterable[Any]) -> list[Any]:
    """The entries of a page, each with its changes in words, the linked objects' names read in one
    query per kind of object (naming them one by one took a query per change: 100 for a page).
    A residential area is named with its commune, in the changes and in the entry's object column:
    several communes have a "Khối phố 1", and the name recorded with the entry is the bare one."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is not None and _has_full_title(model) and entry.object_pk:
            wanted[model].add(model._meta.pk.to_python(entry.object_pk))
        for _name, field, values in _fields(entry):
            if isinstance(field, models.ForeignKey):
                for value in values:
                    if value is not None and value not in ("None", ""):
                        try:
                            wanted[_related(field)].add(_related(field)._meta.pk.to_python(value))
                        except Exception:  # noqa: S112 - a malformed reference is shown as recorded
                            continue
    names = {
        model: {pk: _name_of(obj) for pk, obj in _named(model).in_bulk(list(pks)).items()}
        for model, pks in wanted.items()
    }
    for entry in entries:
        entry.words = changes_in_words(entry, names=names)
        model = entry.content_type.model_class()
        if model is not None and _has_full_title(model) and entry.object_pk:
            entry.object_words = names[model].get(model._meta.pk.to_python(entry.object_pk))
    return entries


def object_in_words(entry: Any) -> str:
    """The name of the entry's object: an area with its commune where `prefetch_words` read it, else
    the name recorded with the entry."""
    return getattr(entry, "object_words", None) or entry.object_repr


def _has_full_title(model: type[models.Model]) -> bool:
    # The unit tree's model names an area with its commune ("Khối phố 1 (Vĩnh Điện)").
    return isinstance(getattr(model, "full_title", None), property)


def _named(model: type[models.Model]) -> models.QuerySet[Any]:
    qs = model._default_manager.all()
    return qs.select_related("parent") if _has_full_title(model) and _has_field(model, "parent") else qs


def _name_of(obj: models.Model) -> str:
    return str(obj.full_title) if _has_full_title(type(obj)) else str(obj)  # type: ignore[attr-defined]


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
        changes.append(Change(field_label(field, name), old, new))
    return changes


def _value_in_words(field: Any, value: Any, names: dict | None = None) -> str:
    if value is None or value in ("None", ""):
        return _("(trống)")
    if field is None:
        return str(value)
    if isinstance(value, str) and _MANAGER_REPR.match(value):
        return _("(trống)")
    choices = field.flatchoices if field.choices else getattr(field.model, "audit_choices", {}).get(field.name)
    if isinstance(field, models.JSONField):
        return _json_in_words(field, value, choices)
    if choices:
        labels = {str(k): str(v) for k, v in choices}
        return labels.get(str(value), str(value))
    if isinstance(field, models.FileField):
        # Where the model keeps no uploaded name: "documents/163/4f/4f0c1a2b3c4d5e6f-bien-ban.pdf" → "bien-ban.pdf"
        return _HASH_PREFIX.sub("", str(value).rsplit("/", 1)[-1])
    if field.name == "size" and isinstance(field, models.IntegerField):
        return _size_in_words(value)
    if type(field) is models.BigIntegerField:  # money: whole đồng (counts are positive integer fields)
        try:
            return format_vnd(int(value))
        except ValueError:
            return str(value)
    if isinstance(field, models.DecimalField):
        try:
            return format_decimal_vn(value, places=field.decimal_places)
        except ArithmeticError:
            return str(value)
    if isinstance(field, models.BooleanField):
        return _("Có") if str(value) == "True" else _("Không")
    if isinstance(field, models.ForeignKey):
        try:
            related = _related(field)
            pk = related._meta.pk.to_python(value)
            if names is not None:
                return names[related][pk]
            return _name_of(_named(related).get(pk=pk))
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


def _json_in_words(field: Any, value: Any, choices: Any = None) -> str:
    """A list or mapping kept as JSON, in words: a short list of codes by their labels ("Biên bản,
    Nghị quyết"), anything longer or nested counted ("3 việc"); never the JSON text itself.
    A model names the codes its fields hold in `audit_choices` ({field name: choices}, for fields
    without choices of their own) and what a counted item is in `audit_item_nouns`; "mục" otherwise."""
    data = value
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except ValueError:
            return value
    if data in (None, [], {}, ""):
        return _("(trống)")
    model = field.model
    noun = getattr(model, "audit_item_nouns", {}).get(field.name) or _("mục")
    if isinstance(data, list) and all(isinstance(item, str | int) and not isinstance(item, bool) for item in data):
        labels = {str(k): str(v) for k, v in (choices or [])}
        words = [labels.get(str(item), str(item)) for item in data]
        if choices or len(", ".join(words)) <= 80:
            return ", ".join(words)
    if isinstance(data, list | dict):
        return f"{len(data)} {noun}"
    return str(data)


def _size_in_words(value: Any) -> str:
    """Bytes as a reader counts them: "850 byte", "12 kB", "1,4 MB" (Vietnamese decimal comma)."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return str(value)
    if size < 1000:
        return f"{size} byte"
    if size < 1000 * 1000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1000 / 1000:.1f} MB".replace(".", ",")
