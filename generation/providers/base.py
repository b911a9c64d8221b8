"""What every provider adapter takes and returns, and the one error taxonomy they all raise.

Adapters are plain Python: they import nothing from Django models, so they
can be tested alone against the emulator and reused by the benchmark.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from catalog.usage import Usage


class Endpoint(NamedTuple):
    """Where one key's requests go, as stored with the key: a region (BFL), or the URL of a
    server the user runs (OpenAI-compatible) and the model name it expects. Empty for providers
    with one address."""

    region: str = ""
    base_url: str = ""
    model: str = ""  # a server of the user's: its own name for the model; empty: the catalog's


@dataclass(frozen=True)
class ReferenceImage:
    data: bytes
    mime_type: str  # image/png, image/jpeg or image/webp


@dataclass(frozen=True)
class ImageRequest:
    """One call's parameters, already in the provider's own vocabulary (the catalog maps the
    user's aspect ratio, resolution class and quality onto these)."""

    model: str  # the provider's model id, e.g. "gpt-image-2" or "flux-2-pro"
    prompt: str
    width: int | None = None
    height: int | None = None
    aspect_ratio: str | None = None  # for APIs that take a ratio (FLUX Ultra, Gemini)
    image_size: str | None = None  # Gemini's "1K" / "2K" / "4K"
    quality: str | None = None
    output_format: str = "png"
    seed: int | None = None
    references: tuple[ReferenceImage, ...] = ()
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    mime_type: str
    width: int
    height: int


@dataclass(frozen=True)
class GenerationResult:
    images: tuple[GeneratedImage, ...]
    usage: Usage
    request_id: str | None = None


@dataclass(frozen=True)
class PendingTask:
    """An asynchronous provider's receipt (BFL): poll `polling_url` exactly as returned."""

    task_id: str
    polling_url: str
    credits: Decimal | None = None


@dataclass(frozen=True)
class PollOutcome:
    """`result` is None while the provider is still working."""

    result: GenerationResult | None
    progress: float | None = None


@dataclass(frozen=True)
class TaskStatus:
    """What an asynchronous provider says of a submitted task, without collecting its result:
    asked by a person checking an image flagged "needs checking" (generation.provider_check)."""

    finished: bool
    failed: str = ""  # finished without an image: why, as the provider put it
    credits: Decimal | None = None  # BFL credits the task cost, when the answer names them


class KeyStatus(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # refused: wrong, revoked, or a key for another provider
    RESTRICTED = "restricted"  # the key works, but the account cannot use some models yet
    UNREACHABLE = "unreachable"  # no answer: says nothing about the key; try again later


@dataclass(frozen=True)
class KeyCheck:
    status: KeyStatus
    message: str
    balance: Decimal | None = None  # BFL credits, when the provider reports them
    # The image models the free list the check read named (OpenAI, Google), for
    # generation.model_lists; None where the check reads no list.
    model_ids: frozenset[str] | None = None

    @property
    def valid(self) -> bool:
        return self.status in (KeyStatus.VALID, KeyStatus.RESTRICTED)


class ErrorKind(enum.StrEnum):
    AUTH = "auth"  # bad or revoked key
    FORBIDDEN = "forbidden"  # key fine, account cannot use this (e.g. organisation verification)
    QUOTA = "quota"  # out of credit or quota
    MODERATION = "moderation"  # refused by the provider's safety system
    INVALID = "invalid"  # parameters the provider rejects
    RETIRED_MODEL = "retired_model"  # unknown or shut-down model
    RESULT_EXPIRED = "result_expired"  # the result is gone (BFL Task not found, expired URL)
    FAILED = "failed"  # the provider reported a failure of its own


class ProviderError(Exception):
    """Base of the taxonomy. `user_message` is a sentence a person can act on, free of secrets."""

    def __init__(self, user_message: str, *, provider_code: str | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.provider_code = provider_code


class RetryableError(ProviderError):
    """Timeouts before the request was sent, 429 rate limits, 5xx: try again after a backoff."""

    def __init__(
        self,
        user_message: str,
        *,
        retry_after: float | None = None,
        provider_code: str | None = None,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(user_message, provider_code=provider_code)
        self.retry_after = retry_after
        # A 429 for this key: another key of the same provider may go through at once.
        self.rate_limited = rate_limited


class PermanentError(ProviderError):
    """Fails the image at once: retrying would give the same answer (or bill again)."""

    def __init__(
        self, user_message: str, *, kind: ErrorKind, provider_code: str | None = None
    ) -> None:
        super().__init__(user_message, provider_code=provider_code)
        self.kind = kind


class AmbiguousError(ProviderError):
    """The request may have reached the provider (e.g. a read timeout after sending): it may be
    running and billed. Never resubmit blindly; mark the image for reconciliation."""
