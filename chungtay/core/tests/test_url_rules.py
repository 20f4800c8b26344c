"""Every URL is guarded by a rule in chungtay/core/access.py, and unmapped views are refused."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from chungtay.core.access import URL_RULES, rule_for


def walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, full_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            # The same view_name Django's resolver gives an unnamed view: the callback's dotted path.
            name = entry.name or f"{entry.callback.__module__}.{entry.callback.__qualname__}"
            yield prefix + str(entry.pattern), f"{namespace}:{name}" if namespace else name


def test_every_url_in_the_urlconf_has_a_name_and_a_rule():
    unmapped = [(route, name) for route, name in walk(get_resolver().url_patterns) if rule_for(name) is None]
    assert unmapped == [], f"URLs without an access rule: {unmapped}"


def test_the_rule_map_has_no_stale_entries():
    names = {name for _, name in walk(get_resolver().url_patterns)}
    stale = [key for key in URL_RULES if not key.endswith(":*") and key not in names]
    assert stale == []


def unguarded(request):
    return HttpResponse("secret")


urlpatterns = [path("unguarded/", unguarded, name="unguarded"), path("", include("config.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_without_a_rule_is_refused_even_for_a_superuser(client, django_user_model):
    user = django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get("/unguarded/")
    assert response.status_code == 403
    assert b"secret" not in response.content


@pytest.mark.django_db
def test_login_rules_send_anonymous_visitors_to_the_login_page(client):
    response = client.get("/bang-dieu-khien/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
