"""Speed of the full pipeline against a plain decode-and-pose loop on the same clip.

    python bench/speed.py [CLIP] [--repeat 1]

Reports frames per second of (a) decode + MediaPipe pose only and (b) the whole engine
(decode, pose, cleaning, events, metrics, findings, evidence stills, annotated H.264 video),
and their ratio, measured in one run on this machine. Ratios, not absolute times, are the
point: they say what the engine costs on top of the unavoidable pose pass.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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


def full(path: Path, video: bool) -> tuple[int, float]:
    t0 = time.perf_counter()
    r = analyze(path, AnalysisOptions(write_video=video), tempfile.mkdtemp())
    return r["source"]["n_frames"], time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("clip", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=2,
                    help="interleaved runs per path; the best (least disturbed) one counts")
    args = ap.parse_args()
    path = Path(args.clip)
    runs: dict[str, list[tuple[int, float]]] = {"pose": [], "engine": [], "video": []}
    for _ in range(max(1, args.repeat)):
        runs["pose"].append(pose_loop(path))
        runs["engine"].append(full(path, video=False))
        runs["video"].append(full(path, video=True))
    (n0, s0), (n1, s1), (n2, s2) = (min(runs[k], key=lambda r: r[1]) for k in ("pose", "engine", "video"))
    base = n0 / s0
    print(f"clip: {path.name} ({n0} frames), best of {max(1, args.repeat)} interleaved runs")
    print(f"{'path':<44}{'fps':>8}{'ratio':>8}")
    print(f"{'decode + pose only':<44}{base:8.1f}{1.0:8.2f}")
    print(f"{'full engine, no video':<44}{n1 / s1:8.1f}{(n1 / s1) / base:8.2f}")
    print(f"{'full engine + evidence + annotated H.264':<44}{n2 / s2:8.1f}{(n2 / s2) / base:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
