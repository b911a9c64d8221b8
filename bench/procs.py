"""Processes the benchmark starts, and what it reads about them from /proc.

Every child is started here and recorded in `STATE/bench.pids`, so `bench/run.sh` can stop the
ones a crash left behind (by pid, never by name). A sampler thread reads the resident memory
(VmRSS) and CPU time (utime + stime) of a process and all its descendants.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def web_argv(port: int, workers: int = 2) -> list[str]:
    """gunicorn serving the app on `port` with sync workers (by default one per core here)."""
    return [
        sys.executable, "-m", "gunicorn", "avatarapp.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, seconds: float, what: str, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start on {host}:{port} within {seconds:.0f} s")


class Children:
    """The processes this run started; stop() ends each one by its pid, TERM then KILL."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> int:
        handle = log.open("wb")
        proc = subprocess.Popen(  # noqa: S603 (our own fixed command lines)
            argv, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        self.procs[name] = proc
        with (self.state / "bench.pids").open("a") as pids:
            pids.write(f"{proc.pid}\n")
        return proc.pid

    def stop(self, name: str, grace: float = 10.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def stop_all(self) -> None:
        for name in list(self.procs)[::-1]:
            self.stop(name)

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None


def descendants(pid: int) -> list[int]:
    """pid and every process below it (children files of each thread, recursively)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in children.read_text().split())
    return found


def rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (children that were waited for are counted too)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        return (utime + stime + cutime + cstime) / CLOCK_TICKS
    return 0.0


def threads_of(pid: int) -> int:
    with contextlib.suppress(OSError):
        return len(list(Path(f"/proc/{pid}/task").iterdir()))
    return 0


@dataclass
class Group:
    """A named set of root pids whose trees are measured together (e.g. all of PostgreSQL)."""

    name: str
    roots: list[int]

    def pids(self) -> list[int]:
        seen: list[int] = []
        for root in self.roots:
            seen.extend(p for p in descendants(root) if p not in seen)
        return seen

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())

    def rss_kb(self) -> int:
        return sum(rss_kb(p) for p in self.pids())


@dataclass
class Sample:
    at: float
    rss_kb: int


@dataclass
class Sampler:
    """Samples the memory of one group every `interval` seconds, in a thread, until stopped."""

    group: Group
    interval: float = 0.05
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(Sample(time.time(), self.group.rss_kb()))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak_kb(self) -> int:
        return max((s.rss_kb for s in self.samples), default=0)


def machine_busy_seconds() -> float:
    """CPU time every core of the machine spent busy (not idle, not waiting for I/O)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def cpu_snapshot(groups: Iterable[Group]) -> dict[str, float]:
    """CPU seconds so far of each group, of this process ("bench"), and of the whole machine
    ("machine"), so a phase can tell how much CPU other people's processes took from it."""
    out = {g.name: g.cpu() for g in groups}
    out["bench"] = cpu_seconds(os.getpid())
    out["machine"] = machine_busy_seconds()
    return out


def read_pid(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().split()[0])
    return None
