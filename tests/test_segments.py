"""core/segments.py: continuous stretches from per-frame signals (fast: exact-truth tracks,
no video, no pose model), the quality gate's use of them and the report field."""
from __future__ import annotations

import numpy as np
import pytest

from core import segments as sg
from core.admission import ClipStats, ClipStatsCollector
from core.events import detect_events
from core.landmarks import Track, clean
from core.quality import assess
from core.report import REPORT_VERSION, Report, load_report
from core.view import detect_view
from synth_track import Gait, make_track


def _join(*parts: Track, shift_px: float = 0.0) -> Track:
    """Tracks one after the other in time (each later part optionally moved in the picture)."""
    ts, xys, vis, det = [], [], [], []
    t0 = 0.0
    for k, p in enumerate(parts):
        ts.append(p.t - p.t[0] + t0)
        t0 = ts[-1][-1] + float(np.median(np.diff(p.t)))
        xys.append(p.xy + np.array([shift_px * k, 0.0]))
        vis.append(p.vis)
        det.append(p.detected)
    return Track(np.concatenate(ts), np.concatenate(xys), np.concatenate(vis),
                 np.concatenate(det), parts[0].width, parts[0].height)


def _g(cad, seconds, leg=260.0, fps=60.0):
    return make_track(Gait(cadence=cad, seconds=seconds, leg_px=leg, fps=fps))


def test_one_steady_clip_is_one_stretch_analysed_whole():
    plan = sg.find_segments(_g(172, 8))
    assert plan.whole and plan.chosen == 0 and plan.refusal == ""
    s = plan.segments[0]
    assert (s.start_frame, s.end_frame, s.kind) == (0, 480, "start")
    assert s.steady and s.basis == "contacts" and s.cadence_spm == pytest.approx(172, abs=0.5)
    assert sg.segments_info(plan).whole and sg.describe(plan) == ""


@pytest.mark.parametrize("first,second", [(160, 180), (180, 160)])
def test_pace_change_splits_at_the_change_with_each_cadence(first, second):
    raw = _join(_g(first, 5), _g(second, 6))  # truth: 160 spm for 0-5 s, 180 spm for 5-11 s
    plan = sg.find_segments(raw)
    assert [s.kind for s in plan.segments] == ["start", "pace"]
    a, b = plan.segments
    assert a.cadence_spm == pytest.approx(first, abs=1.0)
    assert b.cadence_spm == pytest.approx(second, abs=1.0)
    # at a contact of the new pace, at most two steps after the change (never before it)
    assert 5.0 <= b.start_s <= 5.0 + 2 * 60 / second + 0.02
    assert plan.analysed is b and b.steady and b.steps >= 15
    line = sg.describe(plan)
    assert f"Analysed {b.start_s:.1f}-{b.end_s:.1f} s" in line and "1 other stretch is listed" in line


def test_small_pace_wobble_is_not_a_change():
    plan = sg.find_segments(_join(_g(170, 5), _g(173, 5)))  # under 6 %: one pace
    assert plan.whole


def test_zoom_jump_found_at_its_frame_and_splits():
    raw = _join(_g(170, 4, leg=200), _g(170, 5, leg=300))
    assert sg.zoom_frames(raw) == [240]
    plan = sg.find_segments(raw)
    assert [s.kind for s in plan.segments] == ["start", "zoom"]
    assert plan.segments[1].start_frame == 240 and plan.analysed is plan.segments[1]


def test_slow_zoom_is_not_a_cut():
    raw = _g(170, 8)
    scale = np.linspace(1.0, 1.5, raw.n)[:, None, None]  # 50 % over 8 s, smoothly
    centre = np.array([640.0, 480.0])
    raw = Track(raw.t, (raw.xy - centre) * scale + centre, raw.vis, raw.detected, raw.width, raw.height)
    assert sg.zoom_frames(raw) == [] and sg.find_segments(raw).whole


def test_runner_jump_in_the_picture_is_a_cut():
    raw = _join(_g(170, 4), _g(170, 4), shift_px=400.0)
    assert sg.jump_frames(raw) == [240]
    assert [s.kind for s in sg.find_segments(raw).segments] == ["start", "jump"]


def test_jump_or_zoom_counts_only_with_a_picture_change_when_the_picture_is_known():
    jumped = _join(_g(170, 4), _g(170, 4), shift_px=400.0)
    zoomed = _join(_g(170, 4, leg=200), _g(170, 5, leg=300))
    for raw in (jumped, zoomed):
        assert sg.find_segments(raw, change_frames=[]).whole  # the pose alone wobbles
        assert not sg.find_segments(raw, change_frames=[241]).whole  # an edit: both change


def test_one_frame_glitch_is_not_a_jump():
    raw = _g(170, 6)
    xy = raw.xy.copy()
    xy[100] += 500.0
    assert sg.jump_frames(Track(raw.t, xy, raw.vis, raw.detected, raw.width, raw.height)) == []


def test_picture_cuts_and_runner_gaps_split():
    raw = _g(170, 9)
    det = raw.detected.copy()
    det[300:360] = False  # runner gone for 1 s inside the clip
    xy = raw.xy.copy()
    xy[~det] = np.nan
    gapped = Track(raw.t, xy, raw.vis, det, raw.width, raw.height)
    assert sg.gap_runs(gapped) == [(300, 360)]
    kinds = [s.kind for s in sg.find_segments(gapped, cut_frames=[120]).segments]
    assert kinds == ["start", "cut", "gap", "return"]
    # frames without the runner at the clip's ends only shorten it
    det2 = raw.detected.copy()
    det2[:60] = False
    assert sg.gap_runs(Track(raw.t, raw.xy, raw.vis, det2, raw.width, raw.height)) == []


def test_short_pieces_are_refused_with_the_longest_stretch_steps():
    raw = _g(170, 6)
    plan = sg.find_segments(raw, cut_frames=[90, 180, 270])  # 1.5 s pieces: 4 steps each
    assert plan.chosen is None
    longest = max(s.steps for s in plan.segments if s.steady)
    assert longest < sg.MIN_STEPS
    assert plan.refusal.startswith("The clip is cut into short pieces")
    assert f"longest continuous stretch at a steady running pace has {longest} steps" in plan.refusal
    track = clean(raw)
    view = detect_view(track)
    q = assess(track, view, detect_events(track, view), ClipStats(scene_cuts=3), plan)
    cut = next(c for c in q.checks if c.id == "cuts")
    assert not q.ok and cut.severity == "fail" and cut.detail == plan.refusal


def test_analysed_stretch_limits_report_and_hides_the_rest():
    raw = _join(_g(160, 5), _g(180, 6))
    plan = sg.find_segments(raw)
    seg = plan.analysed
    w = sg.window(raw, seg)
    assert not w.detected[: seg.start_frame].any() and w.detected[seg.start_frame:].all()
    assert np.isnan(w.xy[: seg.start_frame]).all()
    track = clean(w)
    view = detect_view(track)
    ev = detect_events(track, view)
    assert all(e.t >= seg.start_s - 0.02 for e in ev.ics)
    assert ev.cadence_events == pytest.approx(180, abs=0.5)
    q = assess(track, view, ev, ClipStats(), plan)
    cut = next(c for c in q.checks if c.id == "cuts")
    assert q.ok and cut.severity == "warn" and "longest steady running stretch" in cut.detail
    assert next(c for c in q.checks if c.id == "person").passed  # frames outside don't count


def test_steady_and_pace_split_helpers():
    assert sg.steady([0.35] * 8) and sg.steady([0.3, 0.45] * 4)  # a limp is still steady
    assert not sg.steady([0.25, 0.25, 0.5, 0.5] * 2)
    assert not sg.steady([0.33] * 5 + [0.38] * 5)  # drifting: halves 15 % apart
    t = np.concatenate([np.arange(10) * 0.375, 3.375 + 0.5 + np.arange(12) * 0.333])
    assert sg.pace_splits(t) in ([9], [10], [11])
    ics = [type("E", (), {"t": x})() for x in (0.0, 0.35, 0.42, 0.7, 1.05)]
    assert [e.t for e in sg.drop_doubles(ics)] == [0.0, 0.35, 0.7, 1.05]


def test_cut_frames_from_thumbnails():
    col = ClipStatsCollector()
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 80, (36, 64)), rng.integers(150, 255, (36, 64))
    for i in range(20):
        col.add_thumbnail((a if i < 12 else b) + rng.normal(0, 1, (36, 64)))
    st = col.stats()
    assert st.cut_frames == [12] and st.scene_cuts == 1 and st.change_frames == [12]
    soft = ClipStatsCollector()  # a zoom cut: the picture changes, not into another scene
    for i in range(20):
        soft.add_thumbnail(a + rng.normal(0, 1, (36, 64)) + (6.0 if i >= 12 else 0.0))
    st = soft.stats()
    assert st.cut_frames == [] and st.change_frames == [12]


def test_report_field_and_older_reports_load():
    plan = sg.find_segments(_join(_g(160, 5), _g(180, 6)))
    info = sg.segments_info(plan)
    assert REPORT_VERSION == "1.4"
    assert not info.whole and info.analysed_start_s == pytest.approx(plan.analysed.start_s, abs=0.01)
    assert [i.analysed for i in info.items] == [False, True]
    assert info.items[0].cadence_spm == pytest.approx(160, abs=1.0)
    old = {"version": "1.1", "created": "", "engine": "0.1.0", "status": "ok",
           "source": {}, "options": {}, "quality": {"ok": True, "summary": ""}, "view": {},
           "events": {}, "strides": [], "series": {}, "metrics": [], "not_measured": [],
           "findings": {}, "media": {}}
    d = load_report(old)
    assert d["version"] == "1.4" and d["segments"] is None
    rep = Report.from_json(dict(d, source=None, options=None, quality=None, view=None,
                                events=None, series=None, findings=None))
    assert rep.segments is None


def test_report_page_rows_and_cli_lines_name_the_scored_seconds():
    from core.report import to_jsonable
    from core.summary import stretch_lines
    from ui.report_view import stretch_rows

    plan = sg.find_segments(_join(_g(160, 5), _g(180, 6)))
    rep = {"segments": to_jsonable(sg.segments_info(plan))}
    rows = stretch_rows(rep)
    a = plan.analysed
    assert [r["Scored"] for r in rows] == ["", "analysed"]
    assert rows[1]["Seconds"] == f"{a.start_s:.1f}–{a.end_s:.1f}" and rows[1]["Steps/min"] == 180
    lines = stretch_lines(rep)
    assert lines[0].startswith(f"Scored on {a.start_s:.1f}-{a.end_s:.1f} s")
    assert f"{plan.segments[0].cadence_spm:.0f} steps/min" in lines[1] and lines[2].lstrip().startswith("*")
    whole = {"segments": to_jsonable(sg.segments_info(sg.find_segments(_g(170, 6))))}
    for r in (whole, {"segments": None}, {}):  # one stretch, or a report from before 1.2
        assert stretch_rows(r) == [] and stretch_lines(r) == []


def test_a_lost_camera_at_a_big_picture_change_is_a_cut():
    """A follow-cam's passes cut together: every frame changes a lot (the camera moves), so the
    grey change at the cut (2-3x the usual) stays under the cut threshold, but the camera
    cannot be followed into the cut's frame. A lost frame with an ordinary change (a runner
    filling the picture) is not a cut."""
    import numpy as np

    from core import camera
    from core.admission import ClipStatsCollector

    rng = np.random.default_rng(0)
    col = ClipStatsCollector()
    img = rng.uniform(60, 200, (36, 64))
    for i in range(40):
        jump = {12: 18.0, 30: 7.0}.get(i, 7.0)  # frame 12: the cut; frame 30: lost, ordinary
        img = np.clip(img + rng.choice([-jump, jump], img.shape), 0, 255)
        method = "lost" if i in (12, 30) else "features"
        col.add_thumbnail(img, camera.FrameStep(np.eye(2, 3), method, 0 if method == "lost" else 40,
                                                40, 5.0))
    st = col.stats()
    assert st.cut_frames == [12] and st.scene_cuts == 1


def test_refusal_names_the_steady_steps_not_a_longer_unsteady_stretch():
    """A refusal gives the true reason: a 13-step stretch whose pace changes within it does
    not count, so the message must not say "13 steps (at least 6 needed)"."""
    segs = [sg.Segment(0, 90, 0.0, 3.0, "start", steps=13, cadence_spm=170.0, steady=False),
            sg.Segment(90, 150, 3.0, 5.0, "cut", steps=4, cadence_spm=178.0, steady=True)]
    chosen, why = sg._choose(segs)
    assert chosen is None
    assert "steady running pace has 4 steps (at least 6 needed)" in why
    assert "13 steps changes pace within it" in why


def test_frame_scatter_is_not_a_drift():
    """8 steps of a steady 178 spm pass from behind, contacts read to the 30 fps frame: the
    halves' stride times are 6.8 % apart by chance (Welch p 0.3): steady. A drift of that
    size with little scatter is not."""
    assert sg.steady([0.4, 0.233, 0.367, 0.333, 0.333, 0.4, 0.267])
    assert not sg.steady([0.36, 0.35, 0.37, 0.36, 0.32, 0.33, 0.31, 0.33])
