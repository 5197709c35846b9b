"""The live analyzer (core.live) on real clips, frame by frame with their real timestamps.

One pass over the side-view treadmill clip (module fixture) feeds every frame to a
:class:`LiveAnalyzer` exactly as the webcam page does, records the whole clip, and reads
snapshots from a second thread throughout; the tests then check convergence of the live
cadence, the report made from the recording, thread safety, and the dropped-frame path.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import numpy as np
import pytest

from conftest import CLIPS, SIDE_CLIP

pytestmark = pytest.mark.slow

CONVERGE_BY_S = 10.0
LIVE_TOLERANCE = 3.0
REPORT_TOLERANCE = 2.0
# live value vs the report's value for the same recording (the live window is the last seconds)
LIVE_VS_REPORT = {"cadence": 3.0, "trunk_lean": 2.0, "elbow_angle": 8.0, "overstride": 6.0}


def _label(name: str) -> float:
    labels = json.loads((CLIPS / "labels.json").read_text())
    return float(next(c["cadence_spm"] for c in labels if c["clip"] == name))


@dataclass
class Run:
    """What one live pass over a clip produced."""

    label: float
    shown: list[tuple[float, float | None]] = field(default_factory=list)  # (stream t, cadence)
    snapshots: list = field(default_factory=list)
    raw_t: np.ndarray | None = None
    raw_landmarks: list = field(default_factory=list)
    size: tuple[int, int] = (0, 0)
    report: dict | None = None
    reader_errors: list[BaseException] = field(default_factory=list)
    reads: int = 0
    out_shapes: set = field(default_factory=set)


def _feed(clip, analyzer, run: Run, every: int = 1) -> None:
    from core.video import iter_frames, probe

    for fr in iter_frames(probe(clip), max_side=640):
        if fr.index % every:
            continue
        out = analyzer.process(fr.image, fr.t)
        run.out_shapes.add(out.shape)
        snap = analyzer.snapshot()
        run.snapshots.append(snap)
        run.shown.append((fr.t, snap.cadence_spm))


@pytest.fixture(scope="module")
def side_run(tmp_path_factory) -> Run:
    if not SIDE_CLIP.is_file():
        pytest.skip(f"test clip {SIDE_CLIP.name} not found in {CLIPS}")
    from core.live import LiveAnalyzer

    run = Run(_label(SIDE_CLIP.name))
    stop = threading.Event()

    def reader(analyzer: LiveAnalyzer) -> None:
        while not stop.is_set():
            try:
                snap = analyzer.snapshot()
                _ = (snap.cadence_spm, snap.statuses, snap.setup.message, snap.fps)
                run.reads += 1
            except BaseException as e:  # noqa: BLE001 - the test reports it
                run.reader_errors.append(e)
                return

    with LiveAnalyzer() as analyzer:
        thread = threading.Thread(target=reader, args=(analyzer,), daemon=True)
        thread.start()
        analyzer.start_recording()
        try:
            _feed(SIDE_CLIP, analyzer, run)
        finally:
            stop.set()
            thread.join(timeout=10)
        raw, frames = analyzer.stop_recording()
        run.raw_t, run.size = raw.t, (raw.width, raw.height)
        run.raw_landmarks = [np.column_stack([raw.xy[i], np.zeros(len(raw.xy[i])), raw.vis[i]])
                             if raw.detected[i] else None for i in range(raw.n)]
        assert len(frames.jpeg) == raw.n
        run.report = analyzer.to_report(tmp_path_factory.mktemp("live-report"))
    return run


def test_live_cadence_converges_within_ten_seconds(side_run: Run) -> None:
    label = side_run.label
    at_10 = next(c for t, c in side_run.shown if t >= CONVERGE_BY_S)
    assert at_10 is not None and abs(at_10 - label) <= LIVE_TOLERANCE, (at_10, label)
    first = next(t for t, c in side_run.shown if c is not None and abs(c - label) <= LIVE_TOLERANCE)
    after = [(t, c) for t, c in side_run.shown if t >= first]
    assert first <= CONVERGE_BY_S
    assert all(c is not None and abs(c - label) <= LIVE_TOLERANCE for _, c in after), after


def test_live_numbers_are_judged_by_the_spec_and_give_one_cue(side_run: Run) -> None:
    from core.spec import BY_ID

    last = side_run.snapshots[-1]
    assert last.setup.ready, last.setup.message
    assert last.view == "side" and last.facing == "left"
    for n in last.numbers:
        assert n.value is not None, n
        assert n.status == BY_ID[n.id].status(n.value)
    # the live numbers agree with the full report made from the same recording
    report = {m["id"]: m["value"] for m in side_run.report["metrics"]}
    for mid, tol in LIVE_VS_REPORT.items():
        live = last.number(mid).value
        assert live == pytest.approx(report[mid], abs=tol), (mid, live, report[mid])
    assert last.cue and last.cue_short and len(last.cue_short) <= len(last.cue)
    assert last.frames_processed == len(side_run.snapshots)
    assert last.recording and last.recorded_s > 11
    assert last.latency_ms > 0
    assert side_run.out_shapes == {(640, 360, 3)}  # working size, portrait clip


def test_recording_becomes_the_same_full_report(side_run: Run) -> None:
    r = side_run.report
    assert r is not None and r["status"] in ("ok", "limited"), r and r["quality"]["summary"]
    assert r["source"]["live"] is True
    src = r["source"]
    assert src["n_frames"] == len(side_run.raw_t)
    assert src["duration_s"] == pytest.approx(side_run.raw_t[-1] - side_run.raw_t[0], abs=1e-3)
    assert src["fps_measured"] == pytest.approx(30.0, abs=1.0) and not src["variable_frame_rate"]
    cad = next(m for m in r["metrics"] if m["id"] == "cadence")
    assert cad["value"] == pytest.approx(side_run.label, abs=REPORT_TOLERANCE)
    assert r["findings"]["fixes"] and r["media"]["video"] and r["media"]["thumbnail"]


def test_snapshot_from_another_thread_never_raises(side_run: Run) -> None:
    assert not side_run.reader_errors, side_run.reader_errors
    assert side_run.reads > 100


def test_dropped_frames_still_give_cadence(side_run: Run) -> None:
    """Processing that keeps only about 13 frames a second (irregularly) still counts steps."""
    from core.live import analyse_window

    rng = np.random.default_rng(7)
    t = side_run.raw_t
    keep = np.flatnonzero(rng.random(len(t)) < 0.45)
    sel = keep[t[keep] >= t[-1] - 6.0]
    a = analyse_window(t[sel], [side_run.raw_landmarks[i] for i in sel], *side_run.size)
    cad = next(n for n in a.numbers if n.id == "cadence").value
    assert cad == pytest.approx(side_run.label, abs=LIVE_TOLERANCE + 1)
    assert next(n for n in a.numbers if n.id == "overstride").value is None  # needs more frames
    assert a.note and "Overstride" in a.note


def test_too_few_frames_a_second_measures_nothing(side_run: Run) -> None:
    from core.live import analyse_window

    t = side_run.raw_t
    sel = np.flatnonzero(t >= t[-1] - 6.0)[::6]  # 5 frames a second
    a = analyse_window(t[sel], [side_run.raw_landmarks[i] for i in sel], *side_run.size)
    assert all(n.value is None for n in a.numbers)
    assert a.note and "too few" in a.note


def test_no_person_setup_says_so() -> None:
    from core.live import analyse_window

    t = np.arange(0, 4, 1 / 30)
    a = analyse_window(t, [None] * len(t), 640, 480)
    assert not a.setup.ready and "can't see you" in a.setup.message
    assert all(n.value is None for n in a.numbers)


def test_uniform_track_keeps_long_gaps_unbridged() -> None:
    from core.live import MAX_GAP_S, uniform_track

    t = np.array([0.0, 0.03, 0.1, 0.13, 0.6, 0.63, 0.7])
    lm = np.zeros((33, 4), np.float32)
    lm[:, 3] = 1
    lms = [lm + i for i in range(len(t))]
    lms[4] = None  # 0.13 -> 0.63 is a 0.5 s gap with no runner
    tr = uniform_track(t, lms, 640, 480)
    assert np.allclose(np.diff(tr.t), np.diff(tr.t)[0])
    gap = (tr.t > 0.13 + 1e-6) & (tr.t < 0.63 - 1e-6)
    assert gap.any() and not tr.detected[gap].any()
    assert 0.63 - 0.13 > MAX_GAP_S
    assert tr.detected[tr.t <= 0.13].all()


def test_report_needs_a_long_enough_recording() -> None:
    from core.errors import FormCheckError
    from core.live import LiveAnalyzer

    with LiveAnalyzer() as analyzer:
        with pytest.raises(FormCheckError) as e:
            analyzer.to_report()
        assert e.value.code == "not_recording"
        analyzer.start_recording()
        for i in range(10):
            analyzer.process(np.full((480, 640, 3), 90, np.uint8), i / 30)
        with pytest.raises(FormCheckError) as e:
            analyzer.to_report()
        assert e.value.code == "too_short" and e.value.hint
        assert analyzer.snapshot().frames_processed == 10


def test_sixty_fps_portrait_clip_analysed_at_half_rate() -> None:
    """A 60 fps phone clip with every other frame skipped (as when processing falls behind)."""
    clip = CLIPS / "mhuang_IMG_5396.mp4"
    if not clip.is_file():
        pytest.skip(f"test clip {clip.name} not found in {CLIPS}")
    from core.live import LiveAnalyzer

    run = Run(_label(clip.name))
    with LiveAnalyzer() as analyzer:
        _feed(clip, analyzer, run, every=2)
    shown = [c for t, c in run.shown if c is not None]
    assert shown and run.shown[-1][1] is not None
    assert all(abs(c - run.label) <= LIVE_TOLERANCE for c in shown), shown


@pytest.mark.parametrize("clip_name, crop_top, expect_id", [
    ("jacky_run_inplace_front.mp4", 1.0, "side"),  # seen from the front
    (SIDE_CLIP.name, 0.6, "whole_body"),  # feet cut off
])
def test_setup_check_says_what_to_change(clip_name: str, crop_top: float, expect_id: str) -> None:
    from core.live import LiveAnalyzer
    from core.video import iter_frames, probe

    clip = CLIPS / clip_name
    if not clip.is_file():
        pytest.skip(f"test clip {clip.name} not found in {CLIPS}")
    with LiveAnalyzer() as analyzer:
        for fr in iter_frames(probe(clip), max_side=640, max_seconds=2.0):
            analyzer.process(fr.image[:int(fr.image.shape[0] * crop_top)], fr.t)
        analyzer.update()
        setup = analyzer.snapshot().setup
    assert not setup.ready
    failed = [i for i in setup.items if not i.ok]
    assert failed and failed[0].id == expect_id, setup
    assert setup.message == failed[0].hint


def test_an_engine_error_in_one_window_keeps_the_setup_check(side_run: Run, monkeypatch) -> None:
    import core.live as live

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(live, "detect_events", broken)
    t = side_run.raw_t
    sel = np.flatnonzero(t >= t[-1] - 6.0)
    a = live.analyse_window(t[sel], [side_run.raw_landmarks[i] for i in sel], *side_run.size)
    assert a.setup.ready and all(n.value is None for n in a.numbers) and a.cue is None
