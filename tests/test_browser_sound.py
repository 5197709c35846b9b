"""The Live page's landing meter end to end in Debian's Chromium.

A synthetic runner (good form, 178 steps/min, side view) is rendered for 18 strides (12.1 s) at
30 fps and fed to Chromium's fake camera (y4m at 15 fps, see ``CAMERA``); a WAV with a thump at
each of its exact initial contacts, the left landings 8 dB louder than the right, is Chromium's
fake microphone (``--use-file-for-fake-audio-capture``). Both loop every 12.1 s, without a
jump. With "Listen to my landings" on, the meter beside the video shows left and right and the
"quieter" cue for the left foot; a 15 s recording becomes a report that carries the
landing_sound metric (about 8 dB apart, left louder) and its chart tab. Screenshots:
``test-artifacts/live-sound.png``, ``live-sound-report.png``.
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
from browser_kit import (ARTIFACTS, CHROMIUM, DESKTOP, KEEP_PEER_CONNECTIONS, LAUNCH_ARGS,
                         camera_stopped, describe_senders, sender_held_back, sender_stats,
                         start_camera, stored_reports, wait_idle)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# whole strides (18 at the good runner's 178 steps/min, 12.13 s): Chromium's fake camera and
# microphone loop their files, and a loop of whole strides joins the gait and the landings
# without a jump (12 s jumped 0.2 stride at each join, which a 15 s recording always holds)
STRIDES = 18
SECONDS = round(STRIDES * 120.0 / 178.0 * 30) / 30  # whole frames of the 30 fps render, too
LEFT_DB, RIGHT_DB = -12.0, -20.0
METER_WAIT_S = 150.0
ATTEMPTS = 3  # recordings, when the file camera spoils one (see the test)
CAMERA_RESTARTS = 2  # presses of Start when the camera stopped by itself (_meter_then_record)
# A small, slow fake camera. Chromium's file camera does not catch up when it is late: a
# frame delivered more than one frame interval late pushes the rest of the file back for
# good (stamped on delivery), while the WAV keeps time, so on a loaded machine the picture
# drifts away from its sound. Measured in this test at load ~20 (2 cores): the landings went
# from 0.1 s after the left foot's lead to 0.2-0.3 s before it after a stall, where a
# recording pairs them with the wrong foot or (live) says the camera and microphone are out
# of step. A test artefact: a real camera films the present. At 15 frames a second the file
# camera has twice the slack per frame and Chromium half the video to encode; the live view
# analyses fewer than that on a loaded machine anyway, and the live meter needs only a few.
CAMERA = (320, 240)
CAMERA_FPS = 15


# the cue and the meter in one read: the panel is redrawn every second
READ_METER_JS = """() => {
  const cue = document.querySelector('.fc-sound-cue'), m = document.querySelector('.fc-sound-meter');
  return (cue || m) ? [cue ? cue.innerText : '', m ? m.innerText : ''] : null;
}"""


@pytest.fixture(scope="module")
def fake_devices(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(y4m camera, WAV microphone, truth) of a rendered runner with thumps at its contacts."""
    if not CHROMIUM.is_file():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    from core.synthetic import PRESETS, write_clip
    from core.synthetic.audio import SoundSpec, synth_sound, write_wav

    d = tmp_path_factory.mktemp("devices")
    preset = PRESETS["good"]
    assert preset.params.cadence_spm == 178.0  # SECONDS holds whole strides of it
    info = write_clip(d / "runner.mp4", preset.params, view=preset.view, fps=30.0,
                      seconds=SECONDS, width=CAMERA[0], height=CAMERA[1])
    truth = json.loads(Path(info.truth_json).read_text())
    contacts = [(e["t"], "L" if e["foot"] == "left" else "R") for e in truth["initial_contacts"]]
    wav = write_wav(d / "landings.wav", synth_sound(
        contacts, SECONDS, SoundSpec(left_db=LEFT_DB, right_db=RIGHT_DB, hum_db=-45.0)))
    y4m = d / "runner.y4m"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(info.video), "-vf",
                    f"fps={CAMERA_FPS}", "-pix_fmt", "yuv420p", str(y4m)], check=True,
                   timeout=120)
    return y4m, wav, truth


def _check_landing_sound_card(page):
    """The report's Feet tab shows the landing-sound card with the synthetic left/right
    difference (left louder by LEFT_DB - RIGHT_DB) within 1.5 dB; returns the card."""
    page.get_by_role("tab", name=re.compile("^Feet")).click()
    from playwright.sync_api import expect

    card = page.locator('[class*="m-landing_sound"]')
    card.first.wait_for(timeout=30_000)
    # the card's container comes before its value on a busy machine: read it once the value
    # is drawn (a clean-clone CI run read "Landing sound Work on this", the value not yet in)
    try:
        expect(card.first).to_contain_text(" dB", timeout=30_000)
    except AssertionError:
        pass  # no value at all: the check below says what the card showed
    shown = card.first.inner_text()
    m = re.search(r"(\d+) dB apart \(left louder\)", shown)
    assert m and abs(float(m.group(1)) - (LEFT_DB - RIGHT_DB)) <= 1.5, shown
    return card


# The visible chart tab's panel holds at least two drawn charts (canvas or svg inside).
SOUND_TAB_CHARTS_DRAWN = """() => [...document.querySelectorAll('[role=tabpanel]')]
    .filter(p => !p.hidden && p.offsetParent !== null)
    .some(p => [...p.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .filter(c => c.querySelector('canvas, svg')).length >= 2)"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("sound-app")
    with running_app(folder) as url:
        yield url, folder / "data"


@pytest.mark.realtime
def test_landing_meter_and_the_recorded_report(fake_devices, app) -> None:
    """Fake camera (15 fps y4m) and fake microphone (a WAV whose left landings sound 8 dB
    louder): the live page shows the per-step landing meter (Left / Right in dB) and the
    'Quieter on the left foot' cue; a 15 s recording becomes a report whose landing-sound card
    says left louder by 8 dB (within 1.5). It runs in real time, alone (marker ``realtime``):
    on a machine loaded by other work (load 20-40 on 2 cores) the browser's file camera
    stalls and fewer than 3 frames a second reach the server, which the recording refuses
    in words, or drifts away from its WAV by more than the report can line up (177 ms at
    load 24: "out of step")."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    y4m, wav, truth = fake_devices
    url, data = app
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
            f"--use-file-for-fake-audio-capture={wav}"])
        page = browser.new_page(viewport=DESKTOP)
        page.add_init_script(KEEP_PEER_CONNECTIONS)  # the sender's statistics, if one fails
        try:
            # a recording spoilt by the file camera (sparse, drifted from its WAV) is made again,
            # up to twice: a clean-clone run had one at 11.7 fps, then one 0.14 s out of step
            for attempt in range(1, ATTEMPTS + 1):
                sending = _meter_then_record(page, url, PlaywrightError)
                try:
                    _check_landing_sound_card(page)
                    break
                except Exception as e:  # what the recording became, in the failure's message
                    fps = _newest_fps(data)
                    again = attempt < ATTEMPTS
                    if again and fps is not None and fps < LOW_DELIVERY_FPS:
                        print(f"recording delivered at {fps:.1f} fps: recorded again\n"
                              + sending + "\n" + stored_reports(data))
                        continue
                    if again and "(right louder)" in str(e):
                        # the sound's lag behind the picture is known only modulo a step
                        # (core.audio): a file camera that drifted more than half a step from
                        # its WAV pairs each landing with the other foot, which no reading can
                        # tell from a runner louder on the right (a clean-clone run at 12 fps,
                        # and the commit before this one on the same machine minutes later,
                        # failed the same way); a recording in step reads the left: once more
                        print("sides swapped by a drift of over half a step: recorded again\n"
                              + stored_reports(data))
                        continue
                    if again and "no footfall rhythm in the sound matches" in (
                            _newest_sound_reason(data) or ""):
                        # the file camera ran slow (a clean-clone run: 14.7 fps for 15, the
                        # picture's cadence 174 against the WAV's exact 178): the report said
                        # so rightly; a recording in time is the test's subject: once more
                        print("the picture's rhythm fell behind its sound: recorded again\n"
                              + stored_reports(data))
                        continue
                    if again and "out of step" in (_newest_sound_reason(data) or ""):
                        # the file camera drifted from its WAV (two clean-clone CI runs: the
                        # sound 0.14-0.17 s ahead of the picture at 14.99 fps); the report
                        # said so rightly; the test is about a recording in step: once more
                        print("camera and microphone out of step: recorded again\n"
                              + stored_reports(data))
                        continue
                    raise AssertionError(f"{e}\n{stored_reports(data)}\n{sending}") from e
            page.get_by_role("tab", name="Landing sound").click()
            page.wait_for_function(SOUND_TAB_CHARTS_DRAWN, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "live-sound-report.png"), full_page=True)
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "live-sound-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


# Chromium's file camera is meant to deliver 15 frames a second; recordings here came at 9-13
# (a CI run: 11.4, with the report's landing-sound card missing). The cause, found 4 Dec
# with the browser's WebRTC statistics: aiortc's delay-based bandwidth estimate read the
# busy server as a congested link and held the browser at 30 kbit/s, whose encoder dropped
# frames (ui/webrtc_link.py, now off: 15.0 fps in every recording since). At that rate the
# cleaning had dropped 107-126 points as outliers, the legs swapped and the stride fit found
# no rhythm (README). A recording still delivered under this rate (a starved machine) is
# made once more (printed), never passed.
LOW_DELIVERY_FPS = 12.5


def _newest_report(data: Path) -> dict | None:
    """The newest report in the app's SQLite store (None: no report)."""
    import sqlite3

    db = data / "formcheck.db"
    if not db.is_file():
        return None
    with sqlite3.connect(db) as con:
        rows = [json.loads(t) for (t,) in con.execute("SELECT report_json FROM reports")]
    return max(rows, key=lambda r: r.get("created", "")) if rows else None


def _newest_sound_reason(data: Path) -> str | None:
    """Why the newest stored report did not measure the landing sound (None: it did, or no
    report)."""
    newest = _newest_report(data) or {}
    return next((n.get("reason") for n in newest.get("not_measured") or []
                 if n.get("id") == "landing_sound"), None)


def _newest_fps(data: Path) -> float | None:
    """The newest stored report's measured frame rate (None: no report)."""
    return ((_newest_report(data) or {}).get("source") or {}).get("fps_measured")


def _meter_then_record(page, url: str, PlaywrightError) -> str:
    """Open Live, switch the microphone on, start the camera, see the meter name the left
    foot, record 15 s and open its report; returns how the browser sent the recording's
    stream (:func:`browser_kit.describe_senders`), for the message of a recording made again."""
    page.goto(f"{url}/live")
    page.get_by_role("heading", name="Live treadmill check").wait_for(timeout=60_000)
    wait_idle(page)
    toggle = page.get_by_text("Listen to my landings (uses the microphone)")
    # open the settings as a runner would; a click landing while the page is still
    # being drawn can leave them shut (seen once under load): click again if so
    settings = page.locator("details", has_text="Camera settings and your height")
    for _ in range(3):
        if not settings.evaluate("d => d.open"):
            page.get_by_text("Camera settings and your height").click()
        try:
            toggle.wait_for(timeout=10_000)
            break
        except PlaywrightError:
            page.screenshot(path=str(ARTIFACTS / "live-sound-settings-retry.png"))
    toggle.wait_for(timeout=10_000)
    checked = "() => [...document.querySelectorAll('input')].some(" \
              "i => i.type === 'checkbox' && i.checked)"
    # a second recording finds it still on; a click landing while the page reruns can be
    # lost (a clean-clone CI run of 13b4c78: not switched on within 30 s): click again if so
    for _ in range(3):
        if page.evaluate(checked):
            break
        toggle.click()
        try:
            page.wait_for_function(checked, timeout=15_000)
        except PlaywrightError:
            page.screenshot(path=str(ARTIFACTS / "live-sound-toggle-retry.png"))
            wait_idle(page)
    page.wait_for_function(checked, timeout=15_000)
    wait_idle(page)
    page.wait_for_timeout(3000)  # the camera box takes the microphone setting
    start_camera(page)
    page.wait_for_timeout(8000)
    page.screenshot(path=str(ARTIFACTS / "live-sound-started.png"))
    seen: list[tuple[str, str]] = []
    restarts = 0
    deadline = time.monotonic() + METER_WAIT_S
    while time.monotonic() < deadline:
        # read in one go: the panel is redrawn every second, so a locator found by
        # count() may be gone by the time its text is asked for
        shown = page.evaluate(READ_METER_JS)
        if shown:
            seen.append(tuple(shown))
            if "left foot" in shown[0]:
                break
        elif restarts < CAMERA_RESTARTS and camera_stopped(page):
            # the camera box back at Start by itself, no error shown: a run of the whole
            # suite (4 Dec, the real-time phase's second test) had it stop within 8 s of
            # playing and waited out the meter for nothing; pressed again, as a runner would
            restarts += 1
            print(f"the camera stopped by itself ({len(seen)} meter readings): started again")
            page.screenshot(path=str(ARTIFACTS / f"live-sound-stopped-{restarts}.png"))
            start_camera(page)
            deadline = max(deadline, time.monotonic() + METER_WAIT_S / 2)
        page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "live-sound.png"))
    assert seen and "Quieter on the left foot" in seen[-1][0], seen[-8:]
    text = seen[-1][1]  # the meter shown with that cue
    assert "Left" in text and "Right" in text and "dB" in text, text

    page.get_by_role("combobox", name="Length").click()
    page.get_by_role("option", name="15 s").click()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Record in 5 s").click()
    link = page.get_by_role("link", name="Open the report")
    # a recording that could not be scored (too few frames reached the analysis) says so
    # and links to its report as "See why": opened too, so the caller can record again
    refused = page.get_by_role("link", name="See why")
    error = page.locator('[data-testid="stAlertContentError"]')
    link.or_(refused).or_(error).first.wait_for(timeout=300_000)
    assert error.count() == 0, error.first.inner_text()
    # the stream is still up: how the browser sent it. The server's own bandwidth estimate
    # once held it at 30 kbit/s, a quarter of the frames dropped (ui/webrtc_link.py); with
    # it off the browser allows megabits on localhost
    senders = sender_stats(page)
    held_back = sender_held_back(senders)
    assert held_back is None, held_back
    (link if link.count() else refused).first.click()
    page.get_by_role("heading", name="Your running form", exact=True).wait_for(
        timeout=60_000)
    return describe_senders(senders)


@pytest.fixture(scope="module")
def clip_with_sound(tmp_path_factory) -> Path:
    """A rendered runner (6 s, 30 fps) whose left landings sound 8 dB louder, sound 60 ms late."""
    from core.synthetic import PRESETS
    from core.synthetic.audio import SoundSpec, write_clip_with_sound

    d = tmp_path_factory.mktemp("upload")
    preset = PRESETS["good"]
    info = write_clip_with_sound(d / "runner_with_sound.mp4", preset.params, SoundSpec(
        left_db=LEFT_DB, right_db=RIGHT_DB, offset_s=0.06), view=preset.view, fps=30.0,
        seconds=6.0, width=640, height=480)
    return info.video


def test_uploaded_clip_report_shows_the_landing_sound(clip_with_sound, app) -> None:
    """An upload with sound: the Feet tab has the Landing sound card (8 dB apart, left
    louder) and the charts have a Landing sound tab with the envelope and the per-step chart.
    Screenshot: ``test-artifacts/report-sound.png``."""
    from playwright.sync_api import sync_playwright

    url, _ = app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport=DESKTOP)
        try:
            page.goto(f"{url}/analyze")
            page.get_by_role("heading", name="Check your running form").wait_for(timeout=180_000)
            page.locator("input[type=file]").first.set_input_files(str(clip_with_sound))
            page.get_by_role("button", name="Analyse my run").click(timeout=60_000)
            page.get_by_role("heading", name="Your running form", exact=True).wait_for(
                timeout=600_000)
            wait_idle(page)
            card = _check_landing_sound_card(page)
            tab = page.get_by_role("tab", name="Landing sound")
            tab.click()
            # the sound tab's own panel draws both charts (the envelope and the per-step one)
            page.wait_for_function(SOUND_TAB_CHARTS_DRAWN, timeout=60_000)
            tab.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "report-sound.png"))
            card.first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "report-sound-card.png"))
            steps = page.locator(
                '[role=tabpanel]:not([hidden]) [data-testid="stVegaLiteChart"]').last
            steps.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            steps.screenshot(path=str(ARTIFACTS / "report-sound-steps.png"))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "report-sound-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
