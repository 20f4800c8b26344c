"""In a real browser on a 360 px phone: an area board records a stage with two photos while the network
is cut, the update waits on the phone across a reload, and is saved once, with both photos, when the
network comes back."""

import datetime as dt
import hashlib

import pytest

from chungtay.housing import photos, services
from chungtay.housing.models import Photo, ProgressUpdate
from conftest import login

from .conftest import HOUSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The service worker controls the page and has stored the app's page, data and static files.
SHELL_CACHED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
  }
  for (let i = 0; i < 150; i++) {
    let count = 0;
    for (const name of await caches.keys()) count += (await (await caches.open(name)).keys()).length;
    if (count >= 3) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}"""


def test_a_stage_recorded_without_signal_waits_on_the_phone_and_is_saved_once_with_both_photos(
    phone_page, people, areas, make_household, tmp_path
):
    household = make_household(areas["a1"], name="Trương Thị Nhà")
    services.progress_record(actor=None, household=household, stage="start", date=dt.date(2024, 5, 1))
    taken = dt.datetime(2024, 6, 1, 9, 30)
    files = []
    for i, colour in enumerate(((180, 160, 120), (90, 120, 160))):
        path = tmp_path / f"IMG_2024060{i + 1}.jpg"
        path.write_bytes(
            photos.make_jpeg(size=(2400, 1800), taken_at=taken, lat=float(HOUSE[0]), lon=float(HOUSE[1]), color=colour)
        )
        files.append(path)
    page = phone_page
    context = page.context
    login(page, "area_a1")
    page.goto(page.base_url + "/nha-o/ngoai-tuyen/")
    page.wait_for_selector(f"[data-testid=field-household][data-code='{household.code}']")
    # The service worker has cached the page and the list before the signal drops.
    # page.evaluate, not wait_for_function: polling a predicate needs eval, which the CSP refuses.
    cached = page.evaluate(SHELL_CACHED)
    assert cached >= 3

    context.set_offline(True)
    row = page.locator(f"[data-testid=field-household][data-code='{household.code}']")
    assert "Xong móng" in row.inner_text()  # what comes next, and what to photograph for it
    row.locator("[data-testid=record-offline]").click()
    assert page.input_value("#ct-stage") == "foundation"
    page.set_input_files("#ct-photos", [str(f) for f in files])
    page.wait_for_selector("#ct-previews[data-ready='2']")
    page.fill("#ct-note", "Đã đổ móng khi mất sóng.")
    page.click("[data-testid=queue-progress]")
    page.wait_for_selector("[data-testid=queued][data-state=waiting] >> text=chờ gửi")
    assert ProgressUpdate.objects.filter(household=household).count() == 1

    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker  # the page came from the app's service worker
    page.wait_for_selector("[data-testid=queued][data-state=waiting] >> text=chờ gửi")
    assert page.locator("[data-testid=queued]").count() == 1
    assert page.is_visible("[data-testid=offline-banner]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert ProgressUpdate.objects.filter(household=household).count() == 1

    context.set_offline(False)
    # Two photos are checked and shrunk again on the server: allow for a busy machine.
    page.wait_for_selector("[data-testid=queued][data-state=saved] >> text=đã gửi", timeout=45000)
    saved = ProgressUpdate.objects.filter(household=household, stage="foundation")
    assert saved.count() == 1
    update = saved.get()
    assert update.client_id is not None and update.note == "Đã đổ móng khi mất sóng."
    stored = list(Photo.objects.filter(update=update))
    assert len(stored) == 2
    originals = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    for photo in stored:
        assert photo.sha256 not in originals  # shrunk on the phone, not sent as taken
        assert max(photo.width, photo.height) == 1600
        assert photo.lat == HOUSE[0] and photo.lon == HOUSE[1]  # the EXIF block travelled with it
        assert photo.taken_at is not None and photo.flag_far is False

    # Back online, a reload does not send it again.
    page.reload()
    page.wait_for_selector(f"[data-testid=field-household][data-code='{household.code}'] >> text=Tiếp theo: Xong tường")
    assert page.locator("[data-testid=queued]").count() == 0
    assert ProgressUpdate.objects.filter(household=household).count() == 2
