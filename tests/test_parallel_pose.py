"""Both cores for one clip: the chunked decode + pose pass gives the single-process result.

Compares the real engine on a real shared treadmill clip run with one process against the
session's run split over two (tests/conftest.py ``side_analysis``, with its evidence stills and
annotated video, whose runs the helper draws too): what a runner reads, cadence within 0.5
steps/min, angles within 1 deg, the same frames and the same view. A third run with a nudged
tracker start (the noise floor of landing angles) is made only when a landing angle needs it.
"""
from __future__ import annotations

import math
import tempfile

import numpy as np
import pytest

from core import parallel_pose
from core.pipeline import AnalysisOptions, ClipStatsCollector, FrameStore, analyze
from core.pose import MediaPipePose
from core.video import iter_frames, probe

from clipgen import cut_clip
from conftest import SIDE_CLIP

pytestmark = pytest.mark.slow


def test_plan_covers_the_clip_once():
    chunks = parallel_pose.plan(12.0, 3, warmup=0.6)
    assert chunks[0][0] == 0.0 and chunks[0][2] == 0.0
    assert chunks[-1][1] == math.inf
    for (s0, e0, _), (s1, _e1, w1) in zip(chunks, chunks[1:]):
        assert e0 == s1 and w1 == 0.6 and s1 > s0
    # the first chunk is longer by the others' warm-up share: work is even
    assert chunks[0][1] - chunks[0][0] > chunks[1][1] - chunks[1][0]


def test_split_frames_match_the_single_loop(tmp_path):
    """Timestamps, frame count, kept JPEGs and clip statistics equal the single loop's.
    On the first 4.5 s of the clip (two chunks), so this pose pass is not a second one over the
    whole clip with the options the reports below use."""
    if not SIDE_CLIP.is_file():
        pytest.skip("shared clip missing")
    meta = probe(cut_clip(SIDE_CLIP, tmp_path / "piece.mp4", 4.5))
    assert parallel_pose.split_count(meta, 1.0, 60.0, 2) == 2
    frames, stats = FrameStore(meta.n_frames_est), ClipStatsCollector()
    out = parallel_pose.pose_pass(meta, 1.0, 960, 60.0, frames, stats,
                                  lambda s, f: None, meta.n_frames_est, n_proc=2)
    assert out is not None
    ts, lms, size = out
    single, ref = [], ClipStatsCollector()  # the single loop: one decode for both
    for fr in iter_frames(meta):
        single.append((fr.t, fr.image.shape))
        ref.add(fr.image)
    assert len(single) >= 120
    assert len(ts) == len(single)
    assert np.allclose(ts, [t for t, _ in single], atol=1e-6)
    assert size == (single[0][1][1], single[0][1][0])
    assert sorted(frames.jpeg) == list(range(len(ts)))
    assert stats.stats().brightness == pytest.approx(ref.stats().brightness, abs=0.01)
    assert stats.stats().scene_cuts == ref.stats().scene_cuts
    assert sum(lm is not None for lm in lms) >= 0.9 * len(lms)


class NudgedStart(MediaPipePose):
    """The real model, its first frame shifted by one pixel: another equally valid start of
    the pose tracker. How far that moves the single-process result is the noise floor."""

    def __init__(self) -> None:
        super().__init__()
        self.first = True

    def process(self, image_bgr, t_s=0.0):
        if self.first:
            self.first = False
            image_bgr = np.ascontiguousarray(np.roll(image_bgr, 1, axis=1))
        return super().process(image_bgr, t_s)


def _nudged_report() -> dict:
    """The single-process run with :class:`NudgedStart` (a pose pass of its own: no cache)."""
    nudged_pose = NudgedStart()
    try:
        with pytest.MonkeyPatch.context() as mp, \
                tempfile.TemporaryDirectory(prefix="fc_nudged_") as out:
            mp.setenv("FORMCHECK_POSE_PROCESSES", "1")
            return analyze(SIDE_CLIP, AnalysisOptions(write_video=False), out,
                           backend=nudged_pose)
    finally:
        nudged_pose.close()


@pytest.fixture(scope="module")
def both_reports(side_analysis, tmp_path_factory):
    """(single, split, split's media folder). The split run is the session's run of this clip
    with the default options (tests/conftest.py ``side_analysis``: evidence and annotated video
    too, which the app tests read as well), when those options split this clip over two
    processes; otherwise (a machine with another core count or FORMCHECK_POSE_PROCESSES) a
    run of its own forced to two."""
    if not SIDE_CLIP.is_file():
        pytest.skip("shared clip missing")
    opts = AnalysisOptions()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORMCHECK_POSE_PROCESSES", "1")
        single = analyze(SIDE_CLIP, AnalysisOptions(write_video=False),
                         tmp_path_factory.mktemp("fc_single"))
    if parallel_pose.split_count(probe(SIDE_CLIP), 1.0, opts.max_seconds) == 2:
        split, out = side_analysis.report, side_analysis.media_dir
    else:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("FORMCHECK_POSE_PROCESSES", "2")
            out = tmp_path_factory.mktemp("fc_split")
            split = analyze(SIDE_CLIP, opts, out)
    return single, split, out


def test_split_report_equals_single_process_within_noise(both_reports):
    single, split, _out = both_reports
    assert split["status"] == single["status"] in ("ok", "limited")
    assert split["source"]["n_frames"] == single["source"]["n_frames"]
    assert split["view"]["view"] == single["view"]["view"]
    assert split["view"]["facing"] == single["view"]["facing"]
    a = {m["id"]: m for m in single["metrics"]}
    b = {m["id"]: m for m in split["metrics"]}
    assert set(a) == set(b)
    assert b["cadence"]["value"] == pytest.approx(a["cadence"]["value"], abs=0.5)
    angles = [k for k, m in a.items() if m["unit"] == "deg" and m["value"] is not None]
    assert len(angles) >= 8, angles
    landing = {"shank_angle_ic", "knee_flexion_ic", "foot_strike"}
    c = None  # the nudged run's metrics: only run when a landing angle is over 3 deg apart
    for k in angles:
        diff = abs(b[k]["value"] - a[k]["value"])
        if k in landing:
            # Angles read at one landing frame (30 fps here): a one-pixel nudge of the single
            # loop's first frame already moves them by up to ~1.5 deg, and the split run is a
            # different but equally valid tracker path after the cut. Measured: up to 3 deg.
            # Within 3 deg passes whatever the nudge gives, so the nudged pose pass runs only
            # for a landing angle further apart than that.
            if diff > 3.0 and c is None:
                c = {m["id"]: m for m in _nudged_report()["metrics"]}
            nudge = abs(c[k]["value"] - a[k]["value"]) if c is not None and k in c else 0.0
            assert diff <= max(3.0, nudge + 0.5), (k, a[k]["value"], b[k]["value"], nudge)
        else:
            assert diff <= 1.0, (k, a[k]["value"], b[k]["value"])


def test_split_run_writes_the_whole_annotated_video(both_reports):
    """The split run's video (runs drawn by both processes, joined) has one frame per kept
    clip frame, in order, at the clip's rate, and its evidence stills exist."""
    import av
    from pathlib import Path

    _single, split, out = both_reports
    out = Path(out)
    media = split["media"]
    assert media["video"] == "annotated.mp4"
    assert not list(out.glob(".annotated.part*"))  # the runs are joined and removed
    with av.open(str(out / media["video"])) as c:
        times = [float(f.time) for f in c.decode(video=0)]
    assert len(times) == len(media["video_frames"]) == split["source"]["n_frames"]
    assert np.all(np.diff(times) > 0)
    assert times[-1] == pytest.approx(split["source"]["duration_s"], abs=0.1)
    assert media["evidence"] and all((out / rel).is_file() for rel in media["evidence"].values())
