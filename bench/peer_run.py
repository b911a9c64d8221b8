"""The peer's phase (bench/peer.py): its worker started on the bench's Redis, a warm-up round,
then the timed images, measured like the bare client (client-side moments against the
emulator's receive times, CPU and memory of the worker's process tree)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import redis

from bench.emulator import EmulatorAdmin
from bench.peer import QUEUE, app, portrait
from bench.phases import PhaseResult, client_timings, cpu_delta, recv_times
from bench.procs import Children, Group, Sampler, cpu_snapshot

WARM_ROUNDS = 2  # images per worker process before the timed round (connections made)


def run_peer(
    *,
    children: Children,
    env: dict[str, str],
    state: Path,
    emulator: EmulatorAdmin,
    others: list[Group],
    prompt: str,
    images: int,
    latency: float,
    ask: dict[str, str],
    key: str,
) -> PhaseResult:
    cores = os.cpu_count() or 1
    moments = f"bench-peer-{os.getpid()}"
    peer_env = dict(
        env,
        BENCH_PEER_BASE_URL=emulator.openai_base_url,
        BENCH_PEER_KEY=key,
        BENCH_PEER_RESULTS=moments,
    )
    argv = [
        sys.executable, "-m", "celery", "-A", "bench.peer", "worker", "--pool", "prefork",
        "--concurrency", str(cores), "--queues", QUEUE, "--loglevel", "WARNING",
        "--hostname", f"peer-{os.getpid()}@%h",
    ]  # fmt: skip
    pid = children.start("peer", argv, peer_env, state / "peer.log")
    worker = Group("peer", [pid])
    results = redis.Redis.from_url(env["REDIS_URL"])
    results.delete(moments)

    def collect(count: int, deadline: float) -> list[dict[str, float]]:
        got: list[dict[str, float]] = []
        while len(got) < count and time.time() < deadline:
            popped = results.blpop([moments], timeout=1)
            if popped is not None:
                got.append(json.loads(popped[1]))
            elif not children.alive("peer"):
                log = (state / "peer.log").read_text()[-2000:]
                raise RuntimeError(f"the peer's worker stopped:\n{log}")
        return got

    emulator.reset()
    warm = WARM_ROUNDS * cores
    for index in range(warm):
        portrait.delay(index, f"{prompt} (peer-warm {index:05d})", ask)
    if len(collect(warm, time.time() + 60 + WARM_ROUNDS * (latency + 5))) < warm:
        raise RuntimeError("the peer's warm-up round did not finish in time")
    emulator.reset()

    groups = [worker, *others]
    idle = worker.rss_kb()
    sampler = Sampler(worker).start()
    before, wall_before = cpu_snapshot(groups), time.time()
    began = time.time()
    for index in range(images):
        portrait.delay(index, f"{prompt} (peer {index:05d})", ask)
    # Each process makes one image at a time: images / cores rounds of the latency, and slack.
    records = collect(images, time.time() + 60 + (images / cores + 1) * (latency + 2))
    after, wall_after = cpu_snapshot(groups), time.time()
    sampler.stop()
    app.close()
    result = PhaseResult(
        "peer (prefork)",
        images,
        len(records),
        began,
        max((r["stored"] for r in records), default=time.time()),
        0,
        rss_idle_kb=idle,
        rss_peak_kb=sampler.peak_kb,
        cpu=cpu_delta(before, after),
        unfinished=images - len(records),
        cpu_wall=wall_after - wall_before,
    )
    client_timings(result, records, recv_times(emulator), f"{prompt} (peer", cores, latency)
    children.stop("peer")
    return result
