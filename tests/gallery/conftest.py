"""Gallery test helpers: clients whose current workspace is the team (shared with the persona
tests), the team's memberships, and a tiny team gallery."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from avatarapp.workspaces.models import Membership
from generation.models import Image, Job
from personas.models import Persona
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.personas.conftest import team_client  # noqa: F401 - a fixture

HTMX = {"HX-Request": "true"}


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


@pytest.fixture
def outsider(world: World) -> Membership:
    """Charlie's membership of his own team, the other workspace."""
    return world.outsider.memberships.get(workspace__name="Other agency")


@pytest.fixture
def their_image(outsider: Membership) -> Image:
    """A finished portrait in the other workspace."""
    return make_image(make_job(outsider), make_persona(outsider, name="Their persona"))


@dataclass
class Team:
    """Mia (two finished portraits, one failed) and Leo (one finished), oldest first."""

    mia: Persona
    leo: Persona
    job: Job
    mia_done: Image
    mia_failed: Image
    leo_done: Image
    mia_newest: Image


@pytest.fixture
def team(editor: Membership) -> Team:
    mia = make_persona(editor, name="Mia Chen")
    leo = make_persona(editor, name="Leo Park", occupation="founder")
    job = make_job(editor)
    mia_done = make_image(job, mia, prompt="Mia in a sunlit studio")
    mia_failed = make_image(job, mia, status=Image.Status.FAILED, style_name="Editorial")
    leo_done = make_image(job, leo, model_id="flux-2-pro", provider="bfl")
    mia_newest = make_image(job, mia, style_key="builtin:fashion", style_name="Fashion")
    return Team(mia, leo, job, mia_done, mia_failed, leo_done, mia_newest)
