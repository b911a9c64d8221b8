"""The page a share link opens, for anyone without an account: only what was shared, nothing
that names the workspace's images or storage, the same 404 for every dead token, images through
short-lived signed URLs, and an optional password that cannot be guessed quickly."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from gallery.models import ShareLink
from generation import storage
from generation.models import Image
from tests.conftest import World
from tests.gallery.lightbox_support import finished_image
from tests.gallery.share_support import make_link, open_page, shared_url
from tests.generation.conftest import make_persona
from tests.markup import attribute, find_all
from tests.provenance.support import (
    TRAINED,
    has_manifest,
    manifest_store,
    pixels,
    signing_with_dev_chain,
    xmp_of,
)
from tests.ratelimits import Limits

pytestmark = pytest.mark.django_db


@pytest.fixture
def portraits(editor: Membership) -> list[Image]:
    persona = make_persona(editor, name="Maya Costa")
    return [finished_image(editor, persona) for _ in range(2)]


def _image_urls(html: str) -> list[str]:
    return [attribute(img, "src") for img in find_all(html, "img")]


def test_the_page_shows_what_was_shared_and_nothing_that_names_the_workspace(
    editor: Membership, portraits: list[Image]
) -> None:
    other = finished_image(editor)  # made, not shared
    link, token = make_link(editor, portraits)
    response = Client().get(shared_url(token))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert html.count(f"Maya Costa · {portraits[0].style_name}") == 2
    assert "AI-generated" in html
    assert len(_image_urls(html)) == 2
    secrets = [str(editor.workspace_id), editor.workspace_id.hex, str(link.pk)]
    for image in [*portraits, other]:
        secrets += [str(image.pk), image.pk.hex, str(image.job_id), image.original.name]
        secrets += [image.thumbnail.name, image.model_id]
    assert [s for s in secrets if s in html] == []
    assert "images/" not in html.replace("/images/", "")  # no storage key's folder either


def test_each_view_is_counted(editor: Membership, portraits: list[Image]) -> None:
    link, token = make_link(editor, portraits)
    open_page(Client(), token)
    open_page(Client(), token)
    link.refresh_from_db()
    assert link.view_count == 2
    assert link.last_viewed_at is not None


def test_dead_tokens_all_get_the_same_page_that_says_nothing(
    editor: Membership, portraits: list[Image]
) -> None:
    _, expired = make_link(editor, portraits[:1])
    ShareLink.objects.filter(token_hash=hashlib.sha256(expired.encode()).hexdigest()).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked_link, revoked = make_link(editor, portraits[1:])
    revoked_link.revoked_at = timezone.now()
    revoked_link.save()
    _, live = make_link(editor, portraits)
    tampered = live[:-1] + ("A" if live[-1] != "A" else "B")
    unknown = "x" * len(live)

    answers = [Client().get(shared_url(token)) for token in (expired, revoked, tampered, unknown)]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert len({answer.content for answer in answers}) == 1
    body = answers[0].content.decode()
    assert "nothing at this address" in body
    for word in ("expired", "revoked", "Maya", "password"):
        assert word not in body
    assert answers[0]["X-Robots-Tag"] == "noindex, nofollow"


def test_images_come_through_signed_urls_that_only_this_link_accepts(
    editor: Membership, portraits: list[Image]
) -> None:
    link, token = make_link(editor, portraits)
    other_link, other_token = make_link(editor, portraits)
    client = Client()
    thumb, *_ = _image_urls(open_page(client, token))

    served = client.get(thumb)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["Referrer-Policy"] == "same-origin"
    assert served["Cache-Control"].startswith("private, max-age=")
    stored = b"".join(storage.open_chunks(portraits[0].thumbnail.name))
    assert served.getvalue() == stored

    ticket = thumb.rstrip("/").rsplit("/", 1)[-1]
    other = reverse("gallery:shared_image", args=[other_token, ticket])
    assert client.get(other).status_code == 404  # another link's ticket
    forged = ticket.replace("1.thumbnail", "2.thumbnail")
    assert client.get(thumb.replace(ticket, forged)).status_code == 404
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(thumb).status_code == 404  # revoked: its images stop at once
    assert other_link.is_live()


def test_an_image_url_expires(editor: Membership, portraits: list[Image], settings) -> None:
    link, token = make_link(editor, portraits)
    client = Client()
    thumb, *_ = _image_urls(open_page(client, token))
    assert client.get(thumb).status_code == 200
    ticket = thumb.rstrip("/").rsplit("/", 1)[-1]

    class SignedEarlier(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - settings.SHARE_IMAGE_URL_SECONDS - 5)

    # The same ticket, signed just too long ago.
    stale = SignedEarlier(salt=f"gallery.share-image:{link.pk}").sign("1.thumbnail")
    assert client.get(thumb.replace(ticket, stale)).status_code == 404


def test_a_download_is_named_after_the_persona_and_position(
    editor: Membership, portraits: list[Image]
) -> None:
    _, token = make_link(editor, portraits)
    html = open_page(Client(), token)
    download = re.findall(r'href="([^"]+)">Download portrait 1<', html)[0]
    served = Client().get(download)
    assert served.status_code == 200
    assert served["Content-Disposition"] == 'attachment; filename="maya-costa-1.png"'
    # The exported copy every download is: the stored pixels, marked as made by a model.
    stored = b"".join(storage.open_chunks(portraits[0].original.name))
    assert pixels(served.getvalue()) == pixels(stored)
    assert TRAINED in xmp_of(served.getvalue())


def test_a_download_carries_our_content_credentials(
    editor: Membership, portraits: list[Image], settings, tmp_path
) -> None:
    signing_with_dev_chain(settings, tmp_path)
    _, token = make_link(editor, portraits)
    download = re.findall(r'href="([^"]+)">Download portrait 1<', open_page(Client(), token))[0]
    store = manifest_store(Client().get(download).getvalue())
    assert store.problems == []
    assert [(a["action"], a["softwareAgent"]["name"]) for a in store.actions()] == [
        ("c2pa.created", "Built-in renderer")
    ]


def test_a_watermarked_download_is_marked_but_not_signed(
    editor: Membership, portraits: list[Image], settings, tmp_path
) -> None:
    """A manifest would vouch for pixels the watermark has changed since: the XMP marking only."""
    signing_with_dev_chain(settings, tmp_path)
    _, token = make_link(editor, portraits, watermark=True)
    download = re.findall(r'href="([^"]+)">Download portrait 1<', open_page(Client(), token))[0]
    served = Client().get(download).getvalue()
    assert TRAINED in xmp_of(served)
    assert not has_manifest(served)
    assert pixels(served) != pixels(b"".join(storage.open_chunks(portraits[0].original.name)))


def test_a_watermark_is_drawn_on_what_is_served_never_on_what_is_stored(
    editor: Membership, portraits: list[Image]
) -> None:
    _, token = make_link(editor, portraits, watermark=True)
    client = Client()
    thumb, *_ = _image_urls(open_page(client, token))
    before = b"".join(storage.open_chunks(portraits[0].thumbnail.name))

    served = client.get(thumb)

    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served.content != before
    assert served.content[8:12] == b"WEBP"
    assert b"".join(storage.open_chunks(portraits[0].thumbnail.name)) == before


def test_a_password_keeps_the_portraits_hidden_until_given(
    editor: Membership, portraits: list[Image]
) -> None:
    link, token = make_link(editor, portraits, password="open sesame")
    client = Client()
    locked = open_page(client, token)
    assert "protected by a password" in locked
    assert _image_urls(locked) == []
    link.refresh_from_db()
    assert link.view_count == 0

    wrong = client.post(reverse("gallery:shared_unlock", args=[token]), {"password": "nope"})
    assert wrong.status_code == 403
    assert "That password is not right." in wrong.content.decode()

    right = client.post(reverse("gallery:shared_unlock", args=[token]), {"password": "open sesame"})
    assert right.status_code == 302
    assert len(_image_urls(open_page(client, token))) == 2
    # Another browser has not given it.
    assert _image_urls(open_page(Client(), token)) == []


def test_guessing_passwords_is_rate_limited_per_link_and_address(
    editor: Membership, portraits: list[Image], limits: Limits
) -> None:
    limits("share_password", user="3/minute", workspace="50/minute")
    _, token = make_link(editor, portraits, password="open sesame")
    _, other = make_link(editor, portraits, password="open sesame")
    url = reverse("gallery:shared_unlock", args=[token])
    client = Client()
    for _ in range(3):
        assert client.post(url, {"password": "guess"}).status_code == 403

    refused = client.post(url, {"password": "open sesame"})

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "faster than this link allows. Try again in 40 seconds." in refused.content.decode()
    assert _image_urls(open_page(client, token)) == []
    # The same address on another link, or another address on this one, is not held back.
    other_url = reverse("gallery:shared_unlock", args=[other])
    assert client.post(other_url, {"password": "open sesame"}).status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.post(url, {"password": "open sesame"}).status_code == 302


def test_a_member_without_two_factor_still_opens_a_share_link(
    world: World, editor: Membership, portraits: list[Image]
) -> None:
    """Share pages are for people without an account: a signed-in member whose workspace
    requires two-factor sign-in they have not set up is not sent to set it up."""
    _, token = make_link(editor, portraits)
    world.team.require_two_factor = True
    world.team.save()
    member = Client()
    member.force_login(world.viewer)
    session = member.session
    session["workspace_id"] = str(world.team.pk)
    session.save()
    assert (
        member.get(reverse("gallery:persona_gallery", args=[portraits[0].persona_id])).status_code
        == 302
    )
    assert member.get(shared_url(token)).status_code == 200
