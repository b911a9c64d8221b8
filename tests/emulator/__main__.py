"""Run the emulator standalone:

    uv run python -m tests.emulator --host 127.0.0.1 --port 8600 --latency-scale 0.01

It prints the base URL of each provider and serves until interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import types

from tests.emulator.config import EmulatorConfig
from tests.emulator.server import Emulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="first host alias (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8600, help="port (0: any free port)")
    parser.add_argument("--latency-scale", type=float, default=1.0, help="x model latencies")
    parser.add_argument("--latency-seconds", type=float, help="one fixed latency for every model")
    parser.add_argument("--today", help="the emulator's date for model retirement, YYYY-MM-DD")
    parser.add_argument("--credits", type=float, default=1000.0, help="BFL credits per new key")
    parser.add_argument("--delivery-ttl", type=float, default=600.0, help="BFL result URL life, s")
    parser.add_argument(
        "--alias-mode",
        choices=("auto", "ip", "port"),
        default="auto",
        help="host aliases as loopback addresses (ip) or consecutive ports (port)",
    )
    parser.add_argument("--advertise-host", help="host name put in URLs (port mode)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    config = EmulatorConfig(
        latency_scale=args.latency_scale,
        latency_seconds=args.latency_seconds,
        bfl_default_credits=args.credits,
        bfl_delivery_ttl=args.delivery_ttl,
    )
    if args.today:
        config.update(today=args.today)
    emulator = Emulator(args.host, args.port, config, args.alias_mode, args.advertise_host)
    emulator.start()
    lines = [f"{name:>22}  {url}" for name, url in emulator.base_urls().items()]
    sys.stdout.write("provider emulator listening:\n" + "\n".join(lines) + "\n")
    sys.stdout.flush()

    done = threading.Event()

    def stop(signum: int, frame: types.FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    done.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
