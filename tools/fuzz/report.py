"""Outcomes, defects and the report: per family and category, statuses and defects.

The documented statuses are read from the README's "Errors" table (its second column),
so the fuzzer and the documentation cannot disagree; a request may also end CANCELLED,
INVALID_ARGUMENT, UNAUTHENTICATED or RESOURCE_EXHAUSTED, and any call may end OK.
UNKNOWN is never allowed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFECTS",
    "CategoryReport",
    "FamilyReport",
    "Outcome",
    "documented_codes",
    "format_report",
]

ERRORS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
REQUEST_CODES = frozenset(
    {"CANCELLED", "INVALID_ARGUMENT", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED"}
)
GRPC_CODES = frozenset(
    {
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    }
)

EXAMPLES = 3

# Defect kinds, in report order, with what each means.
DEFECTS = {
    "unknown": "the call ended UNKNOWN",
    "undocumented": "a status outside the documented table (UNKNOWN aside)",
    "crash": "the bridge process died while the call was in flight",
    "decode": "the client could not decode a reply message, status details or the status",
    "key_leak": "a secret in a status message, details, metadata or an error event",
    "changed": "a reply kept valid ended differently from its unmutated seed",
    "path_escape": "the upstream got a path other than one segment equal to the id",
}


def documented_codes(page: Path = ERRORS_PAGE) -> frozenset[str]:
    """The gRPC codes in the second column of the errors page's status table, plus OK."""
    text = page.read_text()
    match = re.search(r"^## Status codes and details\n(.*?)(?=^## )", text, re.S | re.M)
    if match is None:
        raise ValueError(f"{page} has no 'Status codes and details' section")
    codes = {"OK"}
    for line in match.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and line.lstrip().startswith("|"):
            codes.update(word for word in re.findall(r"[A-Z_]{2,}", cells[1]) if word in GRPC_CODES)
    return frozenset(codes)


@dataclass
class Outcome:
    """What the client got for one case."""

    code: str
    message: str = ""
    messages: int = 0
    # The events those messages carried (a batched stream's message holds several).
    events: int = 0
    via: str = "grpc"
    elapsed: float = 0.0
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Reproduction:
    """The smallest case seen for one distinct defect."""

    signature: tuple[str, ...]
    case_id: str
    label: str
    method: str
    size: int
    code: str
    message: str
    notes: list[str]
    files: list[str]
    count: int = 0


@dataclass
class CategoryReport:
    """Counts of one generator category."""

    cases: int = 0
    slow: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    defects: Counter[str] = field(default_factory=Counter)
    labels_with_defects: Counter[str] = field(default_factory=Counter)


@dataclass
class FamilyReport:
    """Counts of one family, its reproductions and the bridge's figures."""

    name: str
    seed: int
    categories: dict[str, CategoryReport] = field(
        default_factory=lambda: defaultdict(CategoryReport)
    )
    reproductions: dict[tuple[str, ...], Reproduction] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    start_rss_mib: float = 0.0
    restarts: int = 0
    log_leaks: int = 0
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return sum(report.cases for report in self.categories.values())

    def defect_total(self) -> int:
        return sum(sum(r.defects.values()) for r in self.categories.values()) + self.log_leaks

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.name,
            "seed": self.seed,
            "cases": self.cases,
            "seconds": round(self.seconds, 1),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "start_rss_mib": round(self.start_rss_mib, 1),
            "restarts": self.restarts,
            "log_leaks": self.log_leaks,
            "extras": self.extras,
            "categories": {
                name: {
                    "cases": report.cases,
                    "slower_than_5s": report.slow,
                    "codes": dict(report.codes.most_common()),
                    "defects": dict(report.defects),
                    "labels_with_defects": dict(report.labels_with_defects.most_common(20)),
                }
                for name, report in sorted(self.categories.items())
            },
            "reproductions": [
                {
                    "signature": list(r.signature),
                    "count": r.count,
                    "case": r.case_id,
                    "label": r.label,
                    "method": r.method,
                    "size": r.size,
                    "code": r.code,
                    "message": r.message[:500],
                    "notes": r.notes,
                    "files": r.files,
                }
                for r in self.reproductions.values()
            ],
        }


def _codes(counter: Counter[str]) -> str:
    return " ".join(f"{code}={count}" for code, count in counter.most_common())


def format_report(families: list[FamilyReport]) -> str:
    """The human-readable report."""
    lines: list[str] = []
    for family in families:
        rate = family.cases / family.seconds if family.seconds else 0.0
        lines.append(
            f"== family {family.name} (seed {family.seed}): {family.cases} cases in "
            f"{family.seconds:.0f} s ({rate:.0f}/s); bridge RSS {family.start_rss_mib:.0f} MiB "
            f"at start, peak {family.peak_rss_mib:.0f} MiB; restarts after crashes: "
            f"{family.restarts}"
        )
        for name, report in sorted(family.categories.items()):
            defects = " ".join(f"{k}={v}" for k, v in report.defects.items() if v) or "none"
            slow = f" (slower than 5 s: {report.slow})" if report.slow else ""
            lines.append(f"  {name:14} cases={report.cases:<6} defects: {defects}{slow}")
            lines.append(f"  {'':14} statuses: {_codes(report.codes)}")
        if family.log_leaks:
            lines.append(f"  secrets in bridge log lines: {family.log_leaks}")
        for key, value in family.extras.items():
            lines.append(f"  {key}: {value}")
        totals: Counter[str] = Counter()
        for report in family.categories.values():
            totals.update(report.defects)
        lines.append(
            "  defects: "
            + (" ".join(f"{kind}={totals[kind]}" for kind in DEFECTS if totals[kind]) or "none")
        )
        groups: dict[tuple[str, str], list[Reproduction]] = defaultdict(list)
        for repro in family.reproductions.values():
            groups[repro.signature[:2]].append(repro)
        if groups:
            lines.append(
                f"  distinct defects: {len(family.reproductions)} (smallest case of each "
                f"under the output folder); by kind and category:"
            )
        for (kind, category), found in sorted(groups.items()):
            found.sort(key=lambda r: (-r.count, r.size))
            lines.append(
                f"    {kind} / {category}: {sum(r.count for r in found)} cases, "
                f"{len(found)} distinct; for example:"
            )
            for repro in found[:EXAMPLES]:
                lines.append(
                    f"      x{repro.count} [{repro.signature[2]}] {repro.case_id} {repro.method} "
                    f"{repro.label!r} ({repro.size} bytes): {repro.code} {repro.message[:150]!r}"
                )
                for note in repro.notes[:2]:
                    lines.append(f"          {note[:200]}")
    return "\n".join(lines)
