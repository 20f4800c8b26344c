from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from chungtay.core.errors import DomainError
from chungtay.core.money import format_vnd


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates need no per-field markup (and no inline script)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picker. Many communes have a "Khối phố 1": a residential area is offered with its commune
    ("Khối phố 1 (Vĩnh Điện)", the unit's full title), whose parent the queryset reads in the same query."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_title)

    def _set_queryset(self, queryset: Any) -> None:
        super()._set_queryset(None if queryset is None else queryset.select_related("parent"))  # type: ignore[misc]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]


class UnitMultipleChoiceField(UnitChoiceField, forms.ModelMultipleChoiceField):
    """Several units, each named as in UnitChoiceField."""


class MoneyField(forms.CharField):
    """Whole đồng typed the Vietnamese way: "60.000.000", "60,000,000", "60000000 đ"."""

    def __init__(self, *args: Any, min_value: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "60.000.000"}))
        super().__init__(*args, **kwargs)
        self.min_value = min_value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        from chungtay.core.tabular import CellError, parse_amount

        text = super().to_python(value)
        if text in (None, ""):
            return None
        try:
            amount = parse_amount(text)
        except CellError as exc:
            raise forms.ValidationError(
                _("Số tiền không hợp lệ: “%(text)s” (ví dụ 60.000.000).") % {"text": text}
            ) from exc
        if amount is None or amount < self.min_value:
            raise forms.ValidationError(
                _("Số tiền phải từ %(minimum)s trở lên.") % {"minimum": format_vnd(self.min_value, unit="đồng")}
            )
        return amount

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".")
        return value


DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a broken domain rule on the form: under the field it names when the form has that field,
    else above the form (the one way views turn a service's DomainError into a form error)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
