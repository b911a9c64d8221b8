"""From an Image row to a ready provider call: pick the key, decrypt it just in time, build the
adapter for the model's provider and the request value object.

This is the one place the pipeline meets Django models for a provider call; the adapters in
providers/ stay plain Python (ARCHITECTURE.md rule 7). The key is decrypted here, inside the
worker, and lives only in the adapter for the length of the call (rule 5).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from generation.catalog import get_model
from generation.models import Image
from generation.providers.base import (
    ErrorKind,
    GenerationResult,
    ImageRequest,
    PendingTask,
    PermanentError,
    PollOutcome,
    ReferenceImage,
    Secret,
)
from generation.providers.bfl import BflClient
from generation.providers.builtin import BuiltinProvider, Look
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages


@dataclass
class ProviderCall:
    asynchronous: bool
    key_id: uuid.UUID | None = None
    workspace_price: Decimal | None = None
    _generate: Callable[[], GenerationResult] | None = None
    _submit: Callable[[], PendingTask] | None = None
    _poll: Callable[[PendingTask], PollOutcome] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def generate(self) -> GenerationResult:
        assert self._generate is not None
        return self._generate()

    def submit(self) -> PendingTask:
        assert self._submit is not None
        return self._submit()

    def poll(self, task: PendingTask) -> PollOutcome:
        assert self._poll is not None
        return self._poll(task)


def build_request(image: Image, with_references: bool = True) -> ImageRequest:
    fields = dict(image.request_fields)
    fields.pop("look", None)
    references: tuple[ReferenceImage, ...] = ()
    if with_references and image.persona_id:
        references = tuple(
            ReferenceImage(default_storage.open(ref.storage_name).read(), ref.content_type)
            for ref in image.persona.references.all()  # type: ignore[union-attr]
        )
    return ImageRequest(prompt=image.prompt, seed=image.seed, references=references, **fields)


def _bfl_client(secret: Secret, region: str) -> BflClient:
    delivery = settings.BFL_DELIVERY_HOSTS
    return BflClient(
        secret,
        base_url=settings.BFL_BASE_URLS[region],
        delivery_host_suffixes=tuple(delivery),
        delivery_scheme=str(settings.BFL_DELIVERY_SCHEME),
    )


def prepare_call(image: Image) -> ProviderCall:
    model = get_model(image.model_id)
    provider = str(model.provider)
    if provider == "builtin":
        look = Look(**image.request_fields.get("look", {}))
        request = build_request(image, with_references=False)
        return ProviderCall(
            asynchronous=False,
            workspace_price=None,
            _generate=lambda: BuiltinProvider().generate(request, look),
        )
    from generation.keychoice import choose_key

    chosen = choose_key(image, provider)
    request = build_request(image)
    if provider == "openai":
        openai = OpenAIImages(chosen.secret, base_url=settings.OPENAI_BASE_URL)
        return ProviderCall(False, chosen.key_id, _generate=lambda: openai.generate(request))
    if provider == "google":
        google = GeminiImages(chosen.secret, base_url=settings.GOOGLE_BASE_URL)
        return ProviderCall(False, chosen.key_id, _generate=lambda: google.generate(request))
    if provider == "bfl":
        bfl = _bfl_client(chosen.secret, chosen.region or "global")
        return ProviderCall(
            True, chosen.key_id, _submit=lambda: bfl.submit(request), _poll=bfl.poll
        )
    if provider == "openai_compatible":
        compatible = chosen.compatible_client()
        return ProviderCall(
            False,
            chosen.key_id,
            workspace_price=chosen.workspace_price,
            _generate=lambda: compatible.generate(request),
        )
    raise PermanentError(
        f"{model.display_name} cannot be generated here yet.", kind=ErrorKind.INVALID
    )


def mark_key_refused(key_id: Any, message: str) -> None:
    from generation.keychoice import mark_refused

    mark_refused(key_id, message)
