"""What the Playwright browser tests share: Debian's Chromium, a module-scoped browser, waiting
for Streamlit to finish a run, opening a page by its heading, and desktop + phone screenshots
of the whole page (Streamlit scrolls inside ``[data-testid=stMain]``)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def playwright_api():
    """``playwright.sync_api``; skips the calling test module when Chromium or Playwright is
    missing (call it at module level)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module (import this fixture into the module)."""
    api = playwright_api()
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def wait_idle(page, timeout: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' status widget)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", polling=100,
        timeout=timeout)


def goto(page, base: str, path: str, heading: str) -> None:
    """Open ``base/path`` and wait for its ``heading`` and the end of the script run."""
    page.goto(f"{base}/{path}")
    playwright_api().expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=180_000)
    wait_idle(page)


# True once the page has kept its height for three polls in a row with every picture loaded
# and every chart drawn, and Streamlit is not running the script.
_SETTLED = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const busy = !main || document.querySelector('[data-testid="stStatusWidget"]');
  const imgs = main && Array.from(main.querySelectorAll('img')).every(i => i.complete);
  const charts = main && Array.from(main.querySelectorAll('.vega-embed'))
    .every(e => e.querySelector('canvas, svg'));
  const h = main ? main.scrollHeight : -1;
  const s = window.__fcSettle || {h: -2, n: 0};
  s.n = (!busy && imgs && charts && s.h === h) ? s.n + 1 : 0;
  s.h = h;
  window.__fcSettle = s;
  return s.n >= 3;
}"""


def settle(page, longest_ms: int) -> None:
    """Wait until the page has settled (``_SETTLED``, polled every 150 ms), at most
    ``longest_ms``: a page still changing after that is photographed as it is."""
    page.evaluate("() => { window.__fcSettle = null; }")
    try:
        page.wait_for_function(_SETTLED, polling=150, timeout=longest_ms)
    except playwright_api().Error:  # TimeoutError is a subclass
        pass


def shots_wanted() -> bool:
    """Whether the tests save their whole-page screenshots: yes unless ``FORMCHECK_TEST_SHOTS``
    is ``0`` (scripts/test.sh, the whole suite in CI: a report's desktop + phone pair is
    ~2-3 CPU s of Chromium raster and PNG encoding that no assertion reads)."""
    return os.environ.get("FORMCHECK_TEST_SHOTS", "1").strip() != "0"


def shots(page, name: str, settle_ms: int = 1000) -> None:
    """``test-artifacts/<name>.png`` (desktop) and ``<name>-phone.png`` of the whole page,
    each taken once the page has settled at that size (at most ``4 * settle_ms`` per wait).
    Without screenshots (:func:`shots_wanted`) it only waits for the end of the script run."""
    if not shots_wanted():
        wait_idle(page)
        return
    ARTIFACTS.mkdir(exist_ok=True)
    for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(size)
        settle(page, 4 * settle_ms)
        wait_idle(page)
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size["width"],
                                "height": min(max(height, size["height"]), 16000)})
        settle(page, 4 * settle_ms)
        page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"))
    page.set_viewport_size(DESKTOP)


_PLAYING = "v => v.readyState >= 2 && v.videoWidth > 0 && !v.paused"


# Page init script: keep each RTCPeerConnection the page (and the camera box's frame) makes,
# so a test can read the browser's own sending statistics (:func:`sender_stats`)
KEEP_PEER_CONNECTIONS = """(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || window.__fcPeers) return;
  window.__fcPeers = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__fcPeers.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
})();"""

_SENDER_STATS = """async () => {
  const out = [];
  for (const pc of (window.__fcPeers || [])) {
    if (pc.connectionState === 'closed') continue;  // a stopped camera's old connection
    let camera = null, sent = null, bitrate = null, report = null;
    try { report = await pc.getStats(); } catch (e) { continue; }
    report.forEach(s => {
      if (s.kind === 'video' && s.type === 'media-source') camera = s.frames;
      if (s.kind === 'video' && s.type === 'outbound-rtp')
        sent = {frames: s.framesSent, fps: s.framesPerSecond, target: s.targetBitrate,
                qp: s.framesEncoded ? s.qpSum / s.framesEncoded : null,
                limit: s.qualityLimitationReason};
      if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate)
        bitrate = s.availableOutgoingBitrate;
    });
    if (sent) out.push({camera, ...sent, allowed: bitrate});
  }
  return out;
}"""


# bit/s the browser may send at as a live recording ends: held back by the server's own
# bandwidth estimate it was 30-54 kbit/s (ui/webrtc_link.py); without it, megabits here
MIN_ALLOWED_BITRATE = 200_000


def sender_stats(page, wait_s: float = 5.0) -> list[dict]:
    """The browser's video sending statistics, one dict per stream the page (with
    :data:`KEEP_PEER_CONNECTIONS` added as an init script) has: ``camera`` (frames the camera
    gave), ``frames`` (sent), ``fps`` (sending rate), ``target`` and ``allowed`` (bit/s: the
    encoder's target, and what the browser's bandwidth estimate allows), ``qp`` (mean VP8
    quantiser) and ``limit`` (the browser's quality-limitation reason). Closed connections
    (a camera stopped and started again) are left out."""
    import time

    deadline = time.monotonic() + wait_s
    while True:  # read again for up to ``wait_s`` while a frame being redrawn gives nothing
        out: list[dict] = []
        for frame in page.frames:
            try:
                out += frame.evaluate(_SENDER_STATS) or []
            except Exception:  # noqa: BLE001 - a frame being redrawn, or one with no peers
                continue
        if out or time.monotonic() > deadline:
            return out
        page.wait_for_timeout(500)


def sender_held_back(stats: list[dict]) -> str | None:
    """Why the browser's sending looks held back (no statistics, or a stream allowed under
    :data:`MIN_ALLOWED_BITRATE`), in words with the statistics; None when it is not."""
    if stats and all((s.get("allowed") or 0) >= MIN_ALLOWED_BITRATE for s in stats):
        return None
    return f"the browser's video sending held back or unread:\n{describe_senders(stats)}"


def describe_senders(stats: list[dict]) -> str:
    """:func:`sender_stats` in words, a line per stream: for a failing live test's message."""
    lines = []
    for s in stats:
        qp = f"{s['qp']:.0f}" if s.get("qp") is not None else "?"
        lines.append(f"camera {s.get('camera')} frames, sent {s.get('frames')} "
                     f"({s.get('fps')} a second), target {s.get('target')} bit/s, allowed "
                     f"{s.get('allowed')} bit/s, quantiser {qp}, limited by {s.get('limit')}")
    return "\n".join(lines) or "no sending statistics (no stream kept on this page)"


def camera_playing(page) -> bool:
    """Whether the Live page's camera box is playing its video now (False while it is being
    redrawn, or stopped)."""
    video = page.frame_locator('iframe[title*="webrtc"]').locator("video")
    try:  # the box's iframe may be redrawn while it is read
        return bool(video.count() and video.first.evaluate(_PLAYING, timeout=5_000))
    except Exception:
        return False


def camera_stopped(page) -> bool:
    """Whether the camera box shows its Start button and no playing video, twice 2 s apart
    (a box being redrawn reads as not playing for a moment; it is not a stopped camera)."""
    start = page.frame_locator('iframe[title*="webrtc"]').get_by_role("button",
                                                                      name="Start camera")
    for look in range(2):
        if look:
            page.wait_for_timeout(2000)
        try:
            if not start.is_visible() or camera_playing(page):
                return False
        except Exception:  # noqa: BLE001 - the box's frame being redrawn: not evidence
            return False
    return True


def start_camera(page, tries: int = 3, wait_s: float = 60.0) -> None:
    """Press Start in the Live page's camera box until its video plays, as a runner would
    press it again: on 30 Nov the first press once left the box showing Start with no stream
    and no error (1 of 9 idle runs). Each try that fails leaves a screenshot
    (``test-artifacts/live-start-N.png``); after ``tries`` the test fails."""
    import time

    camera = page.frame_locator('iframe[title*="webrtc"]')
    if camera_playing(page):
        return  # already playing: its box shows Stop, not Start
    for attempt in range(1, tries + 1):
        stop = camera.get_by_role("button", name="Stop camera")
        if attempt > 1 and stop.is_visible():
            stop.click(timeout=30_000)  # stuck connecting: stop, then start again
            page.wait_for_timeout(1000)
        camera.get_by_role("button", name="Start camera").click(timeout=60_000)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if camera_playing(page):
                return
            page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"live-start-{attempt}.png"))
    pytest.fail(f"the camera box's video did not play after {tries} presses of Start")


def stored_reports(data: Path) -> str:
    """What the app's SQLite store (``data/formcheck.db``) holds, a line per report: status,
    frames and rate, the quality summary and why any metric was not measured. For a failing
    live test's message: what its recording became."""
    import json
    import sqlite3

    db = data / "formcheck.db"
    if not db.is_file():
        return f"no store at {db}"
    lines = []
    with sqlite3.connect(db) as con:
        for (text,) in con.execute("SELECT report_json FROM reports"):
            r = json.loads(text)
            src = r.get("source", {})
            why = {n["id"]: n["reason"] for n in r.get("not_measured", [])}
            cad = next((m.get("display") for m in r.get("metrics", []) if m.get("id") == "cadence"),
                       None)  # a landing-sound miss compares the sound's rhythm with this
            lines.append(f"{r.get('status')}: {src.get('n_frames')} frames at "
                         f"{src.get('fps_measured')} fps; cadence {cad}; "
                         f"{r.get('quality', {}).get('summary')}; not measured: {why}")
    return "\n".join(lines) or "no report stored"
