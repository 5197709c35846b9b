"""The overall card names the judged measures this clip could not give (they are not in the
scores): a dimmer copy of a clip scored 84 against 72 with its elbow angle ("work on this")
not measured, and only its area card said so (review, 3 Dec). The stored engine report
tests/fixtures/report_v1.0.json, no pose model run."""
from __future__ import annotations

from test_app_plan import save_fixture

REPORT = "pages/report.py"


def _lost_caption(at) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Not measured from this clip")]


def test_the_overall_card_names_a_measure_left_out_of_the_scores(app, store, tmp_path):
    def no_elbow(r):
        r["metrics"] = [m for m in r["metrics"] if m["id"] != "elbow_angle"]
        r["not_measured"].append({
            "id": "elbow_angle", "label": "Elbow angle", "area": "shoulders",
            "reason": "The camera is about 23° off square to the running direction: ..."})
    saved = save_fixture(store, tmp_path / "m", no_elbow)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _lost_caption(at) == ["Not measured from this clip, so not in the scores: elbow "
                                 "angle (the area cards say why)."]
    # a side view's front-view measures are not "lost": the fixture as stored names none
    whole = save_fixture(store, tmp_path / "w")
    at = app(REPORT, fc_current=whole.id, fc_owned={whole.id: whole.delete_key}).run()
    assert not at.exception and _lost_caption(at) == []
