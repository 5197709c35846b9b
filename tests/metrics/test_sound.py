"""Landing sound (core/metrics/sound.py) on the exact-truth runner: a sound track with a
thump at each of the model's contacts at a known level per foot (core/synthetic/audio.py),
the sound shifted against the picture, through the registry. The left/right difference is
within 1.5 dB of the truth; loud outliers turn a good value to "watch"; music, silence and no
sound track are listed as not measured with their reason."""
import numpy as np
import pytest

from core.audio import RATE, AudioTrack
from core.metrics import compute_metrics
from core.synthetic.audio import SoundSpec, synth_sound
from model_track import RunnerParams, build

CASE = build(RunnerParams(cadence_spm=170.0), view="side", fps=60.0, seconds=8.0)


def _contacts(case=CASE):
    return [(e.t, e.foot) for e in case.events.ics]


def _run(spec: SoundSpec | None, contacts=None):
    audio = None if spec is None else AudioTrack(
        synth_sound(contacts or _contacts(), 8.0, spec, rate=RATE), RATE, 0.0)
    out = compute_metrics(CASE.track, CASE.view, CASE.events, audio=audio)
    return {r.id: r for r in out.results}, {n["id"]: n["reason"] for n in out.not_measured}


@pytest.mark.parametrize("left_db,right_db,offset_s,status", [
    (-18.0, -18.0, 0.0, "good"), (-18.0, -22.0, 0.1, "watch"), (-26.0, -18.0, -0.1, "fix")])
def test_left_right_difference(left_db, right_db, offset_s, status):
    ms, _ = _run(SoundSpec(left_db=left_db, right_db=right_db, offset_s=offset_s, seed=3))
    m = ms["landing_sound"]
    assert m.value == pytest.approx(abs(left_db - right_db), abs=1.5)
    assert m.left - m.right == pytest.approx(left_db - right_db, abs=1.5)
    assert m.status == status
    assert m.extra["sound"]["offset_ms"] == pytest.approx(offset_s * 1000, abs=25)
    # a landing whose sound falls before the track starts (offset -100 ms) is left out
    assert len(CASE.events.ics) - 1 <= m.n <= len(CASE.events.ics)
    assert "phone's distance" in m.caveat


def test_loud_outliers_make_it_watch():
    contacts = _contacts()
    spec = SoundSpec(left_db=-20.0, right_db=-20.0, jitter_db=0.3, seed=4)
    x = synth_sound(contacts, 8.0, spec, rate=RATE)
    # two landings 10 dB louder: add 2.16x more of the same thump on top of them
    from core.synthetic.audio import thump
    th = thump(RATE, spec.seed) * 10 ** (-20 / 20) * (10 ** (10 / 20) - 1)
    for t, _ in contacts[5:12:6]:
        i = int(t * RATE)
        x[i:i + len(th)] += th.astype(np.float32)
    out = compute_metrics(CASE.track, CASE.view, CASE.events, audio=AudioTrack(x, RATE, 0.0))
    m = {r.id: r for r in out.results}["landing_sound"]
    assert m.value == pytest.approx(0.0, abs=1.5)
    assert m.extra["sound"]["n_loud"] == 2
    assert m.status == "watch" and "2 loud landings" in m.display


@pytest.mark.parametrize("spec,words", [
    (SoundSpec(kind="music"), "mostly music"), (SoundSpec(kind="silent"), "silent"),
    (None, "no sound track")])
def test_not_measured_with_the_reason(spec, words):
    ms, why = _run(spec)
    assert "landing_sound" not in ms
    assert words in why["landing_sound"]


def test_a_sound_that_cannot_be_used_says_why():
    """The pipeline's note (a slow-motion clip; a live session with the microphone off) is
    the reason shown."""
    note = "The clip is slow motion, so its sound does not keep time with your running."
    out = compute_metrics(CASE.track, CASE.view, CASE.events, audio=None, audio_note=note)
    assert {n["id"]: n["reason"] for n in out.not_measured}["landing_sound"] == note


LIVE_15 = build(RunnerParams(cadence_spm=178.0), view="side", fps=15.0, seconds=15.0)


@pytest.mark.parametrize("offset_s,measured", [(0.0, True), (-0.12, True), (0.12, True),
                                               (0.17, False), (-0.17, False)])
def test_a_15_fps_recording_times_the_landings_from_the_sound(offset_s, measured):
    """A live recording at 15 frames a second (too few to time contacts from the picture),
    its sound on the camera's clock (``clock_known``) but 0.12 s off (a stalled camera, a
    slow microphone): the landings are timed from the sound and their feet told from the
    feet's swing against the picture's contacts' mean stride phase
    (core.audio.landings_by_stride), so the left/right difference is read within 1.5 dB
    either way, where the picture's contacts, a frame (67 ms) apart, and the +-0.1 s
    known-clock search called the tracks out of step. Half a step off (0.17 s at 178
    steps/min) no foot can be named: not measured, with why, never the other foot's sound."""
    contacts = [(e.t, e.foot) for e in LIVE_15.events.ics]
    x = synth_sound(contacts, 15.0, SoundSpec(left_db=-12.0, right_db=-20.0, hum_db=-45.0,
                                              offset_s=offset_s, seed=2), rate=RATE)
    out = compute_metrics(LIVE_15.track, LIVE_15.view, LIVE_15.events,
                          audio=AudioTrack(x, RATE, 0.0, clock_known=True))
    ms, why = {r.id: r for r in out.results}, {n["id"]: n["reason"] for n in out.not_measured}
    if measured:
        m = ms["landing_sound"]
        assert m.left - m.right == pytest.approx(8.0, abs=1.5), m.display
        assert "timed from its sound" in m.caveat
        assert m.n >= 30
    else:
        assert "landing_sound" not in ms
        assert "out of step" in why["landing_sound"], why["landing_sound"]
