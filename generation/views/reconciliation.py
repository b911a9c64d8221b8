"""The "Needs checking" queue: an owner or admin resolves each flagged image as billed or not
billed (generation.reconciliation), after asking the provider where it can be asked
(generation.provider_check). Linked from the Costs page with a count."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership, get_owned
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from generation import provider_check, reconciliation
from generation.models import Image
from generation.provider_check import ProviderAnswer
from generation.reconciliation import MAX_BILLED_USD, Decision, Outcome, ReconciliationError

PAGE = "generation/checking.html"


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was this image billed?", choices=Outcome.choices, widget=forms.RadioSelect
    )
    amount_usd = forms.DecimalField(
        label="Amount billed (USD)",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_BILLED_USD,
        max_digits=12,
        decimal_places=8,
        help_text="For billed: the estimate, or what the provider's dashboard says.",
        error_messages={
            "invalid": "Enter the amount as a number of dollars, like 0.04.",
            "min_value": "The amount cannot be negative.",
            "max_value": f"One image costs far less than that; enter at most ${MAX_BILLED_USD}.",
        },
    )
    reason = forms.CharField(
        label="Why (kept with the decision)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, in a few words: it is kept with the decision."},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.BILLED and data.get("amount_usd") is None:
            self.add_error("amount_usd", "Enter the amount billed (the estimate is filled in).")
        return data


@dataclass
class Row:
    image: Image
    form: ResolveForm
    can_ask: bool
    answer: ProviderAnswer | None = None


def _plain(amount: Decimal | None) -> str:
    """0.00634 rather than the column's 0.00634000, never 1E+1."""
    return "" if amount is None else f"{amount.normalize():f}"


def _form(
    image: Image, data: QueryDict | None = None, amount: Decimal | None = None
) -> ResolveForm:
    held = image.held_usd
    initial = {"amount_usd": _plain(amount if amount is not None else held)}
    if amount is not None:
        initial["outcome"] = Outcome.BILLED
    return ResolveForm(data, prefix=f"image-{image.pk}", initial=initial)


def _page(
    request: WorkspaceRequest,
    membership: Membership,
    *,
    bound: ResolveForm | None = None,
    answer: tuple[uuid.UUID, ProviderAnswer] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for image in reconciliation.needs_checking(membership.workspace_id):
        row = Row(image, _form(image), provider_check.can_ask(image))
        if bound is not None and bound.prefix == f"image-{image.pk}":
            row.form = bound
        if answer is not None and answer[0] == image.pk:
            row.answer = answer[1]
            row.form = _form(image, amount=answer[1].billed_usd)
        rows.append(row)
    context = {
        "workspace": membership.workspace,
        "rows": rows,
        "decisions": reconciliation.recent_decisions(membership.workspace_id),
    }
    return render(request, PAGE, context, status=status)


@require_GET
@login_required
def checking(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request, Role.ADMIN)
    return _page(request, membership)


def _flagged(request: WorkspaceRequest, image_id: uuid.UUID) -> tuple[Membership, Image]:
    """The image (any status: the service says why one not flagged cannot be resolved) of a
    workspace the person is an owner or admin of; 404 for another workspace's, 403 below admin."""
    images = reconciliation.for_the_queue(Image.objects.all())
    return get_owned(request, images, pk=image_id, minimum=Role.ADMIN)


@require_POST
@login_required
def resolve(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = _flagged(request, image_id)
    form = _form(image, request.POST)
    if not form.is_valid():
        if image.status != Image.Status.NEEDS_RECONCILIATION:
            messages.error(request, reconciliation.not_flagged_message(image))
            return redirect("generation:checking")
        return _page(request, membership, bound=form, status=400)
    decision = Decision(
        form.cleaned_data["outcome"], form.cleaned_data["amount_usd"], form.cleaned_data["reason"]
    )
    try:
        reconciliation.resolve(membership=membership, image_id=image.pk, decision=decision)
    except ReconciliationError as error:
        messages.error(request, str(error))
        return redirect("generation:checking")
    billed = decision.outcome == Outcome.BILLED
    messages.success(
        request,
        f"{image.persona_name}, {image.style_name}: "
        + ("settled as billed." if billed else "reservation released, not billed."),
    )
    return redirect("generation:checking")


@require_POST
@login_required
def ask(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = _flagged(request, image_id)
    if image.status != Image.Status.NEEDS_RECONCILIATION:
        messages.error(request, reconciliation.not_flagged_message(image))
        return redirect("generation:checking")
    if not provider_check.can_ask(image):
        messages.error(request, "This provider cannot be asked about this image.")
        return redirect("generation:checking")
    return _page(request, membership, answer=(image.pk, provider_check.ask(image)))
