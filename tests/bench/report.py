"""The benchmark's outputs: one clean table on the terminal, and in artifacts/bench/ the
same as JSON (for docs/SCALE.md's script) and Markdown, and a chart of the sign-in
step's cost by the codes left (SVG, drawn here: no plotting library for one line)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .harness import ROOT

OUT = ROOT / "artifacts" / "bench"


@dataclass
class Report:
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def context(self, measure: str, result: str) -> None:
        self.rows.append((measure, result, "context"))

    def target(self, measure: str, result: str, target: str, met: bool) -> None:
        self.rows.append((measure, result, f"{target}  {'ok' if met else 'MISSED'}"))
        if not met:
            self.missed.append(measure)

    def table(self) -> str:
        rows = [("measure", "result", "target"), *self.rows]
        width = [max(len(row[i]) for row in rows) for i in range(3)]
        return "\n".join("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)).rstrip()
                         for row in rows)

    def markdown(self, heading: str) -> str:
        lines = [f"# {heading}", "", "| measure | result | target |", "|---|---|---|"]
        lines += [f"| {m} | {r} | {t} |" for m, r, t in self.rows]
        lines += ["", "![cost of the sign-in step by the codes left](cost-by-codes-left.svg)",
                  ""]
        return "\n".join(lines)

    def write(self, heading: str, by_left: dict[int, float]) -> Path:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "bench.json").write_text(json.dumps(
            {"heading": heading, "rows": self.rows, "missed": self.missed, **self.data},
            indent=2) + "\n")
        (OUT / "bench.md").write_text(self.markdown(heading))
        (OUT / "cost-by-codes-left.svg").write_text(chart(by_left))
        return OUT


def chart(by_left: dict[int, float], width: int = 560, height: int = 260) -> str:
    """A line chart: x the codes left before the step, y the step ÷ one argon2."""
    pad, top = 48, max(3.0, max(by_left.values()) * 1.1)
    lefts = sorted(by_left, reverse=True)
    span = max(1, len(lefts) - 1)

    def x(i: int) -> float:
        return pad + i * (width - 2 * pad) / span

    def y(value: float) -> float:
        return height - pad - value * (height - 2 * pad) / top

    points = " ".join(f"{x(i):.1f},{y(by_left[left]):.1f}" for i, left in enumerate(lefts))
    grid = "".join(
        f'<line x1="{pad}" y1="{y(v):.1f}" x2="{width - pad}" y2="{y(v):.1f}" '
        f'stroke="#ddd"/><text x="{pad - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
        f'font-size="11">{v:.0f}x</text>' for v in range(int(top) + 1))
    labels = "".join(
        f'<text x="{x(i):.1f}" y="{height - pad + 16}" text-anchor="middle" '
        f'font-size="11">{left}</text>' for i, left in enumerate(lefts) if i % 2 == 0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="sans-serif">'
            f'<title>Backup-code sign-in step cost by codes left</title>{grid}{labels}'
            f'<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="{points}"/>'
            f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="12">'
            f'codes left before the sign-in</text>'
            f'<text x="14" y="{height / 2}" font-size="12" '
            f'transform="rotate(-90 14 {height / 2})" text-anchor="middle">'
            f'step / one argon2 verification</text></svg>\n')
