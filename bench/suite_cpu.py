"""Where the whole suite's time and CPU go: ``python bench/suite_cpu.py [-n 2] [--out bench/suite.md]``.

Runs the suite's parallel phase as ``scripts/test.sh`` does (``-m "not realtime"``, its
throwaway PostgreSQL / Redis / S3 from ``scripts/services.sh``, no whole-page screenshots)
with ``bench/suite_cpu_plugin.py`` loaded, and samples the machine's busy cores
(``/proc/stat``, every process) every 2 s. Prints, and writes to ``--out`` as Markdown:

- the phase's wall time, the machine's CPU seconds over it and the mean busy cores (on a
  2-core machine 2.0 means CPU-bound: more workers or more overlap cannot help, only less
  work can);
- per test module: the worker seconds (the sum of its tests' wall time, fixtures included)
  and, with ``-n 0``, the machine CPU seconds its tests used (one test at a time, so the
  attribution is exact; the first test to analyse a clip pays for its pose pass, which the
  run's pose cache then replays for every other test);
- each worker's timeline: when it started each pytest-xdist group (a module with a
  module-scoped fixture, or the session analyses) and when it finished.

Run it on a quiet machine: the point is the ratio of the phase's CPU to what the cores can
give, not the seconds themselves. The section ``## Tried`` of an existing ``--out`` file is
kept (hand-written notes on what was measured and not adopted). For the split of one
module's CPU by process kind (Chromium, Streamlit, job worker, pose helpers) see
``tests/cpu_by_process.py``.
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite_cpu_plugin import busy_seconds  # noqa: E402

SAMPLE_S = 2.0


def _services_env(state: str) -> dict[str, str]:
    """Start the throwaway services (scripts/services.sh) and return their env lines."""
    env = dict(os.environ, FORMCHECK_SERVICES_DIR=state)
    run = subprocess.run(["bash", "scripts/services.sh", "start"], cwd=REPO, env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"suite_cpu: the test services did not start (scripts/services.sh start):\n"
                 f"{run.stderr[-2000:]}")
    out = run.stdout
    for m in re.finditer(r"^export (\w+)=(.*)$", out, re.M):
        env[m.group(1)] = m.group(2).strip("'\"")
    return env


def _sampler(samples: list, stop: threading.Event) -> None:
    while not stop.is_set():
        samples.append((time.time(), busy_seconds()))
        stop.wait(SAMPLE_S)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", default="2", help="pytest-xdist workers (0: one process, exact "
                                            "CPU per test)")
    ap.add_argument("--out")
    ap.add_argument("pytest_args", nargs="*")
    a = ap.parse_args()

    state = tempfile.mkdtemp(prefix="formcheck-services.")
    env = _services_env(state)
    rows_file = Path(tempfile.mkdtemp()) / "rows.tsv"
    env.update(SUITE_CPU_OUT=str(rows_file), FORMCHECK_TEST_SHOTS="0",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "bench"),
                                                        env.get("PYTHONPATH")])))
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    th = threading.Thread(target=_sampler, args=(samples, stop), daemon=True)
    th.start()
    t0, c0 = time.time(), busy_seconds()
    try:
        proc = subprocess.run([str(REPO / ".venv/bin/python"), "-m", "pytest", "-q", "-n", a.n,
                               "-m", "not realtime", "-p", "suite_cpu_plugin", *a.pytest_args],
                              cwd=REPO, env=env, capture_output=True, text=True)
    finally:
        wall, cpu = time.time() - t0, busy_seconds() - c0
        stop.set()
        th.join()
        subprocess.run(["bash", "scripts/services.sh", "stop"], cwd=REPO, env=env,
                       capture_output=True)
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]

    rows = []
    for line in (rows_file.read_text().splitlines() if rows_file.is_file() else []):
        w, s, e, c, node = line.split("\t")
        rows.append((w, float(s), float(e), float(c), node))
    if not rows:
        sys.exit(f"suite_cpu: pytest ran no test ({summary}); nothing written.\n"
                 f"{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
    start = min(r[1] for r in rows)
    by_mod: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])
    for w, s, e, c, node in rows:
        m = by_mod[node.split("::")[0].split("@")[0]]
        m[0] += e - s
        m[1] += c
        m[2] += 1
    serial = a.n in ("0", "1")

    how = "one process" if a.n == "0" else f"{a.n} workers"
    lines = [f"# Suite CPU: where the parallel phase's time goes ({how})", "",
             f"- `pytest -n {a.n} -m \"not realtime\" {' '.join(a.pytest_args)}`: **{summary}**",
             f"- Wall {wall:.0f} s; machine CPU {cpu:.0f} s (every process: pytest workers, app "
             f"servers, job workers, pose helpers, Chromium); mean busy cores "
             f"**{cpu / wall:.2f}** of {os.cpu_count()}.",
             "- Busy cores over the run (one figure per 30 s): " + (" ".join(
                 f"{(b2 - b1) / (t2 - t1):.1f}" for (t1, b1), (t2, b2)
                 in zip(samples[::15], samples[15::15])) or "(the run was under 30 s)"),
             "", "## Per test module", "",
             "| module | tests | worker seconds |" + (" machine CPU s |" if serial else ""),
             "|---|---|---|" + ("---|" if serial else "")]
    for mod, (ws, cs, n) in sorted(by_mod.items(), key=lambda kv: -kv[1][0]):
        if ws < 2.0:
            continue
        lines.append(f"| {mod} | {n} | {ws:.0f} |" + (f" {cs:.0f} |" if serial else ""))
    small = [k for k, v in by_mod.items() if v[0] < 2.0]
    lines.append(f"| {len(small)} other modules | "
                 f"{sum(by_mod[k][2] for k in small)} | "
                 f"{sum(by_mod[k][0] for k in small):.0f} |"
                 + (f" {sum(by_mod[k][1] for k in small):.0f} |" if serial else ""))
    lines += ["", "## Worker timelines (s from the first test; groups of 10 s or more)", ""]
    per_w: dict[str, list] = collections.defaultdict(list)
    for w, s, e, c, node in rows:
        per_w[w].append((s - start, e - start, node.split("@")[1] if "@" in node
                         else node.split("::")[0]))
    for w, items in sorted(per_w.items()):
        items.sort()
        spans: list[list] = []
        for s, e, g in items:
            if spans and spans[-1][2] == g:
                spans[-1][1] = e
            else:
                spans.append([s, e, g])
        lines.append(f"- **{w}** (ends at {max(e for _, e, _ in items):.0f} s): " + ", ".join(
            f"{g} {s:.0f}-{e:.0f}" for s, e, g in spans if e - s >= 10))
    lines += ["", f"_Generated by `python bench/suite_cpu.py -n {a.n}` "
                  f"({time.strftime('%d %b %Y')})._"]
    text = "\n".join(lines) + "\n"
    if a.out:
        out = Path(a.out)
        old = out.read_text() if out.is_file() else ""
        kept = old[old.index("## Tried"):] if "## Tried" in old else ""
        out.write_text(text + ("\n" + kept if kept else ""))
    print(text)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
