"""The Live page end to end in Debian's Chromium.

Chromium's fake camera plays a real side-view treadmill clip (converted to y4m, 640x480 at 30
fps, cut to whole strides so that its loop joins without a jump) into the Live page of a real
``streamlit run app.py`` at 1400x1000; the test checks that Record and the metronome are on
screen without scrolling, starts the camera, waits until the live cadence beside the video has
read within 5 steps/min of the clip's label for six seconds, sets and starts the metronome at
that cadence + 5 %,
checks the phone layout (390x844: Record reachable), presses "Record in 5 s" with a 15 s length
and lets the recording stop and make the report by itself, checks the annotated video lasts as
long as the session (within 2 %) and opens the report.
Without the fake camera, headless Chromium has no camera at all, and with the
permission denied the camera is blocked: the page says so in words, also inside the camera
box, with a link to upload a clip instead. Screenshots go to ``test-artifacts/``:
``live.png`` / ``live-phone.png`` (live view), ``live-countdown.png``, ``live-report.png``,
``live-nocam.png`` /
``live-nocam-phone.png``, ``live-blocked.png`` / ``live-blocked-phone.png``.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_server import running_app
from browser_kit import (KEEP_PEER_CONNECTIONS, camera_stopped, sender_held_back, sender_stats,
                         start_camera, stored_reports)
from conftest import CLIPS, ROOT, SIDE_CLIP

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CADENCE_TOLERANCE = 5.0
CADENCE_WAIT_S = 120.0  # the camera, pose model and first ten steps, on a busy machine
# under this many analysed frames a second (the page's overstride note says the rate) the
# machine is starved and the camera is started once more (test_live_cadence_then_record...)
STARVED_FPS = 10.0
SETTLED_POLLS = 6  # polls a second apart, all within CADENCE_TOLERANCE of the label
RECORD_LENGTH = "15 s"
RECORD_S = 15.0
SESSION_TOLERANCE = 0.02
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _label_cadence() -> float:
    labels = json.loads((CLIPS / "labels.json").read_text())
    return float(next(c["cadence_spm"] for c in labels if c["clip"] == SIDE_CLIP.name))


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory) -> Path:
    """The side-view clip as a 640x480, 30 fps y4m file (pillar-boxed, nothing cropped)."""
    if not CHROMIUM.is_file():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    if not SIDE_CLIP.is_file():
        pytest.skip(f"test clip {SIDE_CLIP.name} not found in {CLIPS}")
    out = tmp_path_factory.mktemp("camera") / "treadmill.y4m"
    a, b = _whole_strides()
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(SIDE_CLIP), "-vf",
                    f"trim=start_frame={a}:end_frame={b},setpts=PTS-STARTPTS,"
                    "scale=-2:480,pad=640:480:(ow-iw)/2:0,fps=30", "-pix_fmt", "yuv420p",
                    str(out)], check=True, timeout=120)
    return out


def _whole_strides() -> tuple[int, int]:
    """Frames ``[a, b)`` of the clip from one labelled contact of a foot to its last one:
    Chromium's file camera loops the y4m, and a loop of whole strides joins the runner's
    gait without a jump (the whole 12 s clip jumped 0.1 stride at each join, which a 15 s
    recording always holds: its report could split the run there as a change of pace)."""
    labels = json.loads((CLIPS / "labels.json").read_text())
    ics = next(c for c in labels if c["clip"] == SIDE_CLIP.name)["initial_contacts"]
    first = ics[0]
    last = [e for e in ics if e["foot"] == first["foot"]][-1]
    return int(first["frame"]), int(last["frame"])


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """``streamlit run app.py`` on a free port with a fresh data folder: (url, data folder)."""
    if not CHROMIUM.is_file():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    folder = tmp_path_factory.mktemp("live-app")
    with running_app(folder) as url:
        yield url, folder / "data"


def _shown_cadence(page) -> float | None:
    card = page.locator(".fc-live-num").filter(has_text="Cadence")
    if card.count() == 0:
        return None
    m = re.search(r"(\d+)\s*steps/min", card.first.inner_text())
    return float(m.group(1)) if m else None


def _in_view(locator, viewport: dict) -> bool:
    """Wholly inside the window as it is, without scrolling the page."""
    box = locator.bounding_box()
    return (box is not None and box["y"] >= 0 and box["x"] >= 0
            and box["y"] + box["height"] <= viewport["height"]
            and box["x"] + box["width"] <= viewport["width"])


def _scroll_main(page, to: float) -> None:
    page.locator('[data-testid="stMain"]').evaluate("(el, y) => el.scrollTo(0, y)", to)
    page.wait_for_timeout(400)


def _video_seconds(path: Path) -> float:
    import av

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return float(s.duration * s.time_base)


@pytest.mark.parametrize("case, flags, said", [
    ("nocam", ["--use-fake-ui-for-media-stream"], "No camera found on this device."),
    ("blocked", ["--use-fake-device-for-media-stream", "--deny-permission-prompts"],
     "Camera access is blocked."),
])
def test_no_camera_says_so_and_links_to_upload(app: tuple[str, Path], case: str,
                                               flags: list[str], said: str) -> None:
    """Headless Chromium without the fake camera has no camera at all; with it but the
    permission denied, the camera is blocked: words and a way out, never the raw error."""
    from playwright.sync_api import sync_playwright

    url, _ = app
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS + flags)
        page = browser.new_page(viewport=DESKTOP)
        try:
            page.goto(f"{url}/live")
            page.get_by_role("heading", name="Live treadmill check").wait_for(timeout=60_000)
            link = page.get_by_role("link", name="Upload a clip instead")
            if case == "nocam":
                link.wait_for(timeout=30_000)  # known before Start: the browser lists no camera
            camera = page.frame_locator('iframe[title*="webrtc"]')
            camera.get_by_role("button", name="Start camera").click(timeout=60_000)
            box = camera.get_by_role("alert")
            box.wait_for(timeout=30_000)
            link.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            in_box = box.inner_text()
            assert "Error" not in in_box and said in in_box, in_box
            assert page.get_by_text(said).count() > 0
            assert link.is_visible() and _in_view(link, DESKTOP)
            page.screenshot(path=str(ARTIFACTS / f"live-{case}.png"))
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(800)
            link.scroll_into_view_if_needed()
            assert link.is_visible()
            page.screenshot(path=str(ARTIFACTS / f"live-{case}-phone.png"))
            link.click()
            page.get_by_role("heading", name="Check your running form").wait_for(timeout=30_000)
            assert "/live" not in page.url
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / f"live-{case}-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def _wait_for_cadence(page, label: float) -> list[float]:
    """The cadences shown, polled a second apart until six in a row are within
    :data:`CADENCE_TOLERANCE` of ``label`` or :data:`CADENCE_WAIT_S` is over."""
    seen: list[float] = []
    restarted = False
    deadline = time.monotonic() + CADENCE_WAIT_S
    while time.monotonic() < deadline:
        cad = _shown_cadence(page)
        if cad is not None:
            seen.append(cad)
            # "My cadence + 5 %" starts from the median of the last 10 s of readings
            # (core.live.METRONOME_SPAN_S): six of the last ten on the label put it
            # there, so the metronome is set once six polls in a row read it
            if len(seen) >= SETTLED_POLLS and all(
                    abs(c - label) <= CADENCE_TOLERANCE for c in seen[-SETTLED_POLLS:]):
                break
        elif not restarted and camera_stopped(page):
            # back at Start by itself with no error (the landing-sound test's camera did so
            # once within 8 s of playing, 4 Dec): pressed again, as a runner would, once
            restarted = True
            print(f"the camera stopped by itself ({len(seen)} readings): started again")
            page.screenshot(path=str(ARTIFACTS / "live-stopped.png"))
            start_camera(page)
            deadline = max(deadline, time.monotonic() + CADENCE_WAIT_S / 2)
        page.wait_for_timeout(1000)
    return seen


def _analysed_fps(page) -> float | None:
    """The analysed frame rate the page states (core.live's notes: "... this computer is
    managing 7.5." or "Only 5 frames a second are being analysed"), or None when it states
    none."""
    body = page.inner_text("body")
    m = (re.search(r"is managing (\d+(?:\.\d+)?)", body)
         or re.search(r"Only (\d+(?:\.\d+)?) frames a second are being analysed", body)
         or re.search(r"Analysing (\d+) of the camera's frames a second", body))
    return float(m.group(1)) if m else None


@pytest.mark.realtime
def test_live_cadence_then_record_and_report(fake_camera: Path, app: tuple[str, Path]) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url, data = app
    label = _label_cadence()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera}"])
        page = browser.new_page(viewport=DESKTOP)
        page.add_init_script(KEEP_PEER_CONNECTIONS)  # the browser's sending statistics
        try:
            page.goto(f"{url}/live")
            page.get_by_role("heading", name="Live treadmill check").wait_for(timeout=60_000)
            record = page.get_by_role("button", name="Record in 5 s")
            record.wait_for(timeout=30_000)
            click = page.frame_locator('iframe[srcdoc*="beats per minute"]')
            start_click = click.get_by_role("button", name="Start metronome")
            start_click.wait_for(timeout=30_000)
            assert page.get_by_role("link", name="Upload a clip instead").count() == 0
            start_camera(page)

            for attempt in range(1, 3):
                seen = _wait_for_cadence(page, label)
                if seen and abs(seen[-1] - label) <= CADENCE_TOLERANCE:
                    break
                managing = _analysed_fps(page)
                if attempt == 1 and managing is not None and managing < STARVED_FPS:
                    # a clean-clone CI run right after the parallel phase analysed 7.5 frames
                    # a second (the page said so) and read 69-107 for 169 for two minutes; the
                    # same commit passed alone minutes later. A starved machine is not the
                    # test's subject (core.live's own tests cover low rates): once more
                    print(f"live view analysed {managing} frames a second, cadence {seen[-8:]}: "
                          "camera started again")
                    page.screenshot(path=str(ARTIFACTS / "live-starved.png"), full_page=True)
                    camera = page.frame_locator('iframe[title*="webrtc"]')
                    camera.get_by_role("button", name="Stop camera").click(timeout=30_000)
                    page.wait_for_timeout(2000)
                    start_camera(page, tries=2)
                    continue
                break
            assert seen and abs(seen[-1] - label) <= CADENCE_TOLERANCE, \
                f"live cadence {seen} never came within {CADENCE_TOLERANCE} of {label}"
            page.wait_for_timeout(1500)  # let the video element show a few annotated frames
            # a runner on a treadmill: Record and the metronome beside the video, no scrolling
            assert _in_view(record, DESKTOP), record.bounding_box()
            assert _in_view(page.locator('iframe[srcdoc*="beats per minute"]'), DESKTOP)
            assert _in_view(page.locator(".fc-live-num").first, DESKTOP)
            page.screenshot(path=str(ARTIFACTS / "live.png"))

            target = page.get_by_role("spinbutton", name="Metronome (steps/min)")
            # a click landing in the page's once-a-second rerun can be lost (clean-clone CI of
            # 01e8fb9: the rate stayed put for 30 s): press again until the rate moves
            for attempt in range(3):
                page.get_by_role("button", name="My cadence + 5 %").click()
                try:
                    page.wait_for_function("el => Number(el.value) > 170",
                                           arg=target.element_handle(), timeout=10_000)
                    break
                except PlaywrightError:
                    if attempt == 2:
                        raise
            assert abs(float(target.input_value()) - 1.05 * label) <= 1.05 * CADENCE_TOLERANCE + 1
            # the new rate redraws the metronome's frame: a click on the frame being replaced
            # is lost (seen once in CI, the button still said Start), so press it again, as a
            # runner would; the frame of the new rate (the old one can linger a moment: two
            # frames matched "beats per minute" once, 3 Dec)
            click = page.frame_locator(
                f'iframe[srcdoc*="{int(float(target.input_value()))} beats per minute"]')
            start_click = click.get_by_role("button", name="Start metronome")
            stop = click.get_by_role("button", name="Stop metronome")
            for attempt in range(3):
                start_click.click()
                try:
                    stop.wait_for(timeout=10_000)
                    break
                except PlaywrightError:
                    page.screenshot(path=str(ARTIFACTS / f"live-metronome-{attempt}.png"))
            stop.wait_for(timeout=10_000)

            page.set_viewport_size(PHONE)  # the same stream on a phone-sized window
            page.wait_for_timeout(1500)
            record.scroll_into_view_if_needed()
            assert record.is_visible() and record.is_enabled()
            page.screenshot(path=str(ARTIFACTS / "live-phone.png"))
            _scroll_main(page, 0)
            page.set_viewport_size(DESKTOP)
            page.wait_for_timeout(1000)

            page.get_by_role("combobox", name="Length").click()
            page.get_by_role("option", name=RECORD_LENGTH).click()
            page.wait_for_timeout(1200)  # the fragment's next run keeps the choice
            record.click()
            page.get_by_text(re.compile(r"Recording in \d s")).first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # the countdown drawn on the video, too
            page.screenshot(path=str(ARTIFACTS / "live-countdown.png"))
            page.get_by_text(re.compile(r"Recording \d+ s of 15 s")).first.wait_for(
                timeout=30_000)
            # the ready message follows the recording: "then record" stayed up beside "REC
            # 0:15" (review, 3 Dec); the panel refreshes once a second
            page.wait_for_timeout(1500)
            assert page.get_by_text("Start running, then record").count() == 0
            link = page.get_by_role("link", name="Open the report")
            refused = page.get_by_role("link", name="See why")  # a recording not scored
            error = page.locator('[data-testid="stAlertContentError"]')
            link.or_(refused).or_(error).first.wait_for(timeout=240_000 + RECORD_S * 1000)
            assert error.count() == 0, error.first.inner_text()
            # how the browser sent the recording's stream: not held back by the server's own
            # bandwidth estimate (ui/webrtc_link.py; it kept a quarter of the frames back)
            held_back = sender_held_back(sender_stats(page))
            assert held_back is None, held_back
            warning = page.locator('[data-testid="stAlertContentWarning"]')
            if refused.count() and "of the recording reached the analysis" in \
                    warning.first.inner_text():
                # a starved machine: a clean-clone CI run's fake camera reached the analysis
                # at 13 frames a second and the recording was refused for it (its own words,
                # core.quality); the same commit passed alone minutes later. Once more, as a
                # runner told to record again would (the chosen 15 s is kept)
                print("recording refused for its frames; recorded again:",
                      warning.first.inner_text()[:200])
                page.screenshot(path=str(ARTIFACTS / "live-starved-recording.png"))
                record.click()
                page.get_by_text(re.compile(r"Recording \d+ s of 15 s")).first.wait_for(
                    timeout=60_000)
                link.or_(refused).or_(error).first.wait_for(
                    timeout=240_000 + RECORD_S * 1000)
            assert error.count() == 0, error.first.inner_text()
            assert refused.count() == 0, warning.first.inner_text()
            videos = sorted(data.rglob("annotated.mp4"), key=lambda v: v.stat().st_mtime)
            assert videos, stored_reports(data)
            # Stop camera keeps the runner's metronome target: it fell back to 170 beside a
            # field still reading 177 (review, 3 Dec)
            bpm = int(float(target.input_value()))
            page.frame_locator('iframe[title*="webrtc"]').get_by_role(
                "button", name="Stop camera").click(timeout=30_000)
            page.get_by_role("button", name="My cadence + 5 %").wait_for(timeout=30_000)
            page.wait_for_timeout(2500)
            assert int(float(target.input_value())) == bpm
            assert page.locator(f'iframe[srcdoc*="{bpm} beats per minute"]').count() == 1, \
                page.locator('iframe[srcdoc*="beats per minute"]').get_attribute("srcdoc")[-400:]
            # and the recording length chosen for the last take (it came back as 20 s)
            length = page.locator('[data-testid="stSelectbox"]').filter(
                has_text="Recording length")
            assert f">{RECORD_LENGTH}<" in length.inner_html() or \
                f'"{RECORD_LENGTH}"' in length.inner_html(), length.inner_html()[-600:]
            # the session stopped itself after 15 s: the video plays in real time
            assert _video_seconds(videos[-1]) == pytest.approx(RECORD_S, rel=SESSION_TOLERANCE)
            link.click()
            page.get_by_role("heading", name="Your running form").wait_for(timeout=60_000)
            # the header's caption may come a moment after the heading (the page's address
            # is set to the report's own, ?id=, in the same run): wait for it, not count it
            page.get_by_text("Webcam session").first.wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "live-report.png"), full_page=True)
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "live-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
