"""Three runners upload at once to one app in the embedded default (no service).

Starts ``streamlit run app.py`` (its own data folder; the embedded worker pool, one worker
per core), opens three Playwright contexts (three browsers) and presses "Analyse my run" in
all of them together. Every session gets its own report; while the workers are busy the
waiting session shows its place in the queue. Screenshots: test-artifacts/queue-waiting.png
(a waiting session) and queue-running.png (a session's stage progress).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app_server import running_app
from conftest import ROOT, SHARED

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CLIPS = [SHARED / "synthetic" / f"{n}.mp4"
         for n in ("syn_side_overstride_30", "syn_side_straightarms_30", "syn_back_30")]
TIMEOUT_S = 420

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def test_three_sessions_upload_at_once_all_get_reports_waiting_ones_see_their_place(
        tmp_path, monkeypatch):
    missing = [c.name for c in CLIPS if not c.is_file()]
    if missing:
        pytest.skip(f"shared clips missing: {missing}")
    monkeypatch.delenv("FORMCHECK_BROKER_URL", raising=False)
    monkeypatch.delenv("FORMCHECK_WORKERS", raising=False)  # the default: one per core
    ARTIFACTS.mkdir(exist_ok=True)
    expect = sync_api.expect
    with running_app(tmp_path, workers=None) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        pages = []
        for clip in CLIPS:
            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            page.set_default_timeout(180_000)
            page.goto(base)
            expect(page.get_by_role("heading", name="Check your running form",
                                    exact=True)).to_be_visible(timeout=180_000)
            page.locator("input[type=file]").first.set_input_files(str(clip))
            expect(page.get_by_role("button", name=f"Remove {clip.name}")).to_be_visible()
            expect(page.get_by_role("button", name="Analyse my run")).to_be_enabled()
            pages.append(page)
        for page in pages:  # as close to "at once" as three browsers get
            page.get_by_role("button", name="Analyse my run").click()

        seen_places: dict[int, str] = {}
        done: set[int] = set()
        shot = shot_running = False
        end = time.monotonic() + TIMEOUT_S
        while len(done) < len(pages) and time.monotonic() < end:
            for i, page in enumerate(pages):
                if i in done:
                    continue
                if re.search(r"/report(\?id=|$)", page.url) and page.get_by_role(
                        "heading", name="Your running form", exact=True).count():
                    done.add(i)
                    continue
                # read at once, without waiting: the line goes when the job starts (a
                # count() then inner_text() waited 180 s for a line already gone)
                waiting = page.get_by_text(re.compile(r"Waiting for your turn: \d+ analys"))
                texts = waiting.all_inner_texts()
                if texts:
                    seen_places[i] = texts[0]
                    if not shot:
                        page.screenshot(path=str(ARTIFACTS / "queue-waiting.png"))
                        shot = True
                stage = page.get_by_text(re.compile(r"Finding the runner in each frame…"))
                if not shot_running and stage.count():
                    page.screenshot(path=str(ARTIFACTS / "queue-running.png"))
                    shot_running = True
                err = page.locator('[data-testid="stAlert"]').filter(
                    has_text=re.compile("went wrong|could not|cannot"))
                assert err.count() == 0, err.first.inner_text()
            time.sleep(0.4)
        assert done == {0, 1, 2}, f"reports for sessions {sorted(done)} only"
        assert seen_places, "no waiting session showed its place in the queue"
        assert all(re.search(r"\d+ analys[ie]s? ahead of yours \(place \d\)", t)
                   for t in seen_places.values()), seen_places
        for i, page in enumerate(pages):  # each browser sees its own report, in its History
            expect(page.get_by_text(CLIPS[i].name).first).to_be_visible()
        browser.close()
