"""Issue 15 item 4: one user action, one transaction.

A refused write — a 4xx, a form shown again with its errors, a redirect with an error message —
must leave the database as it found it. Every URL of the URLconf (pages, as a persona holding the
URL's rule, see chungtay/core/access.py) and every write route of the API gets random invalid
payloads; each model's row count is compared before and after every refused request.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.core.access import has_perm, rule_for
from chungtay.funds.models import Donor, FundKind
from chungtay.funds.services import fund_create
from chungtay.portal.tests.conftest import world  # noqa: F401

# Tables a refused request may write on purpose, each with its reason.
WRITTEN_ON_REFUSAL = {
    "django_session": "the session (and the messages kept in it) outlives a refused action",
    "axes_accessattempt": "django-axes counts failed logins: that record is the lockout",
    "axes_accessfailurelog": "django-axes: the log of failed logins",
    "axes_accessattemptexpiration": "django-axes: when a counted failure expires",
    "axes_accesslog": "django-axes: the log of sign-ins",
    "housing_privatedataaccess": "Law 91/2025: every showing of private fields is logged, even on a page shown again",
}
# Django's own admin guards itself and is not ours to change; signing out would end the probe.
SKIPPED_URLS = {"accounts:logout"}
SKIPPED_NAMESPACES = ("admin:",)
UNSAFE = ("post", "put", "patch", "delete")

# One value of each kind the brief lists; out-of-scope ids are added from the world below.
BAD_VALUES = [
    "",  # empty
    "abc",  # wrong type for numbers, dates, ids
    "-1",
    "-50000000",  # negative money
    "99999999999999999999999999",  # huge money
    "0",
    "1.5",
    "2024-02-30",  # a day that does not exist
    "31/13/2024",
    "9999-12-31",  # a date far in the future
    "x" * 5000,  # overlong string
    "\x00",
    "true",
]


def routes(patterns: Any = None, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from routes(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name


def _route_kwargs(route: str) -> list[tuple[str, str]]:
    return re.findall(r"<(?:(\w+):)?(\w+)>", route)


ROUTES = sorted(
    {
        (route, name)
        for route, name in routes()
        if not route.startswith("^")
        and "(?P" not in route
        and name not in SKIPPED_URLS
        and not name.startswith(SKIPPED_NAMESPACES)
    },
    key=lambda r: r[1],
)


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed and model._meta.db_table not in WRITTEN_ON_REFUSAL
        }
    )


def row_counts() -> dict[str, int]:
    """Every table's row count, in one query (the probe takes thousands of these)."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in _tables())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {table: (before[table], after[table]) for table in before if before[table] != after[table]}


def persona_for(name: str, people: Any) -> Any:
    """Someone who passes the URL's rule: anonymous for public pages, else the least powerful holder."""
    rule = rule_for(name)
    if rule is None or rule.kind == "public":
        return None
    if rule.kind in ("login", "api"):
        return people.commune_a_staff
    for user in (people.commune_a_staff, people.area_board, people.town_office, people.board, people.admin):
        if has_perm(user, rule.perm):
            return user
    raise AssertionError(f"no persona holds {rule}")


def _forms(response: Any) -> Iterator[Any]:
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if hasattr(value, "fields") and hasattr(value, "is_bound"):
                yield value


def refused(response: Any) -> bool:
    """A refusal: an error status, a form shown again with its errors, or an error message. Anything
    else (a redirect, a page showing a new token once) is an accepted action, which may write."""
    if response.status_code >= 400:
        return True
    if any(form.is_bound and form.errors for form in _forms(response)):
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    return any(m.level >= messages.WARNING for m in queued)


def form_fields(client: Client, url: str) -> tuple[list[str], dict[str, Any]]:
    """The fields of the form the page shows, and their initial values (a base a mutation breaks)."""
    response = client.get(url)
    fields: list[str] = []
    base: dict[str, Any] = {}
    for form in _forms(response):
        for field_name, field in form.fields.items():
            key = form.add_prefix(field_name)
            if key in fields:
                continue
            fields.append(key)
            initial = form.initial.get(field_name, field.initial)
            if initial is not None and not callable(initial) and not hasattr(initial, "read"):
                base[key] = getattr(initial, "pk", initial)
    return fields, base


@pytest.fixture
def scene(world, people, tree, make_household):  # noqa: F811 - fixtures from the portal's world
    """The portal's world plus what the personas write into: a commune fund and households in scope."""
    commune_fund = fund_create(
        actor=people.town_office, unit=tree.commune_a, kind=FundKind.MOVEMENT, name="Quỹ phường", code="q-vd"
    )
    outside = make_household(tree.area_b1, head_name="Hộ Ngoài Phạm Vi")
    return {"commune_fund": commune_fund, "town_fund": world.fund, "inside": world.consenting, "outside": outside}


def _out_of_scope_values(tree: Any, scene: dict[str, Any]) -> list[Any]:
    """Ids and codes of things commune A's staff do not hold (commune B, the sibling district)."""
    return [
        tree.commune_b.pk,
        tree.area_b1.pk,
        tree.other_district.pk,
        scene["outside"].pk,
        scene["outside"].code,
        987654,
    ]


def payloads(fields: list[str], base: dict[str, Any], bad: list[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Empty, or the base with one to three fields broken or dropped (missing required fields)."""
    if not fields:
        return st.just({})
    value = st.one_of(st.sampled_from(bad), st.text(max_size=20), st.integers())
    edits = st.lists(st.tuples(st.sampled_from(fields), st.one_of(st.none(), value)), min_size=1, max_size=3)

    def apply(changes: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(base)
        for key, new in changes:
            if new is None:
                data.pop(key, None)
            else:
                data[key] = new
        return data

    return st.one_of(st.just({}), edits.map(apply))


PROBE = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
API_PROBE = settings(PROBE, max_examples=15)


def check_unchanged(client: Client, method: str, url: str, data: Any, **extra: Any) -> Any:
    """Send one request; if it was refused, no table may have gained or lost a row."""
    before = row_counts()
    response = getattr(client, method)(url, data, **extra)
    if refused(response):
        assert changed(before, row_counts()) == {}, (method.upper(), url, response.status_code, data)
    return response


def probe_page(client: Client, name: str, route: str, ids: list[Any], bad: list[Any], code: str) -> None:
    spec = _route_kwargs(route)

    def url_for(values: tuple[Any, ...]) -> str:
        return reverse(name, kwargs={key: value for (_, key), value in zip(spec, values, strict=True)})

    is_text = [conv in ("str", "slug", "path", "") for conv, _ in spec]
    first = url_for(tuple(code if text else ids[0] for text in is_text))
    # Does it take a POST at all? The probe is itself a refused request, checked like the others.
    if check_unchanged(client, "post", first, {}).status_code == 405:
        return
    fields, base = form_fields(client, first)
    values = st.tuples(*(st.sampled_from([*ids, code, "khong-co"] if text else ids) for text in is_text))

    @PROBE
    @given(values=values, data=payloads(fields, base, bad))
    def probe(values: tuple[Any, ...], data: dict[str, Any]) -> None:
        try:
            url = url_for(values)
        except NoReverseMatch:  # a value the converter refuses: no such URL
            return
        check_unchanged(client, "post", url, {k: str(v) for k, v in data.items()})

    probe()


def test_no_refused_page_post_writes_anything(client, people, tree, scene, settings):
    settings.REQUIRE_2FA = False
    client.raise_request_exception = False
    outside = _out_of_scope_values(tree, scene)
    ids = [scene["inside"].pk, tree.commune_a.pk, tree.area_a1.pk, 2, *outside]
    failures: list[tuple[str, str]] = []
    for route, name in ROUTES:
        if name.startswith("api:"):
            continue
        client.logout()
        if (persona := persona_for(name, people)) is not None:
            client.force_login(persona)
        try:
            probe_page(client, name, route, ids, BAD_VALUES + outside, scene["inside"].code)
        except AssertionError as exc:
            failures.append((name, str(exc)[:300]))
    assert failures == []


API_BASES = {
    "api:household-list": (
        "post",
        lambda tree, scene, n=0: {
            "area": tree.area_a1.pk,
            "head_name": f"Võ Văn Mới {n}",
            "category": "poor",
            "support_kind": "new",
            "phase_year": 2025,
            "decision_number": "8584/QĐ-UBND",
            "decision_date": "2023-12-20",
        },
    ),
    "api:household-detail": ("patch", lambda tree, scene, n=0: {"area": tree.area_a1.pk, "head_name": "Võ Văn Sửa"}),
    "api:progress-list": (
        "post",
        lambda tree, scene, n=0: {"household": scene["inside"].pk, "stage": "walls", "date": "2024-06-10"},
    ),
    "api:receipt-list": (
        "post",
        lambda tree, scene, n=0: {
            "fund": scene["commune_fund"].pk,
            "donor_name": f"Nhà Hảo Tâm Số {n}",  # a new donor each time: found, one adds no row
            "donor_kind": "ca_nhan",
            "anonymous": False,
            "amount": 1_000_000,
            "received_on": "2024-06-10",
            "channel": "tien_mat",
            "receipt_number": f"BL-{9000 + n}",
            "designation": "ho",
            "designated_household": scene["inside"].code,
        },
    ),
    "api:token": ("post", lambda tree, scene, n=0: {"username": "staff_a", "password": "sai-mat-khau"}),
}


def outside_twin(tree: Any, scene: dict[str, Any], value: Any) -> Any:
    """The out-of-scope counterpart of an in-scope id in a valid payload (commune B's, the town's)."""
    twins = {
        scene["inside"].pk: scene["outside"].pk,
        scene["inside"].code: scene["outside"].code,
        tree.area_a1.pk: tree.area_b1.pk,
        scene["commune_fund"].pk: scene["town_fund"].pk,
    }
    return twins.get(value, "")


def probe_api(send: Any, method: str, data: st.SearchStrategy[dict[str, Any]]) -> None:
    @API_PROBE
    @given(data=data)
    def probe(data: dict[str, Any]) -> None:
        send(method, data)

    probe()


def test_no_refused_api_write_writes_anything(client, people, tree, scene):
    client.raise_request_exception = False
    client.force_login(people.commune_a_staff)  # a session; tokens are the sign-in tests' business
    bad = [*BAD_VALUES, None, [], {}, -1, 10**30, 1.5, True, *_out_of_scope_values(tree, scene)]
    failures: list[tuple[str, str]] = []
    for route, name in ROUTES:
        if not name.startswith("api:"):
            continue
        url = reverse(name, kwargs={key: scene["inside"].pk for _, key in _route_kwargs(route)})
        method, make_base = API_BASES.get(name, ("post", lambda tree, scene, n=0: {}))
        base = make_base(tree, scene)

        def send(verb: str, data: dict[str, Any], url: str = url) -> None:
            cache.clear()  # the anonymous rate limit is not what is probed here
            check_unchanged(client, verb, url, data, content_type="application/json")

        try:
            for verb in UNSAFE:  # every write verb, with nothing: 405 where the route takes none
                send(verb, {})
            if not base:
                continue
            # Deterministic: each id of the valid payload swapped for its out-of-scope twin, each field dropped.
            # Each payload fresh (new donor, new receipt number): an accepted one must not make the
            # next refusal find what it would otherwise create.
            fresh = itertools.count(1)
            for key, value in base.items():
                send(method, make_base(tree, scene, next(fresh)) | {key: outside_twin(tree, scene, value)})
                send(method, {k: v for k, v in make_base(tree, scene, next(fresh)).items() if k != key})

            probe_api(send, method, payloads(list(base), base, bad))
        except AssertionError as exc:
            failures.append((name, str(exc)[:300]))
    assert failures == []


def test_a_refused_receipt_leaves_no_donor_behind(client, people, tree, scene):
    """The case that opened the item: a household outside the fund's scope, after the donor."""
    client.force_login(people.commune_a_staff)
    payload = API_BASES["api:receipt-list"][1](tree, scene) | {"designated_household": scene["outside"].code}
    donors = Donor.objects.count()
    response = client.post(reverse("api:receipt-list"), payload, content_type="application/json")
    assert response.status_code == 400 and "designated_household" in response.json()
    assert Donor.objects.count() == donors

    page = client.post(
        reverse("funds:receipt_create", args=[scene["commune_fund"].pk]),
        {
            "donor_name": "Nhà Hảo Tâm Trang",
            "donor_kind": "ca_nhan",
            "amount": "1000000",
            "received_on": dt.date(2024, 6, 10).isoformat(),
            "channel": "tien_mat",  # without the receipt number cash needs: receipt_record refuses
            "designation": "chung",
        },
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert Donor.objects.count() == donors


def test_a_failed_sign_in_is_still_counted_towards_the_lockout(client, people):
    from axes.models import AccessAttempt

    client.post(reverse("accounts:login"), {"username": "staff_a", "password": "sai-mat-khau"})
    client.post(reverse("api:token"), {"username": "staff_a", "password": "sai-mat-khau"})
    assert AccessAttempt.objects.get(username="staff_a").failures_since_start == 2
