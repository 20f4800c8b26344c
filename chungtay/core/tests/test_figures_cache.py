"""Dashboard figures are cached per unit for a short time: the second visitor costs fewer queries,
and another unit never gets the first unit's figures."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core import figures


def test_the_dashboard_reuses_its_figures_within_the_cache_period(client, people, tree, settings):
    settings.FIGURES_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(people.town_office)
    url = reverse("reports:dashboard")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(second) < len(first)
    other = client.get(url, {"don_vi": tree.commune_a.pk})
    assert other.status_code == 200 and other.context["unit"] == tree.commune_a
    assert other.context["summary"] is not client.get(url).context["summary"]
    cache.clear()


def test_caching_is_off_in_tests_by_default(settings):
    assert settings.FIGURES_CACHE_SECONDS == 0


def _key() -> str:
    return "figures:" + ":".join(map(str, (figures.generation(), "summary", 1)))


def _due(settings) -> str:
    """Figures cached, then their time run out (as 60 s later)."""
    settings.FIGURES_CACHE_SECONDS = 60
    cache.clear()
    assert figures.cached("summary", 1, lambda: "old") == "old"
    value, _fresh_until = cache.get(_key())
    cache.set(_key(), (value, time.time() - 1), 600)
    return _key()


def test_an_expired_figure_is_served_while_another_request_computes_it_again(settings):
    key = _due(settings)
    cache.add(key + ":lock", 1, 30)  # another worker is computing it

    assert figures.cached("summary", 1, lambda: pytest.fail("computed twice")) == "old"
    cache.clear()


def test_the_first_request_after_expiry_computes_the_figure_and_frees_the_lock(settings):
    _due(settings)

    assert figures.cached("summary", 1, lambda: "new") == "new"
    assert figures.cached("summary", 1, lambda: pytest.fail("not kept")) == "new"
    assert cache.get(_key() + ":lock") is None
    cache.clear()


def test_a_failed_computation_frees_the_lock_for_the_next_request(settings):
    _due(settings)

    def fail() -> str:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        figures.cached("summary", 1, fail)
    assert figures.cached("summary", 1, lambda: "new") == "new"
    cache.clear()


def test_without_a_value_a_request_waits_for_the_one_computing_it(settings):
    settings.FIGURES_CACHE_SECONDS = 60
    cache.clear()
    key = _key()
    cache.add(key + ":lock", 1, 30)
    threading.Timer(0.2, lambda: cache.set(key, ("theirs", time.time() + 60), 600)).start()

    assert figures.cached("summary", 1, lambda: pytest.fail("computed twice")) == "theirs"
    cache.clear()


def test_a_request_stops_waiting_and_computes_when_the_other_one_takes_too_long(settings):
    settings.FIGURES_CACHE_SECONDS = 60
    settings.FIGURES_WAIT_SECONDS = 0.2
    cache.clear()
    key = _key()
    cache.add(key + ":lock", 1, 30)

    assert figures.cached("summary", 1, lambda: "mine") == "mine"
    cache.clear()


def test_after_a_write_the_old_figure_is_never_served_even_while_another_request_computes(settings):
    settings.FIGURES_CACHE_SECONDS = 60
    settings.FIGURES_WAIT_SECONDS = 0.2
    cache.clear()
    assert figures.cached("summary", 1, lambda: "before the write") == "before the write"
    figures.invalidate()
    key = _key()
    cache.add(key + ":lock", 1, 30)

    assert figures.cached("summary", 1, lambda: "after the write") == "after the write"
    cache.clear()
