"""One fuzzing session: both families, each against its own bridge subprocess.

The request family's bridge points at the simulator (`bridge simulate`); the upstream
family's at a `HostileUpstream` in this process. Both bridges get the same API key, a
message limit (default 4 MiB, so cases near and past it stay cheap) and callers' own
keys enabled, so a key echoed back by the upstream may be either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bridge.config import Settings
from tools.fuzz import replies, requests
from tools.fuzz.corpus import Corpus
from tools.fuzz.report import REQUEST_CODES, FamilyReport, documented_codes
from tools.fuzz.runner import Run, Variant, run_family
from tools.harness.hostile import HostileUpstream
from tools.harness.procs import SimulatorProcess

__all__ = ["FAMILIES", "FuzzOptions", "fuzz"]

FAMILIES = ("requests", "upstream")
SELECT_HEADER = "x-fuzz-case"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FuzzOptions:
    """What to run: families, seed, case and time budgets per family, concurrency."""

    families: tuple[str, ...] = FAMILIES
    seed: int = 1
    cases: int = 10_000
    seconds: float = 900.0
    concurrency: int = 8
    max_message_bytes: int = 4 * 1024 * 1024
    deadline: float = 15.0
    out: Path = ROOT / "build" / "fuzz"
    categories: frozenset[str] | None = None
    replay: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    quiet: bool = False


def keys(seed: int) -> tuple[str, str, str]:
    """The bridge's API key, a caller's key and a client token: distinct per seed and
    easy to search for. None looks like an OpenAI key (``sk-...``): other providers' keys
    do not, so only redaction of the exact registered values can hide them."""
    digest = hashlib.sha256(f"fuzz-{seed}".encode()).hexdigest()
    return (
        f"fuzzbridgekey{digest[:20]}",
        f"fuzzcallerkey{digest[20:40]}",
        f"fuzztoken{digest[40:60]}",
    )


def _env(options: FuzzOptions, upstream_url: str, key: str) -> dict[str, str]:
    return {
        "BRIDGE_UPSTREAM_URL": upstream_url,
        "BRIDGE_UPSTREAM_API_KEY": key,
        "BRIDGE_CALLER_API_KEY": "true",
        "BRIDGE_MAX_MESSAGE_BYTES": str(options.max_message_bytes),
        "BRIDGE_CONNECT_TIMEOUT": "3",
        "BRIDGE_FIRST_BYTE_TIMEOUT": "5",
        "BRIDGE_READ_TIMEOUT": "5",
        "BRIDGE_MAX_RETRIES": "1",
        **options.env,
    }


def _progress(options: FuzzOptions) -> object:
    if options.quiet:
        return None
    return lambda text: print(text, flush=True)


async def fuzz(options: FuzzOptions) -> list[FamilyReport]:
    """Run the chosen families; one report each."""
    corpus = Corpus()
    key, caller_key, token = keys(options.seed)
    options.out.mkdir(parents=True, exist_ok=True)
    defaults = Settings()
    documented = documented_codes()
    reports = []
    for name in options.families:
        common = {
            "seed": options.seed,
            "secrets": (key, caller_key),
            "cases": options.cases,
            "seconds": options.seconds,
            "concurrency": options.concurrency,
            "deadline": options.deadline,
            "out": options.out,
            "categories": options.categories,
            "only": options.replay,
            "progress": _progress(options),
        }
        if name == "requests":
            context = requests.RequestContext(
                corpus=corpus,
                max_message_bytes=options.max_message_bytes,
                forward_headers=defaults.forward_headers,
                caller_key_header=defaults.caller_api_key_header,
                caller_key=caller_key,
            )
            async with SimulatorProcess(log_path=options.out / "simulator.log") as simulator:
                env = _env(options, simulator.url, key)
                tokens = options.out / "tokens"
                tokens.write_text(f"fuzz:{token}\n")
                variants = [
                    Variant("default", env),
                    # Client authentication on: every call carries a valid token unless
                    # the case sends its own authorization.
                    Variant(
                        "auth",
                        {**env, "BRIDGE_AUTH_TOKENS_FILE": str(tokens)},
                        metadata=(("authorization", f"Bearer {token}"),),
                        secrets=(token,),
                    ),
                ]
                run = Run(
                    family=requests.family(context),
                    variants=variants,
                    allowed=documented | REQUEST_CODES,
                    **common,  # type: ignore[arg-type]
                )
                reports.append(await run_family(run))
        elif name == "upstream":
            context = replies.ReplyContext(
                corpus=corpus,
                max_message_bytes=options.max_message_bytes,
                key=key,
                caller_key_header=defaults.caller_api_key_header,
                caller_key=caller_key,
            )
            async with HostileUpstream(select_header=SELECT_HEADER) as upstream:
                env = _env(options, upstream.url, key)
                env["BRIDGE_FORWARD_HEADERS"] = ",".join((*defaults.forward_headers, SELECT_HEADER))
                variants = [
                    Variant("default", env),
                    # No access log: the configuration with the least redaction today.
                    Variant("access-log-off", {**env, "BRIDGE_ACCESS_LOG_LEVEL": "off"}),
                ]
                run = Run(
                    family=replies.family(context),
                    variants=variants,
                    allowed=documented,
                    upstream=upstream,
                    select_header=SELECT_HEADER,
                    **common,  # type: ignore[arg-type]
                )
                report = await run_family(run)
                report.extras["upstream requests"] = upstream.counters.requests
                reports.append(report)
        else:
            raise ValueError(f"unknown family {name!r}; known: {', '.join(FAMILIES)}")
    return reports
