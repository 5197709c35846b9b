"""Plan page (pages/plan.py) in AppTest: the owner's plan with its download, a share-link
viewer's plan, no report open, a refused report; and the report page's link to it. The
report is the stored engine report tests/fixtures/report_v1.0.json (no pose model run)."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.report import Media
from core.store import Proof

PLAN = "pages/plan.py"
REPORT = "pages/report.py"
FIXTURE = Path(__file__).parent / "fixtures" / "report_v1.0.json"


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning,
                                            *at.title, *at.subheader]).replace("\\", "")


def media_for(report: dict, folder: Path) -> Path:
    """Plain grey stand-ins for the media files the stored report names (the store keeps only
    reports whose media exist; the plan shows none of them)."""
    for rel in Media.of(report).files():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / rel), np.full((360, 640, 3), 200, np.uint8))
    return folder


def save_fixture(store, folder: Path, edit=None):
    report = json.loads(FIXTURE.read_text())
    if edit:
        edit(report)
    return store.save(report, media_for(report, folder))


@pytest.fixture()
def saved(store, tmp_path):
    return save_fixture(store, tmp_path / "media")


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_owner_sees_the_plan_and_can_download_it(app, store, saved):
    at = _ok(app(PLAN, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run())
    report = store.get(saved.id, saved.delete_key).report
    text = _texts(at)
    assert at.title[0].value == "Your 3-week plan"
    # the report's day as on the other pages ("30 Nov 2026"), not "2026–11–30"
    assert "From your report of 30 Nov 2026" in text and "2026–11–30" not in text
    assert [s.value for s in at.subheader] == ["What you work on", "Week by week",
                                               "What to film again, and when"]
    for fx in report["findings"]["fixes"]:
        assert fx["title"] in text and fx["drill"]["name"] in text
    for w in ("Week 1: Learn the feel", "Week 2: Build it in", "Week 3: Make it yours",
              "Day 7", "Day 21"):
        assert w in text
    downloads = at.get("download_button")
    assert [d.label for d in downloads] == ["Download the plan (one printable page)"]


def test_share_link_viewer_gets_the_same_plan(app, store, saved):
    share_id = store.share(saved.id, Proof(delete_key=saved.delete_key))
    at = _ok(app(PLAN, query={"r": share_id}).run())
    report = store.get(saved.id, saved.delete_key).report
    assert report["findings"]["fixes"][0]["title"] in _texts(at)
    assert len(at.get("download_button")) == 1
    # the runner's plan read by someone else: not "your" plan, not "your report"
    assert at.title[0].value == "A 3-week plan from this report"
    assert "From the report of" in _texts(at) and "your report" not in _texts(at)
    # whose focus it is and whom its cues speak to (review, 3 Dec)
    assert "What the runner works on" in [h.value for h in at.subheader]
    assert any("this is the runner's plan" in c.value for c in at.caption)


def test_the_owners_plan_address_reopens_it_only_for_the_owner(app, store, saved):
    """/plan?id=<report id>: a reload or bookmark in the owner's browser (its proof, no report
    open in the session yet) shows the plan; the same address without the proof shows none."""
    at = _ok(app(PLAN, query={"id": saved.id}, fc_owned={saved.id: saved.delete_key}).run())
    assert at.title[0].value == "Your 3-week plan" and len(at.get("download_button")) == 1
    at = _ok(app(PLAN, query={"id": saved.id}).run())
    assert "No report is open" not in _texts(at) and not at.get("download_button")
    assert any("cannot be opened here: it was deleted" in w.value for w in at.warning)


def test_no_report_open_says_so(app, data_dir):
    at = _ok(app(PLAN).run())
    assert "No report is open" in _texts(at) and not at.get("download_button")


def test_no_report_open_offers_the_latest_reports_plan(app, store, tmp_path):
    """After a reload (a new session, nothing open) the page said "No report is open" while
    History held a report (review, 3 Dec): it offers this browser's latest scored report's
    plan, one click away; another browser's reports are not offered."""
    import secrets

    report = json.loads(FIXTURE.read_text())
    tok = secrets.token_urlsafe(24)
    mine = store.save(report, media_for(report, tmp_path / "m1"), owner=tok)
    other = store.save(report, media_for(report, tmp_path / "m2"), owner=secrets.token_urlsafe(24))
    at = _ok(app(PLAN, fc_browser_token=tok).run())
    offer = [b for b in at.button if b.label.startswith("Open the plan of your latest report")]
    assert len(offer) == 1 and report["source"]["filename"] in offer[0].label, \
        [b.label for b in at.button]
    offer[0].click()
    at = _ok(at.run())
    assert at.title[0].value == "Your 3-week plan" and len(at.get("download_button")) == 1
    assert at.session_state["fc_current"] == mine.id != other.id
    # a browser with no reports of its own gets the plain note
    at = _ok(app(PLAN, fc_browser_token=secrets.token_urlsafe(24)).run())
    assert "No report is open, so there is no plan yet" in _texts(at)
    assert not [b for b in at.button if b.label.startswith("Open the plan")]


def test_an_unknown_share_link_is_not_a_traceback(app, data_dir):
    """A plan link that no longer opens says so (it said "No report is open" under "Your
    3-week plan", and a friend took the link for one that never existed: review, s20)."""
    at = _ok(app(PLAN, query={"r": "nope"}).run())
    assert "No report is open" not in _texts(at) and not at.get("download_button")
    assert any("could not be found" in w.value and "stopped sharing" in w.value
               for w in at.warning)
    assert at.title[0].value == "A 3-week plan from this report"


def test_a_refused_report_gets_the_reason_not_a_plan(app, store, tmp_path):
    def refuse(report):
        report["status"] = "refused"
        report["quality"]["summary"] = "the runner is walking"
    s = save_fixture(store, tmp_path / "media", refuse)
    at = _ok(app(PLAN, fc_current=s.id, fc_owned={s.id: s.delete_key}).run())
    assert "the runner is walking" in _texts(at) and not at.get("download_button")


def test_the_report_page_links_to_the_plan(app, store, saved):
    at = _ok(app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run())
    links = [e for e in at.get("page_link")]
    assert any("3-week plan" in e.proto.label and e.proto.page.endswith("plan") for e in links), \
        [(e.proto.label, e.proto.page) for e in links]
