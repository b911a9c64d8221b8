"""The Campaigns page: the workspace's campaigns with their clients and batch counts, each a link
to its batches, portraits and costs. Editors (who make campaigns on Generate) rename them, change
their client and delete them; deleting leaves the batches, their images and costs, in no
campaign. Viewers see the list."""

from __future__ import annotations

import uuid

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
from generation import campaigns
from generation.models import Campaign

PAGE = "generation/campaigns.html"


class CampaignForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=campaigns.NAME_MAX,
        error_messages={"required": campaigns.NAME_NEEDED, "max_length": campaigns.NAME_TOO_LONG},
    )
    client_name = forms.CharField(
        label="Client (optional)",
        required=False,
        max_length=campaigns.CLIENT_MAX,
        error_messages={"max_length": campaigns.CLIENT_TOO_LONG},
    )


def _form(campaign: Campaign, data: QueryDict | None = None) -> CampaignForm:
    initial = {"name": campaign.name, "client_name": campaign.client_name}
    return CampaignForm(data, initial=initial, prefix=f"c{campaign.pk.hex[:12]}")


def _page(
    request: WorkspaceRequest,
    membership: Membership,
    bound: CampaignForm | None = None,
    bound_id: uuid.UUID | None = None,
) -> HttpResponse:
    rows = [
        (campaign, bound if campaign.pk == bound_id and bound else _form(campaign))
        for campaign in campaigns.with_batch_counts(membership.workspace_id)
    ]
    context = {"workspace": membership.workspace, "rows": rows, "can_edit": membership.can_edit}
    return render(request, PAGE, context, status=400 if bound else 200)


@require_GET
@login_required
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    return _page(request, get_current_membership(request))


@require_POST
@login_required
def campaign_edit(request: WorkspaceRequest, campaign_id: uuid.UUID) -> HttpResponse:
    membership, campaign = get_owned(
        request, Campaign.objects.all(), pk=campaign_id, minimum=Role.EDITOR
    )
    form = _form(campaign, request.POST)
    if form.is_valid():
        try:
            campaigns.rename(
                campaign, name=form.cleaned_data["name"], client=form.cleaned_data["client_name"]
            )
        except campaigns.CampaignError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Saved the campaign “{campaign.name}”.")
            return redirect("generation:campaigns")
    return _page(request, membership, form, campaign.pk)


@require_POST
@login_required
def campaign_delete(request: WorkspaceRequest, campaign_id: uuid.UUID) -> HttpResponse:
    _membership, campaign = get_owned(
        request, Campaign.objects.all(), pk=campaign_id, minimum=Role.EDITOR
    )
    campaigns.delete(campaign)
    messages.success(
        request, f"Deleted the campaign “{campaign.name}”. Its batches are kept, in no campaign."
    )
    return redirect("generation:campaigns")
