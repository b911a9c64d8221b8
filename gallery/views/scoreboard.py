"""The scoreboard page (gallery.scoreboard): each model's wins, cost, times and failures in the
current workspace, for every persona and style or one of each. Every member may look."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from gallery.scoreboard import Choice, persona_choices, scoreboard, style_choices


class ScoreboardFilter(forms.Form):
    persona = forms.ChoiceField(
        label="Persona",
        required=False,
        error_messages={
            "invalid_choice": "No portrait of that persona is in this workspace's history, "
            "so every persona is counted."
        },
    )
    style = forms.ChoiceField(
        label="Style",
        required=False,
        error_messages={
            "invalid_choice": "No portrait in this workspace's history has that style, "
            "so every style is counted."
        },
    )

    def __init__(
        self, data: QueryDict | None, personas: list[Choice], styles: list[Choice]
    ) -> None:
        super().__init__(data)
        self._offer("persona", "Every persona", personas)
        self._offer("style", "Every style", styles)

    def _offer(self, name: str, everything: str, choices: list[Choice]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", everything), *((c.value, c.label) for c in choices)]

    def chosen(self, name: str) -> str:
        """The field's value if it is one of the choices, else "" (every one)."""
        if not self.is_valid() and not self.is_bound:
            return ""
        return str(self.cleaned_data.get(name) or "")


@require_GET
@login_required
def scoreboard_page(request: WorkspaceRequest) -> HttpResponse:
    workspace = get_current_membership(request).workspace
    personas, styles = persona_choices(workspace.pk), style_choices(workspace.pk)
    form = ScoreboardFilter(request.GET or None, personas, styles)
    persona, style = form.chosen("persona"), form.chosen("style")
    scores = scoreboard(
        workspace.pk, persona_id=uuid.UUID(persona) if persona else None, style_key=style
    )
    labels = {c.value: c.label for c in personas} | {c.value: c.label for c in styles}
    context = {
        "workspace": workspace,
        "form": form,
        "scores": scores,
        "filtered_by": [labels[value] for value in (persona, style) if value],
        "has_history": bool(styles),  # every image has a style
    }
    return render(request, "gallery/scoreboard.html", context)
