"""Every page of the site, in one list, and a workspace with something on each of them.

The header tests (tests/test_cache_control.py, tests/test_csp.py) and the browser's CSP check
(tests/browser/test_csp_pages.py) visit these lists: a new page goes here, and all of them see it.
A page is a URL name and the fields of `Site` its arguments come from, or a literal path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from avatarapp.keys.models import ProviderKey
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.services import invitation_create
from generation import pipeline, services
from generation.models import Image, Job
from personas import services as persona_services
from personas.models import Persona, Style
from personas.reference_files import prepare_reference
from tests.generation.conftest import make_persona
from tests.keys.factories import store_key
from tests.personas import images

Page = tuple[str, ...]  # ("personas:detail", "persona"): reverse(name, args=[site.persona.pk])

ANONYMOUS_PAGES: list[Page] = [
    ("account_login",),
    ("account_signup",),
    ("account_reset_password",),
    ("account_reset_password_done",),
    ("account_email_verification_sent",),
    ("invitation", "invitation_token"),
    ("/no-such-page/",),
]

MEMBER_PAGES: list[Page] = [
    ("personas:list",),
    ("personas:create",),
    ("personas:detail", "persona"),
    ("personas:edit", "persona"),
    ("personas:delete", "persona"),
    ("personas:styles",),
    ("personas:style_create",),
    ("personas:style_edit", "style"),
    ("personas:style_delete", "style"),
    ("generation:generate",),
    ("generation:job", "job"),
    ("gallery:image", "image"),
    ("gallery:gallery",),
    ("gallery:filters",),
    ("gallery:jobs",),
    ("gallery:job_compare", "job"),
    ("gallery:job_compare_row", "job", "first_row"),
    ("generation:costs",),
    ("generation:campaigns",),
    ("generation:checking",),
    ("keys:list",),
    ("keys:workspace", "team"),
    ("keys:detail", "key"),
    ("keys:activity", "team"),
    ("workspaces:members", "team"),
    ("workspaces:list",),
    ("account_email",),
    ("account_change_password",),
    ("usersessions_list",),
    ("mfa_index",),
    ("account_reauthenticate",),
    ("invitation", "invitation_token"),
    ("/no-such-page/",),
]

# htmx fragments that are fetched with GET (the ones fetched with POST are exercised by hand).
MEMBER_FRAGMENTS: list[Page] = [
    ("generation:job_progress", "job"),
    ("generation:image_card", "image"),
    ("gallery:image_tag_suggest", "image"),
    ("gallery:persona_gallery", "persona"),
    ("gallery:persona_filters", "persona"),
]


@dataclass(frozen=True)
class Site:
    team: Workspace
    persona: Persona
    style: Style
    key: ProviderKey
    job: Job
    image: Image
    invitation_token: str
    first_row: int = 1  # the compare view's row page

    def url(self, page: Page) -> str:
        name, *fields = page
        if name.startswith("/"):
            return name
        return reverse(name, args=[_arg(getattr(self, field)) for field in fields])


def _arg(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def build_site(owner: Membership) -> Site:
    """The owner's team with a persona (and a reference image), a workspace style, a key, a
    pending invitation, and a finished job whose image is in the real storage (S3 under make
    test): drawn by the built-in renderer in this process, so no worker is needed."""
    persona = make_persona(owner, name="Maya Costa")
    persona_services.reference_add(
        persona=persona,
        user=owner.user,
        prepared=[prepare_reference(images.png())],
    )
    style = Style.objects.create(
        workspace_id=owner.workspace_id,
        name="Acme brand",
        background="soft teal studio wall",
        lighting="bright and even",
        created_by=owner.user,
    )
    key = store_key(owner, label="Acme OpenAI")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], 1, "1:1", "1K", "low"
    )
    job, image_ids = services.batch_create(membership=owner, batch=batch)
    for image_id in image_ids:
        pipeline.run_image(image_id)
    image = Image.objects.get(pk=image_ids[0])
    assert image.status == Image.Status.SUCCEEDED, image.error_message
    invitation = invitation_create(actor=owner, email="", role="editor")
    return Site(owner.workspace, persona, style, key, job, image, invitation.token)
