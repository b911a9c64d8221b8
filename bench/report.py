"""The one table `make bench` prints (and writes to var/bench/latest.txt), with the targets
beside the numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bench.finalise import FinaliseResult
from bench.pages import PageResult
from bench.phases import SINGLE_GAP_SECONDS, PhaseResult
from bench.stats import p50_p95

if TYPE_CHECKING:
    from bench.costsbench import CsvResult
    from bench.gallery import GalleryResult
    from bench.zipbench import ZipResult

MB = 1024.0


def _pp(values: Sequence[float]) -> str:
    p50, p95 = p50_p95(values)
    if math.isnan(p50):
        return "n/a"
    return f"{p50:.0f} / {p95:.0f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _row(label: str, pipeline: str, bare: str, target: str = "", peer: str = "") -> str:
    return f"  {label:<44}{pipeline:>22}{bare:>18}{peer:>18}   {target}"


def render(
    header: str,
    pipeline: PhaseResult,
    bare: PhaseResult,
    probe: PhaseResult,
    singles: PhaseResult,
    finalise: list[FinaliseResult],
    pages: list[PageResult],
    gallery: GalleryResult | None = None,
    in_flight_target: int = 100,
    peer: PhaseResult | None = None,
) -> str:
    """`peer`: bench/peer.py's default prefork worker, a third column where it was run."""
    ratio = pipeline.rate / bare.rate if bare.rate else 0.0
    in_flight_ok = pipeline.peak_in_flight >= in_flight_target
    dispatch_p95 = p50_p95(pipeline.dispatch_first)[1]
    adjusted_p95 = p50_p95(pipeline.dispatch_adjusted)[1]
    finalise_p95 = p50_p95(pipeline.finalise)[1]
    delta_mb = (pipeline.rss_peak_kb - pipeline.rss_idle_kb) / MB
    per_image = delta_mb / pipeline.peak_in_flight if pipeline.peak_in_flight else math.nan
    bare_delta_mb = (bare.rss_peak_kb - bare.rss_idle_kb) / MB
    bare_per_image = bare_delta_mb / bare.peak_in_flight if bare.peak_in_flight else math.nan
    n, nb = max(pipeline.succeeded, 1), max(bare.succeeded, 1)
    worker_cpu = pipeline.cpu.get("worker", 0.0) / n
    lines = [
        header,
        "",
        _row("", "pipeline", "bare client", "target", "peer (prefork)" if peer else ""),
        _row(
            "images succeeded / asked",
            f"{pipeline.succeeded} / {pipeline.images}",
            f"{bare.succeeded} / {bare.images}",
            peer=f"{peer.succeeded} / {peer.images}" if peer else "",
        ),
        _row(
            "wall time, first submit -> last settled (s)",
            f"{pipeline.seconds:.2f}",
            f"{bare.seconds:.2f}",
            peer=f"{peer.seconds:.2f}" if peer else "",
        ),
        _row(
            "throughput (images/s)",
            f"{pipeline.rate:.1f}",
            f"{bare.rate:.1f}",
            f"ratio {ratio:.2f} >= 0.90: {_verdict(ratio >= 0.9 and in_flight_ok)}",
            peer=f"{peer.rate:.1f}" if peer else "",
        ),
        _row(
            "peak requests in flight at the emulator",
            str(pipeline.peak_in_flight),
            str(bare.peak_in_flight),
            f">= {in_flight_target}: {_verdict(in_flight_ok)}",
            peer=str(peer.peak_in_flight) if peer else "",
        ),
        _row(
            "dispatch p50 / p95 (ms), first wave",
            _pp(pipeline.dispatch_first),
            _pp(bare.dispatch_first),
            f"p95 <= 100: {_verdict(dispatch_p95 <= 100)}",
            peer=_pp(peer.dispatch_first) if peer else "",
        ),
        _row("  created -> claimed by a worker thread", _pp(pipeline.to_claim), ""),
        _row("  claimed -> provider call starts", _pp(pipeline.to_call), ""),
        _row("  call starts -> emulator has the request", _pp(pipeline.to_provider), ""),
        _row(
            "dispatch p50 / p95 (ms), all, slot-adjusted",
            _pp(pipeline.dispatch_adjusted),
            _pp(bare.dispatch_adjusted),
            f"p95 <= 100: {_verdict(adjusted_p95 <= 100)}",
            peer=_pp(peer.dispatch_adjusted) if peer else "",
        ),
        _row(
            "finalise p50 / p95 (ms)",
            _pp(pipeline.finalise),
            _pp(bare.finalise),
            f"p95 <= 300: {_verdict(finalise_p95 <= 300)}",
            peer=_pp(peer.finalise) if peer else "",
        ),
        _row("  answer -> client has the image", _pp(pipeline.transfer), _pp(bare.transfer)),
        _row("  client has it -> stored (+ settled)", _pp(pipeline.store), _pp(bare.store)),
        _row("    image work + 2 PUTs (-> finished_at)", _pp(pipeline.files), ""),
        _row("    finished_at -> ledger settled", _pp(pipeline.settle), ""),
        _row(
            "worker RSS at start, before warm-up (MB)",
            f"{pipeline.rss_start_kb / MB:.0f}",
            "",
        ),
        _row(
            "process RSS idle -> peak (MB)",
            f"{pipeline.rss_idle_kb / MB:.0f} -> {pipeline.rss_peak_kb / MB:.0f}",
            f"{bare.rss_idle_kb / MB:.0f} -> {bare.rss_peak_kb / MB:.0f}",
            peer=f"{peer.rss_idle_kb / MB:.0f} -> {peer.rss_peak_kb / MB:.0f}" if peer else "",
        ),
        _row(
            "RSS per image in flight (MB), (peak-idle)/n",
            f"{per_image:.2f}",
            f"{bare_per_image:.2f}",
            f"<= 2 MB: {_verdict(per_image <= 2)}",
        ),
        _row("threads in the process (peak)", str(pipeline.threads_peak), str(bare.threads_peak)),
        _row(
            "CPU s per image, worker / bare process",
            f"{worker_cpu * 1000:.1f} ms",
            f"{bare.cpu.get('client', 0.0) / nb * 1000:.1f} ms",
            peer=f"{peer.cpu.get('peer', 0.0) / max(peer.succeeded, 1) * 1000:.1f} ms"
            if peer
            else "",
        ),
    ]

    def cpu_ms(phase: PhaseResult | None, names: Sequence[str]) -> str:
        if phase is None:
            return ""
        return f"{sum(phase.cpu.get(k, 0.0) for k in names) / max(phase.succeeded, 1) * 1000:.1f}"

    for name in ("web", "emulator", "s3 (moto)", "postgres", "redis"):
        if name in pipeline.cpu or name in bare.cpu:
            lines.append(
                _row(
                    f"  CPU ms per image, {name}",
                    cpu_ms(pipeline, [name]),
                    cpu_ms(bare, [name]),
                    peer=cpu_ms(peer, [name]),
                )
            )
    mine = ("worker", "client", "peer", "web", "emulator", "s3 (moto)", "postgres", "redis")
    lines.append(
        _row(
            "  CPU ms per image, all bench processes",
            cpu_ms(pipeline, mine),
            cpu_ms(bare, mine),
            peer=cpu_ms(peer, mine),
        )
    )

    def other_load(phase: PhaseResult | None) -> str:
        return (
            ""
            if phase is None
            else f"{phase.cpu.get('other', 0.0) / max(phase.cpu_wall, 1e-9):.2f}"
        )

    lines.append(
        _row(
            "other load on the machine (cores busy)",
            other_load(pipeline),
            other_load(bare),
            "should be ~0 for a clean run",
            peer=other_load(peer),
        )
    )
    if peer is not None:
        lines.append(
            f"  the pipeline makes {pipeline.rate / max(peer.rate, 1e-9):.1f}x the peer's images"
            f" per second (peer: a default Celery prefork worker, {peer.images} images, one"
            " blocking provider call per task)"
        )
    if pipeline.submit_ms:
        lines.append(_row("Generate POST, 64 images (ms) p50 / p95", _pp(pipeline.submit_ms), ""))
    if pipeline.unfinished:
        lines.append(f"  !! {pipeline.unfinished} image(s) had not finished by the deadline")
    for error, count in pipeline.errors.most_common(5):
        lines.append(f"  !! {count} x {error}")
    batch_title = f"one batch of {probe.images} images on the idle worker"
    single_title = (
        f"{singles.images} one-image batches, {SINGLE_GAP_SECONDS:g} s apart, idle worker"
    )
    lines += ["", *_probe(probe, batch_title), "", *_probe(singles, single_title)]
    lines += ["", *_finalise(finalise), "", *_pages(pages)]
    if gallery is not None:
        lines += ["", *_gallery(gallery)]
    return "\n".join(lines) + "\n"


def _gallery(result: GalleryResult) -> list[str]:
    small, large = result.small, result.images
    other = result.cpu.get("other", 0.0) / max(result.seconds, 1e-9)
    lines = [
        f"  gallery, {large:,} images in one workspace: server time in-process (ms), queries of"
        f" the first / next page at {small} -> {large:,} images",
        f"  {'':<44}{'matching':>9}{'queries':>16}{'first p50/p95':>15}{'next p50/p95':>14}"
        "   target p95, queries constant",
    ]
    for figure in result.figures:
        pages = [figure.first] if figure.next is None else [figure.first, figure.next]
        counts = "/".join(str(page.queries[small]) for page in pages)
        counts += " -> " + "/".join(str(page.queries[large]) for page in pages)
        constant = all(page.queries[small] == page.queries[large] for page in pages)
        worst = max(p50_p95(page.times_ms[large])[1] for page in pages)
        matching = "" if figure.matching is None else f"{figure.matching:,}"
        following = "" if figure.next is None else _pp(figure.next.times_ms[large])
        verdict = _verdict(worst <= figure.target_ms and constant)
        lines.append(
            f"  {figure.name[:44]:<44}{matching:>9}{counts:>16}"
            f"{_pp(figure.first.times_ms[large]):>15}{following:>14}"
            f"   <= {figure.target_ms}: {verdict}" + ("" if constant else " (query count grows)")
        )
    planned, copied, analyzed = result.build_seconds
    lines.append(
        f"  built in {sum(result.build_seconds):.0f} s (plan {planned:.0f} s, COPY {copied:.0f} s,"
        f" VACUUM ANALYZE {analyzed:.0f} s); the gallery phase took {result.seconds:.0f} s;"
        f" other load on the machine meanwhile {other:.2f} cores"
    )
    if result.csv is not None:
        lines += _csv(result.csv)
    if result.zip is not None:
        lines += _zip(result.zip)
    return lines


def _csv(c: CsvResult) -> list[str]:
    complete = c.rows == c.images
    return [
        f"  Costs CSV of the whole year, in-process: header and first rows after"
        f" {c.first_rows_ms:.0f} ms   target < 1000: {_verdict(c.first_rows_ms < 1000)}",
        f"    all of it in {c.total_seconds:.1f} s, {c.megabytes:.1f} MB, {c.rows:,} rows: "
        + ("one per image" if complete else f"EXPECTED {c.images:,}"),
    ]


def _zip(z: ZipResult) -> list[str]:
    average_kb = z.stored_bytes / z.images / 1024
    size_mb = z.zip_bytes / MB / MB
    rate = size_mb / max(z.total_seconds, 1e-9)
    complete = z.entries == z.images + 1 and not z.missing
    return [
        f"  ZIP of {z.images} photo-like JPEGs ({average_kb:.0f} KB each on average, stored in"
        f" {z.store_seconds:.0f} s), POST /gallery/bulk/ to gunicorn (1 worker):",
        f"    first byte after {z.first_byte_ms:.0f} ms   target < 1000: "
        f"{_verdict(z.first_byte_ms < 1000)}",
        f"    all of it in {z.total_seconds:.1f} s, {size_mb:.1f} MB ({rate:.0f} MB/s),"
        f" {z.entries} files: "
        + ("every image and manifest.csv" if complete else f"INCOMPLETE {z.error}"),
        f"    web process RSS {z.rss_before_kb / MB:.0f} -> {z.rss_peak_kb / MB:.0f} MB while"
        f" streaming, +{z.growth_mb:.1f} MB   target <= 64: {_verdict(z.growth_mb <= 64)}",
    ]


def _pages(pages: list[PageResult]) -> list[str]:
    if not pages:
        return []
    sizes = sorted(pages[0].times_ms)
    small, large = sizes[0], sizes[-1]
    lines = [
        f"  {'list page (server time, in-process)':<36}{'queries':>16}{'p50 ms':>10}"
        f"{'p50 / p95 ms':>16}{'n':>5}{'KB':>9}   target p95 <= 50, queries constant",
        f"  {'':<36}{f'@{small} -> @{large}':>16}{f'@{small}':>10}{f'@{large}':>16}",
    ]
    for page in pages:
        times = page.times_ms[large]
        p95 = p50_p95(times)[1]
        constant = page.queries[small] == page.queries[large]
        lines.append(
            f"  {page.name:<36}{f'{page.queries[small]} -> {page.queries[large]}':>16}"
            f"{p50_p95(page.times_ms[small])[0]:>10.0f}"
            f"{_pp(times):>16}{len(times):>5}{page.bytes[large] / 1024:>9.1f}   "
            f"{_verdict(p95 <= 50 and constant)}" + ("" if constant else " (query count grows)")
        )
    return lines


def _finalise(results: list[FinaliseResult]) -> list[str]:
    lines = [
        f"  {'finalise alone, idle worker, 1 thread':<40}{'input KB':>10}{'total p50 / p95':>18}"
        f"{'images':>14}{'2 PUTs':>12}   target p95 <= 300 (+ ~10 ms to settle)"
    ]
    for r in results:
        p95 = p50_p95(r.total_ms)[1]
        lines.append(
            f"  {r.name:<40}{r.input_bytes / 1024:>10.0f}{_pp(r.total_ms):>18}"
            f"{_pp(r.images_ms):>14}{_pp(r.puts_ms):>12}   {_verdict(p95 <= 300)}"
        )
    lines.append(
        f"  {'finalise CPU per image, before -> after the C2PA read (ms, p50)':<66}"
        f"{'checks':>10}{'read':>8}{'after':>9}"
    )
    for r in results:
        checks, read = p50_p95(r.checks_cpu_ms)[0], p50_p95(r.read_cpu_ms)[0]
        lines.append(f"  {r.name:<66}{checks:>10.1f}{read:>8.1f}{checks + read:>9.1f}")
    return lines


def _probe(probe: PhaseResult, title: str) -> list[str]:
    dispatch_p95 = p50_p95(probe.dispatch_first)[1]
    finalise_p95 = p50_p95(probe.finalise)[1]
    return [
        f"  {title} ({probe.succeeded} succeeded)".ljust(66) + "p50 / p95 ms",
        _row("  Generate POST", _pp(probe.submit_ms), ""),
        _row(
            "  dispatch, created -> emulator has it",
            _pp(probe.dispatch_first),
            "",
            f"p95 <= 100: {_verdict(dispatch_p95 <= 100)}",
        ),
        _row("    created -> claimed by a worker thread", _pp(probe.to_claim), ""),
        _row("    claimed -> provider call starts", _pp(probe.to_call), ""),
        _row("    call starts -> emulator has the request", _pp(probe.to_provider), ""),
        _row(
            "  finalise, answer -> stored + settled",
            _pp(probe.finalise),
            "",
            f"p95 <= 300: {_verdict(finalise_p95 <= 300)}",
        ),
        _row("    answer -> client has the image", _pp(probe.transfer), ""),
        _row("    client has it -> stored + settled", _pp(probe.store), ""),
        _row("      image work + 2 PUTs (-> finished_at)", _pp(probe.files), ""),
        _row("      finished_at -> ledger settled", _pp(probe.settle), ""),
    ]
