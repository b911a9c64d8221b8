"""Settings -> Provider keys: list, add, check, rename, revoke, delete, and the audit trail.

/settings/keys/ shows the current workspace; every other URL names its workspace or key, so a
form opened in one tab can never act on another workspace after a switch in another tab.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from avatarapp import ratelimit
from avatarapp.http import WorkspaceRequest
from avatarapp.keys import access
from avatarapp.keys import services as stored_keys
from avatarapp.keys.crypto import KeyUnavailableError
from avatarapp.keys.models import KeyEvent, ProviderKey
from avatarapp.money import usd
from avatarapp.workspaces.access import get_membership, role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from generation import alerts
from generation.catalog_watch import unpriced_models
from generation.credits import credits_words
from generation.ledger import key_spend_this_month
from generation.provider_keys import services
from generation.provider_keys.forms import AddKeyForm, PriceForm, RenameForm, ThresholdForm
from generation.providers.registry import REGISTRY

TRAIL_LENGTH = 100
CHECKING = "checking keys"  # "You are checking keys faster than this workspace allows. ..."


def _page(request: WorkspaceRequest, membership: Membership, **extra: Any) -> dict[str, Any]:
    keys = (
        access.visible_keys(membership)
        .select_related("workspace")
        .annotate(spent_this_month=key_spend_this_month())
    )
    may_add = access.can_add_workspace_key(membership) or access.can_add_personal_key(membership)
    admin = at_least(membership.role, Role.ADMIN)
    context: dict[str, Any] = {
        "workspace": membership.workspace,
        "membership": membership,
        "key_views": [access.key_view(membership, key) for key in keys],
        "form": AddKeyForm(membership=membership) if may_add else None,
        "can_see_trail": access.can_see_trail(membership),
        # Issue 15: for admins, models the provider lists name that the catalog cannot price.
        "new_models": unpriced_models(membership.workspace_id) if admin else {},
    }
    context.update(extra)
    return context


@require_GET
@login_required
def key_list(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "keys/list.html", _page(request, request.membership))


@require_GET
@login_required
def workspace_keys(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id)
    return render(request, "keys/list.html", _page(request, membership))


@require_POST
@login_required
@sensitive_post_parameters("api_key")
def add(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id)
    if request.POST.get("scope") == "personal" and not membership.workspace.is_personal:
        if not access.can_add_personal_key(membership):
            raise PermissionDenied(role_required_message(access.ADD_PERSONAL_KEY))
    elif not access.can_add_workspace_key(membership):
        raise PermissionDenied(role_required_message(access.MANAGE_WORKSPACE_KEYS))
    form = AddKeyForm(request.POST, membership=membership)
    # Counted only once the form is valid: only then would the provider be asked.
    verdict = _hit_key_check(request, membership.workspace_id) if form.is_valid() else None
    if verdict and not verdict.allowed:
        form.add_error(None, ratelimit.refusal(CHECKING, verdict))
    if form.is_valid():
        try:
            key, check = services.key_add(
                membership=membership, new=form.new_key(), plain=form.cleaned_data["api_key"]
            )
        except services.KeyNotSavedError as error:
            form.add_error(error.field, str(error))
        else:
            level = messages.SUCCESS if check.valid else messages.WARNING
            messages.add_message(
                request, level, "Saved. " + services.key_check_sentence(key=key, check=check)
            )
            target = reverse("keys:workspace", args=[membership.workspace_id])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    context = _page(request, membership, form=form)
    template = "keys/list.html#add-form" if request.htmx else "keys/list.html"
    response = render(request, template, context)
    return ratelimit.limited(response, verdict) if verdict and not verdict.allowed else response


@require_GET
@login_required
def detail(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_member(request, key_id)
    view = access.key_view(membership, key)
    return render(request, "keys/detail.html", _detail(membership, key, view))


def _detail(
    membership: Membership, key: ProviderKey, view: access.KeyView, **extra: Any
) -> dict[str, Any]:
    context = {
        "workspace": membership.workspace,
        "membership": membership,
        "kv": view,
        "rename_form": RenameForm(initial={"label": key.label}) if view.can_manage else None,
        "price_form": _price_form(key) if view.can_manage else None,
        "threshold_form": _threshold_form(key) if view.can_manage else None,
        "events": key.events.select_related("actor")[:TRAIL_LENGTH] if view.can_manage else [],
    }
    context.update(extra)
    return context


def _back(request: WorkspaceRequest, key: ProviderKey) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("keys:detail", args=[key.pk])


def _hit_key_check(request: WorkspaceRequest, workspace_id: uuid.UUID) -> ratelimit.Verdict:
    return ratelimit.hit("key_check", user_id=request.user.pk, workspace_id=workspace_id)


def _check_refused(
    request: WorkspaceRequest, membership: Membership, key: ProviderKey, verdict: ratelimit.Verdict
) -> HttpResponse:
    """The key's card (htmx) or its page, saying when to try again; the provider is not asked."""
    sentence = ratelimit.refusal(CHECKING, verdict)
    view = access.key_view(membership, key)
    if request.htmx:
        context = {"kv": view, "flash": sentence, "flash_ok": False, "next": _back(request, key)}
        return render(request, "keys/list.html#key-card", context)
    messages.error(request, sentence)
    # Rendered at the check URL: the card's next check must still come back to this page.
    context = _detail(membership, key, view, next=reverse("keys:detail", args=[key.pk]))
    return render(request, "keys/detail.html", context)


@require_POST
@login_required
def check(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_manager(request, key_id)
    verdict = _hit_key_check(request, key.workspace_id)
    if not verdict.allowed:
        return ratelimit.limited(_check_refused(request, membership, key, verdict), verdict)
    try:
        outcome = services.key_check(key=key, actor=request.user)
    except KeyUnavailableError as error:
        level, sentence = messages.ERROR, str(error)
    else:
        level = messages.SUCCESS if outcome.valid else messages.WARNING
        sentence = services.key_check_sentence(key=key, check=outcome)
    if request.htmx:
        view = access.key_view(membership, key)
        context = {"kv": view, "flash": sentence, "flash_ok": level == messages.SUCCESS}
        return render(request, "keys/list.html#key-card", {**context, "next": _back(request, key)})
    messages.add_message(request, level, sentence)
    return redirect(_back(request, key))


@require_POST
@login_required
def rename(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_manager(request, key_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        view = access.key_view(membership, key)
        return render(request, "keys/detail.html", _detail(membership, key, view, rename_form=form))
    stored_keys.key_rename(key=key, label=form.cleaned_data["label"], actor=request.user)
    messages.success(request, f"Renamed to “{key.label}”.")
    return redirect("keys:detail", key_id=key.pk)


def _price_form(key: ProviderKey, data: Any = None) -> PriceForm | None:
    """For keys of providers the workspace prices itself (registry `price_entered`) only."""
    known = REGISTRY.get(key.provider)
    if known is None or not known.price_entered:
        return None
    return PriceForm(data, initial={"price_per_image": key.price_per_image_usd})


@require_POST
@login_required
def price(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_manager(request, key_id)
    form = _price_form(key, request.POST)
    if form is None:
        raise Http404("This provider's prices come from our catalog.")
    if not form.is_valid():
        view = access.key_view(membership, key)
        return render(request, "keys/detail.html", _detail(membership, key, view, price_form=form))
    entered = form.cleaned_data["price_per_image"]
    stored_keys.key_price_set(key=key, price=entered, actor=request.user)
    if entered is None:
        messages.success(request, "Price removed: our price table (or $0) applies again.")
    else:
        messages.success(request, f"Price saved: {usd(entered)} per image from now on.")
    return redirect("keys:detail", key_id=key.pk)


def _threshold_form(key: ProviderKey, data: Any = None) -> ThresholdForm | None:
    """For keys whose provider reports a credit balance (BFL) only."""
    known = REGISTRY.get(key.provider)
    if known is None or not known.reports_credits:
        return None
    threshold = key.low_balance_threshold
    # "50", not the column's "50.0000".
    shown = None if threshold is None else f"{threshold.normalize():f}"
    return ThresholdForm(data, initial={"low_balance_threshold": shown})


@require_POST
@login_required
def threshold(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_manager(request, key_id)
    form = _threshold_form(key, request.POST)
    if form is None:
        raise Http404("This provider reports no credit balance.")
    if not form.is_valid():
        view = access.key_view(membership, key)
        context = _detail(membership, key, view, threshold_form=form)
        return render(request, "keys/detail.html", context, status=400)
    chosen = form.cleaned_data["low_balance_threshold"]
    if stored_keys.key_threshold_set(key=key, threshold=chosen, actor=request.user):
        alerts.balance_read(key)  # already below it: the email goes now
    messages.success(request, _threshold_saved(key))
    return redirect("keys:detail", key_id=key.pk)


def _threshold_saved(key: ProviderKey) -> str:
    threshold, balance = key.low_balance_threshold, key.balance
    if threshold is None:
        return "Low-credit alert turned off."
    said = f"Saved: an email goes out when the credits fall below {credits_words(threshold)}."
    if balance is not None and balance < threshold:
        return f"{said} The key has {credits_words(balance)} now, so it went out already."
    return said


def _go(request: WorkspaceRequest, target: str) -> HttpResponse:
    # Destructive buttons post through htmx (for hx-confirm) and work without it too.
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@require_POST
@login_required
def revoke(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    _membership, key = access.get_key_for_manager(request, key_id)
    try:
        stored_keys.key_revoke(key=key, actor=request.user)
    except stored_keys.KeyActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Revoked “{key.label}”. No job can use it any more.")
    return _go(request, reverse("keys:detail", args=[key.pk]))


@require_POST
@login_required
def delete(request: WorkspaceRequest, key_id: uuid.UUID) -> HttpResponse:
    membership, key = access.get_key_for_manager(request, key_id)
    label = key.label
    stored_keys.key_delete(key=key, actor=request.user)
    messages.success(request, f"Deleted “{label}”. Its encrypted copy is erased.")
    return _go(request, reverse("keys:workspace", args=[membership.workspace_id]))


@require_GET
@login_required
def activity(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id, Role.ADMIN)
    # Other members' personal keys stay private, in the trail too.
    events = (
        KeyEvent.objects.filter(workspace_id=membership.workspace_id)
        .filter(Q(key_owner__isnull=True) | Q(key_owner_id=membership.user_id))
        .select_related("actor")[:TRAIL_LENGTH]
    )
    context = {"workspace": membership.workspace, "events": events, "limit": TRAIL_LENGTH}
    return render(request, "keys/activity.html", context)
