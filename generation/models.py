"""Jobs, images, the cost ledger and budgets. The rows are the truth:
the UI and the sweeper read these, never a Celery result."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation import image_states
from generation.image_states import ImageQuerySet, ImageStatus


def money(**options: object) -> models.DecimalField:
    """USD amounts need up to 8 decimal places: gpt-image-1-mini's $2.50 per 1M image-input
    tokens is $0.0000025 a token."""
    return models.DecimalField(max_digits=18, decimal_places=8, **options)  # type: ignore[arg-type]


class CostBasis(models.TextChoices):
    """Where an image's actual cost came from, as cards, the image page and exports name it
    (the values are catalog.Cost.basis)."""

    PROVIDER_USAGE = "provider_usage", "provider-reported"
    PROVIDER_CREDITS = "provider_credits", "provider-reported credits"
    PRICE_TABLE = "price_table", "price table"
    WORKSPACE_PRICE = "workspace_price", "price you entered"


class Origin(models.TextChoices):
    """How an image came to be: made by a model from a prompt, or made from another image (its
    `parent`). Lists of "what a model did" (latency, cost per image) count generated ones only."""

    GENERATED = "generated", "generated"
    OVERLAY = "overlay", "text added"
    EDIT = "edit", "edited"


class Budget(models.Model):
    """A workspace's monthly hard cap. No row, or no cap, means unlimited."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="budget"
    )
    monthly_cap_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Budget of {self.workspace_id}: {self.monthly_cap_usd or 'no cap'}"


class BudgetPeriod(models.Model):
    """What a workspace has reserved and spent in one calendar month (UTC). Reservations are
    taken with one conditional UPDATE on this row, so concurrent jobs can never overshoot."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    reserved_usd = money(default=Decimal(0))
    spent_usd = money(default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "month"], name="one_period_per_month"),
            models.CheckConstraint(
                condition=models.Q(reserved_usd__gte=0) & models.Q(spent_usd__gte=0),
                name="period_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: reserved {self.reserved_usd}, spent {self.spent_usd}"


class Campaign(models.Model):
    """A name a workspace gives a set of batches (a launch, a client's project), chosen or made on
    the Generate page, so that galleries, batches and costs can be read per campaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=80)
    client_name = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="one_campaign_name_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # What the person called the batch, or its default "Maya Costa - Corporate, 6 Dec 2026"
    # (generation.batch_wording.batch_name). Empty on batches made before batches had names.
    name = models.CharField(max_length=120, blank=True)
    # The batch as the user asked for it: personas, styles, models, count, aspect, resolution...
    parameters = models.JSONField(default=dict)
    estimated_usd = money(default=Decimal(0))
    # The campaign the batch was made for, if any (a workspace's own; kept when it is renamed).
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )

    class Meta:
        ordering = ["-created_at"]
        # The batches history's keyset order (newest first) within a workspace.
        indexes = [models.Index(fields=["workspace", "-created_at", "-id"], name="job_history")]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def title(self) -> str:
        """Its name; a batch from before names is called by when it was started."""
        if self.name:
            return self.name
        started = timezone.localtime(self.created_at)
        return f"Batch of {started.day} {started:%b %Y, %H:%M}"

    @property
    def is_comparison(self) -> bool:
        """Made by "Compare these models": its page opens the compare view once it finishes."""
        return bool(self.parameters.get("compare"))


# Deleted from the gallery with a file field still set: its stored objects are still to be
# removed (generation.removal; the sweeper finds these through the index image_files_to_remove).
FILES_TO_REMOVE = models.Q(deleted_at__isnull=False) & ~models.Q(original="", thumbnail="")


class Image(models.Model):
    # Its statuses, the moves between them and the move itself: generation/image_states.py.
    Status = ImageStatus
    FINAL = image_states.FINAL

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="images")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    persona = models.ForeignKey(
        "personas.Persona", null=True, on_delete=models.SET_NULL, related_name="images"
    )
    persona_name = models.CharField(max_length=120)  # kept when the persona is deleted
    style_key = models.CharField(max_length=80)
    style_name = models.CharField(max_length=120)
    model_id = models.CharField(max_length=80)
    provider = models.CharField(max_length=40)
    provider_key = models.ForeignKey(
        "keys.ProviderKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aspect_ratio = models.CharField(max_length=8)
    resolution = models.CharField(max_length=4)
    quality = models.CharField(max_length=10)
    request_fields = models.JSONField(default=dict)  # what the adapter sends (size, ratio...)
    seed = models.BigIntegerField()
    prompt = models.TextField()
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    # The image this one was made from (text added, or an edit); its page shows both ways.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.GENERATED)

    status = models.CharField(max_length=24, choices=Status.choices, default=Status.QUEUED)
    error_message = models.TextField(blank=True)
    error_kind = models.CharField(max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set, and committed, just before the provider is called: after a crash it tells the sweeper
    # whether the provider may have received (and billed) the request.
    provider_call_at = models.DateTimeField(null=True, blank=True)
    provider_request_id = models.CharField(max_length=120, blank=True)
    polling_url = models.URLField(max_length=500, blank=True)
    poll_count = models.PositiveIntegerField(default=0)
    provider_credits = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)

    estimated_usd = money()
    actual_usd = money(null=True, blank=True)
    price_rule = models.CharField(max_length=200, blank=True)
    price_as_of = models.DateField(null=True, blank=True)
    # The image's ledger lines, mirrored by generation.ledger in the transaction that writes
    # them, so the Costs page sums one row per image instead of joining the lines:
    # held_usd: the reservation while it is held, 0 once released, None if never reserved;
    # charged_usd: the settlement, None until settled. actual_usd is what the provider's answer
    # priced, written before the image is stored, so it can differ (a failed store charges 0).
    held_usd = money(null=True, blank=True)
    charged_usd = money(null=True, blank=True)
    # Where actual_usd came from (catalog.Cost.basis); empty until the image is priced.
    cost_basis = models.CharField(max_length=20, choices=CostBasis.choices, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)

    original = models.FileField(upload_to="unused/", blank=True)  # names come from storage.py
    thumbnail = models.FileField(upload_to="unused/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=10, blank=True)
    # What the stored original's Content Credentials (C2PA) say, read when it was stored
    # (provenance.reading.summarise): {"has_manifest": false} or issuer, software, actions and
    # validation state. None: stored before they were read.
    credentials = models.JSONField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    # Deleted from the gallery: the row stays (its ledger lines and costs keep their history),
    # its files are removed from storage after the deleting transaction commits (gallery.delete).
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="image_sweep"),
            # The galleries' keyset order (newest first), over the images still shown. The full-
            # text index over prompt and persona name is PostgreSQL-only: migration 0002.
            models.Index(
                fields=["workspace", "-created_at", "-id"],
                name="image_gallery",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The same order within one persona: a persona's gallery, and any filter with a
            # persona in it, walks that persona's images newest first instead of sorting all of
            # them (make bench, persona + model + tag at 100,000 images: 55 -> 34 ms).
            models.Index(
                fields=["persona", "-created_at", "-id"],
                name="image_persona_gallery",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["updated_at"], name="image_files_to_remove", condition=FILES_TO_REMOVE
            ),
            # The Costs page's period, deleted images included (their money was spent): every
            # breakdown and the CSV read one workspace's images made between two times (the
            # CSV in this order, a chunk at a time: generation.cost_export).
            models.Index(fields=["workspace", "created_at", "id"], name="image_costs"),
            # A workspace style's example on the Generate page: its newest shown portraits.
            models.Index(
                fields=["workspace", "style_key", "-created_at"],
                name="image_style_examples",
                condition=models.Q(deleted_at__isnull=True, status="succeeded"),
            ),
            # A workspace's images that need checking, in the queue's order: the queue, and
            # the count the Costs page and the image pages show, without visiting every
            # workspace's flagged images (generation.reconciliation).
            models.Index(
                fields=["workspace", "finished_at", "created_at", "id"],
                name="image_needs_checking",
                condition=models.Q(status="needs_reconciliation"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.persona_name} / {self.style_name} / {self.model_id}: {self.status}"

    @property
    def is_final(self) -> bool:
        """Succeeded, failed, cancelled or flagged for a person: it will not change again."""
        return self.status in image_states.FINAL

    @property
    def can_cancel(self) -> bool:
        """Queued, or waiting on an asynchronous provider (generation.cancellation)."""
        return self.status in image_states.CANCELLABLE

    @property
    def can_retry(self) -> bool:
        """Failed or cancelled: a new attempt can follow it (generation.services.image_retry)."""
        return self.status in image_states.RETRYABLE

    @property
    def is_done(self) -> bool:
        return self.status == ImageStatus.SUCCEEDED

    @property
    def is_cancelled(self) -> bool:
        return self.status == ImageStatus.CANCELLED

    @property
    def went_wrong(self) -> bool:
        """Failed, or flagged because the provider may have billed it: shown as an error."""
        return self.status in (ImageStatus.FAILED, ImageStatus.NEEDS_RECONCILIATION)


# What an image portrays and with what: kept by a retry and by an image made from it.
PORTRAIT_FIELDS = (
    "workspace_id",
    "persona",
    "persona_name",
    "style_key",
    "style_name",
    "model_id",
    "provider",
    "aspect_ratio",
    "resolution",
    "quality",
    "seed",
)


class LedgerEntry(models.Model):
    """Append-only. Every line names the price rule and its as-of date, so a past bill can be
    explained after prices change."""

    class Kind(models.TextChoices):
        RESERVATION = "reservation", "Reservation"
        SETTLEMENT = "settlement", "Settlement"
        RELEASE = "release", "Release"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="ledger")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="ledger")
    provider_key = models.ForeignKey(
        "keys.ProviderKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount_usd = money()
    price_rule = models.CharField(max_length=200)
    price_as_of = models.DateField()
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One reservation, at most one settlement and one release per image: a task that
            # runs twice cannot charge twice.
            models.UniqueConstraint(fields=["image", "kind"], name="one_ledger_line_per_kind"),
            models.CheckConstraint(
                condition=models.Q(amount_usd__gte=0), name="ledger_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_usd} for image {self.image_id}"


# --- Issue 15 (catalog watch): what the providers' own model lists named -------------------------
class ProviderModelList(models.Model):
    """The last model list a provider gave one of this workspace's keys (generation.model_lists):
    the image model ids it named and when. Per workspace, not global: what a key may use depends
    on its account. A read that cannot be trusted moves only `tried_at`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    model_ids = models.JSONField(default=list)  # sorted; empty until a read succeeds
    read_at = models.DateTimeField(null=True, blank=True)  # when model_ids were read
    tried_at = models.DateTimeField()  # the last attempt, good or not (beat reads once a day)
    read_with = models.ForeignKey(
        "keys.ProviderKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "provider"], name="one_model_list_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} models of {self.workspace_id}: {len(self.model_ids)}"


# --- Issue 19 (reconciliation): a person's decision on an image that needed checking ------------
class ReconciliationDecision(models.Model):
    """Who decided what about an image flagged "needs checking", when and why: the audit trail of
    generation.reconciliation. One per image (the constraint is the backstop against deciding
    twice); the ledger's settlement or release line carries the money."""

    class Outcome(models.TextChoices):
        BILLED = "billed", "Billed"
        NOT_BILLED = "not_billed", "Not billed"

    image = models.OneToOneField(Image, on_delete=models.CASCADE, related_name="decision")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    amount_usd = money()  # what was settled; 0 when not billed
    reserved_usd = money()  # what the image held until then
    reason = models.CharField(max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_usd__gte=0), name="decision_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.amount_usd} for image {self.image_id}"


# --- Issue 19 item 7: estimates learn from settlements above their reservation -------------------
class EstimateMargin(models.Model):
    """The worst actual / estimate ratio seen for a model (generation.estimate_margins): its next
    estimates are multiplied by it, so they cover what that model really billed."""

    model_id = models.CharField(max_length=80, unique=True)
    ratio = models.DecimalField(max_digits=8, decimal_places=4)
    estimated_usd = money()  # the settlement that set the ratio, to explain it
    actual_usd = money()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.model_id}: x{self.ratio}"


# --- Issue 19 (alerts): each alert email, recorded before it is sent ---------------------------
class SpendAlert(models.Model):
    """A month's spend passed `percent` of the workspace's cap, and its admins were told. The
    unique constraint is what keeps 200 images settling at once to one email: only the
    settlement whose insert wins sends it (generation.alerts)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    percent = models.PositiveSmallIntegerField()  # 80 or 100
    spent_usd = money()  # what had been spent when it passed
    cap_usd = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "month", "percent"], name="one_spend_alert_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.percent}% of {self.cap_usd} spent"


class CreditAlert(models.Model):
    """A key's credit balance fell below the threshold its admin set, and the admins were told.
    One open alert per key (a partial unique constraint): the balance going back above the
    threshold (a top-up) closes it, so the next fall is a new crossing and a new email."""

    key = models.ForeignKey("keys.ProviderKey", on_delete=models.CASCADE, related_name="+")
    balance = models.DecimalField(max_digits=16, decimal_places=4)  # what was read
    threshold = models.DecimalField(max_digits=16, decimal_places=4)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)  # back above the threshold

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_credit_alert_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id}: {self.balance} credits, below {self.threshold}"
