"""What a workload reports: its table, its figures (for --json) and its targets.

A `Check` is one of the performance targets: a figure of the bridge, the same figure of
a baseline measured in the same run, their ratio, the target the ratio must meet and,
where the target may be missed, the floor that must hold regardless.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Bound", "Check", "Report", "figure_table", "fmt", "table"]


@dataclass(frozen=True)
class Bound:
    """A limit on a ratio: ``<=`` or ``>=`` `value`, or ``within`` `value`..`high`."""

    op: str
    value: float
    high: float | None = None

    def holds(self, ratio: float) -> bool:
        """Whether `ratio` is within this bound."""
        if self.op == "<=":
            return ratio <= self.value
        if self.op == ">=":
            return ratio >= self.value
        return self.value <= ratio <= (self.high if self.high is not None else self.value)

    def describe(self, share: bool = False) -> str:
        """The bound in words: a ratio (``<= 1.2x``) or a share (``within 35%-65%``)."""

        def show(value: float | None) -> str:
            return f"{value:.0%}" if share else f"{value:g}x"

        if self.op == "within":
            return f"within {show(self.value)}-{show(self.high)}"
        return f"{self.op} {show(self.value)}"

    def __str__(self) -> str:
        return self.describe()


@dataclass
class Check:
    """One target: `subject` (the bridge's figure) over `baseline` (the same figure of the
    named baseline), in `unit`. A skipped check says why instead."""

    key: str
    label: str
    subject: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    unit: str = ""
    target: Bound | None = None
    floor: Bound | None = None
    skipped: str | None = None
    ratio: float | None = None
    # The ratio is a share of a whole (shown in %), not a multiple.
    share: bool = False

    def __post_init__(self) -> None:
        if self.ratio is None and self.subject is not None and self.baseline:
            self.ratio = self.subject / self.baseline

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None: not measured, or no target)."""
        if self.ratio is None or self.target is None:
            return None
        return self.target.holds(self.ratio)

    @property
    def floor_held(self) -> bool | None:
        """Whether the floor holds (None: not measured, or no floor)."""
        if self.ratio is None or self.floor is None:
            return None
        return self.floor.holds(self.ratio)

    def verdict(self) -> str:
        """The ratio beside its target and floor, in words."""
        if self.skipped is not None:
            return f"skipped: {self.skipped}"
        if self.ratio is None:
            return "not measured"
        text = f"{self.ratio:.0%}" if self.share else f"{self.ratio:.2f}x"
        if self.target is not None:
            text += f"   target {self.target.describe(self.share)}: "
            text += "met" if self.met else "MISSED"
        if self.floor is not None:
            text += f"   floor {self.floor.describe(self.share)}: "
            text += "held" if self.floor_held else "BROKEN"
        return text

    def line(self) -> str:
        """One line: label, the two figures, the verdict."""
        if self.skipped is not None or self.subject is None or self.baseline is None:
            return f"{self.label}: {self.verdict()}"
        return (
            f"{self.label}: {fmt(self.subject)}{self.unit} vs {self.baseline_name} "
            f"{fmt(self.baseline)}{self.unit} -> {self.verdict()}"
        )

    def as_json(self) -> dict[str, Any]:
        """The check, with its verdicts, as JSON-ready values."""
        data = asdict(self)
        data["met"] = self.met
        data["floor_held"] = self.floor_held
        return data


@dataclass
class Report:
    """What one workload found: printed `lines`, JSON `figures`, its `checks`."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None
    seconds: float = 0.0

    def add(self, *lines: str) -> None:
        """Append printed lines."""
        self.lines.extend(lines)

    def text(self) -> str:
        """The report as printed: title, lines, then each check."""
        out = [f"[{self.name}] {self.title}"]
        if self.error is not None:
            out.append(f"    FAILED: {self.error}")
        elif self.skipped is not None:
            out.append(f"    skipped: {self.skipped}")
        out += [f"    {line}" if line else "" for line in self.lines]
        out += [f"    => {check.line()}" for check in self.checks]
        out.append(f"    ({self.seconds:.0f} s)")
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready: figures, checks with verdicts, skipped or error, seconds."""
        return {
            "title": self.title,
            "figures": self.figures,
            "checks": [check.as_json() for check in self.checks],
            "skipped": self.skipped,
            "error": self.error,
            "seconds": self.seconds,
        }


def fmt(value: float | None, spec: str = "") -> str:
    """A figure for a table: n/a when missing; a sensible precision by default."""
    if value is None:
        return "n/a"
    if spec:
        return format(value, spec)
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Rows of a label and one cell per column, aligned (cells right-aligned)."""
    label_width = max([len(label) for label, _ in rows] + [0]) + 2
    widths = [
        max([len(column)] + [len(cells[i]) for _, cells in rows if i < len(cells)]) + 2
        for i, column in enumerate(columns)
    ]
    lines = [
        "".ljust(label_width) + "".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))
    ]
    for label, cells in rows:
        padded = (c.rjust(w) for c, w in zip(cells, widths, strict=False))
        lines.append(label.ljust(label_width) + "".join(padded))
    return lines


def figure_table(
    columns: Mapping[str, Mapping[str, Any]], rows: Sequence[tuple[str, str]]
) -> list[str]:
    """A table of figures: one column per entry of `columns` (its figures by key), one
    row per (label, key) of `rows`; a missing figure shows as n/a."""
    return table(
        list(columns),
        [(label, [_cell(figures.get(key)) for figures in columns.values()]) for label, key in rows],
    )


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{name} x{count}" for name, count in sorted(value.items())) or "0"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return "n/a" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return fmt(float(value))
