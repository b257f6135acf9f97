"""`make bench`: every benchmark script under bench/, one after the other, and BENCHMARKS.md written from what they print.

A script is a `.sh` file or a `.py` file that runs as a program (`if __name__ == "__main__"`); the rest of bench/ are
their helpers. Each script prints its own figures and budgets and exits 1 when it misses one, so BENCHMARKS.md holds,
per script: whether every budget was met, how long it ran, the load average before it, its lines that name a budget
or a target, and everything it printed. The machine (processor, cores, memory, versions) heads the file.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/run_all.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
REPORT = ROOT / "BENCHMARKS.md"
# Lines worth lifting into the summary: a figure said against its budget or target, or a check's verdict.
BUDGET_LINE = re.compile(r"budget|target|^\s*(ok|MISS)\b|within|OVER", re.IGNORECASE)


@dataclass
class Run:
    script: Path
    status: int
    seconds: float
    load_before: str
    output: str

    @property
    def verdict(self) -> str:
        return "every budget met" if self.status == 0 else f"a budget missed or the run failed (exit {self.status})"


def scripts() -> list[Path]:
    found = sorted(BENCH.glob("*.sh"))
    found += [
        path
        for path in sorted(BENCH.glob("*.py"))
        if path.name != Path(__file__).name and 'if __name__ == "__main__"' in path.read_text()
    ]
    return found


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run(script: Path) -> Run:
    command = ["bash", str(script)] if script.suffix == ".sh" else [sys.executable, str(script)]
    print(f"== {script.relative_to(ROOT)}", flush=True)
    load_before = load_average()
    began = time.monotonic()
    lines = []
    with subprocess.Popen(  # noqa: S603 - our own scripts
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    return Run(script, process.returncode, time.monotonic() - began, load_before, "".join(lines))


def command_version(*command: str) -> str:
    try:
        answer = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except OSError:
        return "not found"
    return (answer.stdout or answer.stderr).strip().splitlines()[0] if (answer.stdout or answer.stderr) else "?"


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    memory_kib = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return [
        f"- processor: {cpu}, {os.cpu_count()} cores; memory {memory_kib / 1024 / 1024:.1f} GiB",
        f"- {platform.platform()}; Python {platform.python_version()}",
        f"- {command_version('psql', '--version')}; {command_version('redis-server', '--version')}",
    ]


def write_report(runs: list[Run], began: dt.datetime) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/run_all.py), started {began:%Y-%m-%d %H:%M} UTC. Each script's budgets are in",
        "its own docstring; other work on the machine moves every figure, so the load average (1, 5 and 15 minutes)",
        "before each script stands beside it. Nothing here is a timed test: the suite never depends on these figures.",
        "",
        "## The machine",
        "",
        *machine(),
        "",
        "## Summary",
        "",
        "| Script | Result | Minutes | Load average before |",
        "|---|---|---|---|",
        *(f"| `{r.script.relative_to(ROOT)}` | {r.verdict} | {r.seconds / 60:.1f} | {r.load_before} |" for r in runs),
        "",
    ]
    for r in runs:
        figures = [line.strip() for line in r.output.splitlines() if BUDGET_LINE.search(line)]
        lines += [f"## `{r.script.relative_to(ROOT)}`", "", f"{r.verdict}; {r.seconds / 60:.1f} min.", ""]
        lines += [f"- {figure}" for figure in figures] or ["- (no line names a budget)"]
        lines += ["", "<details><summary>Everything it printed</summary>", "", "```text", r.output.rstrip(), "```"]
        lines += ["", "</details>", ""]
    REPORT.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", default=[], help="file names of the scripts to run (default: all)")
    args = parser.parse_args()
    chosen = [script for script in scripts() if not args.only or script.name in args.only]
    began = dt.datetime.now(dt.UTC)
    runs = [run(script) for script in chosen]
    write_report(runs, began)
    print(f"\nWrote {REPORT.relative_to(ROOT)}: " + "; ".join(f"{r.script.name} {r.verdict}" for r in runs))
    return 0 if all(r.status == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
