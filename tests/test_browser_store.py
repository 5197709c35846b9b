"""End to end in Chromium on the scaled store: the app keeps reports in a real PostgreSQL and
their media in an S3 server (moto's, started by scripts/services.sh). Upload a clip, see its
evidence stills (served from S3), share it with faces blurred, open the link, delete it, and
check the rows and objects behind each step. Screenshots: test-artifacts/store-s3-report.png
and store-s3-shared.png.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app_server import running_app
from browser_kit import settle, shots_wanted
from conftest import ROOT, SIDE_CLIP
from core.media import MediaStore
from test_store import pg_database, s3_prefix
from tests.services import service_env

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# the services fixture's worker (tests/conftest.py): one set of servers per run
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("services")]

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _image_loaded(page, locator) -> None:
    locator.scroll_into_view_if_needed()  # stills load lazily
    page.wait_for_function("(el) => el.complete && el.naturalWidth > 0",
                           arg=locator.element_handle())


def _screenshot(page, path: Path) -> None:
    if not shots_wanted():  # FORMCHECK_TEST_SHOTS=0 (scripts/test.sh)
        return
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height, 12000)})
    settle(page, 6000)  # height kept, pictures loaded, charts drawn (at most 6 s)
    page.screenshot(path=str(path))


def test_app_on_postgres_and_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not SIDE_CLIP.is_file():
        pytest.skip(f"test clip {SIDE_CLIP} not found")
    env = service_env()
    ARTIFACTS.mkdir(exist_ok=True)
    expect = sync_api.expect
    expect.set_options(timeout=60_000)
    with pg_database(env["FORMCHECK_TEST_DATABASE_URL"]) as db, \
            s3_prefix(env["FORMCHECK_TEST_MEDIA_URL"]) as media_url:
        for name, value in env.items():
            if name.startswith("AWS_") or name == "FORMCHECK_S3_ENDPOINT_URL":
                monkeypatch.setenv(name, value)
        monkeypatch.setenv("FORMCHECK_DATABASE_URL", db)
        monkeypatch.setenv("FORMCHECK_MEDIA_URL", media_url)
        media = MediaStore(media_url)
        engine = sa.create_engine(db)
        with running_app(tmp_path) as base, sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{base}/analyze")
            expect(page.get_by_role("heading", name="Check your running form", exact=True)
                   ).to_be_visible(timeout=180_000)
            page.locator("input[type=file]").first.set_input_files(str(SIDE_CLIP))
            page.get_by_role("button", name="Analyse my run").click()
            expect(page.get_by_role("heading", name="Your running form", exact=True)
                   ).to_be_visible(timeout=300_000)
            img = page.locator('[data-testid="stImage"] img').first
            expect(img).to_be_visible()
            _image_loaded(page, img)

            with engine.connect() as conn:
                [(rid, report_json)] = conn.exec_driver_sql(
                    "SELECT id, report_json FROM reports").all()
            assert set(media.entries()) == {rid}  # the media went to S3, nowhere else
            assert not (tmp_path / "data" / "media" / rid).exists()
            assert media.exists(f"{rid}/{_first_evidence(report_json)}")
            _screenshot(page, ARTIFACTS / "store-s3-report.png")
            page.set_viewport_size({"width": 1280, "height": 900})

            page.get_by_role("button", name="Create share link").click()
            link_el = page.locator('[data-testid="stCode"] code').filter(has_text="?r=")
            expect(link_el).to_be_visible(timeout=120_000)
            link = link_el.inner_text().strip()
            assert media.fs.find(media._path(f"{rid}/shared"))  # blurred copies in S3
            viewer = browser.new_page(viewport={"width": 1280, "height": 900})
            viewer.goto(link)
            expect(viewer.get_by_role("heading", name="Shared running-form report",
                                      exact=True)).to_be_visible()
            shared_img = viewer.locator('[data-testid="stImage"] img').first
            expect(shared_img).to_be_visible()
            _image_loaded(viewer, shared_img)
            _screenshot(viewer, ARTIFACTS / "store-s3-shared.png")

            page.get_by_role("button", name="Delete this report…").click()
            page.get_by_role("button", name="Yes, delete it").click()
            expect(page.get_by_text("were deleted").first).to_be_visible()  # the note and its toast
            viewer.reload()
            expect(viewer.get_by_text("could not be found")).to_be_visible()
            browser.close()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM reports").scalar() == 0
        engine.dispose()
        assert media.entries() == {}


def _first_evidence(report_json: str) -> str:
    import json

    evidence = json.loads(report_json)["media"]["evidence"]
    return next(iter(evidence.values()))
