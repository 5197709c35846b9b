"""The Live page end to end in Debian's Chromium.

Chromium's fake camera plays a real side-view treadmill clip (converted to y4m, 640x480 at
30 fps) into the Live page of a real ``streamlit run app.py``; the test starts the camera,
waits until the live cadence beside the video is within 5 steps/min of the clip's label,
sets and starts the metronome at that cadence + 5 %, records, makes the report and opens it
on the Report page. Screenshots go to
``test-artifacts/live.png`` (live view) and ``test-artifacts/live-report.png``.
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
from conftest import CLIPS, ROOT, SIDE_CLIP

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CADENCE_TOLERANCE = 5.0
CADENCE_WAIT_S = 120.0  # the camera, pose model and first ten steps, on a busy machine
RECORD_S = 12.0


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
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(SIDE_CLIP), "-t", "12",
                    "-vf", "scale=-2:480,pad=640:480:(ow-iw)/2:0,fps=30", "-pix_fmt", "yuv420p",
                    str(out)], check=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with a fresh data folder."""
    with running_app(tmp_path_factory.mktemp("live-app")) as url:
        yield url


def _shown_cadence(page) -> float | None:
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Cadence")
    if card.count() == 0:
        return None
    m = re.search(r"(\d+)\s*steps/min", card.first.inner_text())
    return float(m.group(1)) if m else None


def test_live_cadence_then_record_and_report(fake_camera: Path, app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    label = _label_cadence()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera}"])
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        try:
            page.goto(f"{app_url}/live")
            page.get_by_role("heading", name="Live treadmill check").wait_for(timeout=60_000)
            camera = page.frame_locator('iframe[title*="webrtc"]')
            camera.get_by_role("button", name="Start camera").click(timeout=60_000)

            seen: list[float] = []
            deadline = time.monotonic() + CADENCE_WAIT_S
            while time.monotonic() < deadline:
                cad = _shown_cadence(page)
                if cad is not None:
                    seen.append(cad)
                    if abs(cad - label) <= CADENCE_TOLERANCE:
                        break
                page.wait_for_timeout(1000)
            assert seen and abs(seen[-1] - label) <= CADENCE_TOLERANCE, \
                f"live cadence {seen} never came within {CADENCE_TOLERANCE} of {label}"
            page.wait_for_timeout(1500)  # let the video element show a few annotated frames
            page.screenshot(path=str(ARTIFACTS / "live.png"), full_page=True)

            page.get_by_text("Metronome", exact=True).click()
            page.get_by_role("button", name="Set to my cadence + 5 %").click()
            target = page.get_by_label("Target (steps/min)")
            page.wait_for_function("el => Number(el.value) > 170", arg=target.element_handle(),
                                   timeout=30_000)
            assert abs(float(target.input_value()) - 1.05 * label) <= 1.05 * CADENCE_TOLERANCE + 1
            click = page.frame_locator('iframe[srcdoc*="beats per minute"]')
            click.get_by_role("button", name="Start metronome").click()
            click.get_by_role("button", name="Stop metronome").wait_for(timeout=10_000)

            page.get_by_role("button", name="Record").click()
            page.get_by_text(re.compile(r"Recording \d+ s")).first.wait_for(timeout=30_000)
            page.wait_for_timeout(RECORD_S * 1000)
            page.get_by_role("button", name="Stop and make my report").click()
            link = page.get_by_role("link", name="Open the report")
            error = page.locator('[data-testid="stAlertContentError"]')
            link.or_(error).first.wait_for(timeout=240_000)
            assert error.count() == 0, error.first.inner_text()
            link.click()
            page.get_by_role("heading", name="Your running form").wait_for(timeout=60_000)
            assert page.get_by_text("Webcam session").count() > 0
            page.screenshot(path=str(ARTIFACTS / "live-report.png"), full_page=True)
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "live-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
