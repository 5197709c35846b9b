"""Speed: one clip on both cores against the bare loop, and jobs per minute per worker count.

    python bench/speed.py [CLIP] [--repeat 2] [--jobs 4] [--out bench/speed.md]

(a) decode + MediaPipe pose in one process (the bare loop), (b) the whole engine (decode,
pose, cleaning, events, metrics, findings, evidence stills, annotated H.264 video) in one
process and (c) with decode + pose split over ``FORMCHECK_POSE_PROCESSES`` (default: every
core, :mod:`core.parallel_pose`); each as frames per second and as a ratio to (a), best of
``--repeat`` interleaved runs. Then the same clip submitted ``--jobs`` times (one browser
each) to the embedded queue with 1 and with 2 ``python -m core worker`` processes: jobs per
minute from submit to the last report stored. Ratios, not absolute times, are the point.

CPU seconds are measured beside wall time (this process with all its threads from
``os.times``; the pose helpers from ``/proc/<pid>/stat``): unlike wall time they barely move
when other work shares the cores. A sampler process counts how many of the bare loop's
threads are runnable at once (MediaPipe's graph threads, FFmpeg's decoder threads): that is
how many cores the bare loop keeps busy, so on ``N`` cores no split can beat
``N / busy x (bare CPU per frame / split CPU per frame)`` times the bare loop (printed as the
bound). ``--stages`` prints where the split run's CPU goes, by stage and process.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core import parallel_pose  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.pose import MediaPipePose  # noqa: E402
from core.video import iter_frames, probe  # noqa: E402

DEFAULT = REPO.parent / "shared" / "clips" / "zzzhushi_male_side_treadmill.mp4"


SAMPLER = r"""
import os, sys, time
pid, n, busy = int(sys.argv[1]), 0, 0
while True:
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        break
    r = 0
    for t in tids:
        try:
            with open(f"/proc/{pid}/task/{t}/stat") as f:
                r += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except OSError:
            pass
    n, busy = n + 1, busy + r
    print(n, busy, flush=True)
    time.sleep(0.002)
"""


@dataclass
class Run:
    frames: int
    wall_s: float
    cpu_s: float  # this process and the pose helpers, every thread
    busy: float | None = None  # mean runnable threads (bare loop only)
    stages: dict | None = None


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _helpers_cpu() -> dict[int, float]:
    """CPU seconds so far of each pose helper process (from /proc; {} where there is none)."""
    pool, _ = parallel_pose.running_pool()
    out = {}
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return out


def _sampler_start() -> subprocess.Popen | None:
    if not Path(f"/proc/{os.getpid()}/task").is_dir():
        return None
    return subprocess.Popen([sys.executable, "-c", SAMPLER, str(os.getpid())],
                            stdout=subprocess.PIPE, text=True)


def _sampler_stop(proc: subprocess.Popen | None) -> float | None:
    if proc is None:
        return None
    proc.terminate()
    out = proc.communicate()[0].split()
    return int(out[-1]) / int(out[-2]) if len(out) >= 2 and int(out[-2]) else None


def pose_loop(path: Path) -> Run:
    meta = probe(path)
    n = 0
    with MediaPipePose() as pose:
        sampler = _sampler_start()
        t0, c0 = time.perf_counter(), _cpu()
        for fr in iter_frames(meta):
            pose.process(fr.image, fr.t)
            n += 1
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        busy = _sampler_stop(sampler)
    return Run(n, wall, cpu, busy)


def full(path: Path, processes: int) -> Run:
    os.environ["FORMCHECK_POSE_PROCESSES"] = str(processes)
    h0 = _helpers_cpu()
    t0, c0 = time.perf_counter(), _cpu()
    r = analyze(path, AnalysisOptions(write_video=True), tempfile.mkdtemp())
    wall, own = time.perf_counter() - t0, _cpu() - c0
    h1 = _helpers_cpu()
    helpers = sum(v - h0.get(pid, 0.0) for pid, v in h1.items())
    stages = None
    if processes > 1 and parallel_pose.LAST_PASS is not None:
        lp = parallel_pose.LAST_PASS
        chunk_cpu = [sum(c[k] for k in parallel_pose.STAGES) for c in lp.chunks]
        stages = {"chunks": lp.chunks, "pass_wall_s": lp.wall_s, "wait_s": lp.wait_s,
                  "parent_rest_s": own - chunk_cpu[0],
                  "helpers_rest_s": helpers - sum(chunk_cpu[1:]), "wall_s": wall}
    return Run(r["source"]["n_frames"], wall, own + helpers, stages=stages)


def stage_table(st: dict) -> list[str]:
    """Where the split run's CPU went: by stage, in this process (chunk 0) and the helpers."""
    ch = st["chunks"]
    lines = ["", "CPU seconds of the split run by stage (process_time: every thread of "
                 "each process):", "",
             "| stage | this process | helpers |", "|---|---|---|",
             f"| frames (+ warm-up frames tracked, not kept) | {ch[0]['frames']} | "
             + " + ".join(f"{c['frames']} (+{c['warmup_frames']})" for c in ch[1:]) + " |"]
    for k in parallel_pose.STAGES:
        lines.append(f"| {k} | {ch[0][k]:.2f} | {sum(c[k] for c in ch[1:]):.2f} |")
    lines += [f"| after the pose pass (cleaning ... report; helpers: their runs of the "
              f"annotated video) | {st['parent_rest_s']:.2f} | {st['helpers_rest_s']:.2f} |",
              "", f"pose pass {st['pass_wall_s']:.1f} s wall, of it {st['wait_s']:.2f} s "
              f"this process waited for the helpers; whole run {st['wall_s']:.1f} s wall"]
    return lines


def jobs_per_minute(path: Path, n_jobs: int, workers: int) -> float:
    """Submit ``n_jobs`` uploads of ``path`` at once; run ``workers`` embedded workers."""
    from ui.analysis import clip_key, digest_file, options_dict

    data = Path(tempfile.mkdtemp(prefix="fc-bench-jobs-"))
    env = {**os.environ, "FORMCHECK_DATA_DIR": str(data), "FORMCHECK_WORKERS": "0"}
    env.pop("FORMCHECK_BROKER_URL", None)
    env.pop("FORMCHECK_POSE_PROCESSES", None)  # each job: every core, as in the app
    os.environ.update({k: env[k] for k in ("FORMCHECK_DATA_DIR", "FORMCHECK_WORKERS")})
    os.environ.pop("FORMCHECK_POSE_PROCESSES", None)
    from core import jobs
    from core.jobs import state

    state._ENGINES.clear()
    opts = AnalysisOptions()
    key = clip_key(digest_file(path), opts)
    raw = path.read_bytes()
    t0 = time.perf_counter()
    ids = [jobs.submit_clip(raw, path.name, options_dict(opts), key,
                            owner=secrets.token_urlsafe(24)).id for _ in range(n_jobs)]
    procs = [subprocess.Popen([sys.executable, "-m", "core", "worker", "--embedded", "--once"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(workers)]
    for p in procs:
        p.wait()
    took = time.perf_counter() - t0
    done = sum(jobs.status(j).state == jobs.DONE for j in ids)
    if done != n_jobs:
        raise SystemExit(f"only {done}/{n_jobs} jobs finished")
    return n_jobs / (took / 60)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("clip", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=2,
                    help="interleaved runs per path; the best (least disturbed) one counts")
    ap.add_argument("--jobs", type=int, default=4, help="jobs per worker-count run (0: skip)")
    ap.add_argument("--out", help="also write the table as Markdown here")
    ap.add_argument("--stages", action="store_true",
                    help="also print the split run's CPU by stage and process")
    args = ap.parse_args()
    path = Path(args.clip)
    cores = parallel_pose.processes()
    parallel_pose.warm_up(cores)  # the helper processes stay up in a worker: not per clip
    runs: dict[str, list[Run]] = {"pose": [], "one": [], "split": []}
    for _ in range(max(1, args.repeat)):
        runs["pose"].append(pose_loop(path))
        runs["one"].append(full(path, 1))
        runs["split"].append(full(path, cores))
    best = {k: min(v, key=lambda r: r.wall_s / r.frames) for k, v in runs.items()}
    cpu = {k: min(r.cpu_s / r.frames for r in v) for k, v in runs.items()}  # least disturbed
    b0 = best["pose"]
    base = b0.frames / b0.wall_s
    busy = [r.busy for r in runs["pose"] if r.busy]
    busy_s = f"{max(busy):.2f}" if busy else "n/a"

    def row(label: str, key: str) -> str:
        r = best[key]
        fps = r.frames / r.wall_s
        return (f"| {label:<58} | {fps:6.1f} | {fps / base:5.2f} | {cpu[key] * 1000:12.1f} | "
                f"{r.cpu_s / r.wall_s:5.2f} |")

    lines = [f"clip: {path.name} ({b0.frames} frames), best of {max(1, args.repeat)} "
             f"interleaved runs, {os.cpu_count()} cores",
             "",
             f"| {'path':<58} | {'fps':>6} | {'ratio':>5} | CPU ms/frame | cores |",
             f"|{'-' * 60}|{'-' * 8}|{'-' * 7}|{'-' * 14}|{'-' * 7}|",
             row("decode + pose only, one process (the bare loop)", "pose"),
             row("full engine + evidence + annotated H.264, one process", "one"),
             row(f"full engine + evidence + annotated H.264, {cores} processes", "split")]
    split = best["split"]
    lines += ["", f"end to end (report, evidence stills, annotated video), one clip on {cores} "
                  f"cores: {(split.frames / split.wall_s) / base:.2f}x the bare loop"]
    used = b0.cpu_s / b0.wall_s  # cores the bare loop used: reads low when the cores are shared
    lines += ["", f"the bare loop used {used:.2f} cores (CPU / wall; reads low when other work "
                  f"shares the cores) and kept {busy_s} threads runnable at once (sampled; reads "
                  f"high then). Using {cores} cores fully, the split run's CPU per frame "
                  f"({cpu['split'] * 1000:.1f} ms against the bare loop's "
                  f"{cpu['pose'] * 1000:.1f}) bounds its ratio at {cores} / cores used x "
                  f"{cpu['pose'] * 1000:.1f} / {cpu['split'] * 1000:.1f}: "
                  + (f"{cores / max(busy) * cpu['pose'] / cpu['split']:.2f} (sampled) to " if busy else "")
                  + f"{cores / used * cpu['pose'] / cpu['split']:.2f} (CPU / wall)"]
    if args.stages and best["split"].stages:
        lines += stage_table(min((r for r in runs["split"] if r.stages),
                                 key=lambda r: r.cpu_s / r.frames).stages)
    if args.jobs > 0:
        jpm1 = jobs_per_minute(path, args.jobs, 1)
        jpm2 = jobs_per_minute(path, args.jobs, 2)
        lines += ["", f"jobs per minute ({args.jobs} uploads of this clip submitted at once, "
                      "embedded queue, from submit to the last report stored):", "",
                  "| workers | jobs/min |", "|---|---|",
                  f"| 1 | {jpm1:.2f} |", f"| 2 | {jpm2:.2f} |"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text("# Speed (python bench/speed.py)\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
