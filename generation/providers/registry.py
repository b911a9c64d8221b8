"""Every provider the studio can call, one entry each: its names, what its keys look like and how
they are shown and hidden, where its requests go, how a key is checked and how a client is built.

The key pages (generation.provider_keys), the call dispatch (generation.provider_call), the key
choice (generation.key_selection), the Generate page's groups (generation.offer) and the logging
redaction filter (generation.providers.redaction) all read this table and hold no per-provider
code of their own. A new provider is one adapter module beside this one, one catalog data file
(catalog/data/), one entry here and its emulator routes (tests/emulator/).

An entry is data, plus two functions of its adapter module: `key_check` (the provider's verdict
on a key, within a deadline) and `client_for` (the adapter, built from settings for one key's
endpoint; settings are read then, so tests can point every provider at the emulator). Plain
Python, no Django models: the logging configuration imports this module (through the redaction
filter) before the apps are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from avatarapp.keys.secret import Secret
from catalog import Provider
from generation.providers import (
    apimart,
    bfl,
    builtin,
    fal,
    google,
    hiapi,
    openai_compatible,
    openai_images,
    openrouter,
)
from generation.providers.base import (
    Endpoint,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    PendingTask,
    PollOutcome,
    TaskStatus,
)


class SyncClient(Protocol):
    def generate(self, request: ImageRequest) -> GenerationResult: ...


class AsyncClient(Protocol):
    """Submit, then poll (BFL): the worker never sleeps between polls."""

    def submit(self, request: ImageRequest) -> PendingTask: ...

    def poll(self, task: PendingTask) -> PollOutcome: ...


class StatusTelling(Protocol):
    """An asynchronous client that can say what became of a submitted task (BFL, fal)."""

    def status(self, task: PendingTask) -> TaskStatus: ...


class Cancellable(Protocol):
    """An asynchronous client that can ask its provider to drop a submitted task (fal)."""

    def cancel(self, task: PendingTask) -> bool:
        """True when the provider dropped the task before it ran, so bills nothing for it."""
        ...


@dataclass(frozen=True, kw_only=True)
class KeyShape:
    """What a provider's API keys look like, and how they are shown and hidden."""

    name: str  # the keys page's name for the provider: "Google Gemini", "OpenAI-compatible server"
    pattern: re.Pattern[str]  # a whole key, as the Add key form accepts it
    help: str  # the form's sentence when a pasted key does not match `pattern`
    prefix: str = ""  # a start that marks a key as this provider's: "looks like an OpenAI key"
    mask_prefix: str = ""  # shown before the last four ("sk-…AbCd"); only when every key has it
    redaction: re.Pattern[str] | None = None  # a bare key in free text; group 1 is kept
    header: str = ""  # the request header the key travels in, redacted by name in logs


@dataclass(frozen=True)
class Region:
    slug: str  # stored on the key
    label: str  # "EU": the keys page shows "Black Forest Labs (EU)"
    choice: str  # "EU only": the Add key form offers "Black Forest Labs (EU only)"


@dataclass(frozen=True, kw_only=True)
class ProviderEntry:
    name: Provider
    display_name: str  # how the Generate page, the gallery and image details name it
    key: KeyShape | None  # None: no key at all (the built-in renderer)
    # Where a key's requests may go; the first is the default. Empty: the provider has one.
    regions: tuple[Region, ...] = ()
    # The key belongs to a server the user names; its URL (and the model name it expects) is
    # stored with the key.
    takes_base_url: bool = False
    # The workspace enters what an image through the key costs ("price you entered"): we hold no
    # price for the provider's models, or not for all of them (catalog WorkspacePriceRule).
    price_entered: bool = False
    # The provider reports the account's credit balance on a key check ("Credits left").
    reports_credits: bool = False
    # Its client can ask the provider to drop a submitted task (Cancellable): the Cancel button
    # asks it, and releases the reservation when the task was dropped before it ran.
    cancels: bool = False
    # Its client can say what became of a submitted task (StatusTelling): an admin checking an
    # image flagged "needs checking" asks it (generation.provider_check).
    tells_status: bool = False
    # The model draws from the persona's reference photos (the built-in renderer draws from its
    # look instead, so the photos are not read from storage for it).
    sends_references: bool = True
    # The model draws the persona's look in the style's scene (request_fields "look" and "scene"),
    # not the prompt: the built-in renderer.
    draws_look: bool = False
    # The provider's verdict on a key, within `seconds`; None: nothing to check.
    check_key: Callable[[Secret, Endpoint, float], KeyCheck] | None = None
    build_client: Callable[[Secret | None, Endpoint], SyncClient | AsyncClient]
    # The model ids this key can use (read at key check and daily); None: the provider has no list.
    list_models: Callable[..., frozenset[str]] | None = None

    def region(self, slug: str) -> Region:
        return next(r for r in self.regions if r.slug == slug)

    def accepts(self, where: Endpoint) -> bool:
        """Whether a key of this provider can be sent to `where`: one of its regions when it has
        regions, a server URL when it takes one, and nothing else."""
        regions = {r.slug for r in self.regions} or {""}
        server = bool(where.base_url) == self.takes_base_url
        return where.region in regions and server and (self.takes_base_url or not where.model)

    def key_title(self, region: str) -> str:
        """ "Black Forest Labs (EU)": the provider of a key, with its region unless the default."""
        assert self.key is not None
        if self.regions and region != self.regions[0].slug:
            return f"{self.key.name} ({self.region(region).label})"
        return self.key.name

    def mask(self, last4: str) -> str:
        """ "sk-…AbCd": the provider's prefix and the last four characters, never more."""
        return f"{self.key.mask_prefix if self.key else ''}…{last4 or '••••'}"


# In the Generate page's order (a server of the workspace's own last); the Add key form lists the
# providers that take a key, in this order too.
ENTRIES: tuple[ProviderEntry, ...] = (
    ProviderEntry(
        name=Provider.BUILTIN,
        display_name="Built-in renderer",
        key=None,
        sends_references=False,
        draws_look=True,
        build_client=builtin.client_for,
    ),
    ProviderEntry(
        name=Provider.OPENAI,
        display_name="OpenAI",
        key=KeyShape(
            name="OpenAI",
            pattern=re.compile(r"sk-[A-Za-z0-9_\-]{20,}"),
            help="An OpenAI key starts with sk- and at least 20 letters, digits, - or _.",
            prefix="sk-",
            mask_prefix="sk-",
            redaction=re.compile(r"(sk-)[A-Za-z0-9_\-]{6,}"),
            header="authorization",
        ),
        check_key=openai_images.key_check,
        build_client=openai_images.client_for,
        list_models=openai_images.model_list,
    ),
    ProviderEntry(
        name=Provider.BFL,
        display_name="Black Forest Labs",
        # Keys are bare UUIDs or start with bfl_: with no prefix to find them by, a UUID key is
        # only redacted next to its header name.
        key=KeyShape(
            name="Black Forest Labs",
            pattern=re.compile(r"[A-Za-z0-9_\-]{16,}"),
            help="A Black Forest Labs key is at least 16 letters, digits, - or _.",
            prefix="bfl_",
            redaction=re.compile(r"(bfl_)[A-Za-z0-9_\-]{6,}"),
            header="x-key",
        ),
        regions=(
            Region("global", "Global", "global"),
            Region("eu", "EU", "EU only"),
            Region("us", "US", "US only"),
        ),
        reports_credits=True,
        tells_status=True,
        check_key=bfl.key_check,
        build_client=bfl.client_for,
    ),
    ProviderEntry(
        name=Provider.GOOGLE,
        display_name="Google",
        key=KeyShape(
            name="Google Gemini",
            pattern=re.compile(r"AIza[0-9A-Za-z_\-]{30,}"),
            help="A Google key starts with AIza followed by about 35 letters, digits, - or _.",
            prefix="AIza",
            mask_prefix="AIza",
            redaction=re.compile(r"(AIza)[0-9A-Za-z_\-]{10,}"),
            header="x-goog-api-key",
        ),
        check_key=google.key_check,
        build_client=google.client_for,
        list_models=google.model_list,
    ),
    ProviderEntry(
        name=Provider.FAL,
        display_name="fal.ai",
        # A key is its id and its secret joined by a colon, as fal's dashboard shows it (fal
        # answers a key without the colon "Invalid Key Authorization header format").
        key=KeyShape(
            name="fal.ai",
            pattern=re.compile(r"[A-Za-z0-9\-]{8,}:[A-Za-z0-9_\-]{16,}"),
            help="A fal.ai key is the key id and the secret joined by a colon (id:secret), "
            "as fal's dashboard shows it when the key is made.",
            # The secret after the key id's UUID; a key of another shape is redacted only next
            # to its header name.
            redaction=re.compile(
                r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:)"
                r"[A-Za-z0-9_\-]{6,}"
            ),
            header="authorization",
        ),
        cancels=True,
        tells_status=True,
        check_key=fal.key_check,
        build_client=fal.client_for,
    ),
    ProviderEntry(
        name=Provider.OPENROUTER,
        display_name="OpenRouter",
        # Keys are sk-or-v1- and 64 hex digits. OpenAI's sk- prefix and redaction pattern match
        # them too: the key form prefers the longest prefix, and either pattern hides the key.
        key=KeyShape(
            name="OpenRouter",
            pattern=re.compile(r"sk-or-[A-Za-z0-9_\-]{20,}"),
            help="An OpenRouter key starts with sk-or-v1- followed by 64 letters and digits.",
            prefix="sk-or-",
            mask_prefix="sk-or-",
            redaction=re.compile(r"(sk-or-)[A-Za-z0-9_\-]{6,}"),
            header="authorization",
        ),
        check_key=openrouter.key_check,
        build_client=openrouter.client_for,
        list_models=openrouter.model_list,
    ),
    # The gateways' keys start with sk- like OpenAI's [HiAPI: V; APIMart: T], so a pasted sk- key
    # is not told "looks like an OpenAI key" here; the live check tells whose it is.
    ProviderEntry(
        name=Provider.HIAPI,
        display_name="HiAPI",
        key=KeyShape(
            name="HiAPI",
            pattern=re.compile(r"sk-[A-Za-z0-9_\-]{16,}"),
            help="A HiAPI key starts with sk- and at least 16 letters, digits, - or _ "
            "(HiAPI console -> API keys).",
            prefix="sk-",
            mask_prefix="sk-",
            redaction=re.compile(r"(sk-)[A-Za-z0-9_\-]{6,}"),
            header="authorization",
        ),
        price_entered=True,
        check_key=hiapi.key_check,
        build_client=hiapi.client_for,
    ),
    ProviderEntry(
        name=Provider.APIMART,
        display_name="APIMart",
        key=KeyShape(
            name="APIMart",
            pattern=re.compile(r"sk-[A-Za-z0-9_\-]{16,}"),
            help="An APIMart key starts with sk- and at least 16 letters, digits, - or _ "
            "(APIMart console -> API keys).",
            prefix="sk-",
            mask_prefix="sk-",
            redaction=re.compile(r"(sk-)[A-Za-z0-9_\-]{6,}"),
            header="authorization",
        ),
        price_entered=True,
        check_key=apimart.key_check,
        build_client=apimart.client_for,
    ),
    ProviderEntry(
        name=Provider.OPENAI_COMPATIBLE,
        display_name="Your own server",
        # Any printable key: a server of the user's may take any provider's key (Google's own
        # OpenAI-compatible endpoint takes a Google key).
        key=KeyShape(
            name="OpenAI-compatible server",
            pattern=re.compile(r"[\x21-\x7e]{1,}"),
            help="The key may contain only printable characters, no spaces.",
            header="authorization",
        ),
        takes_base_url=True,
        price_entered=True,
        check_key=openai_compatible.key_check,
        build_client=openai_compatible.client_for,
    ),
)

REGISTRY: Mapping[str, ProviderEntry] = {entry.name: entry for entry in ENTRIES}
KEYED: tuple[ProviderEntry, ...] = tuple(entry for entry in ENTRIES if entry.key is not None)
KEYLESS: frozenset[str] = frozenset(entry.name for entry in ENTRIES if entry.key is None)


def entry(provider: str) -> ProviderEntry:
    """The provider's entry; KeyError for a provider the studio does not know."""
    return REGISTRY[provider]


def display_name(provider: str) -> str:
    """ "Black Forest Labs"; a provider no longer in the registry keeps its slug, the only name
    left for it (old images in the gallery)."""
    known = REGISTRY.get(provider)
    return known.display_name if known else provider
