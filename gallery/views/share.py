"""The team's side of share links: the form that makes one (for a persona's portraits, a blind
pick, or a selection from the gallery's bulk bar), the page that shows its link once, the list
of links and revoking.

What a link shares is named by the form: `persona`, `job` (a blind pick's batch) or `workspace`
with `images` (a selection, resolved again on the server as every bulk action is). Each is
looked up through the ownership helpers with the editor role, so another workspace's persona,
batch or image is 404, and a viewer gets the sentence naming the role.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership, get_membership, get_owned
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from gallery import share_links
from gallery.models import BakeOff, ShareKind, ShareLink
from gallery.selection import Selection, SelectionError, resolve
from generation.access import get_job_for_member
from generation.models import Image
from personas.access import get_persona_for_member
from personas.models import Persona

FORM = "gallery/share_new.html"


@dataclass
class Source:
    """What a link is being made for, and the hidden fields that name it again on submit."""

    membership: Membership
    kind: str
    title: str
    images: QuerySet[Image]
    hidden: dict[str, str]
    persona: Persona | None = None
    bakeoff: BakeOff | None = None


def _source(request: WorkspaceRequest, data: QueryDict) -> Source:
    if data.get("persona"):
        membership, persona = get_persona_for_member(
            request, _uuid(data.get("persona", "")), Role.EDITOR
        )
        images = share_links.persona_images(persona)
        hidden = {"persona": str(persona.pk)}
        return Source(membership, ShareKind.PERSONA, persona.name, images, hidden, persona=persona)
    if data.get("job"):
        membership, job = get_job_for_member(request, _uuid(data.get("job", "")), Role.EDITOR)
        bakeoff = BakeOff.objects.filter(job=job).first()
        if bakeoff is None:
            raise Http404("This batch has no blind pick.")
        images = share_links.bakeoff_images(bakeoff)
        title = f"Blind pick: {job.title}"
        return Source(
            membership, ShareKind.BAKEOFF, title, images, {"job": str(job.pk)}, None, bakeoff
        )
    membership = get_membership(request, _uuid(data.get("workspace", "")), Role.EDITOR)
    return _selected(membership, resolve(data, membership))  # SelectionError: the caller says why


def _selected(membership: Membership, selection: Selection) -> Source:
    ids = ",".join(str(pk) for pk in selection.ids)
    hidden = {"workspace": str(membership.workspace_id), "images": ids}
    return Source(
        membership, ShareKind.SELECTION, _names(selection.images), selection.images, hidden
    )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("Nothing to share.") from None


def _names(images: QuerySet[Image]) -> str:
    """ "Mia Chen, Leo Park and 2 more": who a selection portrays, for its title."""
    names = list(dict.fromkeys(images.values_list("persona_name", flat=True)[:200]))
    shown = ", ".join(names[:3])
    return f"{shown} and {len(names) - 3} more" if len(names) > 3 else shown


def _form(request: WorkspaceRequest, source: Source, **extra: object) -> HttpResponse:
    context = {
        "source": source,
        "count": share_links.finished(source.images).count(),
        "choices": share_links.expiry_choices(),
        "default_days": settings.SHARE_LINK_DEFAULT_DAYS,
        "options": share_links.ShareOptions(days=settings.SHARE_LINK_DEFAULT_DAYS),
        **extra,
    }
    return render(request, FORM, context)


def share_selection(
    request: WorkspaceRequest, membership: Membership, selection: Selection
) -> HttpResponse:
    """The bulk bar's Share: the form, for the selection it resolved (gallery.views.bulk)."""
    return _form(request, _selected(membership, selection))


@require_http_methods(["GET", "POST"])
@login_required
def share_new(request: WorkspaceRequest) -> HttpResponse:
    """GET: the form for a persona (?persona=) or a blind pick (?job=). POST: make the link and
    show it, once, on the page this answers with (never in a URL, never again)."""
    if request.method == "GET":
        return _form(request, _source(request, request.GET))
    try:
        source = _source(request, request.POST)
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect("gallery:gallery")
    options = _posted_options(request.POST)
    try:
        link, token = share_links.share_create(
            membership=source.membership,
            kind=source.kind,
            title=source.title,
            images=source.images,
            options=options,
            persona=source.persona,
            bakeoff=source.bakeoff,
        )
    except share_links.ShareError as error:
        return _form(request, source, error=str(error), options=options)
    url = request.build_absolute_uri(reverse("gallery:shared", args=[token]))
    context = {"link": link, "url": url, "count": link.shared.count()}
    return render(request, "gallery/share_created.html", context)


def _posted_options(data: QueryDict) -> share_links.ShareOptions:
    days = data.get("days", "")
    return share_links.ShareOptions(
        days=int(days) if days.isdigit() and len(days) < 4 else 0,
        password=data.get("password", ""),
        allow_review=data.get("allow_review") == "1",
        ai_label=data.get("ai_label") == "1",
        watermark=data.get("watermark") == "1",
    )


@require_GET
@login_required
def share_list(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request, Role.EDITOR)
    links = share_links.visible_links(membership).select_related("created_by")
    context = {
        "links": list(links[:200]),
        "is_admin": at_least(membership.role, Role.ADMIN),
        "workspace": membership.workspace,
    }
    return render(request, "gallery/share_links.html", context)


@require_POST
@login_required
def share_revoke(request: WorkspaceRequest, link_id: uuid.UUID) -> HttpResponse:
    membership, found = get_owned(request, ShareLink.objects.all(), pk=link_id, minimum=Role.EDITOR)
    link = get_object_or_404(share_links.visible_links(membership), pk=found.pk)
    share_links.share_revoke(membership=membership, link=link)
    messages.success(request, f"The link to “{link.title}” is revoked: it opens nothing now.")
    return redirect("gallery:share_links")
