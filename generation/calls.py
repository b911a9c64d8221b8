"""From an Image row to a ready provider call: pick the key, decrypt it just in time, build the
adapter for the model's provider and the request value object.

This is the one place the pipeline meets Django models for a provider call; the adapters in
providers/ stay plain Python (ARCHITECTURE.md rule 7). The key is decrypted here, inside the
worker, and lives only in the adapter for the length of the call (rule 5).
"""

from __future__ import annotations

import os
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
import httpx2
import openai
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet

from generation.catalog import get_model
from generation.keychoice import choose_key
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
from generation.providers.builtin import BuiltinProvider, Look, Scene
from generation.providers.google import GeminiImages
from generation.providers.http import DEFAULT_TIMEOUT, SDK_TIMEOUT, HostAllowlist
from generation.providers.openai_images import OpenAIImages
from personas.models import ReferenceImage as PersonaReference


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


def images_for_call() -> QuerySet[Image]:
    """Rows as a provider call reads them, in one statement: with the job (its creator's keys)
    and whether the persona has reference images, so that one without costs no second query."""
    references = PersonaReference.objects.filter(persona_id=OuterRef("persona_id"))
    return Image.objects.select_related("job").annotate(has_references=Exists(references))


def build_request(image: Image, with_references: bool = True) -> ImageRequest:
    fields = dict(image.request_fields)
    fields.pop("look", None)
    fields.pop("scene", None)
    references: tuple[ReferenceImage, ...] = ()
    # A row not read through images_for_call looks its references up.
    if with_references and image.persona_id and getattr(image, "has_references", True):
        references = tuple(
            ReferenceImage(default_storage.open(ref.storage_name).read(), ref.content_type)
            for ref in PersonaReference.objects.filter(persona_id=image.persona_id)
        )
    return ImageRequest(prompt=image.prompt, seed=image.seed, references=references, **fields)


def _bfl_client(secret: Secret, region: str) -> BflClient:
    return BflClient(
        secret,
        base_url=settings.BFL_BASE_URLS[region],
        polling_hosts=HostAllowlist(settings.BFL_POLL_SCHEME, tuple(settings.BFL_POLL_HOSTS)),
        delivery_hosts=HostAllowlist(
            settings.BFL_DELIVERY_SCHEME, tuple(settings.BFL_DELIVERY_HOSTS)
        ),
        http_client=thread_http_client(),
    )


def prepare_call(image: Image) -> ProviderCall:
    model = get_model(image.model_id)
    provider = str(model.provider)
    if provider == "builtin":
        look = Look(**image.request_fields.get("look", {}))
        # Images made before scenes existed have none: they render as they always did.
        scene_fields = image.request_fields.get("scene")
        scene = Scene(**scene_fields) if scene_fields is not None else None
        request = build_request(image, with_references=False)
        return ProviderCall(
            asynchronous=False,
            workspace_price=None,
            _generate=lambda: BuiltinProvider().generate(request, look, scene),
        )
    chosen = choose_key(image, provider)
    request = build_request(image)
    if provider == "openai":
        openai = OpenAIImages(
            chosen.secret, base_url=settings.OPENAI_BASE_URL, http_client=thread_sdk_http_client()
        )
        return ProviderCall(False, chosen.key_id, _generate=lambda: openai.generate(request))
    if provider == "google":
        google = GeminiImages(
            chosen.secret, base_url=settings.GOOGLE_BASE_URL, http_client=thread_http_client()
        )
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


def prepare_poll(image: Image) -> ProviderCall:
    """A poll of an asynchronous provider (BFL, the only one) needs the key and the client: not
    the request, whose reference images would be read from storage again on every poll."""
    chosen = choose_key(image, "bfl")
    bfl = _bfl_client(chosen.secret, chosen.region or "global")
    return ProviderCall(True, chosen.key_id, _poll=bfl.poll)


def mark_key_refused(key_id: Any, message: str) -> None:
    from generation.keychoice import mark_refused

    mark_refused(key_id, message)


# --- Performance (make bench): HTTP clients kept per worker thread -------------------------------
# An adapter used to build its own HTTP client for every image: for the openai SDK that is a new
# SSL context (~30 ms of CPU, about a tenth of the worker's CPU per image, and ~0.7 MB) plus a new
# TCP (and TLS) connection per call. Now each worker thread keeps one client per kind and reuses
# its connections; all of them share one SSL context per process. A thread runs one task at a
# time, so no connection pool is ever used by two threads at once. Keys travel per request, never
# on the client, and the jar accepts no cookies, so nothing from one customer's call rides along
# on another's. Made again after a fork.

_local = threading.local()
_ssl_lock = threading.Lock()
_ssl_contexts: dict[int, ssl.SSLContext] = {}  # pid -> the process's context


def _ssl_context() -> ssl.SSLContext:
    with _ssl_lock:
        if os.getpid() not in _ssl_contexts:
            _ssl_contexts.clear()
            _ssl_contexts[os.getpid()] = httpx.create_ssl_context()
        return _ssl_contexts[os.getpid()]


def _no_cookies() -> CookieJar:
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _per_thread(name: str, make: Callable[[], Any]) -> Any:
    clients: dict[str, tuple[int, Any]] = _local.__dict__.setdefault("clients", {})
    pid, client = clients.get(name, (0, None))
    if client is None or pid != os.getpid() or client.is_closed:
        client = make()
        clients[name] = (os.getpid(), client)
    return client


def thread_sdk_http_client() -> httpx2.Client:
    """For the openai SDK: its own defaults (DefaultHttpxClient), kept for this thread."""
    return _per_thread(
        "sdk",
        lambda: openai.DefaultHttpxClient(
            timeout=SDK_TIMEOUT, verify=_ssl_context(), cookies=_no_cookies()
        ),
    )


def thread_http_client() -> httpx.Client:
    """For the BFL and Gemini adapters: the settings they use on their own, kept for this thread."""
    return _per_thread(
        "plain",
        lambda: httpx.Client(
            timeout=DEFAULT_TIMEOUT,
            follow_redirects=False,
            verify=_ssl_context(),
            cookies=_no_cookies(),
        ),
    )
