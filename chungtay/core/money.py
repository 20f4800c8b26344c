"""Money is a whole number of đồng (int), never a float.

Display follows Vietnamese usage: dot as the thousands separator, "đ" after a space.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_vnd(amount: int | None, *, unit: str = "đ") -> str:
    """60000000 → "60.000.000 đ"; negative amounts keep their sign."""
    if amount is None:
        return ""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be an int number of đồng, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}{grouped} {unit}".rstrip()


def format_decimal_vn(value: Decimal | int | float | str | None, *, places: int = 2) -> str:
    """A number the Vietnamese way, for papers: 95.96 → "95,96", 90.00 → "90", 1234.5 → "1.234,5".

    Rounded half up to `places` decimals, trailing zeros dropped; dot groups thousands, comma marks
    decimals (the reverse of English). None or "" → "".
    """
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if number < 0 else ""
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
