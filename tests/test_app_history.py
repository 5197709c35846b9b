"""History page: only this browser's reports, Open, Delete with a confirm step, and opening
a report from another browser with its delete key."""
from __future__ import annotations

import secrets

import pytest

HISTORY = "pages/history.py"
REPORT = "pages/report.py"


def _token() -> str:
    return secrets.token_urlsafe(24)


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.error,
                                            *at.warning, *at.success]).replace("\\", "")


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_empty_history_points_to_analyze(app, data_dir):
    at = app(HISTORY).run()
    assert not at.exception
    assert at.title[0].value == "History"
    assert any("No saved reports in this browser yet" in i.value for i in at.info)
    # a browser token for this session, in the store's id format
    assert len(at.session_state["fc_browser_token"]) == 32


@pytest.mark.slow
def test_lists_only_this_browsers_reports_and_opens_one(app, store, side_analysis,
                                                        refused_analysis):
    mine, stranger = _token(), _token()
    ok = store.save(side_analysis.report, side_analysis.media_dir, owner=mine)
    bad = store.save(refused_analysis.report, refused_analysis.media_dir, owner=mine)
    at = app(HISTORY, fc_browser_token=mine).run()
    assert not at.exception
    text = _texts(at)
    f = side_analysis.report["findings"]
    assert f"**{f['overall_score']}/100**" in text
    # with the report's own word beside the score ("97/100" read as excellent where the
    # report said "worth a look": review, 3 Dec)
    from ui.theme import status_md

    assert f"**{f['overall_score']}/100** {status_md(f['overall_status'])}" in text
    assert f["fixes"][0]["title"] in text
    assert "Side view" in text and "Not scored" in text
    assert side_analysis.report["source"]["filename"] in text
    assert ("filmed with limits" in text) == (side_analysis.report["status"] == "limited")
    assert len(at.get("image")) == 2  # thumbnails
    opens = [b for b in at.button if b.label == "Open"]
    assert [b.key for b in opens] == [f"open_{bad.id}", f"open_{ok.id}"]  # newest first
    assert len([b for b in at.button if b.label == "Delete"]) == 2
    # one scored report and one refused: nothing to compare, so no compare bar and no tick
    # (it asked for ticks no row had: review, s20)
    assert not at.checkbox and "Compare the two" not in [b.label for b in at.button]
    assert "Trends appear once two of your clips are scored" in " ".join(
        c.value for c in at.caption)

    # A stranger's History shows none of it, and nothing of it leaks into the page.
    other = app(HISTORY, fc_browser_token=stranger).run()
    assert not other.exception
    assert any("No saved reports in this browser yet" in i.value for i in other.info)
    assert not [b for b in other.button if b.label == "Open"] and not other.get("image")
    other_text = _texts(other)
    assert side_analysis.report["source"]["filename"] not in other_text
    assert ok.id not in other_text and bad.id not in other_text

    opens[1].click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Your running form"
    assert at.session_state["fc_current"] == ok.id
    assert "Your controls" in _texts(at)


@pytest.mark.slow
def test_delete_from_history_needs_a_confirm(app, store, refused_analysis):
    mine = _token()
    keep = store.save(refused_analysis.report, refused_analysis.media_dir, owner=mine)
    gone = store.save(refused_analysis.report, refused_analysis.media_dir, owner=mine)
    at = app(HISTORY, fc_browser_token=mine).run()
    deletes = [b for b in at.button if b.label == "Delete"]
    deletes[0].click()  # the newest: `gone`
    at.run()
    assert not at.exception
    assert any("for good" in w.value for w in at.warning)
    assert len(store.list(mine)) == 2  # nothing is deleted before the confirm
    _button(at, "Cancel").click()
    at.run()
    assert not at.warning and len(store.list(mine)) == 2
    [b for b in at.button if b.label == "Delete"][0].click()
    at.run()
    _button(at, "Yes, delete it").click()
    at.run()
    assert not at.exception
    # never shared: no word of a share link (review, s20)
    assert [s.value for s in at.success] == ["The report and its media were deleted."]
    assert [r.id for r in store.list(mine)] == [keep.id]
    assert store.get(gone.id, gone.delete_key) is None
    assert not (store.media_root / gone.id).exists()


@pytest.mark.slow
def test_delete_key_opens_a_report_from_another_browser(app, store, refused_analysis):
    first, second = _token(), _token()
    saved = store.save(refused_analysis.report, refused_analysis.media_dir, owner=first)
    at = app(HISTORY, fc_browser_token=second).run()
    assert not [b for b in at.button if b.label == "Open"]
    # a wrong key opens nothing
    at.text_input[0].input(_token())
    _button(at, "Open report").click()
    at.run()
    assert not at.exception
    assert any("No report has this report key" in e.value for e in at.error)
    assert store.list(second) == []
    # the right key opens the report with its controls and lists it in this browser
    at.text_input[0].input(saved.delete_key)
    _button(at, "Open report").click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Your running form"
    assert "Your controls" in _texts(at)
    assert [r.id for r in store.list(second)] == [saved.id]
    assert [r.id for r in store.list(first)] == [saved.id]  # the first browser keeps it
    at.switch_page(HISTORY).run()
    assert [b.key for b in at.button if b.label == "Open"] == [f"open_{saved.id}"]


@pytest.mark.slow
def test_a_report_analysed_with_limits_is_marked_in_history(app, store, side_analysis):
    """A limited report's score (an oblique or moving camera, a cut clip) is not like for like
    with a square tripod clip's: its History row says it was filmed with limits."""
    import copy

    mine = _token()
    report = copy.deepcopy(side_analysis.report)
    report["status"] = "limited"
    store.save(report, side_analysis.media_dir, owner=mine)
    at = app(HISTORY, fc_browser_token=mine).run()
    assert not at.exception
    assert "filmed with limits" in _texts(at)


def test_two_reports_of_one_minute_are_told_apart_by_the_second(app, store, side_analysis):
    """Two reports made in one minute both read "3 Dec 2026, 14:51 UTC" (review, 3 Dec):
    those two give the second; a report alone in its minute keeps the minute."""
    import copy

    mine = _token()
    for created in ("2026-12-03T14:51:08+00:00", "2026-12-03T14:51:40+00:00",
                    "2026-12-01T09:00:00+00:00"):
        r = copy.deepcopy(side_analysis.report)
        r["created"] = created
        store.save(r, side_analysis.media_dir, owner=mine)
    text = _texts(app(HISTORY, fc_browser_token=mine).run())
    assert "3 Dec 2026, 14:51:08 UTC" in text and "3 Dec 2026, 14:51:40 UTC" in text
    assert "1 Dec 2026, 09:00 UTC" in text and "09:00:00" not in text
