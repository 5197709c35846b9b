"""Live: the webcam treadmill mode.

Laid out for a runner on a treadmill, a step or two from the screen: the video (skeleton,
cue, countdown drawn on it) with Record and the metronome beside it and big live numbers
under those, all above the fold on a laptop (assets/style.css widens this page; on a
phone the column stacks under the video). Record is hands-free: a 5 s countdown, then a set length (or until Stop),
then the same full report as an upload (made on its own thread, :class:`ReportJob`), saved to
the store and linked to the Report page.
Numbers, recording state and cue refresh every second in fragments, without re-running the
page. No camera, a blocked camera or a browser without camera access get a friendly
message and a link to upload a clip instead (:func:`camera_check`). The analysis itself is
:class:`core.live.LiveAnalyzer`, one per camera stream.
"""
from __future__ import annotations

import html
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import av
import streamlit as st
from streamlit.components import v2 as components_v2
from streamlit_webrtc import (AudioProcessorBase, VideoProcessorBase, WebRtcMode,
                              WebRtcStreamerContext, webrtc_streamer)

from core.audio import LiveEar
from core.errors import FormCheckError
from core.findings import STATUS_WORDS
from core.live import (METRONOME_RANGE, METRONOME_START, LiveAnalyzer, LiveNumber,
                       LIVE_METRICS, LiveSnapshot, LiveSound, metronome_target)
from core.pipeline import AnalysisOptions
from core.pose import import_mediapipe
from core.report import DISCLAIMER
from core.spec import BY_ID
from ui import guard, session, text
from ui.theme import esc
from ui.webrtc_link import stream_at_full_rate

log = logging.getLogger("formcheck.ui")


def _log_media_errors() -> None:
    """streamlit-webrtc logs a dead processing thread ("recv_queued() ... is taking too long",
    an exception) only to a NullHandler: say it in the server log, in one line."""
    lib = logging.getLogger("streamlit_webrtc")
    if not any(getattr(h, "formcheck", False) for h in lib.handlers):
        handler = logging.StreamHandler()
        handler.formcheck = True  # type: ignore[attr-defined]
        handler.setLevel(logging.ERROR)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(lambda r: setattr(r, "exc_info", None) or setattr(r, "exc_text", None)
                          or True)
        lib.addHandler(handler)


_log_media_errors()


def _patient_consent() -> None:
    """aioice ends a stream when six consent checks in a row (one every ~5 s) go unanswered,
    each given a single try of 0.5 s. A loaded computer answers late: on this project's
    2-core test machine at a load of ~20 the live stream ended with "Consent to send
    expired" after 30-45 s. Allow :data:`CONSENT_FAILURES` (about two minutes) instead; a
    browser that stops its camera still ends the stream at once."""
    try:
        from aioice import ice
    except ImportError:  # pragma: no cover - aioice comes with aiortc
        return
    ice.CONSENT_FAILURES = max(ice.CONSENT_FAILURES, CONSENT_FAILURES)


CONSENT_FAILURES = 24
_patient_consent()

ICE_ENV = "FORMCHECK_ICE_SERVERS"  # JSON list of RTCIceServer dicts (STUN/TURN) when deployed
ANALYZER = "fc_live_analyzer"  # the analyzer of the latest stream (kept after it stops)
LAST_REPORT = "fc_live_report"  # id of the report made from the latest recording
LAST_REFUSED = "fc_live_report_refused"  # why that report could not score it ("" or absent: scored)
LAST_NUMBERS = "fc_live_report_numbers"  # that report's own values of the live numbers
TARGET = "fc_live_target"  # metronome beats per minute
TARGET_KEPT = "fc_live_target_kept"  # the target kept outside the widget (_restore)
# the cadence the metronome's "+ 5 %" starts from: the median of the last 10 s of readings
# (LiveSnapshot.cadence_recent_spm), the number on screen until there are three
SHOWN_CADENCE = "fc_live_cadence"
TARGET_NOTE = "fc_live_target_note"  # why "+ 5 %" did not set (or capped) the metronome
HEIGHT = "fc_live_height"  # the runner's height (cm), for the report
LISTEN = "fc_live_listen"  # the runner allowed the microphone: the landing meter is on
METER_MAX_DB = 30.0  # the landing meter's full scale (dB above the background)
LENGTH = "fc_live_length"  # the chosen recording length
LENGTH_KEPT = "fc_live_length_kept"  # kept outside the widget, not drawn while recording
REPORT_JOB = "fc_live_report_job"  # the ReportJob making the latest recording's report
REPORT_ERROR = "fc_live_report_error"  # why the latest report could not be made
AUTO_REPORT = "fc_live_auto_report"  # a timed recording is running: make the report when it ends
COUNTDOWN_S = 5
KEEP_BUDGET_S = 3.0  # per call, at most this long keeping skipped frames for a recording
# The microphone as it is: the browser's echo cancelling, noise suppression and automatic gain
# would flatten the difference between a loud and a quiet landing (or remove the thumps).
RAW_MIC = {"echoCancellation": False, "noiseSuppression": False, "autoGainControl": False}
LENGTHS = {"15 s": 15.0, "20 s": 20.0, "30 s": 30.0, "Until I stop": None}
FRESH_S = 2.5  # a number at most this old is "live"; older ones show their age
RESOLUTIONS = {"640 x 480 (recommended)": (640, 480), "1280 x 720": (1280, 720)}
FRAME_RATES = {"30 fps (recommended)": 30, "60 fps (fast computers)": 60}
TRANSLATIONS = {
    "start": "Start camera",
    "stop": "Stop camera",
    "select_device": "Choose camera",
    "device_ask_permission": "Allow FormCheck to use your camera to start.",
    "device_access_denied": "Camera access is blocked. Allow the camera in your browser's "
                            "address bar, then press Start camera again",
    "device_not_available": "No camera is available. Plug one in or close other apps using it",
    "media_api_not_available": "This browser cannot share a camera here. Open FormCheck over "
                               "https (or on localhost) in Chrome, Edge, Firefox or Safari",
}


class LiveProcessor(VideoProcessorBase):
    """The stream's processing thread: only the newest frame is analysed live; older ones are
    skipped, or while recording kept for the report (their pose is found afterwards).

    streamlit-webrtc ends the stream for good when one call takes over 10 s, so no call may
    wait for long: the pose model loads in the background (:meth:`LiveAnalyzer.warm_up`) and
    keeping skipped frames stops after :data:`KEEP_BUDGET_S` (a loaded machine)."""

    def __init__(self) -> None:
        self.analyzer = LiveAnalyzer()
        self.analyzer.warm_up()

    async def recv_queued(self, frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
        start = time.monotonic()
        ear = self.analyzer.ear
        if ear is not None and frames[-1].time is not None:  # the camera's clock, for the mic
            ear.see(frames[-1].time, start)
        self.analyzer.note_dropped(len(frames) - 1)
        if len(frames) > 1 and self.analyzer.recording:  # a recording keeps every frame
            for k, skipped in enumerate(frames[:-1]):
                if time.monotonic() - start > KEEP_BUDGET_S:
                    log.warning("live: %d skipped frames not kept (the computer is too busy)",
                                len(frames) - 1 - k)
                    break
                try:
                    self.analyzer.keep(skipped.to_ndarray(format="bgr24"),
                                       skipped.time if skipped.time is not None else time.monotonic())
                except Exception:  # noqa: BLE001 - keep the video flowing, say it in the log
                    log.exception("keeping a skipped frame failed")
        frame = frames[-1]
        img = frame.to_ndarray(format="bgr24")
        try:
            out = self.analyzer.process(img, frame.time if frame.time is not None else time.monotonic())
        except Exception:  # noqa: BLE001 - keep the video flowing, say it in the log
            log.exception("live frame processing failed")
            out = img
        return [av.VideoFrame.from_ndarray(out, format="bgr24")]

    def on_ended(self) -> None:
        self.analyzer.close()


class LiveAudioProcessor(AudioProcessorBase):
    """The stream's microphone (only with the runner's permission): every frame is kept in a
    :class:`core.audio.LiveEar` for the landing meter and the recording's report; the sound
    goes back unchanged (the video element is muted)."""

    def __init__(self) -> None:
        self.ear = LiveEar()

    async def recv_queued(self, frames: list[av.AudioFrame]) -> list[av.AudioFrame]:
        wall = time.monotonic()
        for f in frames:
            try:
                self.ear.hear(f, wall)
            except Exception:  # noqa: BLE001 - keep the stream flowing, say it in the log
                log.exception("keeping a microphone frame failed")
        # one frame back per call: streamlit-webrtc sends one per frame received, so a batch
        # would pile up in its output queue (the video element is muted anyway)
        return frames[-1:]


def ice_servers() -> list[dict]:
    """STUN/TURN servers from ``$FORMCHECK_ICE_SERVERS`` or ``st.secrets["ice_servers"]``.

    None by default: on localhost the browser and the server connect directly.
    """
    value: object = os.environ.get(ICE_ENV)
    if value is None:
        try:
            value = st.secrets.get("ice_servers")
        except FileNotFoundError:  # no secrets file
            value = None
    if value is None:
        return []
    try:
        servers = json.loads(value) if isinstance(value, str) else [dict(s) for s in value]  # type: ignore[union-attr]
        if isinstance(servers, list) and all(isinstance(s, dict) and "urls" in s for s in servers):
            return servers
    except (TypeError, ValueError):
        pass
    log.warning("ignoring malformed ICE server setting (%s / secrets ice_servers)", ICE_ENV)
    return []



# ----------------------------------------------------------------------------- camera problems
CAMERA_PROBLEMS = {  # what the browser said -> what we say (title, what to do)
    "none": ("No camera found on this device.",
             "Plug in a webcam (or close other apps that use it), then press **Start camera**; "
             "or film your run with a phone and upload the clip."),
    "denied": ("Camera access is blocked.",
               "Allow the camera for this site (the camera icon in the address bar), then "
               "press **Start camera** again. Or film your run with a phone and upload it."),
    "busy": ("The camera is in use by another app.",
             "Close video calls and other camera apps, then press **Start camera** again. "
             "Or film your run with a phone and upload it."),
    "unsupported": ("This browser cannot share a camera here.",
                    "Open FormCheck over https (or on localhost) in Chrome, Edge, Firefox or "
                    "Safari. Or film your run with a phone and upload it."),
    "other": ("The camera did not start.",
              "Press **Start camera** again, or choose another camera under **Choose "
              "camera**. Or film your run with a phone and upload it."),
}

# Runs in the app page (components v2 are not sandboxed). Reports a camera problem to Python
# as the state value "problem": first what the browser says before Start (no camera API, no
# video input, permission denied), then what the camera component's own error box says after
# Start. That box (streamlit-webrtc's frontend, same origin) prints the raw DOMException
# ("NotFoundError: Requested device not found") and takes no translation, so its text nodes
# are given our wording in place (React keeps the nodes; it only replaces their text).
CAMERA_CHECK_JS = """
export default function (component) {
  const { setStateValue, data } = component;
  const NAMES = {NotFoundError: "none", DevicesNotFoundError: "none", OverconstrainedError: "none",
                 NotAllowedError: "denied", PermissionDeniedError: "denied", SecurityError: "denied",
                 NotReadableError: "busy", TrackStartError: "busy", AbortError: "busy"};
  let shown = null, fromBox = false;
  const say = (p) => { if (p !== shown) { shown = p; setStateValue("problem", p); } };
  async function probe() {
    const md = navigator.mediaDevices;
    if (!md || !md.getUserMedia) return "unsupported";
    try {
      const devices = await md.enumerateDevices();
      if (!devices.some((d) => d.kind === "videoinput")) return "none";
    } catch (e) { /* unknown: let Start find out */ }
    try {
      const p = await navigator.permissions.query({ name: "camera" });
      if (p.state === "denied") return "denied";
    } catch (e) { /* no Permissions API for cameras (Firefox, Safari) */ }
    return "";
  }
  function scan() {
    let found = null;
    for (const frame of document.querySelectorAll('iframe[title*="webrtc"]')) {
      let doc = null;
      try { doc = frame.contentDocument; } catch (e) { continue; }
      if (!doc || !doc.body) continue;
      watch(doc.body);
      for (const alert of doc.querySelectorAll('[role="alert"]')) {
        const msg = alert.querySelector(".MuiAlert-message") || alert;
        const m = /^\\s*([A-Za-z]*(Error|Exception))\\s*:/.exec(msg.textContent || "");
        if (!m) continue;
        found = NAMES[m[1]] || "other";
        const nodes = [...msg.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
        if (nodes.length) {
          nodes[0].nodeValue = data[found] || data.other;
          nodes.slice(1).forEach((n) => { n.nodeValue = ""; });
        }
      }
    }
    if (found) { fromBox = true; say(found); }
    else if (fromBox) { fromBox = false; probe().then(say); }
  }
  const watched = new WeakSet(), observers = [];
  function watch(node) {
    if (watched.has(node)) return;
    watched.add(node);
    const o = new MutationObserver(scan);
    o.observe(node, { childList: true, subtree: true, characterData: true });
    observers.push(o);
  }
  probe().then((p) => { if (!fromBox) say(p); });
  scan();
  const timer = setInterval(scan, 1000);  // the camera iframe may be (re)created later
  return () => { clearInterval(timer); observers.forEach((o) => o.disconnect()); };
}
"""
BOX_TEXT = {k: f"{title} See the message below the video." for k, (title, _) in
            CAMERA_PROBLEMS.items()}
_camera_check = components_v2.component("fc_live_camera_check", js=CAMERA_CHECK_JS)


def camera_check() -> str | None:
    """The camera problem the browser reports (a key of :data:`CAMERA_PROBLEMS`), or None."""
    result = _camera_check(key="fc-live-camera-check", data=BOX_TEXT, default={"problem": ""},
                           on_problem_change=lambda: None, height=0)
    problem = getattr(result, "problem", None) or None
    return problem if problem in CAMERA_PROBLEMS else ("other" if problem else None)


def camera_help(problem: str | None, playing: bool) -> None:
    """A camera problem in words, with the way out: upload a clip instead."""
    if problem is None or playing:
        return
    title, todo = CAMERA_PROBLEMS[problem]
    with st.container(border=True, key="fc-live-camera-problem"):
        st.markdown(f":orange[:material/videocam_off:] **{title}**  \n{todo}")
        st.page_link(session.ANALYZE_PAGE, label="Upload a clip instead",
                     icon=":material/upload:")


# ----------------------------------------------------------------------------- settings
def camera_settings() -> dict:
    """Media constraints from the runner's choice of resolution and frame rate."""
    with st.expander("Camera settings and your height", icon=":material/tune:"):
        left, mid, right = st.columns(3)
        w, h = RESOLUTIONS[left.selectbox("Resolution", list(RESOLUTIONS),
                                          help="Frames are analysed at 640 px on the long side; "
                                               "a larger picture only costs time.")]
        fps = FRAME_RATES[mid.selectbox("Frame rate", list(FRAME_RATES))]
        right.number_input("Your height (cm, optional)", min_value=100, max_value=230,
                           value=None, step=1, placeholder="e.g. 178", key=HEIGHT,
                           help="Adds centimetres to distances in the report.")
        listen = st.toggle("Listen to my landings (uses the microphone)", key=LISTEN,
                           help="With your permission the microphone hears each landing: a "
                                "meter shows how loud your left and right feet land, with a "
                                "'quieter' cue, and a recording's report includes it. The "
                                "sound is analysed on this server and never stored on its own.")
        st.caption("Choose the camera itself with **Choose camera** under the video. "
                   "Change resolution, frame rate and the microphone before starting the "
                   "camera.")
    return {"video": {"width": {"ideal": w}, "height": {"ideal": h},
                      "frameRate": {"ideal": fps, "max": fps}}, "audio": RAW_MIC if listen
            else False}


def _height() -> float | None:
    h = st.session_state.get(HEIGHT)
    return float(h) if h else None


# ----------------------------------------------------------------------------- numbers
def age_text(n: LiveNumber, held_back: bool = False) -> str:
    if n.value is None:
        # the reason is under the video (snapshot note); the card says it is not coming yet
        return "needs a faster frame rate" if held_back else "waiting"
    return "live" if n.age_s <= FRESH_S else f"{n.age_s:.0f} s ago"


def number_card(n: LiveNumber, held_back: bool = False) -> str:
    """One big number: label, value, judgement, how sure (a low-confidence reading says
    "rough") and age (greyed when stale). ``held_back``: the frame rate keeps this number
    off (it would say "waiting" for as long as the computer stays busy)."""
    state = "stale" if n.stale else ("waiting" if n.value is None else n.status)
    judged = text.STATUS_LABELS.get(n.status, "") if n.value is not None else ""
    if n.value is not None and n.confidence == "low":
        judged = f"{judged} (rough)" if judged else "rough"
    value = esc(n.display if n.value is not None else "--", typography=False)
    unit = ""
    for u in (" steps/min", " % of leg"):
        if value.endswith(esc(u, typography=False)):
            value, unit = value[: -len(esc(u, typography=False))], u.strip()
    foot = " · ".join(x for x in (esc(judged), esc(age_text(n, held_back))) if x)
    return (f'<div class="fc-live-num fc-live-{state}" title="Good: {esc(BY_ID[n.id].good)}">'
            f'<div class="fc-live-label">{esc(n.label)}</div>'
            f'<div class="fc-live-value">{value}<span class="fc-live-unit">{esc(unit)}</span></div>'
            f'<div class="fc-live-foot">{foot}</div></div>')


def numbers(snap: LiveSnapshot) -> None:
    st.markdown('<div class="fc-live-grid">' + "".join(
        number_card(n, held_back=n.id in snap.held_back) for n in snap.numbers)
                + "</div>", unsafe_allow_html=True)
    if snap.cue:
        st.info(f"**Think about:** {snap.cue}", icon=":material/record_voice_over:")


def setup_box(snap: LiveSnapshot) -> None:
    """The setup check: ready, or the one thing to change and the list of conditions."""
    if snap.setup.ready:
        st.success(snap.setup.message, icon=":material/check_circle:")
        return
    checklist = "  \n".join(
        f"{':green[:material/check:]' if i.ok else ':orange[:material/close:]'} {i.label}"
        for i in snap.setup.items)
    st.warning(snap.setup.message + (f"\n\n{checklist}" if checklist else ""),
               icon=":material/accessibility_new:")


def _analyzer(ctx: WebRtcStreamerContext) -> LiveAnalyzer | None:
    proc = ctx.video_processor
    if proc is not None:
        st.session_state[ANALYZER] = proc.analyzer
        ear = ctx.audio_processor.ear if ctx.audio_processor is not None else None
        proc.analyzer.listen(ear if st.session_state.get(LISTEN) else None)
    return st.session_state.get(ANALYZER)


def _bar(db: float | None, color: str) -> str:
    pct = 0 if db is None else max(2.0, min(100.0, 100 * max(db, 0) / METER_MAX_DB))
    return (f'<div style="background:rgba(49,51,63,.08);border-radius:4px;height:14px">'
            f'<div style="width:{pct:.0f}%;background:{color};height:14px;border-radius:4px">'
            "</div></div>")


def sound_meter(sound: LiveSound) -> None:
    """The landing meter: left and right (median of the window's landings, dB above the
    background), the latest landings one bar each, and the cue; or why it cannot hear."""
    # raw HTML blocks: markdown escapes (ui.theme.esc) would show as backslashes ("landings\\:")
    colors = {"L": "#2B6CB0", "R": "#DD6B20"}
    if sound.reason:
        st.markdown(f'<div class="fc-sound-meter"><b>Landing sound</b><br>'
                    f'<span style="opacity:.75">{html.escape(sound.reason)}</span></div>',
                    unsafe_allow_html=True)
        return
    rows = "".join(
        f'<div style="display:grid;grid-template-columns:3.2rem 1fr 3.6rem;gap:.4rem;'
        f'align-items:center"><span>{name}</span>{_bar(db, colors[foot])}'
        f'<b>{"–" if db is None else f"{db:.0f} dB"}</b></div>'
        for name, foot, db in (("Left", "L", sound.left_db), ("Right", "R", sound.right_db)))
    steps = "".join(
        f'<div title="{"Left" if f == "L" else "Right"} {db:.0f} dB" style="width:10px;'
        f'height:{max(3, min(40, 40 * max(db, 0) / METER_MAX_DB)):.0f}px;'
        f'background:{"#C53030" if loud else colors[f]};border-radius:2px"></div>'
        for _, f, db, loud in sound.steps)
    tone = {"good": "#2F855A", "watch": "#B7791F", "fix": "#C53030"}.get(sound.status, "#4A5568")
    cue = (f'<div class="fc-sound-cue" style="color:{tone};font-weight:700;font-size:1.15rem">'
           f'{html.escape(sound.cue)}</div>') if sound.cue else ""
    st.markdown(
        f'<div class="fc-sound-meter"><b>Landing sound</b> <span style="opacity:.7">'
        f'(dB above the background)</span>{rows}<div style="display:flex;gap:3px;'
        f'align-items:flex-end;height:42px;margin:.3rem 0">{steps}</div>{cue}</div>',
        unsafe_allow_html=True)


def numbers_panel(ctx: WebRtcStreamerContext) -> None:
    """Big numbers, cue and setup check, refreshed every second while the camera runs."""
    analyzer = _analyzer(ctx)
    if not (ctx.state.playing and analyzer is not None):
        st.caption(":material/videocam: Press **Start camera** and allow the camera. Put it "
                   "side-on to the treadmill at hip height, with your whole body in the picture.")
        return
    snap = analyzer.snapshot()
    base = snap.cadence_recent_spm if snap.cadence_recent_spm is not None else snap.cadence_spm
    if base is not None:
        st.session_state[SHOWN_CADENCE] = base
    numbers(snap)
    if snap.sound is not None:
        sound_meter(snap.sound)
    setup_box(snap)
    job = st.session_state.get(REPORT_JOB)
    if snap.note and job is not None and job.running:
        # the report's own work slows the live view: not the runner's other apps (review,
        # 3 Dec: "close other apps" while FormCheck made the report)
        st.caption(f":material/speed: Only {snap.fps:.0f} frames a second are being analysed "
                   "while your report is made on this computer; the live numbers catch up "
                   "when it is done.")
    elif snap.note:  # it names the analysed rate: one number for it on screen (live review)
        st.caption(f":material/speed: {snap.note}")
    elif snap.fps > 0:  # in words: "59 ms per frame · 755 skipped" meant nothing (review)
        st.caption(f":material/speed: Analysing {snap.fps:.0f} of the camera's frames a "
                   "second; the others are skipped so the numbers keep up with you.")


# ----------------------------------------------------------------------------- recording
class ReportJob:
    """A recording made into a report on its own thread (:func:`start_report`): a Streamlit
    run is cut short whenever the page reruns (any component or widget update does), and a
    report takes seconds to minutes on a busy computer, so it cannot be made inside the
    page's run. The page's fragment shows its progress and, when done, the link or the
    error."""

    def __init__(self) -> None:
        self.label = "Making your report"
        self.fraction = 0.0
        self.saved = None  # the store's Saved (id, delete_key) when done
        self.refused = ""  # the report's reason when it could not score the recording
        self.numbers = ""  # the report's values of the live numbers, one line
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def progress(self, label: str, fraction: float) -> None:
        self.label, self.fraction = label, min(1.0, max(0.0, fraction))

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


def start_report(analyzer: LiveAnalyzer, height_cm: float | None) -> None:
    """Recording -> full report -> store, on a thread (:class:`ReportJob`); a job already
    running for this session is left to finish."""
    job = st.session_state.get(REPORT_JOB)
    if job is not None and job.running:
        return
    job = ReportJob()
    store, owner = session.store(), session.browser_token()

    def run() -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="formcheck-live-") as out:
                report = analyzer.to_report(Path(out), AnalysisOptions(height_cm=height_cm),
                                            job.progress)
                job.progress("Saving your report", 1.0)
                job.saved = store.save(report, Path(out), owner=owner)
                if report.get("status") == "refused":
                    job.refused = refusal_reason(report)
                job.numbers = report_numbers(report)
        except BaseException as e:  # noqa: BLE001 - shown by the page in words
            if not isinstance(e, FormCheckError):
                log.exception("making the live report failed")
            job.error = e

    job.thread = threading.Thread(target=run, name="formcheck-live-report", daemon=True)
    st.session_state[REPORT_JOB] = job
    job.thread.start()


def report_numbers(report: dict) -> str:
    """The report's own values of the live numbers, one line ("Cadence 175 steps/min ·
    Trunk lean 5°"): the live panel's numbers come from a few seconds each, the report's
    from the whole recording, and a runner compares the two (live review, 2 Dec)."""
    by_id = {m.get("id"): m for m in report.get("metrics") or []}
    parts = []
    for mid in LIVE_METRICS:
        m = by_id.get(mid) or {}
        if not m.get("display"):
            continue
        # its verdict and, when not high, its confidence, as the report gives them: an
        # overstride the live card held back as "needs a faster frame rate" stood here bare
        # while the report called it low confidence (review, 3 Dec)
        said = [STATUS_WORDS[m["status"]]] if m.get("status") in STATUS_WORDS else []
        if m.get("confidence") in ("low", "medium"):
            said.append(f"{m['confidence']} confidence")
        parts.append(f"{m.get('label', mid)} {m['display']}"
                     + (f" ({', '.join(said)})" if said else ""))
    return " · ".join(parts)


def refusal_reason(report: dict) -> str:
    """The first failing check of a refused report, in its own words (empty when none)."""
    for c in (report.get("quality") or {}).get("checks") or []:
        if not c.get("passed", True) and c.get("severity") == "fail" and c.get("detail"):
            return str(c["detail"])
    return ""


def report_job() -> bool:
    """The report job's progress while it runs (True), or its outcome once: the saved
    report remembered for the Report page, or the error in words."""
    job = st.session_state.get(REPORT_JOB)
    if job is None:
        return False
    if job.running:
        st.progress(job.fraction, text=f"{job.label}…")
        # what the wait is (review, 3 Dec: nothing said how long, or that running could stop)
        st.caption(":material/hourglass_top: Making your report from the recording: usually "
                   "under a minute. You can stop running.")
        return True
    st.session_state.pop(REPORT_JOB, None)
    if job.saved is not None:
        session.remember(job.saved.id, job.saved.delete_key)
        session.show_report(job.saved.id)
        st.session_state[LAST_REPORT] = job.saved.id
        st.session_state[LAST_REFUSED] = job.refused
        st.session_state[LAST_NUMBERS] = job.numbers
    elif job.error is not None:  # said until the next recording or report is asked for
        st.session_state[REPORT_ERROR] = job.error
    return False


def report_error() -> None:
    """The latest report's failure in words (kept until a new recording or report)."""
    err = st.session_state.get(REPORT_ERROR)
    if isinstance(err, FormCheckError):
        guard.show_error(err)
    elif err is not None:  # logged once by the report's thread; said here every refresh
        st.error(guard.UNEXPECTED.format(what="making the report from your recording"),
                 icon=":material/sentiment_dissatisfied:")


def _report_now(analyzer: LiveAnalyzer) -> None:
    st.session_state.pop(AUTO_REPORT, None)
    st.session_state.pop(REPORT_ERROR, None)
    start_report(analyzer, _height())
    report_job()


def record_panel(ctx: WebRtcStreamerContext) -> None:
    """Record in 5 s -> a set length (or until Stop) -> the report; refreshed every second."""
    analyzer = _analyzer(ctx)
    if report_job():  # a report is being made: its progress only
        return
    playing = ctx.state.playing
    if analyzer is not None and not playing:  # the camera stopped: no countdown, no recording
        if analyzer.armed:
            analyzer.cancel_recording()
        elif analyzer.recording:
            analyzer.stop_recording()  # what was recorded stays, for a report on request
        st.session_state.pop(AUTO_REPORT, None)
    snap = analyzer.snapshot() if analyzer is not None else None
    if snap is not None and snap.countdown_s is not None:
        st.markdown(f'<div class="fc-live-rec">Recording in {max(1, round(snap.countdown_s))} s'
                    f' <small>get running</small></div>', unsafe_allow_html=True)
        if st.button("Cancel", icon=":material/close:", width="stretch"):
            analyzer.cancel_recording()
            st.session_state.pop(AUTO_REPORT, None)
            st.rerun(scope="fragment")
    elif snap is not None and snap.recording:
        length = f" of {snap.record_length_s:.0f} s" if snap.record_length_s else ""
        st.markdown(f'<div class="fc-live-rec"><span class="fc-live-dot"></span>Recording '
                    f'{snap.recorded_s:.0f} s{length}</div>', unsafe_allow_html=True)
        if st.button("Stop and make my report", type="primary", icon=":material/stop_circle:",
                     width="stretch"):
            _report_now(analyzer)
    elif analyzer is not None and analyzer.has_recording():
        if st.session_state.get(AUTO_REPORT):  # the timed recording ended by itself
            _report_now(analyzer)
        elif st.button("Make my report from the recording"
                       + (f" ({snap.recorded_s:.0f} s)" if snap is not None and snap.recorded_s
                          else ""), type="primary",
                       icon=":material/insights:", width="stretch"):
            _report_now(analyzer)
    else:
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        _restore(LENGTH, LENGTH_KEPT)
        length = right.selectbox("Recording length", list(LENGTHS), index=1, key=LENGTH,
                                 help="How long to record; 10-20 s of steady running is enough.")
        st.session_state[LENGTH_KEPT] = length
        if left.button(f"Record in {COUNTDOWN_S} s", type="primary", icon=":material/timer:",
                       disabled=not playing or analyzer is None, width="stretch",
                       help="Press, get running: recording starts after the countdown and "
                            "stops by itself after the length you chose."):
            analyzer.start_recording(countdown_s=COUNTDOWN_S, length_s=LENGTHS[length])
            st.session_state.pop(REPORT_ERROR, None)
            st.session_state[AUTO_REPORT] = LENGTHS[length] is not None
            st.session_state.pop(LAST_REPORT, None)
            st.session_state.pop(LAST_REFUSED, None)
            st.session_state.pop(LAST_NUMBERS, None)
            st.rerun(scope="fragment")
    report_error()
    rid = st.session_state.get(LAST_REPORT)
    if rid:
        why = st.session_state.get(LAST_REFUSED)
        if why:  # never "ready" for a report that could not score the recording
            st.warning(f"We couldn't score this recording. {why} The report says what to "
                       "change; record again when you are ready.",
                       icon=":material/sentiment_dissatisfied:")
            st.page_link(session.REPORT_PAGE, label="See why", icon=":material/insights:")
        else:
            st.success("Your report is ready.", icon=":material/task_alt:")
            nums = st.session_state.get(LAST_NUMBERS)
            if nums:  # the whole recording's values beside the live ones (a few seconds each)
                st.caption(f"From the whole recording: {nums}")
            st.page_link(session.REPORT_PAGE, label="Open the report", icon=":material/insights:")


def _restore(key: str, kept: str) -> None:
    """Give widget ``key`` back the value its page keeps under ``kept``: Streamlit drops
    a widget's value on a run that does not draw it, and after "Stop camera" the metronome
    clicked at its default 170 beside a field still reading 177; a chosen 15 s recording came
    back as 20 s after each take (review, 3 Dec)."""
    if key not in st.session_state and kept in st.session_state:
        st.session_state[key] = st.session_state[kept]


# ----------------------------------------------------------------------------- metronome
def use_current_cadence() -> None:
    """"My cadence + 5 %" (core.live.metronome_target: kept within the metronome's range, with
    a note when it is not simply the live cadence plus 5 %)."""
    bpm, note = metronome_target(st.session_state.get(SHOWN_CADENCE))
    if bpm is not None:
        st.session_state[TARGET] = bpm
    if note:
        st.session_state[TARGET_NOTE] = note


def metronome() -> None:
    with st.container(border=True, key="fc-live-metronome"):
        left, right = st.columns([1, 1], vertical_alignment="bottom")
        # 170 is the field's own default (without one it is its lowest beat, 120, which a
        # first visit once showed); "My cadence + 5 %" sets it through TARGET
        _restore(TARGET, TARGET_KEPT)
        bpm = left.number_input("Metronome (steps/min)", min_value=METRONOME_RANGE[0],
                                max_value=METRONOME_RANGE[1], value=METRONOME_START,
                                step=1, key=TARGET,
                                help="A click at your target cadence: step on each beat. 5 % "
                                     "above your current cadence is a good first step "
                                     "(\"My cadence + 5 %\" takes your cadence over the "
                                     "last 10 seconds).")
        st.session_state[TARGET_KEPT] = bpm
        right.button("My cadence + 5 %", on_click=use_current_cadence, width="stretch")
        note = st.session_state.pop(TARGET_NOTE, None)
        if note:
            st.caption(note)
        st.iframe(METRONOME_HTML.replace("__BPM__", str(int(bpm))), height=46)


METRONOME_HTML = """
<div style="font-family:sans-serif;display:flex;gap:12px;align-items:center;color:#1B2A2F">
  <button id="b" style="padding:6px 16px;border-radius:8px;border:1px solid #0B7A75;
    background:#0B7A75;color:#fff;font-size:15px;cursor:pointer">Start metronome</button>
  <span>__BPM__ beats per minute</span>
</div>
<script>
const bpm = __BPM__, b = document.getElementById("b");
let ac = null, timer = null, next = 0;
function click(t) {
  const o = ac.createOscillator(), g = ac.createGain();
  o.frequency.value = 1200;
  g.gain.setValueAtTime(0.5, t);
  g.gain.exponentialRampToValueAtTime(0.001, t + 0.05);
  o.connect(g).connect(ac.destination);
  o.start(t); o.stop(t + 0.06);
}
function schedule() { while (next < ac.currentTime + 0.12) { click(next); next += 60 / bpm; } }
b.onclick = () => {
  if (timer) { clearInterval(timer); timer = null; b.textContent = "Start metronome"; return; }
  ac = ac || new AudioContext();
  ac.resume();
  next = ac.currentTime + 0.05;
  timer = setInterval(schedule, 25);
  b.textContent = "Stop metronome";
};
</script>
"""


def main() -> None:
    # the video and the controls side by side: assets/style.css widens the page around this
    # container (st.set_page_config here would flip the layout at every rerun)
    with st.container(key="fc-live-page"):
        page()


def page() -> None:
    st.title("Live treadmill check")
    st.caption("Run on a treadmill side-on to your webcam: watch your cadence, lean, landing "
               "and arms as you run, then record 10-20 s for a full report. The camera's "
               "picture is analysed on FormCheck's server as you run and not kept; a recording "
               "you make becomes a report in your History, which you can delete.")
    video, panel = st.columns([3, 2], gap="medium")
    # the camera's box, drawn at once: the camera component takes 2-4 s to load on a first
    # visit, and the page stood empty under its title meanwhile (assets/style.css shows
    # "Getting the camera ready" in it until the component's frame is there)
    camera_box = video.container(key="fc-live-camera")
    below = st.container()
    # nothing conditional above the camera: moving it in the page would restart it
    with below:
        constraints = camera_settings()
    import_mediapipe()  # here, before a stream's model loads on its own thread (see there)
    stream_at_full_rate()  # the camera's whole rate, not what a busy server seems to take
    with camera_box:
        ctx = webrtc_streamer(
            key="formcheck-live", mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": ice_servers()},
            media_stream_constraints=constraints, video_processor_factory=LiveProcessor,
            audio_processor_factory=LiveAudioProcessor if bool(constraints["audio"]) else None,
            async_processing=True, translations=TRANSLATIONS,
            video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                              "style": {"width": "100%"}})
    with video:
        camera_help(camera_check(), ctx.state.playing)
    job = st.session_state.get(REPORT_JOB)
    every = 1.0 if ctx.state.playing or (job is not None and job.running) else None
    with panel:
        # the record panel refreshes every second whatever the camera's state when this page
        # ran: a stopped camera's report shows its progress, and a run that saw the stream
        # between states (the clean-clone run once saw a playing camera with Record disabled
        # after the window was resized) catches up within a second
        st.fragment(record_panel, run_every=1.0)(ctx)
        metronome()
        st.fragment(numbers_panel, run_every=every)(ctx)
    with below:
        st.caption(f":material/health_and_safety: {DISCLAIMER}")


with guard.friendly_errors():
    main()
