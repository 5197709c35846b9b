"""Speed: one clip on both cores against the bare loop, and jobs per minute per worker count.

    python bench/speed.py [CLIP] [--repeat 2] [--jobs 4] [--out bench/speed.md]

(a) decode + MediaPipe pose in one process (the bare loop), (b) the whole engine (decode,
pose, cleaning, events, metrics, findings, evidence stills, annotated H.264 video) in one
process and (c) with decode + pose split over ``FORMCHECK_POSE_PROCESSES`` (default: every
core, :mod:`core.parallel_pose`); each as frames per second and as a ratio to (a), best of
``--repeat`` interleaved runs. Then the same clip submitted ``--jobs`` times (one browser
each) to the embedded queue with 1 and with 2 ``python -m core worker`` processes: jobs per
minute from submit to the last report stored. Ratios, not absolute times, are the point.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core import parallel_pose  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.pose import MediaPipePose  # noqa: E402
from core.video import iter_frames, probe  # noqa: E402

DEFAULT = REPO.parent / "shared" / "clips" / "zzzhushi_male_side_treadmill.mp4"


def pose_loop(path: Path) -> tuple[int, float]:
    meta = probe(path)
    t0 = time.perf_counter()
    n = 0
    with MediaPipePose() as pose:
        for fr in iter_frames(meta):
            pose.process(fr.image, fr.t)
            n += 1
    return n, time.perf_counter() - t0


def full(path: Path, processes: int) -> tuple[int, float]:
    os.environ["FORMCHECK_POSE_PROCESSES"] = str(processes)
    t0 = time.perf_counter()
    r = analyze(path, AnalysisOptions(write_video=True), tempfile.mkdtemp())
    return r["source"]["n_frames"], time.perf_counter() - t0


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
    args = ap.parse_args()
    path = Path(args.clip)
    cores = parallel_pose.processes()
    parallel_pose.warm_up(cores)  # the helper processes stay up in a worker: not per clip
    runs: dict[str, list[tuple[int, float]]] = {"pose": [], "one": [], "split": []}
    for _ in range(max(1, args.repeat)):
        runs["pose"].append(pose_loop(path))
        runs["one"].append(full(path, 1))
        runs["split"].append(full(path, cores))
    (n0, s0), (n1, s1), (n2, s2) = (min(runs[k], key=lambda r: r[1])
                                    for k in ("pose", "one", "split"))
    base = n0 / s0
    lines = [f"clip: {path.name} ({n0} frames), best of {max(1, args.repeat)} interleaved runs, "
             f"{os.cpu_count()} cores",
             "",
             f"| {'path':<58} | {'fps':>6} | {'ratio':>5} |", f"|{'-' * 60}|{'-' * 8}|{'-' * 7}|",
             f"| {'decode + pose only, one process (the bare loop)':<58} | {base:6.1f} | {1.0:5.2f} |",
             f"| {'full engine + evidence + annotated H.264, one process':<58} | "
             f"{n1 / s1:6.1f} | {(n1 / s1) / base:5.2f} |",
             f"| {f'full engine + evidence + annotated H.264, {cores} processes':<58} | "
             f"{n2 / s2:6.1f} | {(n2 / s2) / base:5.2f} |"]
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
