"""Field photos: read capture time and GPS from EXIF, then shrink for storage.

EXIF is read from the original bytes before anything else, because the shrunk copy is saved
without EXIF (the GPS of a family's house should not travel with every copy of the image).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from PIL import Image, ImageOps

MAX_SIDE = 1600  # px: enough to see a roof and a wall, ~200–400 KB as JPEG
JPEG_QUALITY = 82
FAR_METRES = 1000

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED, _DATETIME = 0x9003, 0x9004, 0x0132


@dataclass(frozen=True)
class PhotoInfo:
    taken_at: dt.datetime | None
    lat: Decimal | None
    lon: Decimal | None


@dataclass(frozen=True)
class ShrunkPhoto:
    data: bytes
    width: int
    height: int


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        return float(value[0]) / float(value[1]) if value[1] else 0.0
    return float(value)


def _degrees(parts: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_rational(p) for p in parts)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() in ("S", "W"):
        value = -value
    return value if math.isfinite(value) else None


def _exif_time(text: Any) -> dt.datetime | None:
    if isinstance(text, bytes):
        text = text.decode("ascii", "ignore")
    if not isinstance(text, str):
        return None
    try:
        naive = dt.datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Phone cameras write local time without a zone; the programme runs in Vietnam.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def read_exif(data: bytes) -> PhotoInfo:
    """Capture time and position of a JPEG/PNG; missing or broken EXIF gives None values."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            sub = exif.get_ifd(_EXIF_IFD)
            gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # Pillow raises many types for odd EXIF blocks; a photo without EXIF is fine
        return PhotoInfo(None, None, None)
    taken = _exif_time(sub.get(_DATETIME_ORIGINAL) or sub.get(_DATETIME_DIGITIZED) or exif.get(_DATETIME))
    lat = lon = None
    if gps and 2 in gps and 4 in gps:
        la, lo = _degrees(gps.get(2), gps.get(1, "N")), _degrees(gps.get(4), gps.get(3, "E"))
        if la is not None and lo is not None and -90 <= la <= 90 and -180 <= lo <= 180 and (la, lo) != (0, 0):
            lat, lon = Decimal(f"{la:.6f}"), Decimal(f"{lo:.6f}")
    return PhotoInfo(taken, lat, lon)


def shrink(data: bytes) -> ShrunkPhoto:
    """Upright, at most MAX_SIDE px on the long side, JPEG, no EXIF."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return ShrunkPhoto(out.getvalue(), image.width, image.height)


def distance_m(lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float, lon2: Decimal | float) -> float:
    """Great-circle distance in metres (haversine); a few metres of error is irrelevant at 1 km."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 2)
    return (float(d), float(m), s)


def make_jpeg(
    *,
    size: tuple[int, int] = (480, 360),
    taken_at: dt.datetime | None = None,
    lat: float | None = None,
    lon: float | None = None,
    draw: Any = None,
    color: tuple[int, int, int] = (180, 160, 120),
) -> bytes:
    """A JPEG with EXIF time/GPS, for the demo and for tests (a phone's photo, in miniature)."""
    image = Image.new("RGB", size, color)
    if draw is not None:
        draw(image)
    exif = Image.Exif()
    if taken_at is not None:
        stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
        exif[_DATETIME] = stamp
        exif.get_ifd(_EXIF_IFD)[_DATETIME_ORIGINAL] = stamp
    if lat is not None and lon is not None:
        gps = exif.get_ifd(_GPS_IFD)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, exif=exif.tobytes())
    return out.getvalue()
