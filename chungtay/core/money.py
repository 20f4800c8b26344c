"""Money is a whole number of đồng (int), never a float.

Display follows Vietnamese usage: dot as the thousands separator, "đ" after a space.
"""

from __future__ import annotations


def format_vnd(amount: int | None, *, unit: str = "đ") -> str:
    """60000000 → "60.000.000 đ"; negative amounts keep their sign."""
    if amount is None:
        return ""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be an int number of đồng, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}{grouped} {unit}".rstrip()
