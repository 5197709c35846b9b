"""What the Playwright browser tests share: Debian's Chromium, a module-scoped browser, waiting
for Streamlit to finish a run, opening a page by its heading, and desktop + phone screenshots
of the whole page (Streamlit scrolls inside ``[data-testid=stMain]``)."""
from __future__ import annotations

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
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def goto(page, base: str, path: str, heading: str) -> None:
    """Open ``base/path`` and wait for its ``heading`` and the end of the script run."""
    page.goto(f"{base}/{path}")
    playwright_api().expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=180_000)
    wait_idle(page)


def shots(page, name: str, settle_ms: int = 1000) -> None:
    """``test-artifacts/<name>.png`` (desktop) and ``<name>-phone.png`` of the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(size)
        page.wait_for_timeout(settle_ms)
        wait_idle(page)
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size["width"],
                                "height": min(max(height, size["height"]), 16000)})
        page.wait_for_timeout(settle_ms)
        page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"))
    page.set_viewport_size(DESKTOP)
