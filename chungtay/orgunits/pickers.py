"""A unit picker that stays small at any scale (issue 22).

A select of every residential area a province office may choose lists 1,500 of them (100,000 for the
whole country): the page took 1.3 s to build and a person cannot find one in it. `UnitCascade` is the
widget of a `UnitChoiceField`: with up to `FEW` units to choose from it is the plain select (and works
without JavaScript); beyond that it is the dependent selects people know from every address form —
province, then district, then commune, then the area — each listing the children in force today of
the unit chosen above it, loaded by htmx from the form's own picker URL (`cascade_response`).

Two ways to choose:
- a unit of one level (`level`, the household's area): the selects lead down to the units of that level;
- a unit of any level down to `level` (`mixed=True`: a role is given on the country, a commune or an area;
  a complaint is received by a province or a commune): the last select offers the unit reached and its
  children, and a select above it goes one level further down.
`FundCascade` is the same walk for a fund (and an allocation's source): the last select offers the funds
of the unit reached and of its children.

The field keeps its whole queryset (the units the user may choose, in force today), so the server
still validates the chosen unit against it (one query for the chosen row); only what is rendered is
narrowed to one branch of the tree.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from chungtay.core.access import has_perm, visible_to

from .models import Level, OrgUnit
from .selectors import active_on, ancestors, children_on, top_units_for

# Up to this many units to choose from, one plain select (a commune's areas, a town's 140): it needs no
# script and reads in one query. Beyond it, the cascade.
FEW = 200

Option = tuple[str, str]  # (value, label) of the last select


@dataclass
class Step:
    """One select of the cascade: the children of `parent` (None: the user's top units)."""

    label: str
    options: list[OrgUnit]
    parent: OrgUnit | None
    selected: int | None = None
    vals: str = field(default="")


def picker_roots(user: Any, perm: str) -> list[OrgUnit]:
    """Where the user's cascade starts: their top units (in force today) on which they hold `perm`."""
    return [u for u in top_units_for(user) if has_perm(user, perm, u)]


def out_of_scope(label: Any) -> str:
    """The error of a choice the user may not make, naming the field (the page may not show the option)."""
    return str(_("%(field)s: hãy chọn trong phạm vi bạn được giao.") % {"field": label})


def wire(field: forms.Field, url: str | None, roots: list[OrgUnit] | None) -> None:
    """Give a cascade field its picker URL and top units; a choice outside them is refused naming the field."""
    widget = field.widget
    assert isinstance(widget, UnitCascade)
    widget.url, widget.roots = url, roots or []
    field.error_messages = {**field.error_messages, "invalid_choice": out_of_scope(field.label)}


def _near(lookup: str, *, under: OrgUnit | None, own: list[OrgUnit]) -> Q:
    """Rows whose unit (`lookup`: "" for the units themselves, "unit__" for a fund) is one of `own` or a
    child of `under`."""
    q = Q(**{f"{lookup}pk__in": [u.pk for u in own]})
    return q | Q(**{f"{lookup}parent": under}) if under is not None else q


class UnitCascade(forms.Select):
    """See the module's docstring. The form gives it `url` (the picker's endpoint) and `roots`
    (`picker_roots`) with `wire`; without them it is the plain select whatever its length."""

    lookup = ""  # from what is chosen to its unit

    def __init__(self, attrs: dict[str, Any] | None = None, *, level: int = Level.AREA, mixed: bool = False) -> None:
        super().__init__(attrs)
        self.level = level
        self.mixed = mixed
        self.url: str | None = None
        self.roots: list[OrgUnit] = []

    # What may be chosen: the field's units. FundCascade offers funds instead.
    def _ready(self) -> bool:
        return hasattr(self.choices, "queryset")

    def _allowed(self) -> Any:
        return self.choices.queryset  # type: ignore[attr-defined]  # a ModelChoiceIterator

    def count(self, *, up_to: int) -> int:
        """How many may be chosen, counted up to `up_to`: their ids, unordered (sorting a country's 100,000
        units or 11,000 funds to take the first few hundred is what this avoids)."""
        return len(self._allowed().order_by().values_list("pk", flat=True)[:up_to])

    def pairs(self, *, near: Q | None = None) -> list[Option]:
        qs = self._allowed() if near is None else self._allowed().filter(near)
        label = self.choices.field.label_from_instance  # type: ignore[attr-defined]
        return [(str(u.pk), str(label(u))) for u in qs]

    def unit_of(self, value: str) -> OrgUnit | None:
        """The unit the chosen value stands for, when it may be chosen."""
        return self._allowed().filter(pk=int(value)).first() if value.isdigit() else None

    def _empty_label(self) -> str | None:
        return getattr(getattr(self.choices, "field", None), "empty_label", "---------")

    def use_required_attribute(self, initial: Any) -> bool:
        # Django's Select reads the first choice for this: from a ModelChoiceIterator, a cursor over every
        # unit (2,000 rows fetched at once). The first option is the empty one whenever there is one.
        return forms.Widget.use_required_attribute(self, initial) and self._empty_label() is not None

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if not self._ready():
            return super().render(name, value, attrs, renderer)
        if self.url is None or self.count(up_to=FEW + 1) <= FEW:
            empty = self._empty_label()
            plain = copy.copy(self)  # the rows read once, without changing the field's own choices
            plain.choices = [*([("", empty)] if empty is not None else []), *self.pairs()]
            return forms.Select.render(plain, name, value, attrs, renderer)
        value = "" if value is None else str(value)
        unit = self.unit_of(value) if value else None
        if unit is None:
            return self.render_cascade(name, anchor=None, attrs=attrs)
        mine = self.mixed and any(r.pk == unit.pk for r in self.roots)
        return self.render_cascade(name, anchor=unit if mine else unit.parent, chosen=value, attrs=attrs)

    def render_cascade(
        self, name: str, *, anchor: OrgUnit | None, chosen: str | None = None, attrs: dict[str, Any] | None = None
    ) -> SafeString:
        """The selects from the user's top units down to `anchor` (and, choosing units of one level, where
        a choice is obvious — one option only — further down), then the choices under it."""
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("id", f"id_{name}")
        path = [*ancestors(anchor), anchor] if anchor is not None else []
        on_path = {u.pk for u in path}
        steps: list[Step] = []
        roots = self.roots
        current: OrgUnit | None
        if len(roots) == 1:
            current = roots[0]
        else:
            picked = next((r for r in roots if r.pk in on_path), None)
            steps.append(Step(label=_level_label(roots), options=roots, parent=None, selected=picked and picked.pk))
            current = picked
        near = self._walk_mixed(current, on_path, steps) if self.mixed else self._walk(current, on_path, steps)
        final = self.pairs(near=near) if near is not None else []
        for step in steps:
            step.vals = json.dumps({f"{name}__tren": step.parent.pk if step.parent else ""})
        return mark_safe(  # noqa: S308 (a template's output, escaped by it)
            render_to_string(
                "orgunits/_unit_cascade.html",
                {
                    "name": name,
                    "attrs": flatatt(attrs),
                    "url": self.url,
                    "steps": steps,
                    "final": final,
                    "chosen": chosen,
                    "empty_label": self._empty_label() or "",
                },
            )
        )

    def _walk(self, current: OrgUnit | None, on_path: set[int], steps: list[Step]) -> Q | None:
        """Down to the parent of units of `level`; their filter, or None before it is reached."""
        while current is not None:
            children = list(children_on(current).filter(level__lte=self.level))
            if any(c.level == self.level for c in children):
                return _near(self.lookup, under=current, own=[])
            if not children:
                return None
            picked = next((c for c in children if c.pk in on_path), None)
            if picked is None and len(children) == 1:
                picked = children[0]
            steps.append(
                Step(label=_level_label(children), options=children, parent=current, selected=picked and picked.pk)
            )
            current = picked
        return None

    def _walk_mixed(self, current: OrgUnit | None, on_path: set[int], steps: list[Step]) -> Q:
        """Down the path to its last unit, which is offered with its children; before any top unit is
        chosen, the top units."""
        if current is None:
            return _near(self.lookup, under=None, own=self.roots)
        while True:
            # Only units with something to choose below them lead further down.
            children = list(children_on(current).filter(level__lt=self.level))
            picked = next((c for c in children if c.pk in on_path), None)
            if children:
                steps.append(
                    Step(label=_level_label(children), options=children, parent=current, selected=picked and picked.pk)
                )
            if picked is None:
                return _near(self.lookup, under=current, own=[current])
            current = picked


@dataclass(frozen=True)
class Offer:
    """One kind of row a FundCascade offers: its value prefix ("fund:"), the rows, and their label."""

    prefix: str
    rows: QuerySet[Any]
    label: Callable[[Any], str]


class FundCascade(UnitCascade):
    """A fund (or an allocation's source) chosen among many: the unit first, as a mixed UnitCascade, then
    the funds of that unit and of its children. The form gives it `offers` (`offer`)."""

    lookup = "unit__"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, level=Level.AREA, mixed=True)
        self.offers: list[Offer] = []
        self.empty: str | None = None

    def offer(self, *offers: Offer, empty: str | None = None) -> None:
        self.offers, self.empty = list(offers), empty

    def _ready(self) -> bool:
        return bool(self.offers)

    def _empty_label(self) -> str | None:
        return self.empty

    def count(self, *, up_to: int) -> int:
        n = 0
        for offer in self.offers:
            n += len(offer.rows.order_by().values_list("pk", flat=True)[: max(up_to - n, 0)])
        return n

    def pairs(self, *, near: Q | None = None) -> list[Option]:
        out: list[Option] = []
        for offer in self.offers:
            rows = (offer.rows if near is None else offer.rows.filter(near)).select_related("unit")
            out += [(f"{offer.prefix}{row.pk}", offer.label(row)) for row in rows]
        return out

    def row_of(self, value: str) -> Model | None:
        """The fund (or source) the chosen value stands for, when the user may choose it."""
        for offer in self.offers:
            pk = value.removeprefix(offer.prefix)
            if value.startswith(offer.prefix) and pk.isdigit():
                return offer.rows.select_related("unit__parent").filter(pk=int(pk)).first()
        return None

    def unit_of(self, value: str) -> OrgUnit | None:
        row = self.row_of(value)
        return row.unit if row is not None else None  # type: ignore[attr-defined]


def _level_label(units: list[OrgUnit]) -> str:
    levels = {u.level for u in units}
    return str(Level(levels.pop()).label) if len(levels) == 1 else ""


def cascade_response(request: HttpRequest, field: forms.BoundField, perm: str) -> HttpResponse:
    """The picker's endpoint (htmx): the cascade again below the unit chosen in one of its selects
    (`<name>__cap`), or below that select's parent when its empty option was chosen (`<name>__tren`).
    Only a unit inside the user's scope for `perm`, in force today, is read."""
    widget = field.field.widget
    if not isinstance(widget, UnitCascade):
        raise PermissionDenied
    name = field.html_name
    raw = request.GET.get(f"{name}__cap") or request.GET.get(f"{name}__tren") or ""
    anchor = None
    if raw.isdigit():
        units = visible_to(request.user, active_on(OrgUnit.objects.all()), perm)
        anchor = units.filter(pk=int(raw)).first()
        if anchor is None:
            raise PermissionDenied
    html = widget.render_cascade(name, anchor=anchor, attrs={"id": field.auto_id})
    return HttpResponse(html)
