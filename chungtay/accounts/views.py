from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import scope_q
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.text import fold
from chungtay.core.transactions import refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Membership
from chungtay.orgunits.pickers import cascade_response, picker_roots
from chungtay.orgunits.selectors import active_on, units_for

from . import services
from .forms import ApiTokenForm, MembershipForm, UserCreateForm
from .models import ApiToken, User
from .twofactor import needs_second_factor


def _managed_users(request: AuthedRequest):
    """Users with at least one membership inside the units the current user manages."""
    q = scope_q(request.user, "users.manage", "memberships__unit__path")
    qs = User.objects.all() if q is None else User.objects.filter(q)
    return qs.distinct()


def profile(request: AuthedRequest) -> HttpResponse:
    return _profile_page(request, ApiTokenForm())


def _profile_page(request: AuthedRequest, form: ApiTokenForm, new_token: str = "") -> HttpResponse:
    memberships = request.user.memberships.select_related("unit__parent").order_by("unit__path")
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created")
    context = {
        "memberships": memberships,
        "tokens": tokens,
        "token_form": form,
        "new_token": new_token,
        "token_days": settings.API_TOKEN_DAYS,
        "now": timezone.now(),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    """A new API token, shown once on the page that answers (never put in the session or a message)."""
    verified = request.user.is_verified()  # type: ignore[attr-defined]
    if needs_second_factor(request.user) and not verified:
        raise PermissionDenied  # RequireTwoFactorMiddleware sends such sessions to the code page first
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form)
    _, secret = services.token_issue(user=request.user, second_factor=verified, name=form.cleaned_data["name"])
    return _profile_page(request, ApiTokenForm(), new_token=secret)


@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi token “%(name)s”.") % {"name": token.name or "Token API"})
    return redirect("accounts:profile")


def user_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    qs = _managed_users(request).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit__parent").order_by("unit__path"))
    )
    if query:
        folded = fold(query)
        qs = qs.filter(Q(full_name_folded__contains=folded) | Q(username__icontains=query))
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("trang"))
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"page": page, "q": query})


def _unit_choice(request: AuthedRequest) -> dict:
    """What the unit picker of the user and role forms offers: the units in force the user manages, chosen
    level by level past a few hundred (orgunits.pickers)."""
    return {
        "units": active_on(units_for(request.user, "users.manage")).order_by("path"),  # roles go on units in force
        "roles": services.grantable_roles(request.user),
        "picker_url": reverse("accounts:unit_picker"),
        "roots": picker_roots(request.user, "users.manage"),
    }


def unit_picker(request: AuthedRequest) -> HttpResponse:
    """htmx: the unit picker of the user and role forms below the unit chosen in it."""
    return cascade_response(request, MembershipForm(**_unit_choice(request))["unit"], "users.manage")


def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, **_unit_choice(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s.") % {"username": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(_managed_users(request), pk=pk)
    form = MembershipForm(**_unit_choice(request))
    memberships = user.memberships.select_related("unit__parent").order_by("unit__path")
    return render(request, "accounts/user_detail.html", {"subject": user, "memberships": memberships, "form": form})


@require_POST
def membership_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(_managed_users(request), pk=pk)
    form = MembershipForm(request.POST, **_unit_choice(request))
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, user=user, **form.cleaned_data)
        except DomainError as exc:
            refuse_with_message(request, exc)
        else:
            messages.success(request, _("Đã thêm vai trò."))
    else:
        outside = form.has_error("unit", "invalid_choice")  # the error names the field and why
        messages.error(request, str(form.errors["unit"][0]) if outside else _("Chọn đơn vị và vai trò hợp lệ."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def membership_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    scope = units_for(request.user, "users.manage")
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=pk, unit__in=scope)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã gỡ vai trò."))
    return redirect("accounts:user_detail", pk=membership.user_id)
