"""The physical limit: the least a client can do for the same images.

C threads, each with its own keep-alive HTTP connection, sharing one S3 client. Each asks the
emulator's OpenAI endpoint for one image (same model, size, quality and output format as the
pipeline), decodes the base64 answer, makes the same 384 px WebP thumbnail, and writes the
provider's PNG and the thumbnail to the same S3 server. No database, no broker, no re-encode of
the original, no framework. Run as its own process so its CPU and memory are measured like the
worker's:

    python -m bench.bare --base-url URL --key KEY --prompt-file F --images N --concurrency C \
        --bucket B --prefix P --out results.json
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config
from PIL import Image

# The same thumbnail settings as the pipeline (plain Python, no Django behind them).
from avatarapp.imagesafety import WEBP_METHOD, WEBP_QUALITY

THUMBNAIL_SIDE = 384  # generation/storage.py


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--model", default="gpt-image-2")
    parser.add_argument("--size", default="1024x1024")
    parser.add_argument("--quality", default="low")
    parser.add_argument("--prompt-file", required=True)
    parser.add_argument("--images", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--warmup", type=int, default=0, help="untimed images first")
    parser.add_argument("--timed-marker", help="file made when the timed round starts")
    return parser.parse_args()


@dataclass(frozen=True)
class Ask:
    """What every image asks the emulator for, and where it is stored."""

    model: str
    size: str
    quality: str
    bucket: str
    prefix: str


def openai_client(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(connect=5.0, read=200.0, write=30.0, pool=5.0),
    )


def s3_client(connections: int) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(
            max_pool_connections=connections,
            signature_version="s3v4",
            s3={"addressing_style": "path"},
        ),
    )


def make_one(http: httpx.Client, s3: Any, ask: Ask, prompt: str, name: str) -> dict[str, float]:
    """One image, the least way: ask, decode, thumbnail, two PUTs. Returns its moments
    (wall-clock seconds): started, answered (the client has the answer), stored."""
    started = time.time()
    body = {
        "model": ask.model,
        "prompt": prompt,
        "n": 1,
        "size": ask.size,
        "output_format": "png",
        "quality": ask.quality,
    }
    response = http.post("/images/generations", json=body)
    response.raise_for_status()
    answered = time.time()
    png = base64.b64decode(response.json()["data"][0]["b64_json"])
    thumb = thumbnail_webp(png)
    folder = f"{ask.prefix}/{name}"
    s3.put_object(
        Bucket=ask.bucket, Key=f"{folder}/original.png", Body=png, ContentType="image/png"
    )
    s3.put_object(
        Bucket=ask.bucket, Key=f"{folder}/thumbnail.webp", Body=thumb, ContentType="image/webp"
    )
    return {"started": started, "answered": answered, "stored": time.time()}


def thumbnail_webp(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue()


def main() -> int:
    args = parse_args()
    prompt = Path(args.prompt_file).read_text()
    # One HTTP client per thread (as generation/provider_call.py keeps them): a keep-alive
    # connection each, and no connection pool shared between threads.
    local = threading.local()

    def http() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = openai_client(args.base_url, args.key)
        return local.client

    s3 = s3_client(args.concurrency)
    ask = Ask(args.model, args.size, args.quality, args.bucket, args.prefix)
    lock = threading.Lock()
    records: list[dict[str, Any]] = []

    def one(index: int, kind: str = "bare") -> None:
        record = make_one(http(), s3, ask, f"{prompt} ({kind} {index:05d})", f"{kind}-{index:05d}")
        if kind != "bare":
            return
        with lock:
            records.append({"index": index, **record})

    with ThreadPoolExecutor(max_workers=args.concurrency, thread_name_prefix="bare") as pool:
        # Warm-up: every thread and pooled connection exists before the timed round.
        for future in [pool.submit(one, i, "warm") for i in range(args.warmup)]:
            future.result()
        if args.timed_marker:
            Path(args.timed_marker).touch()
        began = time.time()
        cpu_before = os.times()
        for future in [pool.submit(one, i) for i in range(args.images)]:
            future.result()
    ended = time.time()
    cpu_after = os.times()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    result = {"began": began, "ended": ended, "cpu_seconds": cpu, "records": records}
    partial = Path(args.out + ".part")
    partial.write_text(json.dumps(result))
    partial.rename(args.out)  # appears whole: the orchestrator takes its CPU reading then
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
