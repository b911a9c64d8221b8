"""The demo `make run` seeds (development only): a login, its personal workspace with two
personas and one finished batch of their portraits by the built-in renderer, and a team
workspace. The first screen after logging in then looks like the product: persona cards with
faces, a gallery, a batch in the history and a line on the Costs page.

Seeding again adds nothing: a demo persona is made only where none of that name is, the batch
only in a workspace without batches; the account keeps the password of var/demo-password.txt.
The batch is drawn in this process (no worker is running yet) as a worker would draw it:
claimed, rendered, stored and settled by generation.pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team, workspace_ensure_personal
from generation import pipeline, services
from generation.models import Job
from personas.models import Persona

EMAIL = "demo@avatarapp.local"
TEAM = "Demo team"
STYLES = ["builtin:corporate", "builtin:lifestyle"]
# Two people to generate with straight away, no key needed, drawn from what they look like.
PERSONAS: tuple[dict[str, Any], ...] = (
    {
        "name": "Maya Costa",
        "age_range": "35-44",
        "gender": "woman",
        "location": "Lisbon, Portugal",
        "occupation": "Product manager",
        "industry": "fintech",
        "personality": "warm, analytical, curious",
        "goals": "Ship a budgeting app her parents can use.",
        "skin_tone": "brown",
        "hair_length": "chin-length",
        "hair_colour": "black",
        "hair_style": "curly",
        "eye_colour": "brown",
        "build": "slim",
        "glasses": "round glasses",
        "garment": "cardigan",
        "garment_colour": "mustard",
        "wardrobe": "mustard cardigan over a white tee",
        "accessories": "small gold hoops",
    },
    {
        "name": "Leo Park",
        "age_range": "25-34",
        "gender": "man",
        "location": "Seoul, South Korea",
        "occupation": "Founder",
        "industry": "climate tech",
        "personality": "driven, candid, optimistic",
        "goals": "Close a seed round and hire the first five engineers.",
        "skin_tone": "light olive",
        "hair_length": "short",
        "hair_colour": "black",
        "hair_style": "side part",
        "eye_colour": "dark brown",
        "build": "athletic",
        "glasses": "none",
        "garment": "blazer",
        "garment_colour": "navy",
        "wardrobe": "navy blazer over a grey t-shirt",
    },
)


@dataclass(frozen=True)
class Seeded:
    personas: int  # made this time
    portraits: int  # made this time


def demo_user(password: str) -> Any:
    """The demo account with `password`, its address confirmed."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=EMAIL).first()
    if user is None:
        user = user_model.objects.create_user(username="demo", email=EMAIL)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=EMAIL, defaults={"primary": True, "verified": True}
    )
    return user


def _team(user: Any) -> Workspace:
    team = Workspace.objects.filter(name=TEAM, memberships__user=user).first()
    if team is None:
        team = workspace_create_team(user=user, name=TEAM)
        Membership.objects.filter(workspace=team, user=user).update(role=Role.OWNER)
    return team


def _personas(membership: Membership, looks: tuple[dict[str, Any], ...]) -> list[Persona]:
    """The demo personas of the workspace, each made if it has none of that name."""
    found = []
    for look in looks:
        persona, _ = Persona.objects.get_or_create(
            workspace=membership.workspace,
            name=look["name"],
            defaults={**look, "created_by": membership.user},
        )
        found.append(persona)
    return found


def _batch(membership: Membership, personas: list[Persona]) -> int:
    """One finished batch of every persona in every demo style, unless the workspace has one."""
    if Job.objects.filter(workspace=membership.workspace).exists():
        return 0
    request = services.BatchRequest(
        [str(persona.pk) for persona in personas], STYLES, ["builtin"], 1, "4:5", "1K", "medium"
    )
    _job, image_ids = services.batch_create(membership=membership, batch=request)
    for image_id in image_ids:
        pipeline.run_image(image_id)
    return len(image_ids)


def seed(password: str) -> Seeded:
    with transaction.atomic():
        user = demo_user(password)
        before = Persona.objects.filter(workspace__memberships__user=user).count()
        personal = workspace_ensure_personal(user=user)  # where a login lands first
        personas = _personas(personal, PERSONAS)
        _personas(Membership.objects.get(workspace=_team(user), user=user), PERSONAS[:1])
        made = Persona.objects.filter(workspace__memberships__user=user).count() - before
    # After the commit: the pipeline claims and settles each image in transactions of its own.
    return Seeded(personas=made, portraits=_batch(personal, personas))
