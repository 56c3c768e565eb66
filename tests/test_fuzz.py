"""The short fuzz (`make fuzz` in little): both families with a fixed seed against real
bridge subprocesses, the simulator and the hostile upstream, every generator category.

Each test asserts one property over every case; a failure lists the categories and the
smallest cases that broke it, each replayable with
``python -m tools.fuzz --family F --seed 20240601 --replay N``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tools.fuzz.report import DEFECTS, FamilyReport
from tools.fuzz.session import FAMILIES, FuzzOptions, fuzz

SEED = 20240601
CASES_PER_FAMILY = 260
# A bound, not a target: the cases take a few seconds each family on two cores.
SECONDS_PER_FAMILY = 40.0
MIN_PER_CATEGORY = 15


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FamilyReport]:
    """Both families run once for the whole module."""
    out: Path = tmp_path_factory.mktemp("fuzz")
    options = FuzzOptions(
        seed=SEED,
        cases=CASES_PER_FAMILY,
        seconds=SECONDS_PER_FAMILY,
        concurrency=8,
        out=out,
        quiet=True,
    )
    return {report.name: report for report in asyncio.run(fuzz(options))}


def _examples(report: FamilyReport, kind: str) -> str:
    found = sorted(
        (r for r in report.reproductions.values() if r.signature[0] == kind),
        key=lambda r: (-r.count, r.size),
    )
    return "\n".join(
        f"  {r.case_id} [{r.signature[1]}/{r.signature[2]}] {r.method} {r.label!r}: "
        f"{r.code} {r.message[:160]!r} {'; '.join(r.notes[:1])[:160]}"
        for r in found[:8]
    )


def test_every_case_and_category_ran(reports: dict[str, FamilyReport]) -> None:
    """Every planned case ran, and every category of both families had its share."""
    assert set(reports) == set(FAMILIES)
    for name, report in reports.items():
        assert report.cases == CASES_PER_FAMILY, f"{name}: {report.cases} cases ran"
        for category, counts in report.categories.items():
            assert counts.cases >= MIN_PER_CATEGORY, f"{name}/{category}: {counts.cases} cases"


@pytest.mark.parametrize("kind", list(DEFECTS))
def test_no_case_has_defect(reports: dict[str, FamilyReport], kind: str) -> None:
    """No case ends with this defect (UNKNOWN, an undocumented status, a crash, a reply
    the client cannot decode, a leaked secret, a valid reply changed, a path escape)."""
    problems = []
    for name, report in reports.items():
        per_category = {c: r.defects[kind] for c, r in report.categories.items() if r.defects[kind]}
        if per_category:
            problems.append(
                f"{name}: {sum(per_category.values())} cases ({DEFECTS[kind]}): {per_category}\n"
                + _examples(report, kind)
            )
    assert not problems, "\n".join(problems)


def test_no_secret_in_bridge_logs(reports: dict[str, FamilyReport]) -> None:
    """No line the bridges logged holds the API key, a caller's key or a client token."""
    leaks = {name: report.log_leaks for name, report in reports.items() if report.log_leaks}
    assert not leaks, f"log lines with a secret: {leaks}"
