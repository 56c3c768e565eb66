"""`python -m tools.fuzz`: fuzz a bridge subprocess with hostile clients and upstreams.

Usage::

    python -m tools.fuzz                           # both families, 10,000 cases each
    python -m tools.fuzz --family upstream --seed 7 --cases 2000 --seconds 120
    python -m tools.fuzz --family upstream --seed 7 --replay 1234   # one case, in detail

Prints per family and generator category the cases run, the statuses seen and the
defects found (UNKNOWN, undocumented statuses, crashes, client decode failures, leaked
secrets, outcomes a valid mutation changed, path escapes), one smallest reproduction per
distinct defect (also written under --out), and the bridge's peak RSS. Exits 1 when any
defect was found.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from tools.fuzz.report import format_report
from tools.fuzz.session import FAMILIES, FuzzOptions, fuzz


def _duration(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--family", choices=(*FAMILIES, "all"), default="all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=10_000, help="cases per family")
    parser.add_argument(
        "--seconds",
        type=_duration,
        default=900.0,
        help="time budget per family (e.g. 90, 90s, 10m)",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--max-message-bytes",
        type=int,
        default=4 * 1024 * 1024,
        help="the bridge's BRIDGE_MAX_MESSAGE_BYTES; sizes scale with it",
    )
    parser.add_argument("--category", action="append", help="run only this category (repeatable)")
    parser.add_argument("--replay", type=int, help="run only this case number, in detail")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra bridge setting, e.g. BRIDGE_ACCESS_LOG_LEVEL=off",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=FuzzOptions().out,
        help="where reproductions, bridge logs and summary.json go",
    )
    parser.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run, print the report, write summary.json; 1 when a defect was found."""
    args = _parser().parse_args(argv)
    options = FuzzOptions(
        families=FAMILIES if args.family == "all" else (args.family,),
        seed=args.seed,
        cases=args.cases,
        seconds=args.seconds,
        concurrency=args.concurrency,
        max_message_bytes=args.max_message_bytes,
        categories=frozenset(args.category) if args.category else None,
        replay=args.replay,
        env=dict(item.split("=", 1) for item in args.env),
        out=args.out,
        quiet=args.quiet,
    )
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        reports = asyncio.run(fuzz(options))
    else:
        reports = uvloop.run(fuzz(options))
    print(format_report(reports))
    options.out.mkdir(parents=True, exist_ok=True)
    summary = options.out / "summary.json"
    summary.write_text(json.dumps([r.to_json() for r in reports], indent=2))
    print(f"summary: {summary}")
    return 1 if any(report.defect_total() for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
