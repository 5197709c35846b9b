"""End to end in Chromium: upload a real clip, read the report, share it, delete it.

Starts ``streamlit run app.py`` on a free port with its own data folder, drives Debian's
Chromium with Playwright, and saves screenshots to ``test-artifacts/``: report.png (desktop), report-phone.png (390 px)
and report-shared-phone.png (the share link, 390 px). Skipped cleanly when Chromium or the test clip is missing.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app_server import running_app
from browser_kit import ARTIFACTS, playwright_api, settle, shots_wanted, wait_idle
from conftest import SIDE_CLIP

ANALYSIS_TIMEOUT_MS = 300_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = playwright_api()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running app on a free port, with an empty report store; yields its base URL."""
    if not SIDE_CLIP.is_file():
        pytest.skip(f"test clip {SIDE_CLIP} not found")
    with running_app(tmp_path_factory.mktemp("browser-app")) as base:
        yield base


def _full_screenshot(page, path: Path) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside its main block, so grow the
    viewport to the content height first. None when screenshots are off
    (``FORMCHECK_TEST_SHOTS=0``, browser_kit.shots_wanted)."""
    if not shots_wanted():
        return
    size = dict(page.viewport_size)
    height = -1
    for _ in range(10):  # charts and pictures settle over a few frames
        h = page.evaluate("() => (document.querySelector('[data-testid=stMain]')"
                          " || document.scrollingElement).scrollHeight")
        if h == height:
            break
        height = h
        page.set_viewport_size({"width": size["width"], "height": min(h, 16000)})
        settle(page, 4000)  # height kept, pictures loaded, charts drawn (at most 4 s)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def test_upload_report_share_delete(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = sync_api.expect
    expect.set_options(timeout=60_000)
    owner_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    # whether the pages/ folder's sidebar ever shows, even for a moment before the app's own
    # navigation (it flashed the file names on a fresh server's first load: review, 2 Dec)
    owner_ctx.add_init_script(
        "new MutationObserver(() => { if (document.querySelector("
        "'[data-testid=stSidebarNav]')) window.__fcSidebar = true; })"
        ".observe(document, {subtree: true, childList: true});")
    page = owner_ctx.new_page()
    page.set_default_timeout(60_000)
    # The fresh server's first visitor opens a page URL directly: it must still get the app's
    # navigation and styling, not Streamlit's legacy pages/ sidebar.
    page.goto(f"{server}/method")
    expect(page.get_by_role("heading", name="How FormCheck works", exact=True)).to_be_visible(
        timeout=180_000)  # first run imports the engine
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    assert not page.evaluate("() => !!window.__fcSidebar")
    expect(page.get_by_role("link", name=re.compile("Analyze"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Analyze")).click()
    expect(page.get_by_role("heading", name="Check your running form", exact=True)).to_be_visible()
    # the home page by its own name (a bookmark, a typed URL): the page, no "Page not found"
    page.goto(f"{server}/analyze")
    expect(page.get_by_role("heading", name="Check your running form", exact=True)).to_be_visible()
    page.wait_for_url(re.compile(r"/$"))  # sent home, where the dialog used to open first
    wait_idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)

    # Upload the clip and analyse it.
    page.locator("input[type=file]").first.set_input_files(str(SIDE_CLIP))
    expect(page.get_by_role("button", name=f"Remove {SIDE_CLIP.name}")).to_be_visible()
    analyse = page.get_by_role("button", name="Analyse my run")
    expect(analyse).to_be_enabled()
    analyse.click()
    expect(page.get_by_role("heading", name="Your running form", exact=True)).to_be_visible(
        timeout=ANALYSIS_TIMEOUT_MS)
    page.wait_for_url(re.compile(r"/report\?id=[^&]+$"))  # the owner's own address

    # Focus-area cards, a chart and an evidence still.
    for area in ("shoulders", "hips", "feet"):
        card = page.locator(f'[class*="st-key-fc-card-"][class*="-area-{area}"]')
        expect(card).to_be_visible()
        expect(card).to_contain_text(re.compile(r"(\d+|–)/100"))
        assert card.evaluate("e => getComputedStyle(e).borderLeftWidth") == "6px"  # our CSS
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    expect(chart).to_be_visible()
    img = page.locator('[data-testid="stImage"] img').first
    expect(img).to_be_visible()
    img.scroll_into_view_if_needed()  # stills load lazily
    page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    wait_idle(page)
    _full_screenshot(page, ARTIFACTS / "report.png")
    page.set_viewport_size({"width": 390, "height": 844})  # phone width, same session
    _full_screenshot(page, ARTIFACTS / "report-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844},
                                    device_scale_factor=2, is_mobile=True, has_touch=True)

    # Share it (face blurred, no video) and open the link in a fresh browser context.
    page.get_by_role("button", name="Create share link").click()
    link_el = page.locator('[data-testid="stCode"] code').filter(has_text="?r=")
    expect(link_el).to_be_visible(timeout=120_000)
    link = link_el.inner_text().strip()
    assert re.fullmatch(re.escape(server) + r"/report\?r=[A-Za-z0-9_-]{32}", link), link

    viewer = phone_ctx.new_page()
    viewer.set_default_timeout(60_000)
    viewer.goto(link)
    expect(viewer.get_by_role("heading", name="Shared running-form report", exact=True)).to_be_visible()
    expect(viewer.locator('[class*="st-key-fc-card-"][class*="-area-feet"]')).to_be_visible()
    expect(viewer.get_by_role("button", name="Delete this report…")).to_have_count(0)
    expect(viewer.get_by_text(SIDE_CLIP.name)).to_have_count(0)
    expect(viewer.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
    wait_idle(viewer)
    _full_screenshot(viewer, ARTIFACTS / "report-shared-phone.png")

    # Delete it: the owner lands on Analyze, the link dies.
    page.get_by_role("button", name="Delete this report…").click()
    page.get_by_role("button", name="Yes, delete it").click()
    # said where the runner looks (a toast), and at the page's top
    expect(page.locator('[data-testid="stToast"]').filter(has_text="were deleted")).to_be_visible()
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text="were deleted")).to_have_count(1)
    expect(page.get_by_role("heading", name="Check your running form", exact=True)).to_be_visible()

    viewer.reload()
    expect(viewer.get_by_text("could not be found")).to_be_visible()
    expect(viewer.locator(".vega-embed")).to_have_count(0)
    owner_ctx.close()
    phone_ctx.close()
