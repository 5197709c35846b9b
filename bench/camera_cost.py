"""What the camera-motion stage (core/camera.py) costs against the whole pipeline.

    python bench/camera_cost.py [CLIP ...] [--out bench/camera.md]

Per clip, in one process: (a) the decode loop with the pose model and the camera estimator,
timing ``MotionEstimator.add`` and ``pose.process`` per frame; (b) the floor line and
levelling (``ground_line`` + ``level``) on the engine's cleaned track, with the frames the
engine keeps (image lines and upright lines, ``vertical_lines_roll``); (c) the whole engine
(:func:`core.pipeline.analyze`, no video, one pose process). The camera's share is
(a's estimator time + accumulate + b) / c. The brief allows at most 15 %.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["FORMCHECK_POSE_PROCESSES"] = "1"

from core import camera  # noqa: E402
from core.admission import FrameStore  # noqa: E402
from core.events import detect_events  # noqa: E402
from core.landmarks import clean, from_raw  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.pose import MediaPipePose  # noqa: E402
from core.video import iter_frames, probe  # noqa: E402
from core.view import detect_view  # noqa: E402

SHARED = REPO.parent / "shared"
DEFAULT = [SHARED / "clips" / "zzzhushi_male_side_treadmill.mp4",
           SHARED / "synthetic" / "syn_side_good_60.mp4"]


def measure(path: Path) -> dict:
    meta = probe(path)
    est = camera.MotionEstimator()
    t_pose = t_cam = 0.0
    ts, lms, steps = [], [], []
    size = (0, 0)
    frames = FrameStore(meta.n_frames_est or 0)
    with MediaPipePose() as pose:
        for fr in iter_frames(meta, max_side=960):
            size = (fr.image.shape[1], fr.image.shape[0])
            frames.add(len(ts), fr.image)
            a = time.perf_counter()
            lm = pose.process(fr.image, fr.t)
            b = time.perf_counter()
            steps.append(est.add(fr.image, lm))
            c = time.perf_counter()
            t_pose += b - a
            t_cam += c - b
            ts.append(fr.t)
            lms.append(lm)
    a = time.perf_counter()
    mo = camera.accumulate(steps, size)
    raw = camera.to_ground(from_raw(ts, lms, *size), mo)
    t_acc = time.perf_counter() - a
    track = clean(raw)
    view = detect_view(track)
    events = detect_events(track, view)
    a = time.perf_counter()
    gl = camera.ground_line(track, events, view, frames)
    camera.level(track, gl.roll_deg)
    t_floor = time.perf_counter() - a
    a = time.perf_counter()
    analyze(path, AnalysisOptions(write_video=False), tempfile.mkdtemp(prefix="fc_cam_bench_"))
    t_all = time.perf_counter() - a
    cam = t_cam + t_acc + t_floor
    return {"clip": path.name, "frames": len(ts), "size": f"{size[0]}x{size[1]}",
            "cam_ms": 1000 * t_cam / len(ts), "pose_ms": 1000 * t_pose / len(ts),
            "floor_ms": 1000 * (t_acc + t_floor), "all_s": t_all, "share": cam / t_all}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("clips", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rows = [measure(p) for p in args.clips]
    lines = ["# Camera-motion stage cost (python bench/camera_cost.py)", "",
             "One process (FORMCHECK_POSE_PROCESSES=1); shared 2-core machine, so absolute "
             "times vary with load: the share is the point.", "",
             "| clip | frames | working size | camera ms/frame | pose ms/frame | "
             "accumulate + floor line ms | whole engine s | camera share |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['clip']} | {r['frames']} | {r['size']} | {r['cam_ms']:.1f} | "
                     f"{r['pose_ms']:.1f} | {r['floor_ms']:.0f} | {r['all_s']:.1f} | "
                     f"{100 * r['share']:.1f} % |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
