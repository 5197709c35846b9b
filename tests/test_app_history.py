"""History page: empty state, the saved reports with their summary, and Open."""
from __future__ import annotations

import pytest

HISTORY = "pages/history.py"


def test_empty_history_points_to_analyze(app, data_dir):
    at = app(HISTORY).run()
    assert not at.exception
    assert at.title[0].value == "History"
    assert any("No saved reports yet" in i.value for i in at.info)


@pytest.mark.slow
def test_lists_reports_and_opens_one(app, store, side_analysis, refused_analysis):
    ok = store.save(side_analysis.report, side_analysis.media_dir)
    bad = store.save(refused_analysis.report, refused_analysis.media_dir)
    at = app(HISTORY).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    f = side_analysis.report["findings"]
    assert f"**{f['overall_score']}/100**" in text
    assert f["fixes"][0]["title"] in text
    assert "Side view" in text and "Not scored" in text
    assert side_analysis.report["source"]["filename"] in text
    assert len(at.get("image")) == 2  # thumbnails
    opens = [b for b in at.button if b.label == "Open"]
    assert [b.key for b in opens] == [f"open_{bad.id}", f"open_{ok.id}"]  # newest first
    opens[1].click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Your running form"
    assert at.session_state["fc_current"] == ok.id
