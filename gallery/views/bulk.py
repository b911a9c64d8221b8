"""One endpoint for what a person does with many portraits at once, from a gallery's bulk bar.

The selection (gallery.selection) is resolved here, on the server, inside the workspace named by
the form and the member's role in it; then the action runs on it. Who may do what:
- favourite, unfavourite, download a ZIP, compare: every member, viewers included (a favourite
  is the member's own; downloading and comparing are looking);
- add or remove a tag, delete, share with people outside (gallery.views.share): editors and
  above (tags are the workspace's shared vocabulary, and deleting and sharing are an editor's
  decisions, like every other change to the workspace's work).
Every answer but the ZIP, a comparison (gallery.views.compare) and the share form returns to the
gallery page it came from, with a sentence saying what happened (or why nothing did).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_membership, require_role
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from gallery import services
from gallery.compare import CompareError, compare_chosen
from gallery.deletion import DeleteRefused, image_delete
from gallery.models import Tag
from gallery.selection import Selection, SelectionError, posted_ids, resolve
from gallery.views.common import back_to
from gallery.views.share import share_selection
from gallery.zipstream import zip_response

EDITOR_ACTIONS = {"tag", "untag", "delete", "share"}


@require_POST
@login_required
def bulk(request: WorkspaceRequest) -> HttpResponseBase:
    membership = get_membership(request, _workspace_id(request))
    action = request.POST.get("action", "")
    back = back_to(request, reverse("gallery:gallery"))
    if action not in ACTIONS:
        messages.error(request, "Pick what to do with the selected portraits.")
        return redirect(back)
    if action in EDITOR_ACTIONS:
        require_role(membership, Role.EDITOR)
    try:
        selection = resolve(request.POST, membership)
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect(back)
    if action == "delete" and request.POST.get("confirmed") != "1":
        return _confirm_delete(request, selection, back)
    return ACTIONS[action](request, membership, selection, back)


def _workspace_id(request: WorkspaceRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("workspace", ""))
    except ValueError:
        raise Http404("No such workspace.") from None


Action = Callable[[WorkspaceRequest, Membership, Selection, str], HttpResponseBase]


def _favourite(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    services.image_set_favourite(membership=m, images=s.images.only("pk"), on=True)
    messages.success(request, f"Added {_count(len(s))} to your favourites.")
    return redirect(back)


def _unfavourite(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    services.image_set_favourite(membership=m, images=s.images.only("pk"), on=False)
    messages.success(request, f"Took {_count(len(s))} out of your favourites.")
    return redirect(back)


def _tag(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    try:
        tag = services.image_add_tag(
            membership=m, images=s.images.only("pk"), name=request.POST.get("tag", "")
        )
    except services.TagError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Tagged {_count(len(s))} “{tag.name}”.")
    return redirect(back)


def _untag(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    name = " ".join(request.POST.get("tag", "").split())
    tag = Tag.objects.filter(workspace_id=m.workspace_id, name__iexact=name).first()
    if not name:
        messages.error(request, "Type the tag to remove.")
    elif tag is None:
        messages.error(request, f"There is no tag “{name[:60]}” in this workspace.")
    else:
        services.image_remove_tag(membership=m, images=s.images.only("pk"), tag=tag)
        messages.success(request, f"Took the tag “{tag.name}” off {_count(len(s))}.")
    return redirect(back)


def _delete(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    try:
        deleted = image_delete(membership=m, images=s.images)
    except DeleteRefused as refusal:  # nothing changed: say why, on the page it came from
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Deleted {_count(deleted)}.")
    return redirect(back)


def _zip(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponseBase:
    day = timezone.localdate().isoformat()
    name = f"{slugify(m.workspace.name)[:40] or 'portraits'}-portraits-{day}.zip"
    return zip_response(s.images.iterator(chunk_size=200), name)


def _compare(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    """Checked here, so a refusal shows on the gallery page it came from; the ids ticked as
    posted, not the resolved selection, so one that names nothing is refused, not dropped."""
    chosen = (
        [str(pk) for pk in s.ids] if request.POST.get("all") == "1" else posted_ids(request.POST)
    )
    try:
        compare_chosen(m, chosen)
    except CompareError as error:
        messages.error(request, str(error))
        return redirect(back)
    query = urlencode({"workspace": str(m.workspace_id), "images": ",".join(chosen)})
    return redirect(f"{reverse('gallery:chosen_compare')}?{query}")


def _share(request: WorkspaceRequest, m: Membership, s: Selection, back: str) -> HttpResponse:
    return share_selection(request, m, s)


ACTIONS: dict[str, Action] = {
    "favourite": _favourite,
    "unfavourite": _unfavourite,
    "tag": _tag,
    "untag": _untag,
    "delete": _delete,
    "zip": _zip,
    "compare": _compare,
    "share": _share,
}


def _confirm_delete(request: WorkspaceRequest, selection: Selection, back: str) -> HttpResponse:
    """Without JavaScript (which asks in a dialog), a delete is confirmed on a page of its own,
    posting the same selection again."""
    context = {
        "count": _count(len(selection)),
        "ids": ",".join(str(pk) for pk in selection.ids),
        "workspace_id": request.POST.get("workspace", ""),
        "back": back,
    }
    return render(request, "gallery/confirm_delete.html", context)


def _count(n: int) -> str:
    return f"{n:,} portrait" if n == 1 else f"{n:,} portraits"
