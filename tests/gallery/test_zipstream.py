"""The streamed ZIP (gallery.zipstream): what is inside (readable unique names, manifest.csv,
MISSING.txt), that it leaves before it is built, and that memory stays flat however big it is
(one image at a time: each entry is signed as it is written, gallery.credentials).
Objects live in the real storage (the S3 server under make test)."""

from __future__ import annotations

import csv
import io
import os
import tracemalloc
import uuid
import zipfile
from collections.abc import AsyncIterator, Generator, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from PIL import Image as PILImage

from gallery.zipstream import zip_response
from generation import storage
from generation.models import Image, Job
from personas.models import Persona
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.provenance.support import has_manifest, pixels

pytestmark = pytest.mark.django_db


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    picture = PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    picture.save(out, "PNG", compress_level=1)
    return out.getvalue()


def stored(job: Job, persona: Persona, data: bytes, **fields: Any) -> Image:
    image = make_image(job, persona, width=64, height=64, format="png", **fields)
    name = f"images/{image.workspace_id}/{image.pk}/original.png"
    default_storage.delete(name)
    image.original.name = default_storage.save(name, ContentFile(data))
    image.save()
    return image


def chunks(response: StreamingHttpResponse) -> Iterator[bytes]:
    content = response.streaming_content
    assert not isinstance(content, AsyncIterator)
    return iter(content)


def unzip(response: StreamingHttpResponse) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks(response))))


@pytest.fixture
def editor(world: World):
    return world.membership("editor")


def test_names_manifest_and_what_is_missing(editor) -> None:
    job, persona = make_job(editor), make_persona(editor, name="Mia Chen")
    png = noise_png(48)
    # Two images whose readable names would collide (same day, same first 8 hex digits).
    first = stored(job, persona, png, id=uuid.UUID("3f9a1c2b-0000-4000-8000-000000000001"))
    second = stored(
        job, persona, noise_png(48), id=uuid.UUID("3f9a1c2b-0000-4000-8000-000000000002")
    )
    sneaky = stored(
        job, make_persona(editor, name="=HYPERLINK(1)"), png, actual_usd=Decimal("0.0055")
    )
    lost = stored(job, persona, png)
    default_storage.delete(lost.original.name)  # the object is gone, the row still names it
    failed = make_image(job, persona, status=Image.Status.FAILED)

    response = zip_response([first, second, sneaky, lost, failed], "Mia's portraits.zip")

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="Mia\'s portraits.zip"'
    archive = unzip(response)
    stamp = first.created_at.strftime("%Y%m%d")
    first_name = f"mia-chen-corporate-gpt-image-2-{stamp}-3f9a1c2b.png"
    second_name = f"mia-chen-corporate-gpt-image-2-{stamp}-3f9a1c2b-2.png"
    sneaky_name = f"hyperlink1-corporate-gpt-image-2-{stamp}-{sneaky.pk.hex[:8]}.png"
    assert archive.namelist() == [
        first_name, second_name, sneaky_name, "manifest.csv", "MISSING.txt"
    ]  # fmt: skip
    # Each entry is the exported copy: the stored pixels, with our Content Credentials.
    assert pixels(archive.read(first_name)) == pixels(png)
    assert has_manifest(archive.read(first_name))
    assert archive.read(second_name) != archive.read(first_name)
    assert archive.testzip() is None  # every CRC checks out

    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [row["file"] for row in rows] == [first_name, second_name, sneaky_name, "", ""]
    assert rows[0]["persona"] == "Mia Chen"
    assert rows[0]["model"] == "GPT Image 2"
    assert rows[0]["prompt"] == first.prompt
    assert (rows[0]["size"], rows[0]["seed"]) == ("64x64", "7")
    assert rows[0]["created"] == first.created_at.isoformat(timespec="seconds")
    assert rows[2]["persona"] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it
    assert rows[2]["cost"] == "0.0055"
    assert rows[3]["note"] == "missing from storage; see MISSING.txt"
    assert rows[4]["note"] == "not included: failed, so there is no picture"

    missing = archive.read("MISSING.txt").decode()
    assert f"- mia-chen-corporate-gpt-image-2-{stamp}-{lost.pk.hex[:8]}.png (Mia Chen" in missing
    assert "Not included because they have no picture:\n- Mia Chen, Corporate, GPT Image 2" in (
        missing
    )
    assert missing.rstrip().endswith(": Failed")


def test_no_missing_txt_when_everything_is_there(editor) -> None:
    job, persona = make_job(editor), make_persona(editor)
    images = [stored(job, persona, noise_png(16)) for _ in range(3)]
    names = unzip(zip_response(images, "three.zip")).namelist()
    assert len(names) == 4
    assert names[-1] == "manifest.csv"


@pytest.fixture
def fifty(editor) -> list[Image]:
    """50 images of a photo-like (incompressible) 1.2 MB PNG: one object in storage, which every
    row names, so the test uploads it once and streams it 50 times."""
    job, persona = make_job(editor), make_persona(editor)
    first = stored(job, persona, noise_png(640))
    rest = [
        make_image(job, persona, width=640, height=640, format="png", original=first.original.name)
        for _ in range(49)
    ]
    return [first, *rest]


def test_the_first_bytes_leave_before_the_zip_is_built(fifty, monkeypatch) -> None:
    opened: list[str] = []
    open_chunks = storage.open_chunks

    def counted(name: str, chunk_size: int = storage.READ_CHUNK) -> Generator[bytes, None, None]:
        opened.append(name)
        return open_chunks(name, chunk_size)

    monkeypatch.setattr(storage, "open_chunks", counted)
    stream = chunks(zip_response(fifty, "fifty.zip"))

    first = next(stream)

    assert first.startswith(b"PK\x03\x04")  # a local file header: the ZIP has begun
    assert len(opened) == 1 < len(fifty)


def test_memory_stays_flat_however_big_the_zip(fifty) -> None:
    b"".join(chunks(zip_response(fifty[:1], "warm-up.zip")))  # the S3 client, once
    total = 0
    tracemalloc.start()
    try:
        for chunk in chunks(zip_response(fifty, "fifty.zip")):
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # 60 MB went out through a few copies of one image: signing holds the image whole (the
    # original, its marked copy, the signed copy as it grows), never two images, nor the ZIP.
    assert total > 50 * 1_200_000
    assert peak < 6 * 1_200_000
