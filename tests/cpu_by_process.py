"""CPU seconds of a command's whole process tree, split by process kind (not a test module).

    nice -n 10 .venv/bin/python tests/cpu_by_process.py -- .venv/bin/python -m pytest -q -n 0 \
        tests/test_browser_privacy.py

Runs the command as a child of this process, made a child subreaper (``prctl``), so every
process it starts stays in the tree even when its parent exits (Chromium's zygote children,
spawned pose helpers). ``/proc/<pid>/stat`` of each process in the tree is read every
``--every`` seconds (utime + stime of the process itself); a process's last reading before it
exits is what it is counted for, so a sample interval's worth per short-lived process can be
missed. The exact total of the tree (``getrusage(RUSAGE_CHILDREN)`` once all are reaped) is
printed beside the sampled sum; the difference is shown as ``(unsampled)``.

Kinds: chromium by ``--type`` (browser, renderer, gpu-process, utility, zygote), the
Playwright driver (node), ``streamlit run``, the job workers (``python -m core worker``), the
pose helpers (spawned Python processes) by the kind of their parent, ffmpeg, the pytest
process, and anything else by its program name.
"""
from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(ppid, cpu seconds, start time) of ``pid``, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode(errors="replace")
    except OSError:
        return None
    rest = raw[raw.rfind(")") + 2:].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK, int(rest[19])


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _kind(argv: list[str], parent_kind: str, root: bool) -> str:
    if root:
        return "pytest (test process)"
    if len(argv) == 1:  # Chromium rewrites its command line as one string
        argv = argv[0].split()
    text = " ".join(argv)
    prog = os.path.basename(argv[0]) if argv else "?"
    if "chromium" in prog or "chrome" in prog:
        kind = next((a.split("=", 1)[1] for a in argv if a.startswith("--type=")), "browser")
        sub = next((a.split("=", 1)[1].split(".")[0] for a in argv
                    if a.startswith("--utility-sub-type=")), "")
        return f"chromium {kind} {sub}".strip()
    if prog == "node" or "playwright" in text and "driver" in text:
        return "playwright driver"
    if "streamlit" in text and " run " in f" {text} ":
        return "streamlit server"
    if "-m core worker" in text or ("core" in argv and "worker" in argv):
        return "job worker"
    if "multiprocessing" in text or "spawn_main" in text:
        return f"helper of {parent_kind}"
    if prog.startswith("ffmpeg") or prog.startswith("ffprobe"):
        return "ffmpeg"
    if "pytest" in text:
        return "pytest (test process)"
    return f"other: {prog}"


def main() -> int:
    args = sys.argv[1:]
    every = 0.1
    if args[:1] == ["--every"]:
        every, args = float(args[1]), args[2:]
    timeline = None
    if args[:1] == ["--timeline"]:  # a line per second: wall time, then CPU s per kind
        timeline, args = open(args[1], "w"), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    t0 = time.monotonic()
    root = subprocess.Popen(args)
    me = os.getpid()
    seen: dict[tuple[int, int], list] = {}  # (pid, start) -> [kind, cpu, samples]
    kinds: dict[int, str] = {}
    before: dict[str, float] = {}
    last_line = t0
    while True:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        stats = {p: s for p in pids if (s := _stat(p)) is not None}
        # a pid belongs to the tree when its parent chain reaches this process
        for pid in sorted(stats, key=lambda p: stats[p][2]):  # parents before children
            ppid, cpu, start = stats[pid]
            key = (pid, start)
            if key in seen:  # its kind again: a fork's command line is its parent's until exec
                if seen[key][2] < 20:  # the first 2 s of its life
                    k = _kind(_cmdline(pid), kinds.get(ppid, ""), pid == root.pid)
                    kinds[pid] = seen[key][0] = k
                    seen[key][2] += 1
                seen[key][1] = cpu
                continue
            if ppid != me and ppid not in kinds:
                continue
            if pid == me:
                continue
            parent = kinds.get(ppid, "")
            k = _kind(_cmdline(pid), parent, pid == root.pid)
            kinds[pid] = k
            seen[key] = [k, cpu, 0]
        # reap whatever exited (our own child and adopted orphans)
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = -1
            if pid <= 0:
                break
            if pid == root.pid:
                root.returncode = os.waitstatus_to_exitcode(_status)
            kinds.pop(pid, None)
        if root.returncode is not None:
            try:  # the orphans left: wait for them too (they are part of the cost)
                while os.waitpid(-1, 0)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            break
        if timeline is not None and time.monotonic() - last_line >= 1.0:
            now: dict[str, float] = defaultdict(float)
            for k, cpu, _n in seen.values():
                now[k] += cpu
            delta = {k: v - before.get(k, 0.0) for k, v in now.items()}
            timeline.write(f"{time.time():.1f} {time.monotonic() - t0:6.1f} " + "  ".join(
                f"{k}={v:.2f}" for k, v in sorted(delta.items()) if v >= 0.05) + "\n")
            timeline.flush()
            before, last_line = now, time.monotonic()
        time.sleep(every)
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ru.ru_utime + ru.ru_stime
    by_kind: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for k, cpu, _n in seen.values():
        by_kind[k] += cpu
        count[k] += 1
    sampled = sum(by_kind.values())
    print(f"\n== CPU by process kind: {' '.join(args)}")
    for k, cpu in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print(f"{cpu:8.1f} s  {k} ({count[k]} process{'es' if count[k] > 1 else ''})")
    print(f"{total - sampled:8.1f} s  (unsampled: exited between samples)")
    print(f"{total:8.1f} s  total CPU of the tree; wall {wall:.1f} s; exit {root.returncode}")
    return root.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
