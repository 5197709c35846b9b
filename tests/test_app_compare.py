"""Compare page (pages/compare.py) in AppTest: a pair picked on History keeps its address
(/compare?ids=<id>,<id>), so a reload or bookmark reopens it in the owner's browser; another
browser, or a malformed address, reads "not found" without a traceback. The reports are the
stored engine report tests/fixtures/report_v1.0.json (no pose model run)."""
from __future__ import annotations

import pytest

from test_app_plan import save_fixture
from ui.text import NOT_HERE_PAIR

COMPARE = "pages/compare.py"


@pytest.fixture()
def pair(store, tmp_path):
    return [save_fixture(store, tmp_path / f"media{i}") for i in (1, 2)]


def _owned(pair):
    return {s.id: s.delete_key for s in pair}


def test_a_picked_pair_keeps_its_address_and_reopens_from_it(app, pair, store):
    at = app(COMPARE, fc_compare=[s.id for s in pair], fc_owned=_owned(pair)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Compare" and at.table
    table = at.table[0].value
    assert list(table.columns) == ["Measure", "Verdict", "Before", "After (change)", "Why"]
    assert not (table == "-").any().any()  # a lone "-" would show as a list bullet
    cad = table[table["Measure"] == "Cadence"].iloc[0]
    # the value with its report's own verdict (test_compare: the table says each report's)
    assert "(+0) \u00b7 " in cad["After (change)"] and cad["Verdict"] == "same"
    # the owner sees which clips (a shared comparison has no file names: test_compare_share)
    names = [store.get(s.id, s.delete_key).report["source"]["filename"] for s in pair]
    captions = " ".join(c.value for c in at.caption).replace("\\_", "_")  # Markdown-escaped
    assert all(n and f"({n})" in captions for n in names), (names, captions)
    # which picture is which, above each (both pictures' own headings read "You": review)
    heads = [m.value for m in at.markdown if m.value.startswith(("**Before** · ", "**After** · "))]
    assert [h.split(" · ")[0] for h in heads] == ["**Before**", "**After**"], heads
    ids = at.query_params["ids"]
    ids = ids[0] if isinstance(ids, list) else ids
    assert sorted(ids.split(",")) == sorted(s.id for s in pair)
    # a reload: the page's state is gone, the address and this browser's proofs are not
    again = app(COMPARE, query={"ids": ids}, fc_owned=_owned(pair)).run()
    assert not again.exception and again.table
    assert not any("Pick two sessions" in i.value for i in again.info)


@pytest.mark.parametrize("query", ["other-browser", "x,y", ",", "a,b,c"])
def test_an_address_this_browser_cannot_open_is_not_found(app, pair, query):
    ids = ",".join(s.id for s in pair) if query == "other-browser" else query
    at = app(COMPARE, query={"ids": ids}).run()  # no proofs: another browser
    assert not at.exception
    assert not at.table
    # the owner's address opened elsewhere: said why, the same whether or not the reports exist
    # (deleted first: the runner's own deleted report read as another browser's: review,
    # 3 Dec), with the way on, but not "Pick two sessions" stacked under it
    assert [w.value for w in at.warning] == ([] if query == "," else [NOT_HERE_PAIR])
    assert any("Pick two sessions" in i.value for i in at.info) == (query == ",")
    assert at.get("page_link")


def test_a_comparison_link_that_no_longer_opens_says_so(app, pair):
    """It said "This report could not be found" and left the visitor at a dead end (review,
    s20): a comparison's own words, and a way on."""
    at = app(COMPARE, query={"c": "x" * 32}).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "This comparison could not be found. The link may be incomplete, or the runner "
        "stopped sharing, made a new link for or deleted one of its reports."]
    assert [e.proto.label for e in at.get("page_link")] == ["Check your own running form"]


def test_score_changes_under_a_doubting_note_are_grey(app, store, tmp_path):
    """Big green "+16" tiles sat right under "part of a change can come from the filming"
    (review, 3 Dec): under such a note the score changes are drawn grey, and said why."""
    def better(r):
        f = r["findings"]
        f["overall_score"] = min(100, f["overall_score"] + 12)
        for a in f["areas"]:
            a["score"] = min(100, a["score"] + 12)
    pair = [save_fixture(store, tmp_path / "m1"), save_fixture(store, tmp_path / "m2", better)]
    at = app(COMPARE, fc_compare=[s.id for s in pair], fc_owned=_owned(pair)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.warning  # the same clip in both: a doubting note
    moved = [m for m in at.metric if m.delta]
    assert moved and all("color: GRAY" in str(m.proto) for m in moved), [str(m.proto) for m in moved]
    assert any("Score changes in grey" in c.value for c in at.caption)


def test_a_shared_comparison_says_whom_its_labels_speak_to(app, pair, store):
    """Both stills say "You" to a stranger: the page says so, as a shared report does."""
    from core.compare_share import share_comparison
    from core.store import Proof

    token = share_comparison(store, pair[0].id, pair[1].id, Proof(delete_key=pair[0].delete_key),
                             Proof(delete_key=pair[1].delete_key))
    at = app(COMPARE, query={"c": token}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Shared running-form comparison" and at.table
    assert any("speak to the runner" in c.value for c in at.caption)


def test_the_comparison_link_shows_again_and_stops(app, pair, store):
    """Coming back to a shared comparison offered only "Create comparison link" and each press
    made another working link (review, 3 Dec): the link shows again with "Stop sharing this
    comparison", which ends it and says so; the reports' own links stay."""
    from core.compare_share import open_comparison

    state = dict(fc_compare=[s.id for s in pair], fc_owned=_owned(pair))
    at = app(COMPARE, **state).run()
    assert "Create comparison link" in [b.label for b in at.button]
    next(b for b in at.button if b.label == "Create comparison link").click()
    at.run()
    assert not at.exception
    links = [c.value for c in at.code if "?c=" in c.value]
    assert len(links) == 1
    token = links[0].rsplit("?c=", 1)[1]
    # reopened (a new session of the same browser): the same link, not a new button
    again = app(COMPARE, **state).run()
    assert [c.value for c in again.code if "?c=" in c.value] == links
    assert "Create comparison link" not in [b.label for b in again.button]
    next(b for b in again.button if b.label == "Stop sharing this comparison").click()
    again.run()
    assert not again.exception and open_comparison(store, token) is None
    assert not [c.value for c in again.code if "?c=" in c.value]
    assert any("Comparison link stopped" in s.value for s in again.success)
    assert "Create comparison link" in [b.label for b in again.button]
    assert all(store.get(s.id, s.delete_key).share is not None for s in pair)
