"""Copy or move a persona to another workspace (personas.transfer), from the persona's page.

Both need the editor role in the persona's workspace and in the target. A refusal shows the
persona's page again with the sentence beside the form, and changes nothing.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.roles import Role
from personas import transfer
from personas.access import get_persona_for_member
from personas.forms import TransferForm
from personas.models import Persona
from personas.services import PersonaError
from personas.views.personas import detail_context


@require_POST
@login_required
def persona_transfer(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    membership, persona = get_persona_for_member(request, pk, Role.EDITOR)
    targets = transfer.transfer_targets(request.user, persona.workspace)
    form = TransferForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            return _transfer(request, form, persona)
        except PersonaError as error:
            form.add_error(None, str(error))
    context = detail_context(request, membership, persona, transfer_form=form)
    return render(request, "personas/detail.html", context)


def _transfer(request: WorkspaceRequest, form: TransferForm, persona: Persona) -> HttpResponse:
    source, target, name = persona.workspace, form.target, persona.name
    if form.cleaned_data["action"] == "copy":
        copy = transfer.persona_copy(persona=persona, target=target, user=request.user)
        renamed = f" as {copy.name}" if copy.name != name else ""
        messages.success(request, f"Copied {name} to {target.name}{renamed}.")
        return redirect(persona)
    transfer.persona_move(persona=persona, target=target)
    # The persona lives there now, and so does the page it is shown on.
    request.session[SESSION_KEY] = str(target.pk)
    renamed = f" as {persona.name}" if persona.name != name else ""
    messages.success(
        request, f"Moved {name} to {target.name}{renamed}. Its portraits stay in {source.name}."
    )
    return redirect(persona)
