"""Browser: upload a side clip and a back clip of the same run on the Analyze page; one job
analyses both (progress per clip) and one merged report opens, saying which clip gave what.
The back clip is filmed with the phone turned 4 deg: the report calls the tilt out under "How
to film it better next time". Screenshots: test-artifacts/session-report.png (+ -phone)."""
from __future__ import annotations

import re

import pytest

from app_server import running_app
from browser_kit import ARTIFACTS, playwright_api, shots, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
sync_api = playwright_api()
ANALYSIS_TIMEOUT_MS = 600_000  # two clips through the pose model, one after the other


@pytest.fixture(scope="module")
def clips():
    """The good runner, side and back (phone turned 4 deg), 30 fps, 5 s: rendered once per
    run (tests/engine_cache.rendered_clip; test_session.py renders the same side view)."""
    from core.synthetic import PRESETS
    from core.synthetic.camerapath import CameraPath
    from engine_cache import rendered_clip

    good = PRESETS["good"].params
    return {"side": rendered_clip("run_side.mp4", good, view="side", fps=30.0, seconds=5.0),
            "back": rendered_clip("run_back.mp4", good, view="back", fps=30.0, seconds=5.0,
                                  camera=CameraPath(roll_deg=4.0))}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("browser-session")) as base:
        yield base


def test_two_clip_upload_gives_one_merged_report(server, browser, clips):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = sync_api.expect
    expect.set_options(timeout=60_000)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    expect(page.get_by_role("heading", name="Check your running form", exact=True)).to_be_visible(
        timeout=180_000)
    wait_idle(page)
    inputs = page.locator("input[type=file]")
    expect(inputs).to_have_count(2)
    expect(page.get_by_text("Add a back or front clip (optional)")).to_be_visible()
    inputs.nth(0).set_input_files(str(clips["side"]))
    expect(page.get_by_role("button", name=f"Remove {clips['side'].name}")).to_be_visible()
    inputs.nth(1).set_input_files(str(clips["back"]))
    expect(page.get_by_role("button", name=f"Remove {clips['back'].name}")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Analyse my run").click()
    # progress names the clip being analysed
    expect(page.get_by_text(re.compile(r"Clip [12] of 2"))).to_be_visible(timeout=ANALYSIS_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Your running form", exact=True)).to_be_visible(
        timeout=ANALYSIS_TIMEOUT_MS)
    wait_idle(page)
    expect(page.get_by_text(re.compile("One session, 2 clips"))).to_be_visible()
    block = page.locator(".st-key-fc-session-clips")
    expect(block).to_contain_text("Side clip")
    expect(block).to_contain_text("Back clip")
    expect(block).to_contain_text("Step width")
    expect(block).to_contain_text("Overstride")
    expect(page.get_by_text("From the back clip").first).to_be_attached()
    expect(page.get_by_text("From the side clip").first).to_be_attached()
    # the tilted back clip is called out, with how to film it better (opened by itself)
    notes = page.locator('[data-testid="stExpander"]').filter(
        has_text="How to film it better next time")
    expect(notes).to_contain_text("Back clip: Camera tilt")
    expect(notes).to_contain_text(re.compile(r"tilted by about [3-6]°"))
    expect(notes).to_contain_text("Level the phone before you film")
    shots(page, "session-report")
    page.close()
