"""From an Image row to a ready provider call: pick the key, decrypt it just in time, build the
client for the model's provider (its registry entry says how) and the request value object.

This is the one place the pipeline meets Django models for a provider call; the adapters in
providers/ stay plain Python, free of Django. The key is decrypted here, inside the worker, and
lives only in the client for the length of the call. Provider messages are scrubbed of key-shaped
text here too, as they come in (the adapters pass them on as written).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet

from catalog import CatalogModel, get_model
from generation import storage
from generation.key_selection import choose_key
from generation.models import Image, Origin
from generation.providers.base import (
    Endpoint,
    ErrorKind,
    GenerationResult,
    ImageRequest,
    PendingTask,
    PermanentError,
    PollOutcome,
    ProviderError,
    ReferenceImage,
    TaskStatus,
)
from generation.providers.redaction import redact
from generation.providers.registry import (
    REGISTRY,
    AsyncClient,
    Cancellable,
    ProviderEntry,
    StatusTelling,
    SyncClient,
)
from personas.models import ReferenceImage as PersonaReference

# Request fields that are not ImageRequest's own, passed on in `extra`: the built-in renderer's
# look and scene, and an edit's input_fidelity (generation.edits).
_EXTRA_FIELDS = ("look", "scene", "input_fidelity")


@contextmanager
def _scrubbed() -> Iterator[None]:
    """A provider's message, with any echo of a key redacted, before anyone stores or shows it."""
    try:
        yield
    except ProviderError as error:
        error.user_message = redact(error.user_message)
        error.args = (error.user_message,)
        raise


@dataclass
class ProviderCall:
    asynchronous: bool
    key_id: uuid.UUID | None = None
    workspace_price: Decimal | None = None
    _generate: Callable[[], GenerationResult] | None = None
    _submit: Callable[[], PendingTask] | None = None
    _poll: Callable[[PendingTask], PollOutcome] | None = None
    _cancel: Callable[[PendingTask], bool] | None = None
    _status: Callable[[PendingTask], TaskStatus] | None = None

    def generate(self) -> GenerationResult:
        assert self._generate is not None
        with _scrubbed():
            return self._generate()

    def submit(self) -> PendingTask:
        assert self._submit is not None
        with _scrubbed():
            return self._submit()

    def poll(self, task: PendingTask) -> PollOutcome:
        assert self._poll is not None
        with _scrubbed():
            return self._poll(task)

    def status(self, task: PendingTask) -> TaskStatus:
        """What the provider says became of `task`, without collecting it (provider_check)."""
        assert self._status is not None
        with _scrubbed():
            return self._status(task)

    def cancel(self, task: PendingTask) -> bool:
        """Ask the provider to drop `task`: True when it was dropped before it ran (unbilled);
        False when the provider cannot cancel, or the task ran or had finished."""
        if self._cancel is None:
            return False
        with _scrubbed():
            return self._cancel(task)


def images_for_call() -> QuerySet[Image]:
    """Rows as a provider call reads them, in one statement: with the job (its creator's keys)
    and whether the persona has reference images, so that one without costs no second query."""
    references = PersonaReference.objects.filter(persona_id=OuterRef("persona_id"))
    return Image.objects.select_related("job").annotate(has_references=Exists(references))


def reference_limit(model: CatalogModel, entry: ProviderEntry) -> int:
    """How many reference images a call may carry: what the model takes, none for a provider that
    draws without them."""
    return model.capabilities.max_references if entry.sends_references else 0


def build_request(image: Image, max_references: int) -> ImageRequest:
    """The request for `image`, with at most `max_references` of its persona's reference images
    (the first ones, as the estimate and the prompt counted them: a model that takes fewer, or
    none, is never sent more than it was priced for). An edit sends the portrait it edits."""
    references: tuple[ReferenceImage, ...] = ()
    if image.origin == Origin.EDIT:
        references = (_edited_portrait(image),)
    # A row not read through images_for_call looks its references up.
    elif max_references > 0 and image.persona_id and getattr(image, "has_references", True):
        stored = PersonaReference.objects.filter(persona_id=image.persona_id)[:max_references]
        references = tuple(
            ReferenceImage(default_storage.open(ref.storage_name).read(), ref.content_type)
            for ref in stored
        )
    return image_request(image.request_fields, image.prompt, image.seed, references)


def image_request(
    request_fields: Mapping[str, object],
    prompt: str,
    seed: int | None,
    references: tuple[ReferenceImage, ...],
) -> ImageRequest:
    """An ImageRequest from a row's stored request fields (plain: the contract tests build edit
    requests with it as the pipeline does)."""
    fields = dict(request_fields)
    extra = {name: fields.pop(name) for name in _EXTRA_FIELDS if name in fields}
    return ImageRequest(
        prompt=prompt,
        seed=seed,
        references=references,
        extra=extra,
        **fields,  # type: ignore[arg-type]
    )


def _edited_portrait(image: Image) -> ReferenceImage:
    """An edit's one input image: the stored original of the portrait it edits."""
    parents = Image.objects.filter(deleted_at=None).only("original", "format")
    parent = parents.filter(pk=image.parent_id).first() if image.parent_id else None
    try:
        if parent is None or not parent.original.name:
            raise FileNotFoundError
        data = b"".join(storage.open_chunks(parent.original.name))
    except FileNotFoundError:
        raise PermanentError(
            "The portrait this edit starts from was deleted, so there is nothing to edit.",
            kind=ErrorKind.INVALID,
        ) from None
    return ReferenceImage(data, f"image/{parent.format or 'png'}")


def _entry_for(image: Image) -> tuple[CatalogModel, ProviderEntry]:
    model = get_model(image.model_id)
    entry = REGISTRY.get(model.provider)
    if entry is None:
        raise PermanentError(
            f"{model.display_name} cannot be generated here yet.", kind=ErrorKind.INVALID
        )
    return model, entry


def prepare_call(image: Image) -> ProviderCall:
    model, entry = _entry_for(image)
    max_references = reference_limit(model, entry)
    if entry.key is None:  # the built-in renderer: no key, no network
        client = entry.build_client(None, Endpoint())
        request = build_request(image, max_references)
        return ProviderCall(False, _generate=lambda: cast(SyncClient, client).generate(request))
    chosen = choose_key(image, entry.name)
    client = entry.build_client(chosen.secret, chosen.endpoint)
    request = build_request(image, max_references)
    # The workspace's price is used only by models it prices itself (catalog WorkspacePriceRule).
    if model.is_async:
        polled = cast(AsyncClient, client)
        return ProviderCall(
            True,
            chosen.key_id,
            workspace_price=chosen.workspace_price,
            _submit=lambda: polled.submit(request),
            _poll=polled.poll,
        )
    return ProviderCall(
        False,
        chosen.key_id,
        workspace_price=chosen.workspace_price,
        _generate=lambda: cast(SyncClient, client).generate(request),
    )


def prepare_poll(image: Image) -> ProviderCall:
    """A poll (or a cancel) of an asynchronous provider needs the key and the client, not the
    request, whose reference images would otherwise be read from storage again on every poll."""
    _, entry = _entry_for(image)
    chosen = choose_key(image, entry.name)
    client = entry.build_client(chosen.secret, chosen.endpoint)
    return ProviderCall(
        True,
        chosen.key_id,
        workspace_price=chosen.workspace_price,
        _poll=cast(AsyncClient, client).poll,
        _cancel=cast(Cancellable, client).cancel if entry.cancels else None,
        _status=cast(StatusTelling, client).status if entry.tells_status else None,
    )
