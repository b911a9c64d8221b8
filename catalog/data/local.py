"""The built-in offline renderer and the workspace's own OpenAI-compatible endpoint."""

from __future__ import annotations

from decimal import Decimal

from catalog.models import (
    Capabilities,
    CatalogModel,
    Family,
    Lifecycle,
    PixelGrid,
    Provider,
    TextRendering,
)
from catalog.rules import (
    FixedPriceRule,
    WorkspacePriceRule,
)

from .common import AS_OF, MP

_OURS = "avatarapp's own renderer"
_YOURS = "the workspace's own server"

BUILTIN_MODEL_ID = "builtin"
SELF_HOSTED_MODEL_ID = "openai-compatible"

MODELS: tuple[CatalogModel, ...] = (
    CatalogModel(
        id=BUILTIN_MODEL_ID,
        api_model="builtin-portrait",
        provider=Provider.BUILTIN,
        display_name="Built-in renderer",
        family=Family.BUILTIN,
        is_async=False,
        lifecycle=Lifecycle(source=_OURS),
        capabilities=Capabilities(
            sizing=PixelGrid(
                step=16,
                min_side=64,
                max_side=1024,
                max_pixels=1024 * 1024,
                resolutions=("1K",),
                limit_note="it goes up to 1024 px a side",
            ),
            text_rendering=TextRendering.NONE,
            seed=True,
        ),
        price=FixedPriceRule(
            name="builtin-free",
            source=f"{_OURS} (local, $0)",
            as_of=AS_OF,
            trust="V",
            usd=Decimal("0"),
        ),
        good_at="Free drafts drawn from the persona's look, right here; no key needed.",
        typical_seconds=1,
        notes="Draws a stylised portrait from the persona's look with Pillow; needs no key.",
    ),
    CatalogModel(
        id=SELF_HOSTED_MODEL_ID,
        # The workspace's endpoint settings name the model its server expects; this is a default.
        api_model="openai-compatible",
        provider=Provider.OPENAI_COMPATIBLE,
        display_name="Self-hosted (OpenAI-compatible)",
        family=Family.FLUX,  # prompts written for FLUX, the model a self-hosted server usually runs
        is_async=False,
        lifecycle=Lifecycle(source=_YOURS),
        capabilities=Capabilities(
            # Unknown server: a conservative 16 px grid up to 2048 px / 4 MP, no quality field.
            sizing=PixelGrid(
                step=16,
                min_side=256,
                max_side=2048,
                max_pixels=4 * MP,
                resolutions=("1K", "2K"),
                limit_note="it goes up to 2048 px a side",
            ),
            text_rendering=TextRendering.FAIR,
        ),
        price=WorkspacePriceRule(
            name="workspace-self-hosted-per-image",
            source=f"{_YOURS} (price set by the workspace, default $0)",
            as_of=AS_OF,
            trust="V",
        ),
        good_at="Whatever model your own server runs, at the price you set.",
        typical_seconds=20,  # unknown server: our estimate until the workspace has history
    ),
)
