"""The live landing meter (core.live.live_meter, core.audio.landings_by_stride) and the
live offset search, on the 3-D runner model's exact landmarks (no rendering, no pose model)
and the synthetic runner's sound: fast.

The meter must work on a busy computer: the sound says when each foot lands, the feet's
swing in the picture which foot, so it needs only a few analysed frames a second (the other
live numbers need 8). With both tracks' clocks known (a live stream), the offset search is
narrower than half a step, so a left landing can never be paired with a right one's sound.
From 8 analysed frames a second the window's own contacts (its event detector, on the
model's exact landmarks) name the feet by their stride phase less the sound's lag, so a
microphone up to 0.14 s behind or ahead of the camera still names the louder foot.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from core import audio as A
from core.synthetic.audio import SoundSpec, synth_sound as _synth

sys.path.insert(0, str(Path(__file__).parent / "metrics"))
from model_track import build  # noqa: E402

SECONDS = 12.0
LEFT_DB, RIGHT_DB = -12.0, -20.0  # the browser test's levels: left 8 dB louder


def synth_sound(contacts, seconds: float, spec: SoundSpec) -> np.ndarray:
    """The synthetic runner's sound at the analysis rate (:data:`core.audio.RATE`)."""
    return _synth(contacts, seconds, spec, rate=A.RATE)


def _runner(view: str):
    """(frame times, MediaPipe-layout landmarks per frame, width, height, contacts) of the
    model runner at 30 fps seen from ``view`` ("side": facing image-right, "side_l": left)."""
    from core.synthetic import PRESETS

    case = build(PRESETS["good"].params, view=view, fps=30.0, seconds=SECONDS)
    tr = case.track
    lms = [np.column_stack([tr.xy[i], np.zeros(33), tr.vis[i]]) for i in range(tr.n)]
    contacts = [(e.t, e.foot) for e in case.events.ics]
    return tr.t, lms, tr.width, tr.height, contacts


def _frames_at(t: np.ndarray, fps: float, start: float, seconds: float = 6.0,
               seed: int = 0) -> np.ndarray:
    """Indices of the frames a busy live view analyses: about ``fps`` a second, irregular."""
    rng = np.random.default_rng(seed)
    want = np.arange(start, start + seconds, 1 / fps)
    want = want + rng.uniform(-0.3, 0.3, len(want)) / fps
    return np.unique(np.clip(np.searchsorted(t, want), 0, len(t) - 1))


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("fps", [4.0, 6.0, 10.0, 30.0])
def test_the_meter_hears_the_louder_foot_at_any_frame_rate(view, fps) -> None:
    from core.live import live_meter

    t, lms, w, h, contacts = _runner(view)
    sound = synth_sound(contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB,
                                                     hum_db=-45.0, seed=3))
    audio = A.AudioTrack(sound, A.RATE, 0.0, clock_known=True)
    for start in (1.0, 3.0, 5.0):
        idx = _frames_at(t, fps, start, seed=int(start))
        meter = live_meter(t[idx], [lms[i] for i in idx], w, h, audio)
        assert meter.reason is None, (fps, start, meter.reason)
        assert meter.diff_db == pytest.approx(LEFT_DB - RIGHT_DB, abs=0.5), (fps, start)
        assert meter.cue == "Quieter on the left foot" and meter.status == "fix"
        assert {f for _, f, _, _ in meter.steps} == {"L", "R"}


def test_the_window_shows_the_meter_when_too_few_frames_for_the_numbers() -> None:
    """At 4 analysed frames a second the numbers say why they are missing, the meter works."""
    from core.live import analyse_window

    t, lms, w, h, contacts = _runner("side")
    audio = A.AudioTrack(synth_sound(contacts, SECONDS, SoundSpec(
        left_db=LEFT_DB, right_db=RIGHT_DB, hum_db=-45.0)), A.RATE, 0.0, clock_known=True)
    idx = _frames_at(t, 4.0, 4.0)
    a = analyse_window(t[idx], [lms[i] for i in idx], w, h, audio=audio)
    assert all(n.value is None for n in a.numbers) and a.note and "too few" in a.note
    assert a.sound is not None and a.sound.cue == "Quieter on the left foot"


def test_the_meter_says_why_when_the_sound_does_not_follow_the_strides() -> None:
    """Thumps at another runner's rhythm (every 0.25 s: 240/min), or music: not measured,
    with the reason, never a left/right reading."""
    from core.live import live_meter

    t, lms, w, h, _ = _runner("side")
    idx = _frames_at(t, 6.0, 3.0)
    other = [(x, "LR"[k % 2]) for k, x in enumerate(np.arange(0.1, SECONDS, 0.25))]
    for spec, words in ((SoundSpec(), "matches your strides"),
                        (SoundSpec(kind="music"), "music")):
        sound = synth_sound(other, SECONDS, spec)
        meter = live_meter(t[idx], [lms[i] for i in idx], w, h,
                           A.AudioTrack(sound, A.RATE, 0.0, clock_known=True))
        assert meter.reason and words in meter.reason and meter.left_db is None, meter


@pytest.mark.parametrize("late_s,measured", [(0.06, True), (-0.06, True), (0.17, False)])
def test_a_live_recording_never_pairs_a_landing_with_the_other_foot(late_s, measured) -> None:
    """Known clocks (a live stream): the sound is searched within +-0.1 s of the picture. At
    178 steps/min a sound 0.17 s late is half a step off: a +-0.25 s search (a clip's) can
    line each landing up with the other foot's sound; live, it is not measured, with why."""
    _, _, _, _, contacts = _runner("side")
    sound = synth_sound(contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB,
                                                     offset_s=late_s, hum_db=-45.0))
    cadence = 60.0 / np.median(np.diff([c[0] for c in contacts]))
    res = A.analyse_landings(A.AudioTrack(sound, A.RATE, 0.0, clock_known=True), contacts,
                             cadence)
    assert res.measured is measured, res.reason
    if measured:
        assert res.diff_db == pytest.approx(LEFT_DB - RIGHT_DB, abs=0.5)
        # the lag itself (read 75 and -44 ms for 60 and -60 here): within 20 ms, far from
        # the half step (169 ms) that would pair each landing with the other foot
        assert res.offset_s == pytest.approx(late_s, abs=0.02)
    else:
        assert "out of step" in res.reason and not res.landings


LIVE_FPS = 15.0  # a live stream analysed on an ordinary laptop


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("late_s", [-0.14, 0.0, 0.10, 0.14])
def test_the_live_window_names_the_louder_foot_with_the_sound_late_or_early(view,
                                                                           late_s) -> None:
    """A Bluetooth headset or a laptop's audio path puts the microphone 0.1-0.2 s behind the
    camera. The live window at 15 frames a second runs the event detector for cadence; the
    meter names each landing by the stride phase of those contacts and the sound's lag read
    from them (core.audio.landings_by_stride), so the left foot's 8 dB louder landings read
    as such with the sound 0.14 s early to 0.14 s late (at 178 steps/min half a step is
    0.169 s), where the foot ahead at the sound's moment read "right louder" from ~50 ms
    late. Each landing is put back on the picture's timeline: at its own foot's contact."""
    from core.live import analyse_window

    t, lms, w, h, contacts = _runner(view)
    sound = synth_sound(contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB,
                                                     offset_s=late_s, hum_db=-45.0, seed=3))
    audio = A.AudioTrack(sound, A.RATE, 0.0, clock_known=True)
    truth = {f: np.array([c for c, g in contacts if g == f]) for f in "LR"}
    for start in (1.0, 3.0, 5.0):
        idx = _frames_at(t, LIVE_FPS, start, seed=int(start))
        a = analyse_window(t[idx], [lms[i] for i in idx], w, h, audio=audio)
        meter = a.sound
        assert meter is not None and meter.reason is None, (start, meter)
        assert meter.diff_db == pytest.approx(LEFT_DB - RIGHT_DB, abs=0.5), (start, meter)
        assert meter.cue == "Quieter on the left foot" and meter.status == "fix"
        assert {f for _, f, _, _ in meter.steps} == {"L", "R"}
        for st, foot, _, _ in meter.steps:  # at its own foot's contact, not the other's
            assert np.min(np.abs(truth[foot] - st)) < 0.03, (start, st, foot)


@pytest.mark.parametrize("late_s", [-0.17, 0.17])
def test_the_live_window_says_out_of_step_at_half_a_step(late_s) -> None:
    """Half a step off (0.17 s at 178 steps/min) a landing is as near one foot's contacts as
    the other's: no method can tell the feet apart, so not measured, with why."""
    from core.live import analyse_window

    t, lms, w, h, contacts = _runner("side")
    sound = synth_sound(contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB,
                                                     offset_s=late_s, hum_db=-45.0, seed=3))
    audio = A.AudioTrack(sound, A.RATE, 0.0, clock_known=True)
    for start in (1.0, 3.0, 5.0):
        idx = _frames_at(t, LIVE_FPS, start, seed=int(start))
        meter = analyse_window(t[idx], [lms[i] for i in idx], w, h, audio=audio).sound
        assert meter is not None and meter.left_db is None and not meter.steps
        assert meter.reason and "out of step" in meter.reason and "half a step" in meter.reason


@pytest.mark.parametrize("late_s", [-0.14, 0.0, 0.10, 0.14])
def test_the_sound_lag_is_read_from_the_contacts(late_s) -> None:
    """landings_by_stride with the window's detected contacts reads the sound's lag behind
    the picture within 10 ms; with fewer than MIN_LANDINGS contacts it falls back to the
    foot ahead at the sound's moment (the same result as without contacts)."""
    from core.events import detect_events
    from core.landmarks import clean, from_raw
    from core.live import uniform_track, window_contacts
    from core.view import detect_view, left_lead

    t, lms, w, h, contacts = _runner("side")
    sound = synth_sound(contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB,
                                                     offset_s=late_s, hum_db=-45.0, seed=3))
    audio = A.AudioTrack(sound, A.RATE, 0.0, clock_known=True)
    idx = _frames_at(t, LIVE_FPS, 3.0, seed=3)
    tt, ll = t[idx], [lms[i] for i in idx]
    track = clean(uniform_track(tt, ll, w, h))
    found = window_contacts(detect_events(track, detect_view(track)), tt[0], tt[-1])
    assert found is not None and len(found) >= 12
    raw = from_raw(tt, ll, w, h)
    lead = left_lead(raw, 1.0)
    res = A.landings_by_stride(audio, raw.t, lead, found)
    assert res.measured and res.offset_s == pytest.approx(late_s, abs=0.003)
    few = A.landings_by_stride(audio, raw.t, lead, found[: A.MIN_LANDINGS - 1])
    alone = A.landings_by_stride(audio, raw.t, lead)
    assert (few.measured, few.reason, few.diff_db) == (alone.measured, alone.reason,
                                                       alone.diff_db)


@pytest.mark.parametrize("late_s,measured", [(-0.14, True), (0.14, True), (0.16, False)])
def test_a_15_fps_recording_reads_the_lag_from_its_contacts(late_s, measured) -> None:
    """A recording's report at 15 fps (core.metrics.sound, by stride) names feet the same way
    as the live window: 0.14 s early or late the 8 dB read within 1.5 dB with the lag in the
    report (its caveat and offset_ms); within 20 ms of half a step (0.169 s) not measured."""
    from model_track import RunnerParams
    from core.metrics import compute_metrics

    case = build(RunnerParams(cadence_spm=178.0), view="side", fps=15.0, seconds=15.0)
    contacts = [(e.t, e.foot) for e in case.events.ics]
    x = synth_sound(contacts, 15.0, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB, hum_db=-45.0,
                                              offset_s=late_s, seed=2))
    out = compute_metrics(case.track, case.view, case.events,
                          audio=A.AudioTrack(x, A.RATE, 0.0, clock_known=True))
    ms, why = {r.id: r for r in out.results}, {n["id"]: n["reason"] for n in out.not_measured}
    if measured:
        m = ms["landing_sound"]
        assert m.left - m.right == pytest.approx(LEFT_DB - RIGHT_DB, abs=0.5), m.display
        assert m.extra["sound"]["offset_ms"] == pytest.approx(late_s * 1000, abs=3)
        assert f"{m.extra['sound']['offset_ms']:+.0f} ms against the picture" in m.caveat
    else:
        assert "landing_sound" not in ms
        assert "out of step" in why["landing_sound"] and "half a step" in why["landing_sound"]
