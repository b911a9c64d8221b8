"""Share-link test helpers: a link made through the service, and the token a page showed."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from gallery import share_links
from gallery.models import ShareKind, ShareLink
from generation.models import Image
from tests.markup import attribute, find


def make_link(membership: Membership, images: list[Image], **options: Any) -> tuple[ShareLink, str]:
    """A selection link to `images`, positions in the order they were made, 14 days."""
    chosen = Image.objects.filter(pk__in=[image.pk for image in images])
    link, token = share_links.share_create(
        membership=membership,
        kind=ShareKind.SELECTION,
        title="Chosen portraits",
        images=chosen.order_by("created_at", "id"),
        options=share_links.ShareOptions(days=options.pop("days", 14), **options),
    )
    return link, token


def shared_url(token: str, *rest: str) -> str:
    return reverse("gallery:shared", args=[token]) + "".join(f"{part}/" for part in rest)


def token_shown(html: str) -> str:
    """The token in the link the "Link created" page shows once."""
    url = attribute(find(html, "input", id="share-link-url"), "value")
    return url.rstrip("/").rsplit("/", 1)[-1]


def open_page(client: Client, token: str) -> str:
    response = client.get(shared_url(token))
    assert response.status_code == 200
    return response.content.decode()
