"""The bytes behind a stored-file URL, as a browser would end up with them."""

from __future__ import annotations

from typing import Any

import httpx


def served_bytes(response: Any) -> bytes:
    """Local storage streams the file itself; S3 answers with a redirect to a short-lived presigned
    URL (never a public one), which is followed to the storage server, as a browser would."""
    if response.status_code == 302:
        location = response["Location"]
        assert "X-Amz-Signature" in location, location
        stored = httpx.get(location, timeout=30)
        assert stored.status_code == 200, stored.text[:300]
        return stored.content
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)
