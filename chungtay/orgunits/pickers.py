"""A unit picker that stays small at any scale (issue 22).

A select of every residential area a province office may choose lists 1,500 of them (100,000 for the
whole country): the page took 1.3 s to build and a person cannot find one in it. `UnitCascade` is the
widget of a `UnitChoiceField`: with up to `FEW` units to choose from it is the plain select (and works
without JavaScript); beyond that it is the dependent selects people know from every address form —
province, then district, then commune, then the area — each listing the children in force today of
the unit chosen above it, loaded by htmx from the form's own picker URL (`cascade_response`).

The field keeps its whole queryset (the units the user may choose, in force today), so the server
still validates the chosen unit against it (one query for the chosen row); only what is rendered is
narrowed to one branch of the tree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from chungtay.core.access import has_perm, visible_to

from .models import Level, OrgUnit
from .selectors import active_on, ancestors, children_on, top_units_for

# Up to this many units to choose from, one plain select (a commune's areas, a town's 140): it needs no
# script and reads in one query. Beyond it, the cascade.
FEW = 200


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


class UnitCascade(forms.Select):
    """See the module's docstring. The form gives it `url` (the picker's endpoint) and `roots`
    (`picker_roots`); without them it is the plain select whatever its length."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, level: int = Level.AREA) -> None:
        super().__init__(attrs)
        self.level = level
        self.url: str | None = None
        self.roots: list[OrgUnit] = []

    def _allowed(self) -> Any:
        return self.choices.queryset  # type: ignore[attr-defined]  # a ModelChoiceIterator

    def _empty_label(self) -> str | None:
        return getattr(getattr(self.choices, "field", None), "empty_label", "---------")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if self.url is None or not hasattr(self.choices, "queryset"):
            return super().render(name, value, attrs, renderer)
        few = list(self._allowed()[: FEW + 1])
        if len(few) <= FEW:
            empty = self._empty_label()
            self.choices = [*([("", empty)] if empty is not None else []), *((u.pk, u.full_title) for u in few)]
            return super().render(name, value, attrs, renderer)
        chosen = None
        if value not in (None, "") and str(value).isdigit():
            chosen = self._allowed().filter(pk=int(str(value))).first()
        return self.render_cascade(name, anchor=chosen.parent if chosen else None, chosen=chosen, attrs=attrs)

    def render_cascade(
        self, name: str, *, anchor: OrgUnit | None, chosen: OrgUnit | None = None, attrs: dict[str, Any] | None = None
    ) -> SafeString:
        """The selects from the user's top units down to `anchor`'s children (and, where a choice is
        obvious — one option only — further down)."""
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
        final: list[OrgUnit] = []
        final_parent = None
        while current is not None:
            children = list(children_on(current).filter(level__lte=self.level))
            if any(c.level == self.level for c in children):
                final_parent = current
                final = list(self._allowed().filter(parent=current))
                break
            if not children:
                break
            picked = next((c for c in children if c.pk in on_path), None)
            if picked is None and len(children) == 1:
                picked = children[0]
            steps.append(
                Step(label=_level_label(children), options=children, parent=current, selected=picked and picked.pk)
            )
            current = picked
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
                    "final_label": final_parent and Level(self.level).label,
                    "chosen": chosen.pk if chosen else None,
                    "empty_label": self._empty_label() or "",
                },
            )
        )


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
