"""Dashboard figures are cached per unit for a short time: the second visitor costs fewer queries,
and another unit never gets the first unit's figures."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


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
