"""A ZIP of many photo-like portraits through the real bulk endpoint: time to the first
byte, total time and size, and how much the web process grows while it streams.

The originals are JPEGs of a few hundred KB (smooth colour fields under sensor-like noise, which
compress like a photo), stored in the bench's S3 server under the image rows' own names. A few
distinct pictures are encoded once; each object differs from the others by a JPEG comment, so no
two are the same bytes. The ZIP is asked for as a browser asks, a POST of the bulk form with the
selected ids, from gunicorn started as the pipeline's web process is (bench.__main__) but with one
worker: a small ZIP first warms that worker (Django, the bulk view, the S3 client), so what is
measured is the streaming, and the worker that streams is the one measured. Memory is the
resident size (VmRSS) of gunicorn and its worker together, sampled every 20 ms.
"""

from __future__ import annotations

import io
import random
import secrets
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PIL import Image as Picture

from bench.procs import Children, Group, Sampler, free_port, wait_for_port, web_argv
from bench.stats import ms
from generation.models import Image

DISTINCT = 8  # pictures encoded; the rest are these with another comment
SIDE = 1024
WARM_IMAGES = 20


@dataclass
class ZipResult:
    images: int
    stored_bytes: int  # the originals, together
    first_byte_ms: float
    total_seconds: float
    zip_bytes: int
    entries: int  # files in the ZIP (the images, manifest.csv, MISSING.txt if any)
    missing: bool  # a MISSING.txt came with it
    rss_before_kb: int
    rss_peak_kb: int
    store_seconds: float
    error: str  # why the download stopped short, if it did

    @property
    def growth_mb(self) -> float:
        return (self.rss_peak_kb - self.rss_before_kb) / 1024


def photo_like_jpeg(seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311 (test data, not a secret)
    small = Picture.frombytes(
        "RGB", (24, 24), bytes(rng.randrange(256) for _ in range(24 * 24 * 3))
    )
    base = small.resize((SIDE, SIDE), Picture.Resampling.BICUBIC)
    noise = Picture.effect_noise((SIDE, SIDE), 24).convert("RGB")
    out = io.BytesIO()
    Picture.blend(base, noise, 0.2).save(out, "JPEG", quality=90)
    return out.getvalue()


def _with_comment(jpeg: bytes, text: str) -> bytes:
    """The same picture with a COM segment after the start marker: other bytes, same image."""
    body = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(body) + 2).to_bytes(2, "big") + body + jpeg[2:]


def store_originals(images: list[Image]) -> int:
    """Write a photo-like original for each image under its `original` name; returns the bytes."""
    from generation import storage

    pictures = [photo_like_jpeg(seed) for seed in range(DISTINCT)]
    objects = [
        (image.original.name, _with_comment(pictures[n % DISTINCT], f"bench {image.pk}"))
        for n, image in enumerate(images)
    ]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: storage._put(*item), objects))
    return sum(len(data) for _, data in objects)


def run_zip(
    children: Children, env: dict[str, str], state: Path, user: Any, workspace_id: Any, count: int
) -> ZipResult:
    """The ZIP of the workspace's newest `count` portraits, from a gunicorn started for it."""
    from avatarapp.workspaces.models import Workspace
    from bench.world import session_for

    port = free_port()
    argv = web_argv(port, workers=1)
    web = Group("web", [children.start("web-zip", argv, env, state / "web-zip.log")])
    try:
        wait_for_port(port, 60, "gunicorn")
        newest = Image.objects.filter(
            workspace_id=workspace_id, status=Image.Status.SUCCEEDED, deleted_at=None
        ).order_by("-created_at")
        session_key = session_for(user, Workspace.objects.get(pk=workspace_id))
        images = list(newest[:count])
        return measure_zip(web, port, session_key, workspace_id, images, state / "bench.zip")
    finally:
        children.stop("web-zip")


def measure_zip(
    web: Group, port: int, session_key: str, workspace_id: Any, images: list[Image], out: Path
) -> ZipResult:
    started = time.perf_counter()
    stored = store_originals(images)
    store_seconds = time.perf_counter() - started
    _download(port, session_key, workspace_id, images[:WARM_IMAGES], out)
    before = web.rss_kb()
    sampler = Sampler(web, interval=0.02).start()
    error, started = "", time.perf_counter()
    try:
        first_byte, total, size = _download(port, session_key, workspace_id, images, out)
    except httpx.HTTPError as failure:  # e.g. the worker was stopped halfway
        error, total, first_byte, size = repr(failure), time.perf_counter() - started, 0.0, 0
    finally:
        sampler.stop()
    try:
        with zipfile.ZipFile(out) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as failure:
        names, error = [], error or repr(failure)
    out.unlink()
    return ZipResult(
        images=len(images),
        stored_bytes=stored,
        first_byte_ms=first_byte,
        total_seconds=total,
        zip_bytes=size,
        entries=len(names),
        missing="MISSING.txt" in names,
        rss_before_kb=before,
        rss_peak_kb=max(sampler.peak_kb, before),
        store_seconds=store_seconds,
        error=error,
    )


def _download(
    port: int, session_key: str, workspace_id: Any, images: list[Image], out: Path
) -> tuple[float, float, int]:
    """POST the bulk form's "Download ZIP" for `images`; (ms to the first byte, s, bytes)."""
    token = secrets.token_hex(16)  # a CSRF secret, sent as cookie and header like a browser
    form = {
        "action": "zip",
        "workspace": str(workspace_id),
        "images": ",".join(str(image.pk) for image in images),
    }
    headers = {"Cookie": f"sessionid={session_key}; csrftoken={token}", "X-CSRFToken": token}
    url = f"http://127.0.0.1:{port}/gallery/bulk/"
    size, first_byte = 0, 0.0
    started = time.perf_counter()
    with (
        httpx.stream("POST", url, data=form, headers=headers, timeout=120) as response,
        out.open("wb") as file,
    ):
        if response.status_code != 200 or response.headers["content-type"] != "application/zip":
            raise RuntimeError(
                f"the ZIP answered {response.status_code}: {response.read()[:300]!r}"
            )
        for chunk in response.iter_raw():
            if not size:
                first_byte = ms(time.perf_counter() - started)
            size += len(chunk)
            file.write(chunk)
    return first_byte, time.perf_counter() - started, size
