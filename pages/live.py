"""Live: the webcam treadmill mode.

Setup check, skeleton and cue on the returned video, live numbers beside it (refreshed every
second by a fragment, without re-running the page), an optional metronome, and Record ->
the same full report as an upload, saved to the store and linked to the Report page.
The analysis itself is :class:`core.live.LiveAnalyzer`, one per camera stream.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

import av
import streamlit as st
from streamlit_webrtc import VideoProcessorBase, WebRtcMode, WebRtcStreamerContext, webrtc_streamer

from core.live import LiveAnalyzer, LiveSnapshot
from core.pipeline import AnalysisOptions
from core.report import DISCLAIMER
from core.spec import BY_ID
from ui import guard, session, text

log = logging.getLogger("formcheck.ui")

ICE_ENV = "FORMCHECK_ICE_SERVERS"  # JSON list of RTCIceServer dicts (STUN/TURN) when deployed
ANALYZER = "fc_live_analyzer"  # the analyzer of the latest stream (kept after it stops)
LAST_REPORT = "fc_live_report"  # id of the report made from the latest recording
TARGET = "fc_live_target"  # metronome beats per minute
SHOWN_CADENCE = "fc_live_cadence"  # the latest cadence shown, for the metronome's "+ 5 %"
TARGET_UNKNOWN = "fc_live_target_unknown"  # "+ 5 %" was asked before a cadence was known
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
    """The stream's processing thread: only the newest frame is analysed, older ones dropped."""

    def __init__(self) -> None:
        self.analyzer = LiveAnalyzer()

    async def recv_queued(self, frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
        self.analyzer.note_dropped(len(frames) - 1)
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


def camera_settings() -> dict:
    """Media constraints from the runner's choice of resolution and frame rate."""
    with st.expander("Camera settings", icon=":material/tune:"):
        left, right = st.columns(2)
        w, h = RESOLUTIONS[left.selectbox("Resolution", list(RESOLUTIONS),
                                          help="Frames are analysed at 640 px on the long side; "
                                               "a larger picture only costs time.")]
        fps = FRAME_RATES[right.selectbox("Frame rate", list(FRAME_RATES))]
        st.caption("Choose the camera itself with **Choose camera** under the video. "
                   "Change settings before starting the camera.")
    return {"video": {"width": {"ideal": w}, "height": {"ideal": h},
                      "frameRate": {"ideal": fps, "max": fps}}, "audio": False}


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


def numbers(snap: LiveSnapshot) -> None:
    for n in snap.numbers:
        st.metric(n.label, n.display, border=True,
                  delta=text.STATUS_LABELS[n.status] if n.value is not None else "waiting",
                  delta_color=text.STATUS_BADGE_COLORS[n.status] if n.value is not None else "gray",
                  delta_arrow="off", help=f"Good: {BY_ID[n.id].good}. Over your last few seconds.")
        if n.value is not None and n.confidence:
            st.caption(text.CONFIDENCE_LABELS.get(n.confidence, ""))
    if snap.cue:
        st.info(f"**Think about:** {snap.cue}", icon=":material/record_voice_over:")


def make_report(analyzer: LiveAnalyzer, height_cm: float | None) -> None:
    """Recording -> full report -> store; remembers the id for the Report page."""
    bar = st.progress(0.0, text="Making your report…")

    def progress(label: str, fraction: float) -> None:
        bar.progress(min(1.0, max(0.0, fraction)), text=f"{label}…")

    with tempfile.TemporaryDirectory(prefix="formcheck-live-") as out:
        report = analyzer.to_report(Path(out), AnalysisOptions(height_cm=height_cm), progress)
        bar.progress(1.0, text="Saving your report…")
        saved = session.store().save(report, Path(out), owner=session.browser_token())
    bar.empty()
    session.remember(saved.id, saved.delete_key)
    st.session_state[session.CURRENT] = saved.id
    st.session_state[LAST_REPORT] = saved.id


def record_controls(analyzer: LiveAnalyzer | None, playing: bool, height_cm: float | None) -> None:
    if analyzer is not None and analyzer.recording:
        if st.button("Stop and make my report", type="primary", icon=":material/stop_circle:",
                     width="stretch"):
            with guard.friendly_errors("making the report from your recording"):
                make_report(analyzer, height_cm)
    elif analyzer is not None and analyzer.has_recording():
        if st.button("Make my report from the recording", type="primary",
                     icon=":material/insights:", width="stretch"):
            with guard.friendly_errors("making the report from your recording"):
                make_report(analyzer, height_cm)
    else:
        if st.button("Record", icon=":material/radio_button_checked:", disabled=not playing,
                     width="stretch", help="Run steadily, then record 10-20 s (at most 60 s)."):
            if analyzer is not None:
                analyzer.start_recording()
                st.session_state.pop(LAST_REPORT, None)
                st.rerun(scope="fragment")
    rid = st.session_state.get(LAST_REPORT)
    if rid:
        st.success("Your report is ready.", icon=":material/task_alt:")
        st.page_link(session.REPORT_PAGE, label="Open the report", icon=":material/insights:")


def live_panel(ctx: WebRtcStreamerContext, height_cm: float | None) -> None:
    """Numbers, cue and recording, refreshed every second while the camera runs."""
    proc = ctx.video_processor
    if proc is not None:
        st.session_state[ANALYZER] = proc.analyzer
    analyzer: LiveAnalyzer | None = st.session_state.get(ANALYZER)
    playing = ctx.state.playing
    if playing and analyzer is not None:
        snap = analyzer.snapshot()
        if snap.cadence_spm is not None:
            st.session_state[SHOWN_CADENCE] = snap.cadence_spm
        setup_box(snap)
        if snap.note:
            st.warning(snap.note, icon=":material/speed:")
        numbers(snap)
        if snap.recording:
            st.caption(f":red[:material/fiber_manual_record:] Recording {snap.recorded_s:.0f} s "
                       f"(up to {analyzer.max_record_s:.0f} s)")
        st.caption(f"{snap.fps:.0f} frames/s analysed · {snap.latency_ms:.0f} ms per frame · "
                   f"{snap.frames_dropped} skipped to keep up")
    else:
        st.info("Press **Start camera** and allow the camera. Put it side-on to the treadmill "
                "at hip height, with your whole body in the picture.", icon=":material/videocam:")
    record_controls(analyzer, playing, height_cm)


def use_current_cadence() -> None:
    cad = st.session_state.get(SHOWN_CADENCE)
    if cad is None:
        st.session_state[TARGET_UNKNOWN] = True
    else:
        st.session_state[TARGET] = int(round(cad * 1.05))


def metronome() -> None:
    with st.expander("Metronome", icon=":material/music_note:"):
        st.caption("A click at your target cadence: step on each beat. A target 5 % above your "
                   "current cadence is a good first step.")
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        bpm = left.number_input("Target (steps/min)", min_value=120, max_value=220, step=1,
                                value=170, key=TARGET)
        right.button("Set to my cadence + 5 %", on_click=use_current_cadence)
        if st.session_state.pop(TARGET_UNKNOWN, False):
            st.caption("Run for a few seconds first so we can measure your cadence.")
        st.iframe(METRONOME_HTML.replace("__BPM__", str(int(bpm))), height=52)


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
    st.title("Live treadmill check")
    st.caption("Run on a treadmill side-on to your webcam: watch your cadence, lean, landing "
               "and arms as you run, then record 10-20 s for a full report.")
    # nothing conditional above the camera: moving it in the page would restart it
    constraints = camera_settings()
    height = st.number_input("Your height (cm, optional)", min_value=100, max_value=230,
                             value=None, step=1, placeholder="e.g. 178",
                             help="Adds centimetres to distances in the report.")
    left, right = st.columns([3, 2])
    with left:
        ctx = webrtc_streamer(
            key="formcheck-live", mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": ice_servers()},
            media_stream_constraints=constraints, video_processor_factory=LiveProcessor,
            async_processing=True, translations=TRANSLATIONS,
            video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                              "style": {"width": "100%"}})
    with right:
        st.fragment(live_panel, run_every=1.0 if ctx.state.playing else None)(
            ctx, float(height) if height else None)
    metronome()
    st.caption(f":material/health_and_safety: {DISCLAIMER}")


with guard.friendly_errors():
    main()
