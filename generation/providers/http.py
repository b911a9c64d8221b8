"""HTTP plumbing the adapters share: timeouts, transport errors mapped onto the taxonomy, and
`retry-after` parsing.

Provider messages are passed on as the provider wrote them; providers sometimes echo part of the
key ("Incorrect API key provided: sk-abc..."), so the app scrubs them where they come in: the call
dispatch (generation.provider_call) and the key check (generation.provider_keys.checks), with the
registry's patterns (generation.providers.redaction). The adapters cannot use those patterns
themselves: the registry is built from the adapters."""

from __future__ import annotations

import email.utils
import io
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import httpx2
from PIL import Image

from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    GeneratedImage,
    PermanentError,
    ProviderError,
    RetryableError,
)

# Connect fast or give up; reading waits for the provider to draw (gpt-image-2 at high quality can
# take minutes). Both stay below the Celery soft time limit (240 s by default).
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=200.0, write=30.0, pool=5.0)
SDK_TIMEOUT = httpx2.Timeout(connect=5.0, read=200.0, write=30.0, pool=5.0)
POLL_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)


@dataclass(frozen=True)
class HostAllowlist:
    """Where an adapter may send a request to a URL the provider named (a polling URL, a result
    download) rather than one it built itself. A provider's answer is data from the network: if it
    could name any host, a key or a fetch could be steered anywhere.

    `hosts` are exact host names, or ".example.com" for that domain and every name below it.
    """

    scheme: str
    hosts: tuple[str, ...]

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            return False
        if parts.scheme != self.scheme or parts.username is not None or parts.password is not None:
            return False
        host = (parts.hostname or "").lower()
        return bool(host) and any(
            host == entry.lstrip(".") or (entry.startswith(".") and host.endswith(entry))
            for entry in self.hosts
        )


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """`retry-after-ms` (OpenAI), then `retry-after` as seconds or an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - (now if now is not None else time.time()))


# httpx for our own calls; httpx2 inside the openai SDK (3.x), which ships its own fork.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
)


def transport_error(exc: Exception, *, provider: str, idempotent: bool) -> ProviderError:
    """A failure with no HTTP answer. Before the request left (connect errors, no free
    connection) it is safe to retry. After it left, a POST may have started billable work, so it is
    ambiguous; a GET (a poll, a download) is safe to repeat."""
    not_sent = isinstance(exc, _NOT_SENT)
    if not_sent or idempotent:
        return RetryableError(f"Could not reach {provider}. We will try again shortly.")
    return AmbiguousError(
        f"{provider} did not answer in time after receiving the request; it may still have "
        "made (and billed) the image, so we will not send it again automatically."
    )


def generated_image(data: bytes, *, provider: str) -> GeneratedImage:
    """Wrap a provider's image bytes, reading only the header. The pipeline decodes and re-encodes
    the image later through the image safety checks; here we only refuse what is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            fmt = (image.format or "").lower()
    except (OSError, ValueError):
        raise PermanentError(
            f"{provider} returned something that is not an image.", kind=ErrorKind.FAILED
        ) from None
    return GeneratedImage(data=data, mime_type=f"image/{fmt}", width=width, height=height)
