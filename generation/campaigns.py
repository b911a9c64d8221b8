"""Campaigns: a workspace's names for sets of batches ("Spring launch", a client's project).

A batch is given one on the Generate page, chosen from the workspace's list or made there by
typing a new name (generation.services.batch_plan checks it, batch_create writes it with the
batch, so a refused batch leaves no campaign behind). Galleries, the batches history and the
Costs page read them back as a filter.

Names are unique per workspace whatever their case: typing the name of an existing campaign on
Generate uses that campaign (nobody means a second "spring launch"); renaming one to another's
name is refused with a sentence. A campaign of another workspace is, for this one, a campaign
that does not exist: the same sentence either way, so no id leaks whose it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from avatarapp.workspaces.models import Membership
from generation.models import Campaign

NAME_MAX = Campaign._meta.get_field("name").max_length or 80
CLIENT_MAX = Campaign._meta.get_field("client_name").max_length or 80

NOT_HERE = (
    "That campaign is not one of this workspace's (it may have been deleted); "
    "choose another or none."
)
NAME_TOO_LONG = f"A campaign name has at most {NAME_MAX} characters."
CLIENT_TOO_LONG = f"A client name has at most {CLIENT_MAX} characters."
NAME_NEEDED = "Give the campaign a name."
BOTH_CHOSEN = "Choose a campaign from the list or type a new one's name, not both."
LEFT_OUT = (
    "That campaign is not one of this workspace's (it may have been deleted), so it was left out."
)


class CampaignError(ValueError):
    """A campaign choice or edit that cannot be made; the message says what to change. `field`:
    what it is about, named as in generation.services.BatchRequest."""

    def __init__(self, message: str, *, field: str = "new_campaign") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CampaignChoice:
    """The campaign a batch will be saved in: an existing one, or a new one to create with it."""

    existing: Campaign | None = None
    new_name: str = ""
    new_client: str = ""

    @property
    def name(self) -> str:
        return self.existing.name if self.existing else self.new_name

    @property
    def is_new(self) -> bool:
        return self.existing is None and bool(self.new_name)


def of_workspace(workspace_id: uuid.UUID) -> QuerySet[Campaign]:
    return Campaign.objects.filter(workspace_id=workspace_id).order_by("name")


def find(workspace_id: uuid.UUID, campaign_id: object) -> Campaign | None:
    """The workspace's campaign with this id (a string from a form or URL), or None for an id
    that is unreadable, unknown or another workspace's."""
    try:
        pk = uuid.UUID(str(campaign_id))
    except ValueError:
        return None
    return of_workspace(workspace_id).filter(pk=pk).first()


def named(workspace_id: uuid.UUID, name: str) -> Campaign | None:
    return of_workspace(workspace_id).filter(name__iexact=name).first()


def _clean(name: str, client: str) -> tuple[str, str]:
    name, client = " ".join(name.split()), " ".join(client.split())
    if len(name) > NAME_MAX:
        raise CampaignError(NAME_TOO_LONG)
    if len(client) > CLIENT_MAX:
        raise CampaignError(CLIENT_TOO_LONG, field="new_campaign_client")
    return name, client


def choose(
    workspace_id: uuid.UUID, *, campaign_id: str = "", new_name: str = "", new_client: str = ""
) -> CampaignChoice | None:
    """Read a batch's campaign: an id from the workspace's list, or the name (and client) of a
    new one; None when neither is given. Refused: an id not of this workspace, both at once,
    names too long, a client without a name."""
    name, client = _clean(new_name, new_client)
    if campaign_id and name:
        raise CampaignError(BOTH_CHOSEN, field="campaign_id")
    if campaign_id:
        campaign = find(workspace_id, campaign_id)
        if campaign is None:
            raise CampaignError(NOT_HERE, field="campaign_id")
        return CampaignChoice(existing=campaign)
    if not name:
        if client:
            raise CampaignError("A client name needs a campaign name too.")
        return None
    existing = named(workspace_id, name)
    if existing is not None:  # the same name in another case: the same campaign
        return CampaignChoice(existing=existing)
    return CampaignChoice(new_name=name, new_client=client)


def for_batch(choice: CampaignChoice | None, membership: Membership) -> Campaign | None:
    """The campaign row for a batch being written (call inside its transaction): the existing
    one, or the new one created now. Two batches naming the same new campaign at once share it:
    the loser of the race reads the winner's row."""
    if choice is None:
        return None
    if choice.existing is not None:
        return choice.existing
    try:
        with transaction.atomic():
            return Campaign.objects.create(
                workspace_id=membership.workspace_id,
                name=choice.new_name,
                client_name=choice.new_client,
                created_by=membership.user,
            )
    except IntegrityError:
        found = named(membership.workspace_id, choice.new_name)
        if found is None:
            raise
        return found


def with_batch_counts(workspace_id: uuid.UUID) -> QuerySet[Campaign]:
    return of_workspace(workspace_id).annotate(batches=Count("jobs"))


def rename(campaign: Campaign, *, name: str, client: str) -> Campaign:
    """Give a campaign a new name and client; refused if the name is empty, too long or
    another campaign's of the same workspace."""
    name, client = _clean(name, client)
    if not name:
        raise CampaignError(NAME_NEEDED)
    clash = named(campaign.workspace_id, name)
    if clash is not None and clash.pk != campaign.pk:
        raise CampaignError(f"There is already a campaign called “{clash.name}”.")
    campaign.name, campaign.client_name = name, client
    try:
        with transaction.atomic():
            campaign.save(update_fields=["name", "client_name"])
    except IntegrityError:  # renamed to the same name by someone else a moment ago
        raise CampaignError(f"There is already a campaign called “{name}”.") from None
    return campaign


def delete(campaign: Campaign) -> None:
    """Remove a campaign; its batches stay, with their images and costs, in no campaign."""
    campaign.delete()


def filter_choice(workspace_id: uuid.UUID, value: str) -> tuple[Campaign | None, str]:
    """A list's `campaign=` filter: (the campaign, "") or (None, a sentence) for a value that is
    not this workspace's; (None, "") when there is no filter."""
    if not value:
        return None, ""
    campaign = find(workspace_id, value)
    return (campaign, "") if campaign else (None, LEFT_OUT)
