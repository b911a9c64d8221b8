"""Submitting batches the way a browser does: a real HTTP POST of the Generate form to the app
served by gunicorn, with a logged-in session cookie and a CSRF token."""

from __future__ import annotations

import http.client
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Submitted:
    job_id: uuid.UUID
    images: int
    posted: float  # wall clock when the POST started
    answered: float  # wall clock when the redirect came back


@dataclass(frozen=True)
class BatchShape:
    model: str
    style: str
    aspect_ratio: str
    resolution: str
    quality: str


def chunks(persona_ids: list[str]) -> list[list[str]]:
    """Batches as big as one Generate POST may ask for (after django.setup())."""
    from generation.services import MAX_IMAGES_PER_JOB as size

    return [persona_ids[i : i + size] for i in range(0, len(persona_ids), size)]


def post_batch(port: int, session_key: str, persona_ids: list[str], shape: BatchShape) -> Submitted:
    """One Generate POST: one image per persona (one style, one model, one per combination)."""
    token = secrets.token_hex(16)  # a CSRF secret: 32 characters, sent as cookie and header
    fields = [("personas", pk) for pk in persona_ids] + [
        ("styles", shape.style),
        ("models", shape.model),
        ("per_combination", "1"),
        ("aspect_ratio", shape.aspect_ratio),
        ("resolution", shape.resolution),
        ("quality", shape.quality),
    ]
    body = urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session_key}; csrftoken={token}",
        "X-CSRFToken": token,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    posted = time.time()
    try:
        conn.request("POST", "/generate/", body, headers)
        response = conn.getresponse()
        content = response.read()
        answered = time.time()
        location = response.getheader("Location") or ""
    finally:
        conn.close()
    if response.status != 302 or "/jobs/" not in location:
        raise RuntimeError(
            f"Generate answered {response.status} (Location {location!r}) instead of a redirect to "
            f"the job page: {content[:400]!r}"
        )
    job_id = uuid.UUID(location.rstrip("/").rsplit("/", 1)[1])
    return Submitted(job_id, len(persona_ids), posted, answered)
