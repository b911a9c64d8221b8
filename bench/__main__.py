"""`make bench` (through bench/run.sh, which starts PostgreSQL, Redis and the S3 server and
sources their addresses): the pipeline against the bare client, then the list pages.

Settings (environment):
    BENCH_LATENCY=2          emulator latency per image, seconds
    BENCH_IMAGES=500         images per side
    BENCH_CONCURRENCY=100    worker threads (Celery threads pool) = bare client threads
    BENCH_WORKERS=1          worker processes sharing BENCH_CONCURRENCY (one per core: 2 here)
    BENCH_POOL=threads       or gevent (run.sh puts gevent in var/bench/gevent-pkgs for the
                             worker only; it is not a project dependency)
    BENCH_PAGE_IMAGES=10000  images in the workspace for the list pages
    BENCH_PAGE_REQUESTS=50   timed requests per page (fewer if a page is slow; at least 5)
    BENCH_GALLERY_IMAGES=100000  images in one workspace for the gallery figures (0: none)
    BENCH_ZIP_IMAGES=500     photo-like originals in the ZIP through gunicorn (0: no ZIP)
    BENCH_PEER_IMAGES=60     images through the peer, a default Celery prefork worker
                             (bench/peer.py; 0: no peer column). It makes one image per core
                             at a time, so 60 take about 60 / cores x BENCH_LATENCY seconds.
"""

from __future__ import annotations

import base64
import math
import os
import platform
import secrets
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.emulator import EmulatorAdmin
from bench.procs import Children, Group, free_port, read_pid, wait_for_port, web_argv
from bench.submit import BatchShape, chunks, post_batch

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
SHAPE = BatchShape("gpt-image-2", "builtin:professional-headshot", "1:1", "1K", "low")
SIZE = "1024x1024"
PROBE_IMAGES = 64  # one full Generate batch (services.MAX_IMAGES_PER_JOB)
SINGLE_IMAGES = 20  # one-image batches, one after the other


@dataclass(frozen=True)
class Options:
    latency: float
    images: int
    concurrency: int
    pool: str
    workers: int
    page_images: int
    page_requests: int
    gallery_images: int
    zip_images: int
    peer_images: int

    @classmethod
    def from_env(cls) -> Options:
        env = os.environ.get
        return cls(
            latency=float(env("BENCH_LATENCY", "2")),
            images=int(env("BENCH_IMAGES", "500")),
            concurrency=int(env("BENCH_CONCURRENCY", "100")),
            pool=env("BENCH_POOL", "threads"),
            workers=int(env("BENCH_WORKERS", "1")),
            page_images=int(env("BENCH_PAGE_IMAGES", "10000")),
            page_requests=int(env("BENCH_PAGE_REQUESTS", "50")),
            gallery_images=int(env("BENCH_GALLERY_IMAGES", "100000")),
            zip_images=int(env("BENCH_ZIP_IMAGES", "500")),
            peer_images=int(env("BENCH_PEER_IMAGES", "60")),
        )


def bench_env(state: Path, emulator: EmulatorAdmin) -> dict[str, str]:
    """Production-like settings (DEBUG off, persistent DB connections as in docker-compose), on
    the services run.sh started, with a throwaway keyring."""
    env = dict(os.environ)
    server = env["DATABASE_URL"].rsplit("/", 1)[0]
    env.update(
        DJANGO_SETTINGS_MODULE="avatarapp.settings",
        DATABASE_URL=f"{server}/avatarapp_bench",
        DATABASE_CONN_MAX_AGE="60",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(48),
        KEY_ENCRYPTION_KEYS="1:" + base64.b64encode(os.urandom(32)).decode(),
        KEY_FINGERPRINT_SECRET=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="False",
        STATIC_MANIFEST="False",  # no collectstatic into the shared tree
        LOG_LEVEL="WARNING",
        OPENAI_BASE_URL=emulator.openai_base_url,
        S3_BUCKET="avatarapp-bench",
        AVATARAPP_VAR_DIR=str(state / "var"),
        PYTHONPATH=str(ROOT),
        # The bench measures the pipeline, not the limiter: its back-to-back one-image batches
        # are faster than any person submits.
        RATE_LIMIT_GENERATE_USER="off",
        RATE_LIMIT_GENERATE_WORKSPACE="off",
    )
    return env


def worker_argv(opts: Options, index: int) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "avatarapp", "worker",
        "--pool", opts.pool, "--concurrency", str(opts.concurrency // opts.workers),
        "--queues", "default,providers,maintenance", "--loglevel", "INFO",
        "--hostname", f"bench{index}-{os.getpid()}@%h",
    ]  # fmt: skip


def wait_for_workers(count: int, deadline: float) -> None:
    from avatarapp.celery import app

    while time.time() < deadline:
        if len(app.control.ping(timeout=0.5) or []) >= count:
            return
    raise RuntimeError("the Celery worker(s) did not answer a ping")


def warm_emulator(emulator: EmulatorAdmin) -> bytes:
    """One image at zero latency fills the emulator's encoded-image cache; returns the image."""
    from bench.world import OPENAI_KEY

    emulator.configure(latency_seconds=0)
    response = httpx.post(
        f"{emulator.openai_base_url}/images/generations",
        headers={"Authorization": f"Bearer {OPENAI_KEY}"},
        json={"model": SHAPE.model, "prompt": "warm", "size": SIZE, "quality": SHAPE.quality},
        timeout=30,
    )
    response.raise_for_status()
    emulator.reset()  # back to the configured latency, requests forgotten
    return base64.b64decode(response.json()["data"][0]["b64_json"])


def run(opts: Options, state: Path, children: Children) -> str:
    emu_port = free_port()
    emulator = EmulatorAdmin(emu_port)
    emu_argv = [
        sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", str(emu_port),
        "--latency-seconds", str(opts.latency),
    ]  # fmt: skip
    env = bench_env(state, emulator)
    os.environ.update(env)
    emu_pid = children.start("emulator", emu_argv, env, state / "emulator.log")
    wait_for_port(emu_port, 30, "the emulator")

    import django

    django.setup()
    from bench import world
    from bench.finalise import measure_finalise, photo_like_png, signed_like_a_provider
    from bench.gallery import measure_gallery
    from bench.pages import measure_pages
    from bench.peer_run import run_peer
    from bench.phases import run_bare, run_pipeline
    from bench.report import render
    from bench.zipbench import run_zip
    from personas.prompts import compose_for_model
    from personas.style_specs import builtin_style

    step("database, bucket, workspace, key and personas")
    world.recreate_database(env["DATABASE_URL"])
    world.migrate()
    world.create_bucket()
    # Warm-up images use their own personas, so no prompt repeats in the measured round.
    extra = opts.concurrency + PROBE_IMAGES + SINGLE_IMAGES
    bench = world.make_world(personas=opts.images + extra)
    ids = [str(p.pk) for p in bench.personas]
    persona_ids, ids = ids[: opts.images], ids[opts.images :]
    warm_ids, ids = ids[: opts.concurrency], ids[opts.concurrency :]
    probe_ids, single_ids = ids[:PROBE_IMAGES], ids[PROBE_IMAGES:]
    session_key = world.session_for(bench.user, bench.workspace)
    style = builtin_style(SHAPE.style.removeprefix("builtin:"))
    prompt = compose_for_model(bench.personas[0], style, SHAPE.model, references=0).text
    png = warm_emulator(emulator)

    groups = {
        "emulator": Group("emulator", [emu_pid]),
        "s3 (moto)": Group("s3 (moto)", [p for p in [read_pid(state / "s3.pid")] if p]),
        "postgres": Group("postgres", [p for p in [read_pid(state / "pg/postmaster.pid")] if p]),
        "redis": Group("redis", [p for p in [read_pid(state / "redis.pid")] if p]),
    }

    step(f"bare client: {opts.images} images, {opts.concurrency} threads, L={opts.latency} s")
    bare = run_bare(
        children=children,
        env=env,
        state=state,
        emulator=emulator,
        others=list(groups.values()),
        prompt=prompt,
        images=opts.images,
        concurrency=opts.concurrency,
        latency=opts.latency,
        bucket=env["S3_BUCKET"],
        key=world.OPENAI_KEY,
        warmup=opts.concurrency,
    )

    step(f"pipeline: gunicorn + Celery worker ({opts.pool} pool, concurrency {opts.concurrency})")
    web_port = free_port()
    web_pid = children.start("web", web_argv(web_port), env, state / "web.log")
    worker_env = dict(env)
    if opts.pool == "gevent":
        worker_env["PYTHONPATH"] = f"{os.environ['BENCH_GEVENT_DIR']}:{env['PYTHONPATH']}"
    worker_pids = [
        children.start(f"worker{i}", worker_argv(opts, i), worker_env, state / f"worker{i}.log")
        for i in range(opts.workers)
    ]
    wait_for_port(web_port, 60, "gunicorn")
    wait_for_workers(opts.workers, time.time() + 60)
    worker = Group("worker", worker_pids)
    rss_start = worker.rss_kb()
    groups["web"] = Group("web", [web_pid])
    # Warm-up round: every worker thread opens its database and S3 connections, as in a worker
    # that has been running for a while; two POSTs at a time, so both gunicorn workers load their
    # URLconf and templates (one at a time, one worker may get all, the other's first POST later).
    half = len(warm_ids) // 2
    with ThreadPoolExecutor(2) as posters:
        batches = chunks(warm_ids[:half]) + chunks(warm_ids[half:])
        warmed = [posters.submit(post_batch, web_port, session_key, b, SHAPE) for b in batches]
    for posted in warmed:
        posted.result()
    from generation.models import Image

    warm_until = time.time() + 60 + 4 * opts.latency
    while Image.objects.unfinished().exists() and time.time() < warm_until:
        time.sleep(0.2)
    deadline = 60 + 3 * math.ceil(opts.images / opts.concurrency) * (opts.latency + 1)

    def round_of(ids: list[str], deadline_seconds: float, one_by_one: bool = False) -> Any:
        return run_pipeline(
            worker=worker,
            emulator=emulator,
            others=list(groups.values()),
            web_port=web_port,
            session_key=session_key,
            persona_ids=ids,
            shape=SHAPE,
            concurrency=opts.concurrency,
            latency=opts.latency,
            deadline_seconds=deadline_seconds,
            one_by_one=one_by_one,
        )

    pipeline = round_of(persona_ids, deadline)
    pipeline.rss_start_kb = rss_start
    # One batch as a person submits it, on the now idle worker: dispatch and finalise without
    # the queueing of the saturated run above; then single images, each alone.
    step(f"one {PROBE_IMAGES}-image batch on the idle worker")
    time.sleep(1.0)
    probe = round_of(probe_ids, 60 + 3 * opts.latency)
    step(f"{SINGLE_IMAGES} one-image batches on the idle worker")
    time.sleep(1.0 + opts.latency)  # the batch above has settled
    singles = round_of(single_ids, 60 + 3 * opts.latency, one_by_one=True)
    for i in range(opts.workers):
        children.stop(f"worker{i}")
    children.stop("web")
    peer = None
    if opts.peer_images > 0:
        step(f"peer: a default Celery prefork worker, {opts.peer_images} images")
        peer = run_peer(
            children=children,
            env=env,
            state=state,
            emulator=emulator,
            others=[group for name, group in groups.items() if name != "web"],
            prompt=prompt,
            images=opts.peer_images,
            latency=opts.latency,
            ask={
                "model": SHAPE.model,
                "size": SIZE,
                "quality": SHAPE.quality,
                "bucket": env["S3_BUCKET"],
                "prefix": "peer",
            },
            key=world.OPENAI_KEY,
        )

    step("finalise alone (store_generated), emulator PNG and a photo-like PNG")
    photo = photo_like_png()
    finalise = [
        measure_finalise("emulator PNG", png, runs=15),
        measure_finalise("photo-like PNG", photo, runs=15),
        measure_finalise("photo-like PNG with a C2PA manifest", signed_like_a_provider(photo), 15),
    ]
    pages = []
    if opts.page_images > 0:  # BENCH_PAGE_IMAGES=0 skips the pages
        step(f"list pages with {opts.page_images} images in the workspace")
        pages = measure_pages(
            bench.membership,
            prompt,
            sizes=(min(100, opts.page_images), opts.page_images),
            requests=opts.page_requests,
            budget=8.0,
        )
    gallery = None
    if opts.gallery_images > 0:  # BENCH_GALLERY_IMAGES=0 skips the gallery and the ZIP
        step(f"gallery with {opts.gallery_images} images in one workspace")
        gallery = measure_gallery(
            bench.user, opts.gallery_images, opts.page_requests, 3.0, groups["postgres"]
        )
        if opts.zip_images > 0:
            step(f"ZIP of {opts.zip_images} photo-like images through gunicorn")
            gallery.zip = run_zip(
                children, env, state, bench.user, gallery.workspace_id, opts.zip_images
            )
    header = (
        f"avatarapp bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC | emulator L={opts.latency} s | "
        f"N={opts.images} images per side | concurrency {opts.concurrency} | "
        f"{opts.workers} worker process(es), {opts.pool} pool | "
        f"{SHAPE.model} {SIZE} {SHAPE.quality} PNG ({len(png) / 1024:.1f} KB from the emulator)"
        f" | {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    return render(header, pipeline, bare, probe, singles, finalise, pages, gallery, peer=peer)


def step(text: str) -> None:
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def main() -> int:
    opts = Options.from_env()
    state = Path(os.environ.get("BENCH_STATE_DIR") or "")
    if not state.is_dir() or not (state / "env").exists():
        sys.stderr.write("Run `make bench` (bench/run.sh starts the services this needs).\n")
        return 2
    children = Children(state)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        table = run(opts, state, children)
    finally:
        children.stop_all()
    sys.stdout.write("\n" + table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.txt").write_text(table)
    (RESULTS / "latest.txt").write_text(table)
    sys.stdout.write(f"\nwritten to {RESULTS / 'latest.txt'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
