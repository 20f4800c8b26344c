"""The public boundary is a type (issue 23): `portal.public` hands out frozen dataclasses that hold
only publishable fields, already masked, never a queryset nor a model. mypy then rejects a public
caller that reads `row.head_name`; these tests keep the types themselves honest."""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.db import models
from django.db.models import QuerySet

from chungtay.funds.models import Donor, Receipt
from chungtay.housing.models import Household, Photo, ProgressUpdate
from chungtay.portal import public

# What of each row may be published; every other column is private, including any added later.
PUBLISHED = {
    Household: {"id", "code", "area", "support_kind", "phase_year", "status", "photo_consent"},
    # A donor's `name` is left out of the check: the public rows' `name` is a unit's name or a masked
    # head name; a receipt carries its donor's public name as `donor`.
    Donor: {"id", "name", "kind", "anonymous", "published_name", "unit"},
    Receipt: {"id", "fund", "donor", "amount", "received_on", "channel", "bank_ref", "designation"}
    | {"designated_unit", "designated_household"},
    ProgressUpdate: {"id", "household", "stage", "date", "percent"},
    Photo: {"id", "update"},
}
PRIVATE_NAMES = {
    f.name for model, published in PUBLISHED.items() for f in model._meta.concrete_fields if f.name not in published
}


def _public_types() -> list[type]:
    return [
        obj
        for name, obj in vars(public).items()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == public.__name__
    ]


def _public_selectors() -> dict[str, Callable[..., Any]]:
    return {
        name: fn
        for name, fn in vars(public).items()
        if inspect.isfunction(fn) and fn.__module__ == public.__name__ and not name.startswith("_")
    }


def _leaks(hint: Any, seen: set[type]) -> list[str]:
    """The querysets and models a type can hold: in itself, its arguments, and a dataclass's fields."""
    origin = typing.get_origin(hint) or hint
    if isinstance(origin, type) and issubclass(origin, QuerySet | models.Model):
        return [origin.__name__]
    found = [leak for arg in typing.get_args(hint) for leak in _leaks(arg, seen)]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        hints = typing.get_type_hints(hint, vars(public))
        found += [
            f"{hint.__name__}.{f.name}: {leak}"
            for f in dataclasses.fields(hint)
            for leak in _leaks(hints[f.name], seen)
        ]
    return found


def test_the_public_types_carry_no_private_field_name():
    assert {"head_name", "citizen_id", "phone", "address_detail", "memo", "contact", "lat"} <= PRIVATE_NAMES
    types_ = _public_types()
    assert {public.PublicHousehold, public.PublicReceipt, public.GalleryPhoto, public.PublicProgress} <= set(types_)
    carried = {f"{t.__name__}.{f.name}" for t in types_ for f in dataclasses.fields(t) if f.name in PRIVATE_NAMES}
    assert not carried, f"A public type names a private column: {sorted(carried)}"
    # The rows are frozen: a caller cannot put an unmasked name back into one.
    rows = [t for t in types_ if issubclass(t, public.PublicRecord)]
    assert len(rows) >= 8 and all(t.__dataclass_params__.frozen for t in rows)  # type: ignore[attr-defined]


def test_no_public_selector_is_typed_to_hand_out_a_queryset_a_model_or_anything():
    leaking, untyped = {}, []
    for name, fn in _public_selectors().items():
        returned = typing.get_type_hints(fn, vars(public)).get("return")
        if returned is None or returned is Any:
            untyped.append(name)
        elif found := _leaks(returned, set()):
            leaking[name] = found
    assert not untyped, f"Public selectors must say what they return: {untyped}"
    assert not leaking, f"Public selectors typed to hand out querysets or models: {leaking}"


def _walk(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, QuerySet | models.Model):
        found.append(f"{path}: {type(value).__name__}")
    elif isinstance(value, public.PublicList):
        for i, item in enumerate(value[:3]):
            _walk(item, f"{path}[{i}]", found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), f"{path}.{f.name}", found)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(item, f"{path}[{key!r}]", found)
    elif isinstance(value, list | tuple | types.GeneratorType):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", found)


@pytest.mark.django_db
def test_what_every_public_selector_returns_holds_no_queryset_nor_model(world, tree):
    unit = public.unit_get(tree.town.pk)
    household = world.consenting
    photo = Photo.objects.filter(update__household=household).first()
    calls: dict[str, Callable[[], Any]] = {
        "unit_get": lambda: unit,
        "unit_children": lambda: public.unit_children(unit),
        "unit_ancestors": lambda: public.unit_ancestors(public.unit_get(tree.commune_a.pk)),
        "units_list": lambda: public.units_list(),
        "current_movement": public.current_movement,
        "home_unit": public.home_unit,
        "unit_report": lambda: public.unit_report(unit),
        "units_summary": public.units_summary,
        "monthly_series": lambda: public.monthly_series(unit),
        "map_cells": lambda: public.map_cells(unit),
        "households": lambda: public.households(unit=unit),
        "household_count": lambda: public.household_count(unit),
        "household_page": lambda: public.household_page(unit=unit),
        "household_get": lambda: public.household_get(household.code),
        "household_timeline": lambda: public.household_timeline(household.pk),
        "household_money": lambda: public.household_money(household.pk),
        "household_photos": lambda: public.household_photos(household.pk),
        "photo_file": lambda: public.photo_file(photo.pk),
        "gallery": public.gallery,
        "progress_rows": lambda: public.progress_rows(unit),
        "receipts": lambda: public.receipts(),
        "receipt_page": lambda: public.receipt_page(public.ReceiptFilters(query="nguyen")),
        "receipt_count": lambda: public.receipt_count(public.ReceiptFilters()),
        "statements": public.statements,
        "household_money_rows": public.household_money_rows,
        "good_models": public.good_models,
        "donation_funds": public.donation_funds,
        "complaint_counts": lambda: public.complaint_counts(unit),
    }
    assert set(calls) == set(_public_selectors()), "a new public selector: add it here"
    found: list[str] = []
    for name, call in calls.items():
        _walk(call(), name, found)
    assert not found, f"Querysets or models handed out by the public selectors: {found}"
    rows = [*public.households(unit=unit), public.household_get(household.code)]
    assert rows and all(isinstance(row, public.PublicHousehold) for row in rows)
    assert household.head_name not in {row.name for row in rows}  # masked, not the full name
