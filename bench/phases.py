"""The two sides of the comparison, run one after the other against the same servers:
the bare client (bench/bare.py) and the real pipeline (web POST -> Redis -> Celery worker ->
emulator -> S3 -> ledger). Both return a PhaseResult with the same measurements."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.emulator import EmulatorAdmin
from bench.procs import Children, Group, Sampler, cpu_snapshot, threads_of
from bench.stats import ms, peak_overlap
from bench.submit import BatchShape, Submitted, chunks, post_batch

SINGLE_GAP_SECONDS = 0.25


@dataclass
class PhaseResult:
    name: str
    images: int
    succeeded: int
    began: float
    ended: float
    peak_in_flight: int
    dispatch_first: list[float] = field(default_factory=list)  # ms, images that found a free slot
    dispatch_adjusted: list[float] = field(default_factory=list)  # ms, minus waiting for a slot
    # First wave, pipeline only: created -> claimed by a worker thread -> provider call starts
    # (key opened, request built) -> the emulator has read the request.
    to_claim: list[float] = field(default_factory=list)
    to_call: list[float] = field(default_factory=list)
    to_provider: list[float] = field(default_factory=list)
    finalise: list[float] = field(default_factory=list)  # ms, emulator answer -> stored + settled
    transfer: list[float] = field(default_factory=list)  # ms, emulator answer -> client has it
    store: list[float] = field(default_factory=list)  # ms, client has it -> stored + settled
    files: list[float] = field(default_factory=list)  # ms, pipeline: client has it -> files stored
    settle: list[float] = field(default_factory=list)  # ms, pipeline: files stored -> settled
    rss_start_kb: int = 0  # the worker just started, before the warm-up round
    rss_idle_kb: int = 0
    rss_peak_kb: int = 0
    threads_peak: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # seconds per process group, this phase
    submit_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    unfinished: int = 0
    cpu_wall: float = 0.0  # seconds the CPU figures cover

    @property
    def seconds(self) -> float:
        return self.ended - self.began

    @property
    def rate(self) -> float:
        return self.succeeded / self.seconds if self.seconds > 0 else 0.0


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Per-group CPU seconds of a phase; "other" is what the rest of the machine used meanwhile
    (other people's test runs on a shared machine), kept apart from the per-image sums."""
    delta = {name: after[name] - before[name] for name in before}
    machine = delta.pop("machine")
    delta["other"] = max(0.0, machine - sum(delta.values()))
    return delta


def recv_times(emulator: EmulatorAdmin) -> dict[str, float]:
    """Prompt -> wall-clock time the emulator read the request (prompts are unique per image)."""
    out: dict[str, float] = {}
    for record in emulator.generations():
        payload = record.get("payload") or {}
        out[str(payload.get("prompt"))] = float(record["time"])
    return out


def run_bare(
    *,
    children: Children,
    env: dict[str, str],
    state: Path,
    emulator: EmulatorAdmin,
    others: list[Group],
    prompt: str,
    images: int,
    concurrency: int,
    latency: float,
    bucket: str,
    key: str,
    warmup: int,
) -> PhaseResult:
    emulator.reset()
    prompt_file, out = state / "bare-prompt.txt", state / "bare-result.json"
    prompt_file.write_text(prompt)
    for stale in (out, state / "bare-timed"):
        stale.unlink(missing_ok=True)
    argv = [
        sys.executable, "-m", "bench.bare", "--base-url", emulator.openai_base_url, "--key", key,
        "--prompt-file", str(prompt_file), "--images", str(images),
        "--concurrency", str(concurrency), "--bucket", bucket, "--prefix", "bare",
        "--out", str(out), "--warmup", str(warmup), "--timed-marker", str(state / "bare-timed"),
    ]  # fmt: skip
    pid = children.start("bare", argv, env, state / "bare.log")
    proc = children.procs["bare"]
    client = Group("client", [pid])
    timed = state / "bare-timed"
    while not timed.exists() and proc.poll() is None:  # warm-up round still running
        time.sleep(0.01)
    before, wall_before = cpu_snapshot([client, *others]), time.time()
    idle = client.rss_kb()
    sampler = Sampler(client).start()
    threads_peak = 0
    while not out.exists() and proc.poll() is None:
        threads_peak = max(threads_peak, threads_of(pid))
        time.sleep(0.05)
    after, wall_after = cpu_snapshot([client, *others]), time.time()
    sampler.stop()
    if proc.wait(timeout=30) != 0:
        log = (state / "bare.log").read_text()[-2000:]
        raise RuntimeError(f"the bare client failed ({proc.returncode}):\n{log}")
    data = json.loads(out.read_text())
    result = PhaseResult(
        "bare client",
        images,
        len(data["records"]),
        data["began"],
        data["ended"],
        0,
        rss_peak_kb=sampler.peak_kb,
        rss_idle_kb=idle,
        threads_peak=threads_peak,
        cpu=cpu_delta(before, after),
        cpu_wall=wall_after - wall_before,
    )
    client_timings(
        result, data["records"], recv_times(emulator), f"{prompt} (bare", concurrency, latency
    )
    children.stop("bare")
    return result


def client_timings(
    result: PhaseResult,
    records: list[dict[str, Any]],
    received: dict[str, float],
    prompt_start: str,
    concurrency: int,
    latency: float,
) -> None:
    """The client-side figures of the bare client or the peer from each image's moments and
    the emulator's receive times (prompts end in " (<kind> <index>)")."""
    intervals = []
    matched = []
    for record in records:
        recv = received.get(f"{prompt_start} {record['index']:05d})")
        if recv is not None:
            matched.append((recv, record))
    for rank, (recv, record) in enumerate(sorted(matched, key=lambda m: m[0])):
        answer = recv + latency
        intervals.append((recv, record["answered"]))
        if rank < concurrency:  # the first wave: from the start of the timed round
            result.dispatch_first.append(ms(recv - result.began))
        # A slot picks the next image up the moment it is free: `started` is slot-adjusted.
        result.dispatch_adjusted.append(ms(recv - record["started"]))
        result.finalise.append(ms(record["stored"] - answer))
        result.transfer.append(ms(record["answered"] - answer))
        result.store.append(ms(record["stored"] - record["answered"]))
    result.peak_in_flight = peak_overlap(intervals)


@dataclass(frozen=True)
class _Timeline:
    """A succeeded image's moments, as wall-clock seconds."""

    prompt: str
    created: float  # the row was made (submit)
    claimed: float  # a worker thread claimed it
    called: float  # just before the provider call (key opened, request built)
    returned: float  # the adapter returned the provider's answer
    stored: float  # both files written, row being marked succeeded (finished_at)
    settled: float  # marked succeeded and settled in the ledger

    @classmethod
    def of(cls, image: Any, settled: datetime | None) -> _Timeline:
        called = _seconds(image.provider_call_at)
        finished = _seconds(image.finished_at)
        return cls(
            prompt=image.prompt,
            created=_seconds(image.created_at),
            claimed=_seconds(image.started_at),
            called=called,
            returned=called + (image.latency_ms or 0) / 1000,
            stored=finished,
            settled=max(finished, _seconds(settled)) if settled else finished,
        )


def _seconds(moment: datetime | None) -> float:
    assert moment is not None, "a succeeded image has every timestamp"
    return moment.timestamp()


def _wait_terminal(job_ids: list[Any], deadline: float) -> int:
    from generation.models import Image

    pending = Image.objects.filter(job_id__in=job_ids).unfinished()
    while time.time() < deadline:
        left = pending.count()
        if left == 0:
            return 0
        time.sleep(0.2)
    return pending.count()


def run_pipeline(
    *,
    worker: Group,
    emulator: EmulatorAdmin,
    others: list[Group],
    web_port: int,
    session_key: str,
    persona_ids: list[str],
    shape: BatchShape,
    concurrency: int,
    latency: float,
    deadline_seconds: float,
    one_by_one: bool = False,
) -> PhaseResult:
    """`one_by_one`: one image per Generate POST, SINGLE_GAP_SECONDS apart, so each dispatch
    meets an idle worker (the overhead of one image, without a batch queueing behind it)."""
    from generation.models import Image, LedgerEntry

    emulator.reset()
    groups = [worker, *others]
    idle = worker.rss_kb()
    sampler = Sampler(worker).start()
    before, wall_before = cpu_snapshot(groups), time.time()
    submitted: list[Submitted] = []
    batches = [[pk] for pk in persona_ids] if one_by_one else chunks(persona_ids)
    for batch in batches:
        submitted.append(post_batch(web_port, session_key, batch, shape))
        if one_by_one:
            time.sleep(SINGLE_GAP_SECONDS)
    job_ids = [s.job_id for s in submitted]
    threads_peak = sum(threads_of(pid) for pid in worker.roots)
    unfinished = _wait_terminal(job_ids, time.time() + deadline_seconds)
    after, wall_after = cpu_snapshot(groups), time.time()
    sampler.stop()
    threads_peak = max(threads_peak, sum(threads_of(pid) for pid in worker.roots))

    rows = list(Image.objects.filter(job_id__in=job_ids))
    settled = dict(
        LedgerEntry.objects.filter(image__job_id__in=job_ids, kind="settlement").values_list(
            "image_id", "created_at"
        )
    )
    received = recv_times(emulator)
    done = [_Timeline.of(r, settled.get(r.pk)) for r in rows if r.status == Image.Status.SUCCEEDED]
    result = PhaseResult(
        "pipeline",
        len(rows),
        len(done),
        submitted[0].posted,
        max((t.settled for t in done), default=time.time()),
        0,
        rss_idle_kb=idle,
        rss_peak_kb=sampler.peak_kb,
        threads_peak=threads_peak,
        cpu=cpu_delta(before, after),
        submit_ms=[ms(s.answered - s.posted) for s in submitted],
        unfinished=unfinished,
        cpu_wall=wall_after - wall_before,
    )
    for row in rows:
        if row.status != Image.Status.SUCCEEDED:
            result.errors[f"{row.status}: {row.error_message[:120]}"] += 1
    # Dispatch: a worker thread frees up when an image settles; the k-th request sent after the
    # first `concurrency` waited for the (k - concurrency)-th settlement, not for our code.
    arrived = sorted(
        ((received[t.prompt], t) for t in done if t.prompt in received), key=lambda a: a[0]
    )
    freed = sorted(t.settled for t in done)
    intervals = []
    for rank, (recv, t) in enumerate(arrived):
        answer = recv + latency
        intervals.append((recv, t.returned))
        if rank < concurrency:
            result.dispatch_first.append(ms(recv - t.created))
            result.to_claim.append(ms(t.claimed - t.created))
            result.to_call.append(ms(t.called - t.claimed))
            result.to_provider.append(ms(recv - t.called))
            ready = t.created
        else:
            ready = max(t.created, freed[rank - concurrency])
        result.dispatch_adjusted.append(ms(recv - ready))
        result.finalise.append(ms(t.settled - answer))
        result.transfer.append(ms(t.returned - answer))
        result.store.append(ms(t.settled - t.returned))
        result.files.append(ms(t.stored - t.returned))
        result.settle.append(ms(t.settled - t.stored))
    result.peak_in_flight = peak_overlap(intervals)
    return result
