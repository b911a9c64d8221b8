"""A workspace that looks lived in, for the gallery figures: a year of batches by four people,
200 personas (a few used far more than the rest), twelve styles, seven models from four
providers, some failed and needing checking, tags on about a third of the portraits (whole
campaigns and single picks), and each person's favourites. The prompts are the real composer's,
so a word in a prompt is as common as it would be.

Everything is planned in Python from one seed, then written with COPY (tens of thousands of rows
a second). `load` writes any part of the plan: the bench first writes an evenly spread 100 of
the images (the small size, for query counts), then the rest.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate, product
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team
from bench.world import LOOK
from gallery.models import Tag
from personas.models import Persona
from personas.prompts import compose_for_model
from personas.style_specs import BUILTIN_BY_KEY

SEED = 13
SPAN = timedelta(days=365)
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
         "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomas"]  # fmt: skip
LAST = ["Silva", "Okafor", "Novak", "Haddad", "Larsen", "Moreau", "Tanaka", "Kowalski",
        "Mensah", "Ortega"]  # fmt: skip
OCCUPATIONS = ["nurse", "architect", "software engineer", "barista", "teacher", "accountant",
               "product manager", "electrician", "pharmacist", "chef", "sales director",
               "student", "lawyer", "photographer", "data analyst"]  # fmt: skip
CITIES = ["Lisbon", "Lagos", "Berlin", "Toronto", "Osaka", "Austin", "Nairobi", "Lyon"]
FEATURES = ["freckles", "a warm smile", "laugh lines", "a short beard", "dimples",
            "a nose ring", "silver temples", "bold eyebrows"]  # fmt: skip
WARDROBE = ["navy blazer over a white shirt", "denim jacket", "green knit sweater", "scrubs",
            "black turtleneck", "linen shirt", "hoodie", "tailored grey suit"]  # fmt: skip


class Weighted:
    """Values to draw at random, each as often as its weight says."""

    def __init__(self, pairs: Sequence[tuple[str, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random, k: int = 1) -> list[str]:
        return rng.choices(self.values, cum_weights=self.cumulative, k=k)


# (value, weight): how often each is chosen for a batch or an image.
MODELS = Weighted([("gpt-image-2", 35), ("gpt-image-1.5", 12), ("flux-2-pro", 18),
          ("flux-kontext-pro", 5), ("gemini-2.5-flash-image", 15), ("imagen-4", 10),
          ("builtin", 5)])  # fmt: skip
PROVIDERS = {"gpt-image-2": "openai", "gpt-image-1.5": "openai", "flux-2-pro": "bfl",
             "flux-kontext-pro": "bfl", "gemini-2.5-flash-image": "google", "imagen-4": "google",
             "builtin": "builtin"}  # fmt: skip
PRICES = {"openai": Decimal("0.042"), "bfl": Decimal("0.03"), "google": Decimal("0.039"),
          "builtin": Decimal(0)}  # fmt: skip
STYLES = Weighted(list(zip(BUILTIN_BY_KEY, [30, 20, 15, 8, 6, 4, 4, 4, 3, 3, 2, 1], strict=True)))
STATUSES = Weighted(
    [("succeeded", 930), ("failed", 40), ("cancelled", 20), ("needs_reconciliation", 10)]
)
HOLDING = ("needs_reconciliation",)  # the statuses whose reservation is still held
CAMPAIGNS = ["Spring campaign", "Website refresh", "Q3 sales deck", "Onboarding emails",
             "Careers page", "Trade fair", "App store", "Newsletter"]  # fmt: skip
PICKS = Weighted([("approved", 60), ("shortlist", 30), ("needs retouch", 15), ("client pick", 10)])
UNUSED_TAGS = ["archive", "do not use", "print", "social", "test"]  # vocabulary nobody used yet
COLUMNS = (
    "id", "job_id", "workspace_id", "persona_id", "persona_name", "style_key", "style_name",
    "model_id", "provider", "aspect_ratio", "resolution", "quality", "request_fields", "seed",
    "prompt", "status", "error_message", "error_kind", "attempts", "provider_request_id",
    "polling_url", "poll_count", "estimated_usd", "actual_usd", "held_usd", "charged_usd",
    "price_rule", "latency_ms",
    "original", "thumbnail", "sha256", "width", "height", "format", "created_at", "started_at",
    "provider_call_at", "finished_at", "deadline_at", "updated_at", "cost_basis", "origin",
)  # fmt: skip
POSITION = {column: place for place, column in enumerate(COLUMNS)}


@dataclass
class Planned:
    """One image of the plan: its row (in COLUMNS order), who started its batch, its tags and
    who favourited it (people as indexes into Archive.people)."""

    row: tuple[Any, ...]
    by: int
    tags: tuple[str, ...]
    liked_by: tuple[int, ...]

    def get(self, column: str) -> Any:
        return self.row[POSITION[column]]


@dataclass
class Archive:
    workspace: Workspace
    people: list[Any]  # users; people[0] is the bench's own user, the owner
    personas: list[Persona]
    jobs: list[tuple[uuid.UUID, datetime, int]]  # id, created_at, index into people
    images: list[Planned]
    tags: dict[str, int] = field(default_factory=dict)  # name -> Tag id
    jobs_written: set[uuid.UUID] = field(default_factory=set)

    def counts(self, column: str, among: Iterable[Planned] | None = None) -> Counter[Any]:
        return Counter(image.get(column) for image in (self.images if among is None else among))


def create(owner: Any, total: int) -> Archive:
    """The workspace, its people, personas and tags, and the plan of `total` images."""
    rng = random.Random(SEED)  # noqa: S311 (test data, not a secret)
    workspace = workspace_create_team(user=owner, name="Bench archive")
    people = [owner]
    for name in ("ana", "ben", "chloe"):
        user = get_user_model().objects.create_user(
            username=f"bench-{name}", email=f"{name}@example.com"
        )
        Membership.objects.create(workspace=workspace, user=user, role=Role.EDITOR)
        people.append(user)
    personas = Persona.objects.bulk_create(
        Persona(
            workspace=workspace,
            created_by=owner,
            name=f"{first} {last}",
            occupation=rng.choice(OCCUPATIONS),
            location=rng.choice(CITIES),
            **{**LOOK, "features": rng.choice(FEATURES), "wardrobe": rng.choice(WARDROBE)},
        )
        for last, first in product(LAST, FIRST)
    )
    tags = Tag.objects.bulk_create(
        Tag(workspace=workspace, name=name) for name in [*CAMPAIGNS, *PICKS.values, *UNUSED_TAGS]
    )
    archive = Archive(workspace, people, personas, [], [], {tag.name: tag.pk for tag in tags})
    _plan(archive, rng, total)
    return archive


def _plan(archive: Archive, rng: random.Random, total: int) -> None:
    # Popularity falls off with rank (Zipf-like): the team's main personas get most batches.
    popularity = [1 / (rank + 1) ** 0.7 for rank in range(len(archive.personas))]
    prompts: dict[tuple[int, str, str], str] = {}
    batches: list[list[tuple[int, str, str, int]]] = []
    planned = 0
    while planned < total:
        # A Generate batch: some personas x some styles x one or two models, up to 64 images.
        count = rng.choice([1, 1, 2, 3, 4, 8])
        personas = sorted(set(rng.choices(range(len(popularity)), popularity, k=count)))
        styles = sorted(set(STYLES.draw(rng, rng.choice([1, 1, 2, 3, 4]))))
        models = sorted(set(MODELS.draw(rng, rng.choice([1, 1, 1, 2]))))
        each = range(rng.choice([1, 1, 2, 4]))
        batches.append(list(product(personas, styles, models, each))[:64])
        planned += len(batches[-1])
    end = timezone.now() - timedelta(hours=1)
    step = SPAN / len(batches)
    creators = rng.choices(range(len(archive.people)), [45, 30, 20, 5], k=len(batches))
    for number, batch in enumerate(batches):
        job_id, at = uuid.UUID(int=rng.getrandbits(128), version=4), end - SPAN + step * number
        archive.jobs.append((job_id, at, creators[number]))
        campaign = rng.choice(CAMPAIGNS) if rng.random() < 0.2 else ""
        for place, (persona, style, model, _) in enumerate(batch):
            key = (persona, style, model)
            if key not in prompts:
                spec = BUILTIN_BY_KEY[style]
                prompts[key] = compose_for_model(archive.personas[persona], spec, model).text
            made = at + timedelta(microseconds=37 * place)
            row = _row(archive, rng, (job_id, archive.personas[persona], style, model), made)
            row[POSITION["prompt"]] = prompts[key]
            done = row[POSITION["status"]] == "succeeded"
            tags = [campaign] if campaign else []
            if done and rng.random() < 0.12:
                tags.extend(PICKS.draw(rng))
            # The owner favourites 1.5% of the done portraits, each other person 0.7%.
            shares = [0.015, 0.007, 0.007, 0.007]
            liked = tuple(p for p, s in enumerate(shares) if done and rng.random() < s)
            archive.images.append(Planned(tuple(row), creators[number], tuple(tags), liked))
    del archive.images[total:]


def _row(
    archive: Archive,
    rng: random.Random,
    what: tuple[uuid.UUID, Persona, str, str],
    made: datetime,
) -> list[Any]:
    """An image row of batch `job_id`, in COLUMNS order (the prompt is filled in by the caller)."""
    job_id, persona, style, model = what
    image_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    [status] = STATUSES.draw(rng)
    done = status == "succeeded"
    provider = PROVIDERS[model]
    folder = f"images/{archive.workspace.pk}/{image_id}"
    finished = made + timedelta(seconds=rng.uniform(4, 40))
    values = {
        "id": image_id, "job_id": job_id, "workspace_id": archive.workspace.pk,
        "persona_id": persona.pk, "persona_name": persona.name, "style_key": style,
        "style_name": BUILTIN_BY_KEY[style].name, "model_id": model, "provider": provider,
        "aspect_ratio": rng.choice(["1:1", "1:1", "4:5", "3:2"]), "resolution": "1K",
        "quality": "medium", "request_fields": f'{{"model": "{model}"}}',
        "seed": rng.getrandbits(31), "prompt": "", "status": status,
        "error_message": "" if done else "The provider turned this image down.",
        "error_kind": "" if done else "refused", "attempts": 1, "provider_request_id": "",
        "polling_url": "", "poll_count": 0, "estimated_usd": PRICES[provider],
        "actual_usd": PRICES[provider] if done else None, "price_rule": "bench",
        # The ledger's lines mirrored on the image, as _ledger writes them.
        "held_usd": PRICES[provider] if status in HOLDING else Decimal(0),
        "charged_usd": PRICES[provider] if done else None,
        "latency_ms": int((finished - made).total_seconds() * 1000) if done else None,
        "original": f"{folder}/original.jpg" if done else "",
        "thumbnail": f"{folder}/thumbnail.webp" if done else "", "sha256": "",
        "width": 1024 if done else None, "height": 1024 if done else None,
        "format": "jpeg" if done else "", "created_at": made, "started_at": made,
        "provider_call_at": made, "finished_at": finished, "updated_at": finished,
        "deadline_at": made + timedelta(minutes=30),
        "cost_basis": "price_table" if done else "", "origin": "generated",
    }  # fmt: skip
    return [values[column] for column in COLUMNS]


def small_set(
    archive: Archive, size: int, wanted: Iterable[Callable[[Planned], bool]]
) -> list[Planned]:
    """About `size` images spread evenly over the year, the workspace at its small size, and for
    each `wanted` test that none of them passes, the first image that does."""
    step = max(1, len(archive.images) // size)
    spread = archive.images[::step][:size]
    extra: list[Planned] = []
    for test in wanted:
        if not any(test(image) for image in spread + extra):
            extra.append(next(image for image in archive.images if test(image)))
    return spread + extra


def load(archive: Archive, images: Sequence[Planned]) -> None:
    """Write `images` (and the batches they belong to, their tags, favourites and ledger lines)
    with COPY."""
    wanted = {image.get("job_id") for image in images} - archive.jobs_written
    jobs = [
        (job_id, at, archive.people[by].pk, archive.workspace.pk, "{}", Decimal(0), "")
        for job_id, at, by in archive.jobs
        if job_id in wanted
    ]
    archive.jobs_written |= wanted
    tagged = [
        (image.get("id"), archive.tags[name], image.get("created_at"))
        for image in images
        for name in image.tags
    ]
    liked = [
        (archive.people[person].pk, image.get("id"), image.get("created_at"))
        for image in images
        for person in image.liked_by
    ]
    job_columns = "id, created_at, created_by_id, workspace_id, parameters, estimated_usd, name"
    _copy(f"generation_job ({job_columns})", jobs)
    _copy(f"generation_image ({', '.join(COLUMNS)})", [image.row for image in images])
    _copy("gallery_imagetag (image_id, tag_id, created_at)", tagged)
    _copy("gallery_favourite (user_id, image_id, created_at)", liked)
    _copy(f"generation_ledgerentry ({', '.join(LEDGER_COLUMNS)})", _ledger(archive, images))


# The lines generation.ledger writes for each image: its reservation; on settling, the charge
# and the reservation's release; on failing or cancelling, the release. One needing checking
# (HOLDING) keeps its reservation. The Costs page reads these (bench.gallery's costs figures).
LEDGER_COLUMNS = (
    "workspace_id", "month", "job_id", "image_id", "kind", "amount_usd", "price_rule",
    "price_as_of", "detail", "created_at",
)  # fmt: skip


def _ledger(archive: Archive, images: Sequence[Planned]) -> Iterable[tuple[Any, ...]]:
    for image in images:
        made, finished = image.get("created_at"), image.get("finished_at")
        estimate, actual = image.get("estimated_usd"), image.get("actual_usd")
        month = made.date().replace(day=1)
        head = (archive.workspace.pk, month, image.get("job_id"), image.get("id"))
        rule = ("bench", month, "")
        yield (*head, "reservation", estimate, *rule, made)
        if actual is not None:
            yield (*head, "settlement", actual, *rule, finished)
            yield (*head, "release", estimate, *rule, finished)
        elif image.get("status") in ("failed", "cancelled"):
            yield (*head, "release", estimate, *rule, finished)


def _copy(target: str, rows: Iterable[tuple[Any, ...]]) -> None:
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
