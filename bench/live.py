"""Speed of the live (webcam) path against the raw pose loop, at 640x480, in one run.

    python bench/live.py [CLIP] [--frames 300]

The clip's frames are decoded once and pillar-boxed to 640x480 (what a webcam sends), then:

1. raw pose loop: ``MediaPipePose.process`` on every frame;
2. live path: ``LiveAnalyzer.process`` on every frame (pose, overlay, and the once-a-second
   window analysis on its background thread competing for the CPU);
3. live path while recording (adds a JPEG encode and clip statistics per frame);
4. real time: frames arrive at the clip's rate; a busy analyzer skips to the newest frame,
   as streamlit-webrtc's async mode does. Reports frames analysed per second, the share
   skipped, and the latency from a frame's arrival to its annotated output;
5. real time while recording: as 4, the skipped frames handed to ``LiveAnalyzer.keep``; then
   the report is made and its annotated video's duration is compared with the session's.

Ratios to the raw pose loop are the point; absolute numbers depend on the machine and its load.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.live import LiveAnalyzer  # noqa: E402
from core.pose import MediaPipePose  # noqa: E402
from core.video import iter_frames, probe  # noqa: E402

DEFAULT = REPO.parent / "shared" / "clips" / "zzzhushi_male_side_treadmill.mp4"
W, H = 640, 480


def webcam_frames(path: Path, n: int) -> tuple[list[np.ndarray], list[float]]:
    """Up to ``n`` frames scaled into 640x480 (pillar- or letter-boxed) with their times."""
    imgs, ts = [], []
    for fr in iter_frames(probe(path)):
        h, w = fr.image.shape[:2]
        sc = min(W / w, H / h)
        small = cv2.resize(fr.image, (int(w * sc), int(h * sc)), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((H, W, 3), np.uint8)
        y, x = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
        canvas[y:y + small.shape[0], x:x + small.shape[1]] = small
        imgs.append(canvas)
        ts.append(fr.t)
        if len(imgs) >= n:
            break
    return imgs, ts


def timed(fn, imgs: list[np.ndarray], ts: list[float]) -> tuple[float, np.ndarray]:
    """Frames per second and per-frame latencies (ms) of ``fn(img, t)`` over all frames."""
    lat = []
    t0 = time.perf_counter()
    for img, t in zip(imgs, ts):
        a = time.perf_counter()
        fn(img, t)
        lat.append(time.perf_counter() - a)
    return len(imgs) / (time.perf_counter() - t0), np.array(lat) * 1000


def real_time(imgs: list[np.ndarray], ts: list[float], record: bool = False
              ) -> tuple[float, float, np.ndarray, tuple[float, float] | None]:
    """Frames arrive on schedule; the analyzer takes the newest (and, when recording, keeps
    the skipped ones). (fps, skipped share, ms, (video s, session s) when recording)"""
    slot: list[tuple[int, float] | None] = [None]
    skipped: list[int] = []
    cond = threading.Condition()
    done = threading.Event()

    def camera() -> None:
        start = time.perf_counter()
        for i, t in enumerate(ts):
            time.sleep(max(0.0, start + t - time.perf_counter()))
            with cond:
                if slot[0] is not None:
                    skipped.append(slot[0][0])
                slot[0] = (i, time.perf_counter())
                cond.notify()
        done.set()
        with cond:
            cond.notify()

    lat, processed, durations = [], 0, None
    with LiveAnalyzer() as analyzer:
        if record:
            analyzer.start_recording()
        cam = threading.Thread(target=camera)
        t0 = time.perf_counter()
        cam.start()
        while True:
            with cond:
                while slot[0] is None and not done.is_set():
                    cond.wait()
                item, slot[0] = slot[0], None
                older, skipped[:] = list(skipped), []
            if item is None:
                break
            i, arrived = item
            for k in older if record else ():
                analyzer.keep(imgs[k], ts[k])
            analyzer.process(imgs[i], ts[i])
            lat.append(time.perf_counter() - arrived)
            processed += 1
        cam.join()
        wall = time.perf_counter() - t0
        if record:
            import tempfile

            import av

            with tempfile.TemporaryDirectory() as out:
                report = analyzer.to_report(out)
                with av.open(str(Path(out) / report["media"]["video"])) as c:
                    st = c.streams.video[0]
                    video_s = float(st.duration * st.time_base)
            src = report["source"]
            durations = (video_s, src["duration_s"] + 1 / src["fps_measured"])
    return processed / wall, 1 - processed / len(ts), np.array(lat) * 1000, durations


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("clip", nargs="?", default=str(DEFAULT))
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    imgs, ts = webcam_frames(Path(args.clip), args.frames)
    with MediaPipePose() as pose:
        pose.process(imgs[0])  # load the model outside the timing
        base_fps, base_lat = timed(pose.process, imgs, ts)
    with LiveAnalyzer() as live:
        live.process(imgs[0], -1.0)
        live_fps, live_lat = timed(live.process, imgs, ts)
    with LiveAnalyzer() as live:
        live.process(imgs[0], -1.0)
        live.start_recording()
        rec_fps, rec_lat = timed(live.process, imgs, ts)
    rt_fps, skipped, rt_lat, _ = real_time(imgs, ts)
    rec_rt_fps, rec_skipped, rec_rt_lat, (video_s, session_s) = real_time(imgs, ts, record=True)
    clip_fps = (len(ts) - 1) / (ts[-1] - ts[0])

    print(f"clip: {Path(args.clip).name}, {len(imgs)} frames at {W}x{H}, {clip_fps:.0f} fps")
    print(f"{'path':<34}{'fps':>7}{'ratio':>7}{'p50 ms':>8}{'p95 ms':>8}{'ratio p50':>11}")
    for name, fps, lat in (("raw pose loop", base_fps, base_lat),
                           ("live: every frame", live_fps, live_lat),
                           ("live: every frame, recording", rec_fps, rec_lat)):
        p50, p95 = np.percentile(lat, [50, 95])
        print(f"{name:<34}{fps:7.1f}{fps / base_fps:7.2f}{p50:8.1f}{p95:8.1f}"
              f"{p50 / np.median(base_lat):11.2f}")
    for name, fps, lat in (("live: real time, drop when busy", rt_fps, rt_lat),
                           ("live: real time, recording", rec_rt_fps, rec_rt_lat)):
        p50, p95 = np.percentile(lat, [50, 95])
        print(f"{name:<34}{fps:7.1f}{fps / base_fps:7.2f}{p50:8.1f}{p95:8.1f}"
              f"{p50 / np.median(base_lat):11.2f}")
    print(f"real time: {skipped:.0%} of frames skipped to keep up, {rec_skipped:.0%} while "
          f"recording (kept for the report; latency = arrival to annotated output)")
    print(f"recording: annotated video {video_s:.2f} s for a {session_s:.2f} s session "
          f"({100 * (video_s / session_s - 1):+.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
