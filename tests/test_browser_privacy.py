"""Private by default, end to end: two browsers (Playwright contexts) on one app server.

Browser A uploads and analyses a clip (with a height): the address is ``/report?id=<id>``
and a reload reopens the report with its controls; sharing (with the video) leaves that
address alone, and reopened the share boxes say how the link was made; one click selects the
whole link, as the hint says. A sees the report in its History and opens it with its owner
controls, also after a reload (new websocket session, same cookie); uploading the same clip
again opens that report instead of adding a row. Browser B's History is empty and B cannot
open A's report (not by the Report page, not with A's report id in the URL, not by A's own
address); a share link still gives B the read-only copy, whose JSON download has no file
name and no height (nor cm made from it); with A's delete key B claims the report. B then
deletes it from History (with a confirm) and it is gone for A too.

Screenshots in ``test-artifacts/``: privacy-history-owner{,-phone}.png,
privacy-history-stranger{,-phone}.png, privacy-report-owner{,-phone}.png,
privacy-shared-view{,-phone}.png (1400x1000 and 390x844), privacy-share-reopened{,-phone}.png
and privacy-share-selected.png. Skipped cleanly when Chromium or the test clip is missing.
"""
from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from app_server import running_app
from browser_kit import ARTIFACTS, DESKTOP, PHONE, goto, playwright_api, shots, wait_idle
from conftest import SIDE_CLIP

OPEN = re.compile(r"(^|\s)Open$")  # a button's name may start with its icon's name
DELETE = re.compile(r"(^|\s)Delete$")
ANALYSIS_TIMEOUT_MS = 300_000
HEIGHT_CM = 175

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = playwright_api()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running app with an empty store; yields (base URL, data folder)."""
    if not SIDE_CLIP.is_file():
        pytest.skip(f"test clip {SIDE_CLIP} not found")
    folder = tmp_path_factory.mktemp("browser-privacy")
    with running_app(folder) as base:
        yield base, folder / "data"


def _analyse(page) -> None:
    expect = sync_api.expect
    remove = page.get_by_role("button", name=f"Remove {SIDE_CLIP.name}")
    for load in range(2):
        if load:  # the page itself lost the uploads (below): load it again, as a runner would
            page.reload()
            expect(page.get_by_role("heading", name="Check your running form")).to_be_visible()
            wait_idle(page)
        about = page.get_by_text("About you (optional)")
        height = page.get_by_label("Your height (cm)")
        if not height.is_visible():
            about.click()  # the owner's height, never shared
        height.fill(str(HEIGHT_CM))
        height.press("Enter")
        wait_idle(page)
        # a file given while the height's rerun redraws the uploader can be dropped (seen in
        # clean-clone CI runs: no file after 60 s, twice on a loaded machine even after three
        # tries): give it again, as a runner would, then load the page again
        for _ in range(3):
            page.locator("input[type=file]").first.set_input_files(str(SIDE_CLIP))
            try:
                expect(remove).to_be_visible(timeout=20_000)
                break
            except AssertionError:
                wait_idle(page)
        if remove.is_visible():
            break
    expect(remove).to_be_visible()
    analyse = page.get_by_role("button", name="Analyse my run")
    expect(analyse).to_be_enabled()
    analyse.click()
    expect(page.get_by_role("heading", name="Your running form", exact=True)).to_be_visible(
        timeout=ANALYSIS_TIMEOUT_MS)
    wait_idle(page)


def _report_ids(data: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(data / "formcheck.db")) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM reports")]


def test_reports_are_private_to_the_browser_that_made_them(server, browser):
    base, data = server
    ARTIFACTS.mkdir(exist_ok=True)
    expect = sync_api.expect
    expect.set_options(timeout=60_000)
    ctx_a = browser.new_context(viewport=DESKTOP)
    ctx_b = browser.new_context(viewport=DESKTOP)
    a, b = ctx_a.new_page(), ctx_b.new_page()
    for page in (a, b):
        page.set_default_timeout(60_000)

    # A analyses a clip and gets the report with its controls and a browser cookie.
    goto(a, base, "", "Check your running form")
    _analyse(a)
    expect(a.get_by_text("Your controls")).to_be_visible()
    cookie = next(c for c in ctx_a.cookies() if c["name"] == "fc_browser")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", cookie["value"]) and cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    a.get_by_text("Your report key").click()
    key_el = a.locator('[data-testid="stExpander"] [data-testid="stCode"] code').first
    expect(key_el).to_be_visible()
    delete_key = key_el.inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", delete_key)
    [report_id] = _report_ids(data)
    shots(a, "privacy-report-owner", settle_ms=800)

    # The owner's address names the report: a reload (same cookie) reopens it.
    own_url = f"{base}/report?id={report_id}"
    expect(a).to_have_url(own_url)
    a.reload()
    expect(a.get_by_role("heading", name="Your running form", exact=True)).to_be_visible()
    expect(a.get_by_text("Your controls")).to_be_visible()

    # A share link for later (with the video): B may see the read-only copy, nothing more.
    a.get_by_text("Include the annotated video").click()
    a.get_by_role("button", name="Create share link").click()
    link_el = a.locator('[data-testid="stCode"] code').filter(has_text="?r=")
    expect(link_el).to_be_visible(timeout=240_000)
    link = link_el.inner_text().strip()
    expect(a).to_have_url(own_url)  # the share link is shown, not put in the address bar
    # reopened, the boxes say how the link was made, as the text above them does
    a.reload()
    expect(a.get_by_text("with your face blurred, including the video")).to_be_visible()
    expect(a.get_by_role("checkbox", name="Include the annotated video")).to_be_checked()
    expect(a.get_by_role("checkbox", name="Blur my face")).to_be_checked()
    expect(a.get_by_text("Click the link to select all of it")).to_be_visible()
    a.get_by_text("Anyone with this link sees").scroll_into_view_if_needed()
    a.mouse.move(5, 990)  # the pointer away from the link: what a glance at it shows
    a.screenshot(path=str(ARTIFACTS / "privacy-share-reopened.png"))
    link_el.click()  # as the hint says: one click selects the whole link
    assert a.evaluate("() => window.getSelection().toString().trim()") == link
    a.screenshot(path=str(ARTIFACTS / "privacy-share-selected.png"))
    a.set_viewport_size(PHONE)
    link_el.scroll_into_view_if_needed()
    a.screenshot(path=str(ARTIFACTS / "privacy-share-reopened-phone.png"))
    a.set_viewport_size(DESKTOP)

    # A reloads (a new session, same cookie): History still lists it and opens it.
    goto(a, base, "history", "History")
    a.reload()
    expect(a.get_by_role("heading", name="History", exact=True)).to_be_visible()
    expect(a.get_by_text(SIDE_CLIP.name)).to_be_visible()
    expect(a.get_by_role("button", name=OPEN)).to_have_count(1)
    expect(a.get_by_role("button", name=DELETE)).to_have_count(1)
    shots(a, "privacy-history-owner", settle_ms=800)
    a.get_by_role("button", name=OPEN).click()
    expect(a.get_by_role("heading", name="Your running form", exact=True)).to_be_visible()
    expect(a.get_by_text("Your controls")).to_be_visible()

    # The same clip again in A opens the existing report; no second row.
    goto(a, base, "", "Check your running form")
    _analyse(a)
    expect(a.get_by_text("analysed this clip with these options before")).to_be_visible()
    assert _report_ids(data) == [report_id]

    # B: an empty History, nothing of A's on any page.
    goto(b, base, "history", "History")
    expect(b.get_by_text("No saved reports in this browser yet")).to_be_visible()
    expect(b.get_by_text(SIDE_CLIP.name)).to_have_count(0)
    expect(b.get_by_role("button", name=OPEN)).to_have_count(0)
    shots(b, "privacy-history-stranger", settle_ms=800)
    goto(b, base, "report", "Report")
    expect(b.get_by_text("No report is open yet")).to_be_visible()
    for guess in (report_id, delete_key):  # the owner's id or key is no share link
        b.goto(f"{base}/report?r={guess}")
        expect(b.get_by_text("could not be found")).to_be_visible()
        expect(b.get_by_text("Your controls")).to_have_count(0)
    b.goto(own_url)  # the owner's address opens nothing in another browser, and says why
    expect(b.get_by_text("cannot be opened here: it was deleted")).to_be_visible()
    expect(b.get_by_text("Your controls")).to_have_count(0)
    expect(b.get_by_text("Your running form")).to_have_count(0)
    b.goto(link)
    expect(b.get_by_role("heading", name="Shared running-form report", exact=True)).to_be_visible()
    expect(b.get_by_text("Your controls")).to_have_count(0)
    expect(b.get_by_text(SIDE_CLIP.name)).to_have_count(0)
    # the viewer's JSON download: no file name, no height (nor cm made from it)
    with b.expect_download() as dl:
        b.get_by_role("button", name="Report (JSON)").click()
    shared = json.loads(Path(dl.value.path()).read_text())
    assert shared["findings"]["fixes"] and shared["metrics"]  # a real report
    assert SIDE_CLIP.stem not in json.dumps(shared)
    assert shared["source"]["filename"] is None and shared["options"]["height_cm"] is None
    assert all(m.get("value_cm") is None and " cm)" not in m["display"] for m in shared["metrics"])
    expect(b.get_by_text(re.compile(r"\d cm\b"))).to_have_count(0)
    shots(b, "privacy-shared-view", settle_ms=800)

    # B with A's delete key claims the report: it opens with controls and is listed.
    goto(b, base, "history", "History")
    b.get_by_text("Open a report from another browser").click()
    key_field = b.get_by_label("Report key")
    key_field.fill(delete_key)
    # the key and its button are a form: Enter in the field submits it, as a runner would.
    # (A click on "Open report" was once lost on a slow machine, clean-clone CI of f145b1e:
    # the key filled in, History unchanged for 60 s; the button is clicked only if Enter did
    # not open the report.)
    key_field.press("Enter")
    heading = b.get_by_role("heading", name="Your running form", exact=True)
    try:
        heading.wait_for(timeout=20_000)
    except playwright_api().Error:
        b.get_by_role("button", name="Open report").click()
    expect(heading).to_be_visible()
    expect(b.get_by_text("Your controls")).to_be_visible()
    goto(b, base, "history", "History")
    expect(b.get_by_text(SIDE_CLIP.name)).to_be_visible()

    # B deletes it from History after a confirm; A's History is empty after a reload.
    b.get_by_role("button", name=DELETE).click()
    b.get_by_role("button", name="Yes, delete it").click()
    expect(b.get_by_text("were deleted").first).to_be_visible()
    expect(b.get_by_text("No saved reports in this browser yet")).to_be_visible()
    assert _report_ids(data) == []
    a.goto(f"{base}/history")
    expect(a.get_by_text("No saved reports in this browser yet")).to_be_visible()
    ctx_a.close()
    ctx_b.close()
