"""Add text is rate limited per user and per workspace (it decodes and re-encodes a whole
portrait inside the request): over a limit the answer is 429 with Retry-After, the form again
with a sentence saying when to try, and no new image."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from avatarapp.workspaces.models import Membership
from generation.models import Image
from tests.gallery.lightbox_support import action_url, finished_image
from tests.markup import find, text
from tests.ratelimits import Limits

pytestmark = pytest.mark.django_db

GOOD = {"text": "Meet Maya", "position": "bottom", "size": "large", "colour": "white", "band": "1"}
ADDING = "You are adding text faster than this workspace allows. Try again in 40 seconds."
TeamClient = Callable[[str], Client]


def test_add_text_over_the_limit_is_refused_in_words_and_makes_nothing(
    limits: Limits, team_client: TeamClient, editor: Membership
) -> None:
    limits("add_text", user="2/minute", workspace="10/minute")
    portrait = finished_image(editor)
    client = team_client("editor")
    url = action_url("image_add_text", portrait)
    for _ in range(2):
        assert client.post(url, GOOD).status_code == 302
    made = Image.objects.count()

    refused = client.post(url, GOOD | {"text": "Third try"})

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # the fake clock is 20 s into its minute
    page = refused.content.decode()
    assert text(find(page, "p", role="alert")) == ADDING
    assert 'value="Third try"' in page  # the person's words are kept for the retry
    assert Image.objects.count() == made
    # A colleague is not held up by this person's limit; the window turning lets them in again.
    assert team_client("admin").post(url, GOOD).status_code == 302
    limits.clock.advance(40)
    assert client.post(url, GOOD).status_code == 302


def test_add_text_limit_per_workspace_is_shared(
    limits: Limits, team_client: TeamClient, editor: Membership
) -> None:
    limits("add_text", user="10/minute", workspace="2/minute")
    portrait = finished_image(editor)
    url = action_url("image_add_text", portrait)
    assert team_client("editor").post(url, GOOD).status_code == 302
    assert team_client("admin").post(url, GOOD).status_code == 302
    made = Image.objects.count()
    assert team_client("owner").post(url, GOOD).status_code == 429
    assert Image.objects.count() == made
