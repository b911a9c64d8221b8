"""A ZIP of chosen portraits, streamed while it is built.

Python's zipfile writes into a pipe that the response's generator empties after every chunk, so
the first bytes leave before the second image is read and memory holds one image at a time,
whatever the number or size of the images. Chosen over a streaming-ZIP library: the standard
library's writer handles unseekable output (data descriptors after each entry) and ZIP64 when the
archive passes 4 GB, and it is one dependency fewer to keep patched. Entries are STORED: PNG,
JPEG and WebP are compressed already, so deflating them would cost CPU for nothing.

Each entry is the image's exported copy (gallery.credentials: the "made by AI" marking and our
Content Credentials), made as the entry is written: signing hashes the whole image, so one image
at a time is held (at most the 10 MB the safety checks allow), never the archive. One that is
missing does not break the download: it is left out, listed in MISSING.txt, and its manifest
row says so. Images without a picture (failed, cancelled, still being made) are listed the same
way. manifest.csv describes every image asked for.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from avatarapp.spreadsheet import safe_cell
from catalog import model_name
from gallery import credentials
from gallery.download_names import download_name
from generation import storage
from generation.models import Image

MANIFEST_COLUMNS = [
    "file", "persona", "style", "model", "prompt", "size", "seed", "cost", "created", "note",
]  # fmt: skip
MISSING_NOTE = "missing from storage; see MISSING.txt"


def zip_response(images: Iterable[Image], filename: str) -> StreamingHttpResponse:
    return zip_attachment(_stream(images), filename)


def zip_attachment(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    """A ZIP streamed as it is written (by a ZipPipe's reader), saved by the browser as
    `filename`."""
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Accel-Buffering"] = "no"  # a proxy (nginx) passes it on as it comes
    return response


class ZipPipe(io.RawIOBase):
    """What zipfile writes into; the generator takes out what has been written so far. Not
    seekable, so zipfile writes sizes after each entry instead of seeking back."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


@dataclass
class _Contents:
    rows: list[list[str]]
    missing: list[str]  # lines for MISSING.txt
    no_picture: list[str]
    names: set[str]

    def unique(self, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        candidate, number = name, 1
        while candidate in self.names:
            number += 1
            candidate = f"{stem}-{number}{dot}{extension}"
        self.names.add(candidate)
        return candidate


def _stream(images: Iterable[Image]) -> Iterator[bytes]:
    pipe = ZipPipe()
    contents = _Contents(rows=[], missing=[], no_picture=[], names=set())
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        for image in images:
            if not image.is_done or not image.original.name:
                contents.no_picture.append(f"- {_describe(image)}: {image.get_status_display()}")
                contents.rows.append(_row(image, "", f"not included: {_no_picture(image)}"))
                continue
            name = download_name(image)
            try:
                chunks = storage.open_chunks(image.original.name)
            except FileNotFoundError:
                contents.missing.append(f"- {name} ({_describe(image)})")
                contents.rows.append(_row(image, "", MISSING_NOTE))
                continue
            name = contents.unique(name)
            with closing(chunks):
                signed = credentials.exported(image, b"".join(chunks))
            with archive.open(zip_entry(name, image.created_at), "w") as entry:
                for start in range(0, len(signed), storage.READ_CHUNK):
                    entry.write(signed[start : start + storage.READ_CHUNK])
                    yield pipe.take()
            contents.rows.append(_row(image, name, ""))
        archive.writestr(zip_entry("manifest.csv", timezone.now()), _manifest(contents.rows))
        if contents.missing or contents.no_picture:
            archive.writestr(zip_entry("MISSING.txt", timezone.now()), _missing_text(contents))
    yield pipe.take()


def zip_entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=timezone.localtime(moment).timetuple()[:6])
    entry.compress_type = zipfile.ZIP_STORED
    entry.external_attr = 0o644 << 16  # readable once unzipped
    return entry


def _describe(image: Image) -> str:
    made = f"made {image.created_at:%Y-%m-%d}"
    return f"{image.persona_name}, {image.style_name}, {model_name(image.model_id)}, {made}"


def _no_picture(image: Image) -> str:
    if image.is_final:
        return f"{image.get_status_display().lower()}, so there is no picture"
    return "still being made"


def _row(image: Image, file: str, note: str) -> list[str]:
    size = f"{image.width}x{image.height}" if image.width and image.height else ""
    cost = "" if image.actual_usd is None else format(image.actual_usd.normalize(), "f")
    return [
        file,
        image.persona_name,
        image.style_name,
        model_name(image.model_id),
        image.prompt,
        size,
        str(image.seed),
        cost,
        image.created_at.isoformat(timespec="seconds"),
        note,
    ]


def _manifest(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    # With a byte-order mark, Excel reads the file as UTF-8 (accents in names stay intact).
    return text.getvalue().encode("utf-8-sig")


def _missing_text(contents: _Contents) -> bytes:
    lines = ["Some of the images you chose are not in this ZIP.", ""]
    if contents.missing:
        lines += [
            "Missing from storage (the file could not be found; if this keeps happening,",
            "tell whoever runs avatarapp for your team):",
            *contents.missing,
            "",
        ]
    if contents.no_picture:
        lines += ["Not included because they have no picture:", *contents.no_picture, ""]
    return "\n".join(lines).encode()
