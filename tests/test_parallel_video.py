"""The annotated video on both cores (core.parallel_video, core.annotate.concat_videos).

A video drawn in runs by several processes and joined must be the video one pass makes: the
same number of frames, the same timestamps, each frame the picture of its own clip frame.
The skeleton drawing is checked pixel for pixel against the plain per-point drawing it replaced.
"""
from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from core import annotate, parallel_pose, parallel_video
from core.admission import FrameStore
from core.pose import LM, SKELETON


def _frames(n: int, w: int = 320, h: int = 240) -> list[np.ndarray]:
    """Frames told apart by a moving bar and a frame number written on them."""
    out = []
    for i in range(n):
        img = np.full((h, w, 3), (40 + i % 50, 90, 140), np.uint8)
        x = (7 * i) % (w - 20)
        img[:, x:x + 20] = (230, 230, 230)
        cv2.putText(img, str(i), (10, h - 20), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 4)
        out.append(img)
    return out


def _decode(path: Path) -> tuple[list[float], list[np.ndarray]]:
    with av.open(str(path)) as c:
        pairs = [(float(f.time), f.to_ndarray(format="bgr24")) for f in c.decode(video=0)]
    return [t for t, _ in pairs], [im for _, im in pairs]


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def _own_frame_each(decoded: list[np.ndarray], source: list[np.ndarray]) -> None:
    """Each decoded frame is a good copy of its own source frame, closer to it than to its
    neighbours (so nothing is dropped, doubled or out of order)."""
    assert len(decoded) == len(source)
    for k, img in enumerate(decoded):
        own = _psnr(img, source[k])
        assert own > 32.0, (k, own)
        for j in (k - 1, k + 1):
            if 0 <= j < len(source):
                assert own > _psnr(img, source[j]) + 3.0, (k, j)


def test_joined_parts_equal_one_pass(tmp_path):
    frames = _frames(90)
    one = annotate.write_video(iter(frames), 30.0, tmp_path / "one.mp4")
    parts = [annotate.write_video(iter(frames[a:b]), 30.0, tmp_path / f"p{k}.mp4")
             for k, (a, b) in enumerate([(0, 31), (31, 60), (60, 90)])]
    joined = annotate.concat_videos(parts, tmp_path / "joined.mp4")
    t1, d1 = _decode(one)
    t2, d2 = _decode(joined)
    assert len(t2) == len(t1) == 90
    assert np.allclose(t2, t1, atol=1e-6)
    assert np.allclose(np.diff(t2), 1 / 30.0, atol=1e-4)
    _own_frame_each(d2, frames)
    data = joined.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: plays while it downloads


def test_write_video_colours_match_the_pixels(tmp_path):
    """The encoder is fed OpenCV's I420: colours come back as they went in (BT.601 range)."""
    frames = _frames(10)
    _, dec = _decode(annotate.write_video(iter(frames), 30.0, tmp_path / "c.mp4"))
    assert len(dec) == len(frames)
    for a, b in zip(dec, frames):
        assert abs(float(a.astype(np.float64).mean() - b.mean())) < 3.0
        assert _psnr(a, b) > 32.0


def _draw_per_point(img, xy):
    """The per-point drawing draw_skeleton replaced (a vectorised copy must match it)."""
    s = max(1.0, min(img.shape[:2]) / 480.0)
    th = max(2, int(2 * s))

    def pt(name):
        p = xy[LM[name]]
        return None if not np.all(np.isfinite(p)) else (int(round(p[0])), int(round(p[1])))

    for a, b in SKELETON:
        pa, pb = pt(a), pt(b)
        if pa is None or pb is None:
            continue
        side = "L" if a.startswith("l_") and b.startswith("l_") else \
            "R" if a.startswith("r_") and b.startswith("r_") else "C"
        cv2.line(img, pa, pb, (20, 20, 20), th + 2, cv2.LINE_AA)
        cv2.line(img, pa, pb, annotate.COL[side], th, cv2.LINE_AA)
    for name in LM:
        p = pt(name)
        if p is not None and not name.startswith(("l_eye", "r_eye", "mouth", "l_pinky",
                                                  "r_pinky", "l_thumb", "r_thumb", "l_index",
                                                  "r_index")):
            cv2.circle(img, p, max(2, int(2.5 * s)), (255, 255, 255), -1, cv2.LINE_AA)
    return img


def test_draw_skeleton_pixels_unchanged():
    rng = np.random.default_rng(3)
    for k in range(30):
        xy = rng.uniform(-40, 700, (33, 2))
        xy[rng.random(33) < 0.15] = np.nan
        xy[rng.integers(33)] = [100.5, 200.5]  # exact halves: rounding must agree too
        size = (540, 960) if k % 2 else (1080, 1920)
        a = annotate.draw_skeleton(np.zeros((*size, 3), np.uint8), xy)
        b = _draw_per_point(np.zeros((*size, 3), np.uint8), xy)
        assert np.array_equal(a, b), k


def _track_like(n: int, w: int = 320, h: int = 240):
    t = np.arange(n)
    xy = np.zeros((n, 33, 2))
    xy[:, :, 0] = 60 + (np.arange(33) * 5)[None, :] + (t % 40)[:, None]
    xy[:, :, 1] = 30 + (np.arange(33) * 5)[None, :]
    vis = np.ones((n, 33))
    detected = t % 9 != 4  # some frames without a runner: drawn bare
    return xy, vis, detected


def _store(frames: list[np.ndarray]) -> FrameStore:
    store = FrameStore(len(frames))
    for i, img in enumerate(frames):
        store.add(i, img)
    return store


def _drawn(store: FrameStore, xy, vis, detected) -> list[np.ndarray]:
    out = []
    for i in store.indices():
        img = store.get(i)
        if detected[i]:
            annotate.draw_skeleton(img, xy[i], vis[i])
        out.append(img)
    return out


def test_without_helpers_one_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel_pose, "running_pool", lambda: (None, 0))
    frames = _frames(70)
    store = _store(frames)
    xy, vis, det = _track_like(70)
    pending = parallel_video.start(store, xy, vis, det, store.indices(), 30.0,
                                   tmp_path / "a.mp4")
    assert len(pending.parts) == 1
    path = pending.finish()
    t, dec = _decode(path)
    assert len(t) == 70
    _own_frame_each(dec, _drawn(store, xy, vis, det))


@pytest.mark.slow  # starts a real helper process (it imports MediaPipe: a few seconds)
def test_helpers_draw_runs_that_join_into_one_video(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_POSE_PROCESSES", "2")
    try:
        parallel_pose.warm_up(2)
        pool, size = parallel_pose.running_pool()
        assert pool is not None and size >= 1
        frames = _frames(150)
        store = _store(frames)
        xy, vis, det = _track_like(150)
        seen = []
        pending = parallel_video.start(store, xy, vis, det, store.indices(), 30.0,
                                       tmp_path / "annotated.mp4")
        assert len(pending.parts) == 2
        assert len(pending.parts[0].jpeg) < len(pending.parts[1].jpeg)  # the stills are made here
        path = pending.finish(lambda stage, f: seen.append(f))
        assert path.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4"]
        assert seen and max(seen) <= 0.99 and seen == sorted(seen)
        t, dec = _decode(path)
        assert len(t) == 150
        assert np.allclose(t, np.arange(150) / 30.0, atol=1e-4)
        _own_frame_each(dec, _drawn(store, xy, vis, det))
    finally:  # no helper pool left running for the next test on this worker
        parallel_pose.shutdown()
