"""Edit a portrait: the short form on a finished portrait ("same face, new setting"), and the job
it starts, one image per chosen model, each a child of the portrait (generation.edits)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from avatarapp import ratelimit
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from generation.access import get_image_for_member
from generation.edits import (
    CHANGES,
    MAX_CHANGE,
    MAX_FREE_TEXT,
    NOT_FINISHED,
    EditBrief,
    edit_models,
    edit_submit,
)
from generation.key_selection import usable_providers
from generation.models import Image
from generation.services import MAX_MODELS, SubmitError

PAGE = "gallery/edit.html"


def _read(request: WorkspaceRequest) -> EditBrief:
    post = request.POST
    return EditBrief(**{name: post.get(name, "") for name in EditBrief.__dataclass_fields__})


def _page(
    request: WorkspaceRequest,
    membership: Membership,
    image: Image,
    brief: EditBrief,
    chosen: list[str],
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    problems = problems or {}
    if not image.is_done:
        problems[""] = NOT_FINISHED
    usable = usable_providers(membership)
    models = [model for model in edit_models() if str(model.provider) in usable]
    if not chosen:  # the portrait's own model when it can edit, else the first that can
        ids = [model.id for model in models]
        chosen = [image.model_id] if image.model_id in ids else ids[:1]
    context = {
        "image": image,
        "refusal": problems.get(""),
        "problems": problems,
        "brief": brief,
        "changes": [
            (name, label, getattr(brief, name), problems.get(name)) for name, label, _ in CHANGES
        ],
        "models": models,
        "chosen": chosen,
        "max_change": MAX_CHANGE,
        "max_free_text": MAX_FREE_TEXT,
        "max_models": MAX_MODELS,
    }
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def edit_image(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    if request.method == "GET":
        return _page(request, membership, image, EditBrief(), [])
    brief = _read(request)
    chosen = request.POST.getlist("model_ids")
    # An edit is a paid batch like one from Generate, so it counts against the same limit.
    verdict = ratelimit.hit("generate", user_id=request.user.pk, workspace_id=image.workspace_id)
    if not verdict.allowed:
        problems = {"": ratelimit.refusal("generating", verdict)}
        return ratelimit.limited(
            _page(request, membership, image, brief, chosen, problems), verdict
        )
    try:
        job = edit_submit(membership=membership, parent=image, brief=brief, model_ids=chosen)
    except SubmitError as error:
        problems = {error.field or "": str(error)}
        return _page(request, membership, image, brief, chosen, problems, status=400)
    messages.success(
        request, "Edit started. The new images appear below; the original is unchanged."
    )
    return redirect("generation:job", job_id=job.pk)
