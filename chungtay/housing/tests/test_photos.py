"""Field photos keep EXIF time and GPS, are shrunk, and warn when far, out of order or reused."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from chungtay.housing import photos, services
from chungtay.housing.models import Photo

from .conftest import HOUSE

LAT, LON = float(HOUSE[0]), float(HOUSE[1])


def shot(when, lat=LAT, lon=LON, size=(480, 360), color=(180, 160, 120)):
    return services.UploadedPhoto(
        "IMG_0001.jpg", io.BytesIO(photos.make_jpeg(size=size, taken_at=when, lat=lat, lon=lon, color=color))
    )


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, 0)


def test_exif_time_and_position_are_read_from_the_original():
    info = photos.read_exif(photos.make_jpeg(taken_at=at(2024, 5, 1, 8), lat=LAT, lon=LON))
    assert timezone.localtime(info.taken_at).replace(tzinfo=None) == at(2024, 5, 1, 8)
    assert abs(float(info.lat) - LAT) < 1e-5 and abs(float(info.lon) - LON) < 1e-5


def test_a_photo_without_exif_is_accepted_with_unknown_time_and_place():
    out = io.BytesIO()
    Image.new("RGB", (50, 40)).save(out, "PNG")
    assert photos.read_exif(out.getvalue()) == photos.PhotoInfo(None, None, None)


def test_large_photos_are_shrunk_and_lose_their_exif():
    small = photos.shrink(photos.make_jpeg(size=(4000, 3000), taken_at=at(2024, 5, 1), lat=LAT, lon=LON))
    assert (small.width, small.height) == (1600, 1200)
    assert photos.read_exif(small.data) == photos.PhotoInfo(None, None, None)


def test_a_stage_photo_keeps_its_capture_time_and_position(areas, make_household):
    household = make_household(areas["a1"])
    update = services.progress_record(
        actor=None, household=household, stage="start", date=dt.date(2024, 5, 1), photos=[shot(at(2024, 5, 1))]
    )
    photo = update.photos.get()
    assert photo.taken_at is not None and photo.lat is not None and photo.distance_m < 5
    assert not photo.flagged and photo.file.size > 0


def test_a_photo_taken_more_than_a_kilometre_from_the_house_is_flagged(areas, make_household):
    household = make_household(areas["a1"])
    update = services.progress_record(
        actor=None, household=household, stage="start", date=dt.date(2024, 5, 1),
        photos=[shot(at(2024, 5, 1), lat=LAT + 0.02)],
    )  # fmt: skip
    photo = update.photos.get()
    assert photo.flag_far and photo.distance_m > 2000 and "km" in photo.warning


def test_a_photo_taken_before_the_previous_stage_is_flagged(areas, make_household):
    household = make_household(areas["a1"])
    services.progress_record(
        actor=None, household=household, stage="start", date=dt.date(2024, 5, 10), photos=[shot(at(2024, 5, 10))]
    )
    update = services.progress_record(
        actor=None, household=household, stage="foundation", date=dt.date(2024, 6, 1),
        photos=[shot(at(2024, 5, 2), color=(10, 20, 30))],
    )  # fmt: skip
    photo = update.photos.get()
    assert photo.flag_out_of_order and "Khởi công" in photo.warning


def test_the_same_image_used_for_two_households_is_flagged(areas, make_household):
    first = make_household(areas["a1"], name="Nguyễn Văn An", code="HT90001")
    second = make_household(areas["a2"], name="Lê Thị Hoa", citizen_id="")
    image = photos.make_jpeg(taken_at=at(2024, 5, 1), lat=LAT, lon=LON)
    services.progress_record(
        actor=None, household=first, stage="start", date=dt.date(2024, 5, 1),
        photos=[services.UploadedPhoto("a.jpg", io.BytesIO(image))],
    )  # fmt: skip
    update = services.progress_record(
        actor=None, household=second, stage="start", date=dt.date(2024, 5, 1),
        photos=[services.UploadedPhoto("b.jpg", io.BytesIO(image))],
    )  # fmt: skip
    photo = update.photos.get()
    assert photo.flag_reused and "HT90001" in photo.warning
    assert not Photo.objects.get(update__household=first).flag_reused


def test_a_file_that_is_not_an_image_is_refused_with_its_name(areas, make_household):
    import pytest

    from chungtay.core.errors import DomainError

    household = make_household(areas["a1"])
    with pytest.raises(DomainError) as exc:
        services.progress_record(
            actor=None, household=household, stage="start", date=dt.date(2024, 5, 1),
            photos=[services.UploadedPhoto("nha.jpg", io.BytesIO(b"%PDF-1.4 not an image"))],
        )  # fmt: skip
    assert "nha.jpg" in exc.value.message and not household.updates.exists()
