"""Webcam treadmill mode: live form numbers from a camera stream, and a recording -> report.

Contract:
    LiveAnalyzer.process(image_bgr, t_s) -> annotated_bgr     the camera (processing) thread
    LiveAnalyzer.snapshot() -> LiveSnapshot                   any thread: an immutable copy
    LiveAnalyzer.start_recording(countdown_s, length_s) / cancel_recording()
    LiveAnalyzer.stop_recording() -> (raw Track, FrameStore)
    LiveAnalyzer.to_report(out_dir, options, progress) -> report dict (core.pipeline.build_report)
    LiveAnalyzer.close()
    LiveAnalyzer.listen(LiveEar | None)                       the microphone (landing meter)
    LiveAnalyzer.warm_up()                                    load the pose model in the background

Per frame the work is bounded, and so is the first frame: streamlit-webrtc stops a stream for
good when one call of its processing thread takes over 10 s, and loading the pose model takes
seconds (on a loaded machine more than ten), so a stream calls :meth:`LiveAnalyzer.warm_up`
when it starts and frames that arrive while the model loads pass through unanalysed, with a
"starting" banner (counted as skipped).

Per frame: scale to the working size, one pose pass (each analyzer owns its
MediaPipe instance, loaded by ``warm_up``'s thread or else on the processing thread), skeleton and cue drawn on the frame,
and while recording one JPEG encode. Frames that arrive while a frame is being processed are
the caller's to drop (streamlit-webrtc's async mode does), so processing never lags behind;
while recording the caller hands them to ``keep`` (one JPEG encode, no pose: that is done
when the report is made), so the recording holds every frame the camera delivered.

About once a second of stream time a background thread analyses the last ``window_s``
seconds with the upload engine's own stages (resampled onto a uniform time grid first,
because dropped frames leave the raw timestamps irregular): clean -> view -> events ->
metrics. Cadence is counted over the last :data:`CADENCE_STEPS` steps and cross-checked with
the hips' bounce; trunk lean, overstride and elbow angle are judged against the spec bands
and the worst issue picks one coaching cue. A number that the analysed frame rate cannot
support is withheld with a note rather than shown wrong (:data:`NEEDS_FPS`: landing moments
are missed below ~20 frames a second, so overstride reads low). Every such frame-rate limit has
hysteresis (:class:`RateGate`: on from the limit, off again only below it minus
:data:`GATE_MARGIN_FPS`: overstride turns on at 20 and off below 18), and a number the latest window could not measure keeps its last value
with its age (``LiveNumber.age_s``, ``stale`` after :data:`STALE_S`), so numbers do not flicker.

Recording can start after a countdown and stop itself after a set length (hands-free on a
treadmill). A recording goes through :func:`core.pipeline.build_report`, so a live session
becomes the same report as an upload; its frames arrive irregularly (dropped while busy), so
it is first resampled onto a constant frame rate at its mean rate (landmarks interpolated,
each grid point showing the nearest recorded picture): the annotated video then lasts as long
as the session did.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from . import annotate, camera, signal
from .errors import FormCheckError
from .audio import AudioTrack, LiveEar, SoundResult, landings_by_stride
from .admission import (ClipStats, ClipStatsCollector, FrameStore, Progress, admit,
                        check_duration, recording_source)
from .events import GaitEvents, cadence_from_ics, choose_cadence, detect_events
from .findings import build_findings
from .landmarks import Track, clean, from_raw
from .metrics import BY_ID as METRIC_BY_ID, compute_metrics
from .pipeline import AnalysisOptions, build_report
from .pose import N_LANDMARKS, MediaPipePose
from .quality import RECORDING_FRAMES_HINT, body_in_frame_fraction, runner_height_fraction
from .report import MetricResult
from .spec import BY_ID, MIN_TIMING_FPS
from .video import fit_size
from .view import detect_view, facing_series, left_lead
from .metrics.sound import MIN_LOUD

log = logging.getLogger("formcheck.live")

LIVE_METRICS = ("cadence", "trunk_lean", "overstride", "elbow_angle")  # shown, in this order
CADENCE_STEPS = 10  # live cadence: the last ten steps
SETUP_WINDOW_S = 1.5  # the setup check looks at the last 1.5 s ...
# ... and at least this many frames (at 7-9 analysed frames a second 1.5 s held 10-14, and
# the check flickered "turn the camera" on a square side view in 28 of 105 polls: live review)
SETUP_MIN_FRAMES = 24
MIN_ANALYSIS_S = 3.0  # numbers need this much running in the window
NEEDS_FPS = {"cadence": 8.0, "trunk_lean": 8.0, "overstride": MIN_TIMING_FPS, "elbow_angle": 8.0}
CONTACTS_FPS = 12.0  # below this, foot contacts are too coarse: cadence from the hips' rhythm
SLOW_NOTE = ("Only {:.0f} frames a second are being analysed: too few to measure. Close "
             "other apps and browser tabs (and if you picked a larger picture under Camera "
             "settings, go back to 640 x 480).")
OVERSTRIDE_NOTE = ("Overstride needs a steady {:.0f} analysed frames a second; this computer "
                   "is managing {:.1f}. Close other apps and browser tabs to see it.")
GATE_MARGIN_FPS = 2.0  # a frame-rate limit switches a number on at it, off below it - 2
MIC_OFF_NOTE = ("The microphone was off for this recording: turn on \"Listen to my landings\" "
                "on the Live page to hear them.")
STALE_S = 5.0  # a held number older than this (stream seconds) is shown greyed
HOLD_MAX_S = 60.0  # a held number older than this is dropped ("--")
# A live cadence that jumps by more than this share from the one shown is shown only once the
# window before read it too (within JUMP_AGREE): a busy computer analysing 4-13 frames a
# second read a steady 169 as 166, 109, 92, 60, 255, 75, 254, 171 from window to window, each
# judged "work on it" (live review, 2 Dec). A real change of pace shows a second later.
JUMP_SHARE, JUMP_AGREE = 0.15, 0.08
# A shown verdict turns only once a reading is this far past its line (the metric's unit): a
# steady runner's cadence read 164 "worth a look", 168 "good", 167 "good" and the elbow 119
# "worth a look", 120 "work on this" from one second to the next (review, 3 Dec). About the
# live window's own scatter; the number itself is always the latest reading.
VERDICT_HYSTERESIS = {"cadence": 2.0, "trunk_lean": 1.0, "overstride": 2.0, "elbow_angle": 3.0}
JUMPY = ("cadence",)
EDGE_S = 0.2  # contacts this close to the window's end are not counted yet
MAX_GAP_S = 0.25  # longer detection gaps stay gaps when resampling
MAX_GAP_FRACTION = 0.2  # a recording with more of its time in frame gaps cannot be measured
GAPPY_MESSAGE = ("Only {:.0f} frames a second reached the analysis during the recording, with "
                 "gaps of up to {:.1f} s: too few to measure your running.")
GAPPY_HINT = RECORDING_FRAMES_HINT
IDLE_EXIT_S = 30.0  # the analysis thread ends after this long without frames
LOADING_MESSAGE = "Starting the pose model..."
ALL_GOOD_CUE = "Looking good: keep this rhythm."
ALL_GOOD_SHORT = "Looking good"
READY_MESSAGE = "Ready: whole body in view, seen from the side. Start running, then record."
# the ready message once a recording is under way ("then record" stayed up beside "REC 0:15"
# and while the report was made: review, 3 Dec)
READY_ARMED = "Whole body in view, seen from the side. Get running: recording starts soon."
READY_RECORDING = "Recording: whole body in view, seen from the side. Keep running."
READY_RECORDED = "Recorded. Your report is being made: you can stop running."


METRONOME_RANGE = (120, 220)  # the live page's metronome, steps/min
METRONOME_START = 170  # its beat until the runner sets one
METRONOME_STEP_UP = 1.05  # "My cadence + 5 %"
# "My cadence + 5 %" starts from the median of the cadences measured over this many seconds
# of stream time (LiveSnapshot.cadence_recent_spm), at least METRONOME_MIN_READINGS of them,
# not from the one number on screen at the click: one window's reading moves by a few steps
# a minute (live review, 2 Dec: 166-171 for a steady 169), so the beat would follow the noise.
METRONOME_SPAN_S = 10.0
METRONOME_MIN_READINGS = 3


def metronome_target(cadence_spm: float | None) -> tuple[int | None, str | None]:
    """The metronome's beat for "My cadence + 5 %" from the live cadence shown, and a note when
    it could not simply be set: no cadence yet (no beat), a cadence whose 5 % more is under the
    metronome's lowest beat (walking or standing: the lowest beat, said), or over its highest
    (the highest, said). Never a beat outside :data:`METRONOME_RANGE`."""
    lo, hi = METRONOME_RANGE
    if cadence_spm is None or not np.isfinite(cadence_spm):
        return None, ("Start the camera and run for a few seconds first, so we can measure "
                      "your cadence.")
    want = int(round(cadence_spm * METRONOME_STEP_UP))
    if want < lo:
        return lo, (f"Your cadence reads {cadence_spm:.0f} steps/min just now, a walking rhythm: "
                    f"the metronome starts at {lo}. Run for a few seconds, then press again.")
    if want > hi:
        return hi, f"The metronome goes up to {hi} steps/min."
    return want, None


# ----------------------------------------------------------------------------- snapshot
@dataclass(frozen=True)
class SetupItem:
    """One setup condition: ``ok`` or what to change (``hint``)."""

    id: str
    label: str
    ok: bool
    hint: str


@dataclass(frozen=True)
class SetupCheck:
    """Is the runner ready to be measured? ``message`` is the one thing to say now."""

    ready: bool
    message: str
    items: tuple[SetupItem, ...] = ()


WAITING = SetupCheck(False, "Starting the camera...")
CHECKING = SetupCheck(False, "Checking your position...")


@dataclass(frozen=True)
class LiveNumber:
    """One live number with its judgement from :mod:`core.spec` (``info`` = not judged yet)."""

    id: str
    label: str
    value: float | None
    display: str
    status: str  # good | watch | fix | info
    confidence: str = ""  # high | medium | low, from the engine (empty while waiting)
    measured_t: float | None = None  # stream time the value was measured up to
    age_s: float = 0.0  # stream seconds since it was measured (set by the snapshot)

    @property
    def stale(self) -> bool:
        """An old value held because the latest windows could not measure it."""
        return self.value is not None and self.age_s > STALE_S


@dataclass(frozen=True)
class LiveSound:
    """The landing meter (microphone on): each recent landing's loudness in dB above the
    background, per foot, and a cue; or why the landings cannot be heard (``reason``)."""

    steps: tuple[tuple[float, str, float, bool], ...] = ()  # (stream t, foot, dB, loud)
    left_db: float | None = None
    right_db: float | None = None
    status: str = "info"  # the landing_sound status (good / watch / fix)
    cue: str | None = None  # "Quieter on the left foot" ...
    reason: str | None = None  # not measured: why

    @property
    def diff_db(self) -> float | None:
        if self.left_db is None or self.right_db is None:
            return None
        return self.left_db - self.right_db


def live_sound(res: SoundResult) -> LiveSound:
    """The meter from the window's :class:`core.audio.SoundResult`, judged as the report's
    ``landing_sound`` is (:mod:`core.metrics.sound`: the left/right difference against its
    bands, two or more loud landings at least "watch"), or why it cannot hear."""
    if not res.measured:
        return LiveSound(reason=res.reason or "Listening for your landings...")
    if res.left_db is None or res.right_db is None:
        return LiveSound(reason="Only one foot's landings were heard so far, so left and right "
                                "cannot be compared yet.")
    spec = BY_ID["landing_sound"]
    diff = res.left_db - res.right_db
    status = spec.status(abs(diff))
    steps = tuple((x.t, x.foot, x.level_db, x.loud) for x in res.landings)
    if status == "good" and res.n_loud >= MIN_LOUD:
        status = "watch"
    if status != "good" and abs(diff) > spec.good_hi:
        cue = f"Quieter on the {'left' if diff > 0 else 'right'} foot"
    elif any(x[3] for x in steps[-6:]):
        cue = "Quieter: soften the loud landings"
    else:
        cue = "Quiet and even: keep it up"
    return LiveSound(steps[-12:], res.left_db, res.right_db, status, cue)


def live_meter(t: np.ndarray, landmarks: list[np.ndarray | None], width: int, height: int,
               audio: AudioTrack | None,
               contacts: list[tuple[float, str]] | None = None) -> LiveSound:
    """The landing meter over the window, at any analysed frame rate
    (:func:`core.audio.landings_by_stride`: when from the sound, which foot from the feet's
    swing in the picture), so a busy computer that cannot measure the other numbers still
    hears the landings. ``t``: frame times on the audio's timeline. ``contacts``: the
    window's own foot contacts (:func:`window_contacts`): with them a landing's foot is
    named by their stride phase less the sound's lag, right for sound up to ~0.14 s early or
    late at 178 steps/min; without them (under 8 analysed frames a second) by the foot ahead
    at the sound's moment, right only for sound early or under ~50 ms late."""
    raw = from_raw(t, landmarks, width, height)
    if raw.detected.sum() < 8:
        return LiveSound(reason="Listening for your landings...")
    # (facing_series can return a longer array for a track shorter than its 1 s smoothing)
    facing = float(np.sum(facing_series(raw)[: raw.n][raw.detected]))
    if facing == 0:
        return LiveSound(reason="We can't tell which way you face yet, so not which foot "
                                "lands.")
    return live_sound(landings_by_stride(audio, raw.t, left_lead(raw, np.sign(facing)),
                                         contacts))


def window_contacts(events: GaitEvents | None, t0: float,
                    t1: float) -> list[tuple[float, str]] | None:
    """The window's foot contacts ``(t, "L"/"R")`` for the landing meter, from the event
    detector the window already ran for cadence (None: it did not run, under 8 analysed
    frames a second); those within :data:`EDGE_S` of the window's ends are left out (the
    filters and the peak search are unsure there). Unlike cadence, no :data:`CONTACTS_FPS`
    gate: the meter uses only their mean stride phase, sub-frame over a window's 15-18
    contacts, and refuses when its standard error leaves the foot in doubt (measured on the
    model runner at 8, 10 and 12 fps: never the wrong foot, not measured in 2-5 of 21
    windows, more the fewer the frames)."""
    if events is None:
        return None
    return [(e.t, e.foot) for e in events.ics if t0 + EDGE_S <= e.t <= t1 - EDGE_S]


@dataclass(frozen=True)
class LiveSnapshot:
    """What the page shows, copied out of the processing threads under a lock."""

    numbers: tuple[LiveNumber, ...]
    cue: str | None  # full cue of the worst current issue (None: nothing to say yet)
    cue_short: str | None  # a few words of it, drawn on the video
    cue_status: str  # good | watch | fix | info: how serious the cue's issue is
    setup: SetupCheck
    view: str  # side | front | back | unsure
    facing: str | None
    frames_processed: int
    frames_dropped: int  # frames the caller skipped because processing was busy
    fps: float  # processed frames per second (wall clock)
    latency_ms: float  # median processing time of one frame
    stream_t: float  # stream time of the latest processed frame, s
    analysed_t: float | None  # stream time the numbers were computed up to
    note: str | None  # why numbers are missing although the runner is in view
    recording: bool
    recorded_s: float
    countdown_s: float | None = None  # seconds until an armed recording starts
    record_length_s: float | None = None  # the recording stops itself after this long
    sound: LiveSound | None = None  # the landing meter (None: the microphone is off)
    held_back: tuple[str, ...] = ()  # numbers the frame rate keeps off (RateGates)
    # median of the cadences measured over the last METRONOME_SPAN_S (None: too few yet)
    cadence_recent_spm: float | None = None

    def number(self, metric_id: str) -> LiveNumber:
        return next(n for n in self.numbers if n.id == metric_id)

    @property
    def cadence_spm(self) -> float | None:
        return self.number("cadence").value

    @property
    def statuses(self) -> dict[str, str]:
        return {n.id: n.status for n in self.numbers}


def _number(metric_id: str, value: float | None, confidence: str = "",
            measured_t: float | None = None) -> LiveNumber:
    spec = BY_ID[metric_id]
    if value is None:
        return LiveNumber(metric_id, spec.label, None, "--", "info")
    unit = {"steps/min": " steps/min", "deg": "\u00b0", "% leg": " % of leg"}.get(spec.unit, "")
    return LiveNumber(metric_id, spec.label, round(float(value), 1), f"{value:.0f}{unit}",
                      spec.status(value), confidence, measured_t)


EMPTY_NUMBERS = tuple(_number(m, None) for m in LIVE_METRICS)


@dataclass(frozen=True)
class _Analysis:
    """Result of one window analysis (published by the background thread)."""

    numbers: tuple[LiveNumber, ...] = EMPTY_NUMBERS
    cue: str | None = None
    cue_short: str | None = None
    cue_status: str = "info"
    setup: SetupCheck = WAITING
    view: str = "unsure"
    facing: str | None = None
    analysed_t: float | None = None
    note: str | None = None
    sound: LiveSound | None = None
    cue_metrics: tuple[str, ...] = ()  # the numbers a fix's cue is about (empty: all good)
    held_back: tuple[str, ...] = ()  # the numbers the frame rate keeps off this window


# ----------------------------------------------------------------------------- rate gates
class RateGate:
    """A frame-rate limit with hysteresis: on from ``limit``, off again only below
    ``limit - margin``, so a rate hovering at the limit (19.9 against 20) does not make a
    number blink."""

    def __init__(self, limit: float, margin: float = GATE_MARGIN_FPS) -> None:
        self.limit = float(limit)
        self.off_below = float(limit) - margin
        self.on = False

    def update(self, rate: float) -> bool:
        if rate >= self.limit:
            self.on = True
        elif rate < self.off_below:
            self.on = False
        return self.on


class RateGates:
    """Every frame-rate limit that switches a live number on or off, for one stream:
    ``any`` (below it nothing is measured), ``contacts`` (cadence from foot contacts rather
    than the hips' rhythm) and one per metric (:data:`NEEDS_FPS`)."""

    def __init__(self, margin: float = GATE_MARGIN_FPS) -> None:
        self.gates = {"any": RateGate(min(NEEDS_FPS.values()), margin),
                      "contacts": RateGate(CONTACTS_FPS, margin),
                      **{m: RateGate(f, margin) for m, f in NEEDS_FPS.items()}}

    def update(self, rate: float) -> dict[str, bool]:
        return {k: g.update(rate) for k, g in self.gates.items()}


# ----------------------------------------------------------------------------- window analysis
def uniform_track(t: np.ndarray, landmarks: list[np.ndarray | None], width: int,
                  height: int) -> Track:
    """Landmarks resampled onto a uniform time grid at their mean rate.

    Grid points between two detected frames further apart than :data:`MAX_GAP_S` (or outside
    them) stay undetected, so gaps are never bridged.
    """
    raw = from_raw(t, landmarks, width, height)
    det = np.flatnonzero(raw.detected)
    if len(det) < 2 or t[-1] <= t[0]:
        return raw
    rate = (len(t) - 1) / (t[-1] - t[0])
    grid = np.arange(t[0], t[-1] + 0.5 / rate, 1.0 / rate)
    tv = raw.t[det]
    k = np.clip(np.searchsorted(tv, grid), 1, len(tv) - 1)
    ok = (grid >= tv[0]) & (grid <= tv[-1]) & (tv[k] - tv[k - 1] <= MAX_GAP_S)
    xy = np.full((len(grid), N_LANDMARKS, 2), np.nan)
    vis = np.zeros((len(grid), N_LANDMARKS))
    if ok.any():  # every landmark and its visibility at once, linear in time
        xy[ok] = signal.resample_linear(tv, raw.xy[det], grid[ok])
        vis[ok] = signal.resample_linear(tv, raw.vis[det], grid[ok])
    return Track(grid, xy, vis, ok, width, height)


def gap_fraction(t: np.ndarray) -> float:
    """Share of the time span of frame times ``t`` lying in gaps longer than
    :data:`MAX_GAP_S` (no frame arrived: nothing can be measured there)."""
    if len(t) < 2 or t[-1] <= t[0]:
        return 0.0
    dt = np.diff(t)
    return float(dt[dt > MAX_GAP_S].sum() / (t[-1] - t[0]))


def setup_check(track: Track, found: float | None = None) -> SetupCheck:
    """Whole body in frame, seen side-on, large enough: from the last second or two.

    ``found``: the share of analysed frames with the runner (default: of the track's
    samples; pass the frames' own share when the track was resampled, so that a pause
    between frames on a busy computer does not read as the runner missing)."""
    if found is None:
        found = float(track.detected.mean()) if track.n else 0.0
    if found < 0.6:
        item = SetupItem("person", "Runner in the picture", False,
                         "We can't see you yet: stand in the middle of the picture, "
                         "side-on to the camera.")
        return SetupCheck(False, item.hint, (item,))
    body = body_in_frame_fraction(track)
    size = runner_height_fraction(track)
    view = detect_view(track)
    items = (
        SetupItem("person", "Runner in the picture", True, ""),
        SetupItem("whole_body", "Body in view", body >= 0.7,
                  "Move the camera back until your head and feet are both in the picture."),
        SetupItem("side", "Camera side-on", view.view == "side",
                  "Turn the camera so it sees you from the side, square to the treadmill."),
        SetupItem("size", "Runner's size in the picture", size >= 0.3,
                  "Move the camera closer: you should fill half to three quarters of the height."),
    )
    bad = [i for i in items if not i.ok]
    return SetupCheck(not bad, bad[0].hint if bad else READY_MESSAGE, items)


def live_cadence(ev: GaitEvents, t_end: float, rate: float,
                 contacts_ok: bool | None = None) -> float | None:
    """Steps/min over the last :data:`CADENCE_STEPS` foot contacts, checked against the bounce.

    Contacts within :data:`EDGE_S` of the window's end are left out (the filters and the peak
    search are unsure there). No number before four contacts are seen (a runner standing
    still). Otherwise the contacts' rate and the hips' rhythm are arbitrated exactly as in
    the report (:func:`core.events.choose_cadence`: contacts when they agree within 3 %, the
    rhythm with too few contacts or when the two disagree, contacts when the rhythm ran at a
    multiple of them); below :data:`CONTACTS_FPS` analysed frames a second contact times are
    too coarse and only the rhythm counts (``contacts_ok``: that limit's gate, when the
    caller keeps one).
    """
    if contacts_ok is None:
        contacts_ok = rate >= CONTACTS_FPS
    ics = [e for e in ev.ics if e.t <= t_end - EDGE_S]
    recent = ics[-(CADENCE_STEPS + 1):]
    ce = cadence_from_ics(recent)[0] if len(ics) >= 4 else None
    if ce is None:
        return None
    return choose_cadence(ce, ev.cadence_spectral, len(recent), contacts_ok).value


def _short(cue: str) -> str:
    """The words before the colon, when that is a cue of its own."""
    head = cue.split(":")[0].strip()
    return head if ":" in cue and len(head) <= 40 else cue


def analyse_window(t: np.ndarray, landmarks: list[np.ndarray | None], width: int,
                   height: int, gates: RateGates | None = None,
                   audio: AudioTrack | None = None,
                   floor_deg: float | None = None,
                   uprights: camera.Verticals | None = None) -> _Analysis:
    """Live numbers, cue and setup check from the last few seconds of landmarks.

    ``gates`` carries the frame-rate limits' on/off state from window to window (a fresh set,
    i.e. plain limits, when not given). ``audio``: the microphone over the window (stream
    time), for the landing meter (None: the microphone is off). ``floor_deg``: the floor
    line's angle in the picture and ``uprights`` its upright lines (:class:`FloorWatch`),
    levelled as an upload is (:func:`core.camera.settle`).

    The setup check and the measuring fail apart: an engine error in one window is logged
    and that second shows no numbers, while the setup check stays current.
    """
    end = float(t[-1])
    recent = t >= end - SETUP_WINDOW_S
    recent[max(0, len(t) - SETUP_MIN_FRAMES):] = True
    try:
        lms = [lm for lm, r in zip(landmarks, recent) if r]
        setup = setup_check(uniform_track(t[recent], lms, width, height),
                            sum(lm is not None for lm in lms) / max(1, len(lms)))
    except Exception:  # noqa: BLE001 - one bad window must not end the live view
        log.exception("live setup check failed")
        setup = CHECKING
    if end - t[0] < MIN_ANALYSIS_S:
        return _Analysis(setup=setup, analysed_t=end)
    rate = (len(t) - 1) / (end - t[0])
    gates = gates or RateGates()
    ok = gates.update(rate)
    events: GaitEvents | None = None
    if not ok["any"]:
        analysis = _Analysis(setup=setup, analysed_t=end, note=SLOW_NOTE.format(rate),
                             held_back=LIVE_METRICS)
    else:
        try:
            analysis, events = _measure(t, landmarks, width, height, rate, setup, ok, floor_deg,
                                        uprights)
        except Exception:  # noqa: BLE001 - one bad window must not end the live view
            log.exception("live window analysis failed")
            analysis = _Analysis(setup=setup, analysed_t=end)
    sound = None
    if audio is not None:  # the meter needs no frame-rate gate (see live_meter); it names
        # feet by the window's own contacts when there are enough of them
        try:
            sound = live_meter(t, landmarks, width, height, audio,
                               window_contacts(events, float(t[0]), end))
        except Exception:  # noqa: BLE001 - one bad window must not end the live view
            log.exception("live landing meter failed")
            sound = LiveSound(reason="Listening for your landings...")
    return dataclasses.replace(analysis, sound=sound)


def _measure(t: np.ndarray, landmarks: list[np.ndarray | None], width: int, height: int,
             rate: float, setup: SetupCheck, ok: dict[str, bool],
             floor_deg: float | None = None, uprights: camera.Verticals | None = None
             ) -> tuple[_Analysis, GaitEvents | None]:
    """The engine's stages on the window: clean -> view -> events -> (level by uploads' rule,
    :func:`core.camera.settle`, the yaw unknown so taken as square: the upright lines' tilt
    where they were seen and the floor line does not overrule them, else the floor line;
    contacts along the floor line) -> metrics -> cue; with the window's gait events (None:
    too few frames with the runner), which the landing meter names feet by."""
    raw = uniform_track(t, landmarks, width, height)
    if raw.detected.sum() < 10:
        return _Analysis(setup=setup, analysed_t=float(t[-1])), None
    track = clean(raw)
    view = detect_view(track)
    events = detect_events(track, view)
    along = roll = 0.0
    if view.view == "side":
        gl = camera.settle(camera.floor_from_lines(floor_deg), uprights, yaw_deg=None)
        along, roll = gl.along_deg, gl.roll_deg
    if along:
        events = detect_events(camera.level(track, along), view)
    if roll:
        track = camera.level(track, roll)
    cad = live_cadence(events, float(track.t[-1]), rate, ok["contacts"])
    values: dict[str, float | None] = {"cadence": cad}
    results: list[MetricResult] = []  # what the cue is chosen from: the numbers shown
    confidence: dict[str, str] = {}
    out = compute_metrics(track, view, events)
    if view.view == "side":
        for m in out.results:
            if m.id not in LIVE_METRICS or not ok[m.id]:
                continue
            if m.id == "cadence":  # judged on the live value (the last ten steps)
                if cad is None:
                    continue
                m = dataclasses.replace(m, value=cad, status=BY_ID["cadence"].status(cad),
                                        near_line=METRIC_BY_ID["cadence"].near_line(cad, rate))
            values[m.id] = m.value
            confidence[m.id] = m.confidence
            results.append(m)
    note = OVERSTRIDE_NOTE.format(NEEDS_FPS["overstride"], rate) \
        if view.view == "side" and not ok["overstride"] else None
    end = float(t[-1])
    numbers = tuple(_number(m, values.get(m), confidence.get(m, ""), end) for m in LIVE_METRICS)
    cue = short = None
    status = "info"
    about: tuple[str, ...] = ()
    if results:
        fixes = build_findings(results).fixes
        if fixes:
            cue, short, status = fixes[0].cue, _short(fixes[0].cue), fixes[0].severity
            about = tuple(fixes[0].metrics)
        else:
            cue, short, status = ALL_GOOD_CUE, ALL_GOOD_SHORT, "good"
    return _Analysis(numbers, cue, short, status, setup, view.view, view.facing, float(t[-1]),
                     note, cue_metrics=about,
                     held_back=tuple(m for m in LIVE_METRICS if not ok.get(m, True))), events


# ----------------------------------------------------------------------------- overlay
def _wrap(text: str, max_w: int, scale: float, thick: int) -> list[str]:
    """The banner's lines (the stills' wrapping and degree sign), at most two."""
    lines = annotate._wrap(annotate._label_ascii(text), scale, thick, max_w)
    if len(lines) > 2:
        lines = [lines[0], lines[1] + " ..."]
    return lines


def draw_overlay(img: np.ndarray, lm: np.ndarray | None, banner: str | None, status: str,
                 recorded_s: float | None, countdown_s: float | None = None,
                 length_s: float | None = None) -> np.ndarray:
    """Skeleton, a banner (the cue or the setup hint), a REC mark (with the set length) and,
    before a recording starts, its countdown large in the middle, drawn in place."""
    if lm is not None:
        annotate.draw_skeleton(img, lm[:, :2], lm[:, 3])
    h, w = img.shape[:2]
    s = max(0.6, min(h, w) / 480.0)
    fs, th = 0.65 * s, max(1, int(round(1.6 * s)))
    if banner:
        lines = _wrap(banner, w - int(40 * s), fs, th)
        line_h = int(28 * s)
        cv2.rectangle(img, (0, 0), (w, line_h * len(lines) + int(12 * s)), (25, 25, 25), -1)
        cv2.rectangle(img, (0, 0), (int(8 * s), line_h * len(lines) + int(12 * s)),
                      annotate.COL.get(status, (200, 200, 200)), -1)
        for i, line in enumerate(lines):
            annotate._put(img, line, (int(18 * s), line_h * (i + 1)), fs, (255, 255, 255), th)
    if countdown_s is not None:
        n = str(max(1, int(np.ceil(countdown_s))))
        big_fs, big_th = 4.0 * s, max(2, int(round(8 * s)))
        (nw, nh), _ = cv2.getTextSize(n, cv2.FONT_HERSHEY_SIMPLEX, big_fs, big_th)
        (lw, lh), _ = cv2.getTextSize("Recording in", cv2.FONT_HERSHEY_SIMPLEX, fs, th)
        cx, cy = w // 2, h // 2
        r = int(max(nw, nh) * 0.9)
        cv2.circle(img, (cx, cy), r, (25, 25, 25), -1, cv2.LINE_AA)
        cv2.circle(img, (cx, cy), r, (40, 40, 230), max(2, int(4 * s)), cv2.LINE_AA)
        cv2.putText(img, n, (cx - nw // 2, cy + nh // 2), cv2.FONT_HERSHEY_SIMPLEX, big_fs,
                    (255, 255, 255), big_th, cv2.LINE_AA)
        cv2.rectangle(img, (cx - lw // 2 - 8, cy - r - lh - 22), (cx + lw // 2 + 8, cy - r - 6),
                      (25, 25, 25), -1)
        cv2.putText(img, "Recording in", (cx - lw // 2, cy - r - 14), cv2.FONT_HERSHEY_SIMPLEX,
                    fs, (255, 255, 255), th, cv2.LINE_AA)
    if recorded_s is not None:
        label = f"REC {int(recorded_s) // 60}:{int(recorded_s) % 60:02d}"
        if length_s is not None:
            label += f" / {int(length_s) // 60}:{int(length_s) % 60:02d}"
        (tw, tht), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, fs, th)
        x, y = w - tw - int(14 * s), h - int(14 * s)
        cv2.rectangle(img, (x - int(26 * s), y - tht - int(8 * s)), (w - int(6 * s), y + int(8 * s)),
                      (25, 25, 25), -1)
        cv2.circle(img, (x - int(12 * s), y - tht // 2), int(7 * s), (40, 40, 230), -1, cv2.LINE_AA)
        cv2.putText(img, label, (x, y), cv2.FONT_HERSHEY_SIMPLEX, fs, (255, 255, 255), th,
                    cv2.LINE_AA)
    return img


# ----------------------------------------------------------------------------- recording
class _Recording:
    """Landmarks, JPEG frames and clip statistics of one recording (under the analyzer's lock)."""

    def __init__(self, max_frames: int) -> None:
        self.t0: float | None = None
        self.t: list[float] = []
        self.lms: list[np.ndarray | None] = []
        self.frames = FrameStore(max_frames)
        self.size = (0, 0)
        self.pending: list[int] = []  # frames kept without a pose pass (the live view skipped them)

    @property
    def seconds(self) -> float:
        return self.t[-1] if self.t else 0.0

    def add(self, img: np.ndarray, t_s: float, lm: np.ndarray | None,
            pending: bool = False) -> None:
        if self.t0 is None:
            self.t0 = t_s
        elif t_s - self.t0 <= self.t[-1]:
            return  # not after the last frame: out of order, or a repeat
        if pending:
            self.pending.append(len(self.t))
        self.frames.add(len(self.t), img)  # clip statistics: when the report is made
        self.t.append(t_s - self.t0)
        self.lms.append(lm)
        self.size = (img.shape[1], img.shape[0])

    def track(self) -> Track:
        return from_raw(np.array(self.t), self.lms, *self.size)

    def clip_stats(self) -> ClipStats:
        """Brightness, scene cuts and the camera's motion from the kept frames in order, with
        their landmarks (after :meth:`pose_pending`). Done when the report is made, not on the
        stream's thread: at 320 x 240 they cost 4.7 ms of CPU a frame against 0.2 ms for the
        JPEG, and on a loaded machine keeping skipped frames with them ran out of its time
        budget (a recording refused for 68 % of its time in gaps)."""
        stats = ClipStatsCollector()
        for i in self.frames.indices():
            img = self.frames.get(i)
            if img is not None:
                stats.add(img, self.lms[i] if i < len(self.lms) else None)
        return stats.stats()

    def pose_pending(self, progress: Progress | None = None) -> None:
        """Find the pose in the frames kept without one (a fresh pose instance, in order)."""
        todo = [i for i in self.pending if i in self.frames.jpeg]
        if todo:
            with MediaPipePose() as pose:
                for k, i in enumerate(todo):
                    lm = pose.process(self.frames.get(i), self.t[i])
                    self.lms[i] = lm if lm is not None and np.all(np.isfinite(lm[:, :2])) else None
                    if progress and k % 10 == 0:
                        progress("Placing your body in the frames the live view skipped",
                                 0.8 * k / len(todo))
        self.pending = []

    def constant_rate(self) -> tuple[Track, FrameStore]:
        """The recording on a constant frame rate: its mean rate, landmarks interpolated
        (:func:`uniform_track`, gaps kept), each grid point showing the nearest recorded
        picture (duplicated or dropped), so frame ``i`` is at ``i / rate`` seconds."""
        raw = self.track()
        track = uniform_track(raw.t, self.lms, *self.size)
        kept = np.array(self.frames.indices(), int)
        frames = FrameStore(track.n)
        frames.step = max(frames.step, self.frames.step)
        if len(kept):
            kt = raw.t[kept]
            for g in range(0, track.n, frames.step):
                j = int(np.clip(np.searchsorted(kt, track.t[g]), 1, len(kt) - 1)) if len(kt) > 1 else 0
                if j > 0 and abs(kt[j - 1] - track.t[g]) <= abs(kt[j] - track.t[g]):
                    j -= 1
                frames.jpeg[g] = self.frames.jpeg[int(kept[j])]
        return track, frames


# ----------------------------------------------------------------------------- analyzer
class FloorWatch:
    """The floor line of a live stream from its image lines (:func:`core.camera.image_lines_angle`,
    as an upload's floor is found on a treadmill, where the stance feet alone do not level),
    and its upright lines' tilt (:func:`core.camera.vertical_lines_roll`, which levels an
    upload where they are seen): one frame with its landmarks kept every
    :data:`FLOOR_EVERY_S`, both read once :data:`FLOOR_FRAMES` are in (None until then, or
    when none are found)."""

    def __init__(self) -> None:
        self.frames = FrameStore(FLOOR_FRAMES)
        self.lms: list[np.ndarray | None] = []
        self.t: list[float] = []
        self.angle: float | None = None
        self.uprights: camera.Verticals | None = None
        self.done = False

    def add(self, img: np.ndarray, t_s: float, lm: np.ndarray | None) -> None:
        if self.done or lm is None or (self.t and t_s - self.t[-1] < FLOOR_EVERY_S):
            return
        self.frames.add(len(self.t), img)
        self.lms.append(lm)
        self.t.append(t_s)
        if len(self.t) >= FLOOR_FRAMES:
            h, w = img.shape[:2]
            track = from_raw(np.array(self.t), self.lms, w, h)  # frame k = still k
            try:
                self.angle = camera.image_lines_angle(self.frames, track)
                self.uprights = camera.vertical_lines_roll(self.frames, track)
            except Exception:  # noqa: BLE001 - no floor line: measured against the picture
                log.exception("live floor line failed")
            self.done = True
            self.frames = FrameStore(0)  # the stills are no longer needed


FLOOR_FRAMES = 5  # frames whose image lines give a live stream's floor line
FLOOR_EVERY_S = 0.5  # one of them every half second (the first 2-3 s of the stream)


class LiveAnalyzer:
    """Live form check of one camera stream (see the module docstring).

    ``process`` must be called from one thread at a time (the stream's processing thread);
    every other method is safe from any thread.
    """

    def __init__(self, window_s: float = 6.0, update_every_s: float = 1.0, max_side: int = 640,
                 max_record_s: float = 60.0) -> None:
        self.window_s = window_s
        self.update_every_s = update_every_s
        self.max_side = max_side
        self.max_record_s = max_record_s
        self._lock = threading.Lock()  # buffers, recording, counters, analysis
        self._pose_lock = threading.Lock()  # the pose instance (process vs close)
        self._pose: MediaPipePose | None = None
        self._loader: threading.Thread | None = None  # warm_up's thread while the model loads
        self._closed = False
        self._size: tuple[int, int] | None = None  # working (width, height)
        self._buf: deque[tuple[float, np.ndarray | None]] = deque()
        self._analysis = _Analysis()
        self._last_update_t: float | None = None
        self._rec: _Recording | None = None
        self._finished: _Recording | None = None
        self._arm_at: float | None = None  # stream time an armed recording starts (nan: next frame)
        self._rec_length: float | None = None  # the running or armed recording's set length
        self._countdown = 0.0
        self._gates = RateGates()
        self._held: dict[str, LiveNumber] = {}  # last measured value of each number
        self._conf_read: dict[str, str] = {}  # each number's latest window's own confidence
        self._last_read: dict[str, float] = {}  # each JUMPY number's latest window value
        self._cadence_log: deque[tuple[float, float]] = deque()  # (stream t, measured spm)
        self._setup_raw: SetupCheck | None = None  # the latest window's own setup check
        self._n = 0
        self._dropped = 0
        self._t = 0.0
        self._wall: deque[float] = deque(maxlen=30)
        self._lat: deque[float] = deque(maxlen=30)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self.ear: LiveEar | None = None  # the microphone, when the runner allowed it
        self.floor = FloorWatch()

    def listen(self, ear: LiveEar | None) -> None:
        """Hear the landings through ``ear`` (the stream's microphone; None: stop)."""
        self.ear = ear

    def warm_up(self) -> None:
        """Load the pose model on a background thread now (the stream's start), so that no
        call of :meth:`process` has to wait for it: until it is loaded, frames pass through
        unanalysed. Without this the first :meth:`process` loads it (tests, benches)."""
        with self._pose_lock:
            if self._pose is not None or self._loader is not None or self._closed:
                return
            self._loader = threading.Thread(target=self._load_pose, name="formcheck-pose-load",
                                            daemon=True)
            self._loader.start()

    def _load_pose(self) -> None:
        try:
            pose: MediaPipePose | None = MediaPipePose()
        except Exception:  # noqa: BLE001 - process() tries again on its own thread
            log.exception("loading the pose model failed")
            pose = None
        with self._pose_lock:
            self._loader = None
            if self._closed:
                if pose is not None:
                    pose.close()
            else:
                self._pose = pose

    @property
    def ready(self) -> bool:
        """The pose model is loaded (frames are analysed)."""
        with self._pose_lock:
            return self._pose is not None

    # -- processing thread
    def process(self, image_bgr: np.ndarray, t_s: float) -> np.ndarray:
        """Analyse one frame and return it (at the working size) with the overlay drawn."""
        t0 = time.perf_counter()
        img = self._to_working_size(image_bgr)
        with self._pose_lock:
            if self._closed:
                return img
            loading = self._pose is None and self._loader is not None
            if not loading:
                if self._pose is None:
                    self._pose = MediaPipePose()
                lm = self._pose.process(img, t_s)
        if loading:  # never wait for the model here (see the module docstring)
            with self._lock:
                self._dropped += 1
            return draw_overlay(img, None, LOADING_MESSAGE, "watch", None)
        if lm is not None and not np.all(np.isfinite(lm[:, :2])):
            lm = None
        with self._lock:
            self._n += 1
            self._t = t_s
            self._buf.append((t_s, lm))
            self.floor.add(img, t_s, lm)
            while self._buf and self._buf[0][0] < t_s - self.window_s:
                self._buf.popleft()
            if self._last_update_t is None or t_s - self._last_update_t >= self.update_every_s:
                self._last_update_t = t_s
                self._wake_worker()
            analysis = self._analysis
            if self._arm_at is not None:
                if np.isnan(self._arm_at):
                    self._arm_at = t_s + self._countdown
                if t_s >= self._arm_at:
                    self._arm_at = None
                    self._rec = _Recording(int(self.max_record_s * 30))
            countdown = self._arm_at - t_s if self._arm_at is not None else None
            rec = self._rec
            if rec is not None:
                rec.add(img, t_s, lm)  # the raw frame, kept before anything is drawn on it
                if rec.seconds >= min(self.max_record_s, self._rec_length or np.inf):
                    self._finish_recording()
            rec_s = self._rec.seconds if self._rec is not None else None
            length = self._rec_length
            setup = self._phase_setup(analysis.setup)
        if not setup.ready:
            banner, status = setup.message, "watch"
        elif analysis.cue_short:
            banner, status = analysis.cue_short, analysis.cue_status
        else:
            banner, status = setup.message, "good"
        draw_overlay(img, lm, banner, status, rec_s, countdown, length)
        done = time.perf_counter()
        with self._lock:
            self._wall.append(done)
            self._lat.append(done - t0)
        return img

    def note_dropped(self, n: int) -> None:
        """Count frames the caller skipped because the previous one was still processing."""
        with self._lock:
            self._dropped += n

    def keep(self, image_bgr: np.ndarray, t_s: float) -> None:
        """A frame the live view skips (the caller was busy): while recording it is kept all
        the same, and its pose is found when the report is made, so a recording has every
        camera frame however busy the computer was (call in time order, before ``process``
        of a newer frame; the processing thread only)."""
        with self._lock:
            if self._rec is None:
                return
        img = self._to_working_size(image_bgr)
        with self._lock:
            rec = self._rec
            if rec is None:
                return
            rec.add(img, t_s, None, pending=True)
            if rec.seconds >= min(self.max_record_s, self._rec_length or np.inf):
                self._finish_recording()

    def _to_working_size(self, img: np.ndarray) -> np.ndarray:
        """Scale to at most ``max_side``; a new picture shape starts the live window afresh."""
        h, w = img.shape[:2]
        size = fit_size(w, h, self.max_side)
        with self._lock:
            if self._size is None or abs(size[0] / size[1] - self._size[0] / self._size[1]) > 0.02:
                if self._size is not None:
                    self._buf.clear()
                    self._held.clear()
                    self._last_read.clear()
                    self._conf_read.clear()
                    self._cadence_log.clear()
                    self._arm_at = None
                    self._finish_recording()
                self._size = size
            size = self._size
        if (w, h) == size:
            return np.ascontiguousarray(img).copy()
        return cv2.resize(img, size, interpolation=cv2.INTER_AREA)

    # -- background analysis
    def _wake_worker(self) -> None:
        if (self._worker is None or not self._worker.is_alive()) and not self._stop.is_set():
            self._worker = threading.Thread(target=self._work, name="formcheck-live-analysis",
                                            daemon=True)
            self._worker.start()
        self._wake.set()

    def _work(self) -> None:
        """Analyse whenever woken; end after :data:`IDLE_EXIT_S` without frames (restarted
        by the next frame), so an abandoned stream leaves no thread behind."""
        while self._wake.wait(timeout=IDLE_EXIT_S) and not self._stop.is_set():
            self._wake.clear()
            self.update()

    def update(self) -> None:
        """Analyse the current window now and publish the result (the worker calls this)."""
        with self._lock:
            if not self._buf or self._size is None:
                return
            t = np.array([x[0] for x in self._buf])
            lms = [x[1] for x in self._buf]
            w, h = self._size
        ear = self.ear
        audio = ear.between(t[0] - 0.3, t[-1] + 0.3) if ear is not None else None
        if ear is not None and audio is None:
            sound = LiveSound(reason="No sound from the microphone yet.")
        result = analyse_window(t, lms, w, h, self._gates, audio, self.floor.angle,
                                self.floor.uprights)
        if ear is not None and audio is None:
            result = dataclasses.replace(result, sound=sound)
        elif ear is not None and result.sound is None:  # too little running in the window yet
            result = dataclasses.replace(result, sound=LiveSound(
                reason="Listening for your landings..."))
        self._publish(result)

    def _publish(self, result: _Analysis) -> None:
        """Make one window's result the shown one: numbers held (:meth:`_hold`), and the
        all-good cue only when every number on screen is good."""
        with self._lock:
            shown = self._hold(result)
            # the setup check turns (ready <-> not) only when two windows in a row agree
            prev_raw, self._setup_raw = self._setup_raw, result.setup
            if (prev_raw is not None and self._analysis.setup.ready != result.setup.ready
                    and prev_raw.ready != result.setup.ready):
                result = dataclasses.replace(result, setup=self._analysis.setup)
            bad = {n.id for n in shown if n.value is not None and n.status in ("watch", "fix")}
            about = {m for m in result.cue_metrics if m in {n.id for n in shown}}
            if (result.cue_status == "good" and bad) or (about and not about & bad):
                # the cue agrees with the numbers on screen: "Looking good" only beside good
                # numbers (a held red cadence sat beside it: live review, 2 Dec), and a fix's
                # cue only beside its number shown off good (a jump held back, above)
                result = dataclasses.replace(result, cue=None, cue_short=None,
                                             cue_status="info", cue_metrics=())
            self._analysis = dataclasses.replace(result, numbers=shown)

    def _hold(self, result: _Analysis) -> tuple[LiveNumber, ...]:  # caller holds the lock
        """Fresh values replace the held ones; a number the window could not measure keeps
        its last value (for up to :data:`HOLD_MAX_S`), its age shown by the snapshot. A
        :data:`JUMPY` number that jumps by over :data:`JUMP_SHARE` from the one held counts
        as not measured until two windows in a row agree on the new value."""
        now = result.analysed_t if result.analysed_t is not None else self._t
        out = []
        for n in result.numbers:
            if n.id in JUMPY and n.value is not None:
                old, prev = self._held.get(n.id), self._last_read.get(n.id)
                self._last_read[n.id] = n.value
                jump = (old is not None and old.value and now - (old.measured_t or now) <= HOLD_MAX_S
                        and abs(n.value / old.value - 1.0) > JUMP_SHARE)
                if jump and not (prev and abs(n.value / prev - 1.0) <= JUMP_AGREE):
                    n = dataclasses.replace(n, value=None)
            if n.value is not None:
                n = self._steady_confidence(self._steady_verdict(n))
                self._held[n.id] = n
                if n.id == "cadence":
                    self._cadence_log.append((now, float(n.value)))
            else:
                old = self._held.get(n.id)
                if old is not None and now - (old.measured_t or now) <= HOLD_MAX_S:
                    n = old
                else:
                    self._held.pop(n.id, None)
            out.append(n)
        return tuple(out)

    def _steady_verdict(self, n: LiveNumber) -> LiveNumber:  # caller holds the lock
        """``n`` with the verdict shown before it when its reading is within
        :data:`VERDICT_HYSTERESIS` of the line between the two (the verdict does not blink)."""
        old, spec, m = self._held.get(n.id), BY_ID.get(n.id), VERDICT_HYSTERESIS.get(n.id)
        judged = ("good", "watch", "fix")
        if (old is None or spec is None or m is None or old.status == n.status
                or old.status not in judged or n.status not in judged):
            return n
        if old.status in (spec.status(n.value - m), spec.status(n.value + m)):
            return dataclasses.replace(n, status=old.status)
        return n

    def _steady_confidence(self, n: LiveNumber) -> LiveNumber:  # caller holds the lock
        """``n`` with the confidence shown before it until two windows in a row read the new
        one: the "(rough)" tag came and went from one window to the next while the runner
        ran steadily (review, 3 Dec). The first reading of a number shows its own."""
        old = self._held.get(n.id)
        prev, self._conf_read[n.id] = self._conf_read.get(n.id), n.confidence
        if old is None or not old.confidence or old.confidence == n.confidence:
            return n
        if prev == n.confidence:  # the second window in a row with the new confidence
            return n
        return dataclasses.replace(n, confidence=old.confidence)

    # -- any thread
    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            a = self._analysis
            wall = list(self._wall)
            fps = (len(wall) - 1) / (wall[-1] - wall[0]) if len(wall) > 1 and wall[-1] > wall[0] else 0.0
            lat = float(np.median(self._lat)) * 1000 if self._lat else 0.0
            rec = self._rec
            numbers = tuple(
                dataclasses.replace(n, age_s=round(max(0.0, self._t - n.measured_t), 1))
                if n.value is not None and n.measured_t is not None else n for n in a.numbers)
            countdown = None
            if self._arm_at is not None:
                countdown = self._countdown if np.isnan(self._arm_at) else \
                    max(0.0, self._arm_at - self._t)
            return LiveSnapshot(numbers, a.cue, a.cue_short, a.cue_status,
                                self._phase_setup(a.setup), a.view, a.facing,
                                self._n, self._dropped, round(fps, 1), round(lat, 1), self._t,
                                a.analysed_t, a.note, rec is not None,
                                rec.seconds if rec is not None else
                                (self._finished.seconds if self._finished else 0.0),
                                countdown, self._rec_length if (rec or countdown is not None) else None,
                                a.sound if self.ear is not None else None, a.held_back,
                                self._recent_cadence())

    def _phase_setup(self, setup: SetupCheck) -> SetupCheck:  # caller holds the lock
        """``setup`` with its ready message for where the recording is: counting down,
        recording, or recorded (its report being made); "then record" only before."""
        if not (setup.ready and setup.message == READY_MESSAGE):
            return setup
        msg = (READY_ARMED if self._arm_at is not None else
               READY_RECORDING if self._rec is not None else
               READY_RECORDED if self._finished is not None else READY_MESSAGE)
        return dataclasses.replace(setup, message=msg)

    def _recent_cadence(self) -> float | None:  # caller holds the lock
        """Median of the cadences measured over the last :data:`METRONOME_SPAN_S` of stream
        time (a held or held-back window adds none); None with fewer than
        :data:`METRONOME_MIN_READINGS`."""
        log = self._cadence_log
        while log and log[0][0] < self._t - METRONOME_SPAN_S:
            log.popleft()
        if len(log) < METRONOME_MIN_READINGS:
            return None
        return float(np.median([v for _, v in log]))

    @property
    def recording(self) -> bool:
        with self._lock:
            return self._rec is not None

    @property
    def armed(self) -> bool:
        """A recording is counting down to its start."""
        with self._lock:
            return self._arm_at is not None

    def has_recording(self) -> bool:
        """A recording is running or finished and not yet turned into a report."""
        with self._lock:
            return self._rec is not None or self._finished is not None

    def start_recording(self, countdown_s: float = 0.0, length_s: float | None = None) -> None:
        """Start keeping landmarks and frames now, or ``countdown_s`` seconds of stream time
        after the latest frame; stop by itself after ``length_s`` (at most ``max_record_s``).
        A previous unreported recording is discarded."""
        if length_s is not None and length_s <= 0:
            raise ValueError("length_s must be positive")
        with self._lock:
            self._finished = None
            self._rec_length = min(length_s, self.max_record_s) if length_s else None
            if countdown_s > 0:
                self._rec = None
                self._countdown = float(countdown_s)
                self._arm_at = self._t + countdown_s if self._n else float("nan")
            else:
                self._arm_at = None
                self._rec = _Recording(int(self.max_record_s * 30))

    def cancel_recording(self) -> None:
        """Cancel a countdown or drop the running recording (nothing is kept)."""
        with self._lock:
            self._arm_at = None
            self._rec = None
            self._rec_length = None

    def _finish_recording(self) -> None:  # caller holds the lock
        if self._rec is not None:
            self._finished, self._rec = self._rec, None

    def _stopped(self) -> _Recording:
        with self._lock:
            self._arm_at = None
            self._finish_recording()
            rec = self._finished
        if rec is None:
            raise FormCheckError("not_recording", "Nothing has been recorded yet.",
                                 "Press Record, run for 10-20 s, then stop.")
        return rec

    def stop_recording(self) -> tuple[Track, FrameStore]:
        """Stop recording; returns the raw landmark track and the kept frames."""
        rec = self._stopped()
        return rec.track(), rec.frames

    def to_report(self, out_dir: str | Path | None = None, options: AnalysisOptions | None = None,
                  progress: Progress | None = None) -> dict:
        """The full report of the recording (stopping it first), exactly as for an upload."""
        rec = self._stopped()
        opts = options or AnalysisOptions()
        opts.validate()
        rec.pose_pending(progress)
        t = np.array(rec.t)
        check_duration(t, "recording")
        dur = float(t[-1] - t[0])
        dt = np.diff(t)
        rate, gaps = (len(t) - 1) / dur, gap_fraction(t)
        log.log(logging.WARNING if gaps > MAX_GAP_FRACTION else logging.INFO,
                "live recording: %d frames in %.2f s (%.1f fps; interval median %.0f ms, "
                "max %.0f ms; %.0f %% of the time in gaps over %.0f ms)", len(t), dur, rate,
                1000 * np.median(dt), 1000 * dt.max(), 100 * gaps, 1000 * MAX_GAP_S)
        if gaps > MAX_GAP_FRACTION or rate < min(NEEDS_FPS.values()):
            raise FormCheckError("too_few_frames", GAPPY_MESSAGE.format(rate, dt.max()), GAPPY_HINT)
        raw, frames = rec.constant_rate()
        clip = admit(raw, frames, rec.clip_stats(), "recording", progress)
        # how the frames reached the analysis: a step count outside running's range from a
        # sparse recording is put down to its frames (core.quality.assess)
        clip.extra["recording"] = {"fps": round(rate, 1), "max_gap_s": round(float(dt.max()), 2),
                                   "gap_fraction": round(gaps, 3)}
        source = recording_source(raw)
        ear = self.ear
        audio = ear.between(rec.t0, rec.t0 + rec.t[-1], origin=rec.t0) \
            if ear is not None and rec.t0 is not None else None
        note = "" if ear is not None else MIC_OFF_NOTE
        if ear is not None and audio is None:
            note = "The microphone sent no sound during the recording."
        report = build_report(raw, frames, source, opts, clip, out_dir, progress, audio=audio,
                              audio_note=note)
        with self._lock:
            if self._finished is rec:
                self._finished = None
        return report

    def close(self) -> None:
        """Release the pose model and the analysis thread (a recording stays available)."""
        self._stop.set()
        self._wake.set()
        with self._pose_lock:
            self._closed = True
            if self._pose is not None:
                self._pose.close()
                self._pose = None
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=5)

    def __enter__(self) -> "LiveAnalyzer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

