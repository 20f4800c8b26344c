"""{{ "money_received"|figure_label }}: the catalogue's label of a figure, in the active language."""

from django import template

from chungtay.tallies.catalogue import FigureSet

register = template.Library()


@register.filter
def figure_label(name: str) -> str:
    return FigureSet.label(name)


@register.filter
def get_figure(figures: object, name: str) -> object:
    """{{ f|get_figure:"money_received" }}: a figure of a FigureSet by a name held in a variable."""
    if not figures:
        return None
    return figures[name]  # type: ignore[index]


@register.filter
def names(text: str) -> list[str]:
    """{% for name in "money_received money_allocated"|names %}: figure names listed in a template."""
    return text.split()
