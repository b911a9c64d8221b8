"""Resolve the current workspace from the session, re-checking membership on every request, and
send members who lack two-factor sign-in away from workspaces that require it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import ResolverMatch, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from avatarapp.workspaces import two_factor
from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.services import workspace_ensure_personal

# Pages a member may open while their current workspace requires two-factor sign-in they lack:
# everything under accounts/ (sign-in, the 2FA setup itself, email, password, log out), the
# workspace list and switcher (to go elsewhere), and invitations (switch checks its target).
ACCOUNT_PAGES = "accounts/"
# A share link's pages (gallery.views.shared) are for people without an account: being signed in
# to a workspace that wants two-factor sign-in has nothing to do with them.
SHARE_PAGES = "s/"
OPEN_WITHOUT_TWO_FACTOR = {
    "healthz",
    "workspaces:list",
    "workspaces:switch",
    "invitation",
    "accept_invitation",
    "decline_invitation",
}
# The "Two-factor sign-in" page: it offers an authenticator app and passkeys.
TWO_FACTOR_SETUP_URL_NAME = "mfa_index"
# allauth's "confirm with a code" page (it links to the passkey way too); it returns to ?next=.
TWO_FACTOR_CONFIRM_URL_NAME = "mfa_reauthenticate"


def current_membership(request: HttpRequest) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    workspace_id = request.session.get(SESSION_KEY)
    membership = None
    if workspace_id:
        # Membership may have been revoked since the session chose this workspace.
        membership = (
            Membership.objects.select_related("workspace")
            .filter(user=request.user, workspace_id=workspace_id)
            .first()
        )
    if membership is None:
        membership = workspace_ensure_personal(user=request.user)
        request.session[SESSION_KEY] = str(membership.workspace_id)
    return membership


def _open_without_two_factor(match: ResolverMatch) -> bool:
    return (
        match.route.startswith((ACCOUNT_PAGES, SHARE_PAGES))
        or match.view_name in OPEN_WITHOUT_TWO_FACTOR
        or "admin" in match.namespaces
    )


def two_factor_response(
    request: HttpRequest, refused: two_factor.TwoFactorRequired
) -> HttpResponse:
    """To the setup page, or to confirm a code and come back, with a message naming the
    workspace; htmx follows HX-Redirect with a full page load instead of swapping that page into
    a fragment."""
    name = Workspace.objects.filter(pk=refused.workspace_id).values_list("name", flat=True).first()
    messages.warning(request, two_factor.required_message(name or "This workspace", refused.need))
    if refused.need is two_factor.Need.SET_UP:
        url = reverse(TWO_FACTOR_SETUP_URL_NAME)
    else:
        back = urlencode({"next": _page_to_return_to(request)})
        url = f"{reverse(TWO_FACTOR_CONFIRM_URL_NAME)}?{back}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _page_to_return_to(request: HttpRequest) -> str:
    """The page to come back to after the code: the one in the address bar (for htmx, not the
    fragment's URL), else home (a form post is not replayed)."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return str(htmx.current_url_abs_path)
    if request.method == "GET":
        return request.get_full_path()
    return reverse("home")


class CurrentWorkspaceMiddleware:
    """Sets `request.membership` (None when anonymous) and `request.workspace`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        membership: Membership | None = request.membership  # type: ignore[attr-defined]
        match = request.resolver_match
        if membership is None or match is None or _open_without_two_factor(match):
            return None
        try:
            two_factor.enforce(
                request, membership.workspace_id, membership.workspace.require_two_factor
            )
        except two_factor.TwoFactorRequired as refused:
            return two_factor_response(request, refused)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # The ownership helpers raise this for an object in a workspace that requires 2FA.
        if isinstance(exception, two_factor.TwoFactorRequired):
            return two_factor_response(request, exception)
        return None
