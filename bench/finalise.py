"""Finalise alone, one image at a time, on an idle worker: generation.storage.store_generated (the
safety checks with a full decode, the WebP thumbnail, both PUTs to the S3 server) for the
emulator's PNG and for a photo-like 1024x1024 PNG. The emulator's gradient compresses to ~16 KB; a
real provider PNG is 1.5-3 MB and costs far more to decode, so the target is checked on both.

The read of the provider's Content Credentials (issue 18: generation/provider_images.py, in the
image process after the checks) is timed apart, as CPU of this process: the checks and thumbnail
are finalise's CPU before it, the two together after it. A third input, the photo-like PNG
signed with a C2PA manifest as OpenAI's are, shows the read at its dearest (it validates the
manifest's hashes)."""

from __future__ import annotations

import io
import random
import time
import uuid
from dataclasses import dataclass, field

from PIL import Image

from bench.stats import ms


def photo_like_png(side: int = 1024, seed: int = 7) -> bytes:
    """Smooth colour fields plus sensor-like noise: compresses like a photo (~1.7 MB)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not a secret)
    small = Image.frombytes("RGB", (32, 32), bytes(rng.randrange(256) for _ in range(32 * 32 * 3)))
    base = small.resize((side, side), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((side, side), 18).convert("RGB")
    out = io.BytesIO()
    Image.blend(base, noise, 0.15).save(out, "PNG")
    return out.getvalue()


@dataclass
class FinaliseResult:
    name: str
    input_bytes: int
    total_ms: list[float] = field(default_factory=list)
    images_ms: list[float] = field(default_factory=list)  # checks + thumbnail
    puts_ms: list[float] = field(default_factory=list)  # both PUTs
    checks_cpu_ms: list[float] = field(default_factory=list)  # checks + thumbnail, CPU
    read_cpu_ms: list[float] = field(default_factory=list)  # the C2PA read, CPU


def signed_like_a_provider(data: bytes) -> bytes:
    """`data` (a PNG) with a C2PA manifest signed by a throwaway test chain."""
    from provenance.devchain import new_chain
    from provenance.signing import Claim, sign

    return sign(data, "PNG", Claim(software_agent="bench provider model"), new_chain("Bench"))


def measure_finalise(name: str, data: bytes, runs: int) -> FinaliseResult:
    from avatarapp.imagesafety import check_with_thumbnail
    from generation import storage
    from provenance.reading import summarise

    result = FinaliseResult(name, len(data))
    workspace = uuid.uuid4()
    storage.store_generated(workspace, uuid.uuid4(), data)  # warm: client, pools, decoders
    for _ in range(runs):
        image_id = uuid.uuid4()
        started = time.perf_counter()
        storage.store_generated(workspace, image_id, data)
        result.total_ms.append(ms(time.perf_counter() - started))
        started = time.perf_counter()
        original, thumb = check_with_thumbnail(data, storage.THUMBNAIL_SIDE)
        result.images_ms.append(ms(time.perf_counter() - started))
        started = time.perf_counter()
        storage._put(f"bench/finalise/{image_id}/original.png", original.data)
        storage._put(f"bench/finalise/{image_id}/thumbnail.webp", thumb.data)
        result.puts_ms.append(ms(time.perf_counter() - started))
        started = time.process_time()
        check_with_thumbnail(data, storage.THUMBNAIL_SIDE)
        result.checks_cpu_ms.append(ms(time.process_time() - started))
        started = time.process_time()
        summarise(data, original.content_type)
        result.read_cpu_ms.append(ms(time.process_time() - started))
    return result
