"""Near the line: a watch or fix verdict within the metric's reading error of a milder one
(core.spec.MetricSpec.near_line, Metric.reading_error, Context.add, core.findings).

The status stays what the bands say (the number and its verdict never disagree); the result
carries ``near_line``, the fix ranking counts it half, and what was seen says so."""
import json
from pathlib import Path

import pytest

from model_track import PLANAR, build

from core.findings import NEAR_W, build_findings, near_line_note, near_line_of
from core.metrics import BY_ID as METRIC
from core.metrics import REGISTRY
from core.report import MetricResult, REPORT_VERSION, Report, load_report
from core.spec import BY_ID, TIMING_FPS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "report_v1.0.json"


@pytest.mark.parametrize("mid, value, error, want", [
    ("elbow_angle", 110.0, 8.0, (105.0, "good")),    # watch, 5 over the good range's end
    ("elbow_angle", 113.4, 8.0, (105.0, "good")),    # 7.9 from 105.5, where 105 shows
    ("elbow_angle", 113.6, 8.0, None),               # 8.1 from it
    ("elbow_angle", 123.0, 8.0, (120.0, "watch")),   # fix, 3 past the fix line
    ("elbow_angle", 130.0, 8.0, None),               # fix, clear of both lines
    ("elbow_angle", 95.0, 8.0, None),                # good: nothing to say
    ("elbow_angle", 70.0, 8.0, (75.0, "good")),      # below the good range
    ("overstride", 16.0, 3.5, (15.0, "watch")),      # fix, 1 past 15 (8 is 8 away)
    ("overstride", 11.0, 3.5, (8.0, "good")),
    ("overstride", 11.0, 2.0, None),                 # the same value, a smaller error
    ("trunk_lean", -1.0, 1.5, (0.0, "watch")),       # fix below 0, 6 under the good range
    ("trunk_lean", 4.0, 1.5, (5.0, "good")),
    ("trunk_lean", 13.0, 1.5, (12.0, "good")),
    ("cadence", 162.9, 1.5, None),                   # shows 163: 1.6 from 164.5, where 165 shows
    ("cadence", 163.4, 1.5, (165.0, "good")),        # shows 163 but 1.1 from showing 165
    ("cadence", 164.0, 1.5, (165.0, "good")),
    ("shank_angle_ic", 11.0, 5.0, (6.0, "good")),    # fix, 5 over the good range: may be fine
    ("elbow_angle", 110.0, None, None),              # no reading error: nothing said
    ("flight_time", 200.0, 10.0, None),              # info: not judged
    ("foot_strike", 20.0, 10.0, None),               # custom: judged by its own module
])
def test_near_line_against_the_bands_as_shown(mid, value, error, want):
    got = BY_ID[mid].near_line(value, error)
    if want is None:
        assert got is None
    else:
        assert got is not None and (got.edge, got.milder) == want and got.error == error
        assert BY_ID[mid].status(value) in ("watch", "fix")  # the verdict itself is kept


def test_reading_errors_are_declared_for_judged_metrics_only():
    declared = [m for m in REGISTRY if m.reading_error is not None]
    assert {m.id for m in declared} >= {"cadence", "overstride", "shank_angle_ic", "trunk_lean",
                                        "elbow_angle", "contact_time", "knee_flexion_mid",
                                        "hip_extension", "vertical_oscillation", "foot_strike"}
    for m in declared:
        assert m.spec.kind in ("range", "custom"), m.id
        if m.spec.kind == "custom":  # said on the card, but no band line to be near
            assert m.spec.near_line(1.0, 10.0) is None and m.spec.harsher_line(1.0, 10.0) is None
        lo, hi = m.reading_error
        assert lo > 0 and hi > 0, m.id
        assert m.error_at(TIMING_FPS - 1) == lo and m.error_at(TIMING_FPS) == hi


@pytest.mark.parametrize("elbow, status, near", [
    (90.0, "good", None), (111.0, "watch", (105.0, "good")), (140.0, "fix", None)])
def test_an_exact_track_carries_near_line_on_its_result(elbow, status, near):
    """Through the registry's Context.add at the model's 120 fps (reading error 8 deg)."""
    case = build(PLANAR.with_(elbow_angle_deg=elbow))
    m = case.metrics()["elbow_angle"]
    assert m.value == pytest.approx(elbow, abs=0.5) and m.status == status
    if near is None:
        assert m.near_line is None
    else:
        assert (m.near_line["edge"], m.near_line["milder"]) == near
        assert m.near_line["error"] == 8.0
        note = near_line_note(m)
        assert note.startswith("Near the line: 111°, and the good range ends at 105°.")
        assert "within 8° of the truth" in note and "may be fine" in note


def _result(mid: str, value: float, near: dict | None, confidence: str = "high") -> MetricResult:
    spec = BY_ID[mid]
    return MetricResult(id=mid, label=spec.label, area=spec.area, unit=spec.unit, value=value,
                        display=f"{spec.fmt(value)}", status=spec.status(value),
                        confidence=confidence, caveat="", band_good=spec.good,
                        band_fix=spec.fix, near_line=near)


def test_a_problem_near_its_line_ranks_after_a_clear_one():
    """Two single-metric problems of the same severity, weight and confidence in the same
    area: the one near its line counts half and comes second, with the note in what was
    seen; without the mark the order is the other way round (the registry's order)."""
    assert BY_ID["hip_extension"].weight == BY_ID["vertical_oscillation"].weight
    near = {"edge": 10.0, "error": 4.5, "milder": "good"}
    hip_near = _result("hip_extension", 8.0, near)
    bounce = _result("vertical_oscillation", 15.0, None)
    assert hip_near.status == bounce.status == "watch"
    plain = build_findings([_result("hip_extension", 8.0, None), bounce])
    assert [f.metrics for f in plain.fixes] == [["hip_extension"], ["vertical_oscillation"]]
    f = build_findings([hip_near, bounce])
    assert [fx.metrics for fx in f.fixes] == [["vertical_oscillation"], ["hip_extension"]]
    hip_fix = f.fixes[1]
    assert hip_fix.severity == "watch"  # the verdict is kept
    assert "Near the line: 8°, and the good range starts at 10°." in hip_fix.seen
    assert "within 4.5° of the truth" in hip_fix.seen
    assert "Near the line" not in f.fixes[0].seen
    assert 0 < NEAR_W < 1
    # the score is the verdict's: unchanged by the mark; the area card names the clear one
    assert [a.score for a in f.areas] == [a.score for a in plain.areas]
    hips = {a.area: a for a in f.areas}["hips"]
    assert {a.area: a for a in plain.areas}["hips"].top_metric == "hip_extension"
    assert hips.top_metric == "vertical_oscillation" and "vertical bounce most" in hips.summary


def test_the_near_line_mark_survives_the_report_and_older_reports_open_without_it():
    """A stored 1.0 report (tests/fixtures) migrates with ``near_line`` None on every metric
    and says nothing; a mark put on it survives the typed report's round trip."""
    old = load_report(json.loads(FIXTURE.read_text()))
    assert old["version"] == REPORT_VERSION
    assert old["metrics"] and all(m["near_line"] is None for m in old["metrics"])
    assert all(near_line_note(m) is None for m in old["metrics"])
    i = next(i for i, m in enumerate(old["metrics"]) if m["id"] == "cadence")
    old["metrics"][i]["near_line"] = {"edge": 165.0, "error": 1.5, "milder": "good"}
    back = Report.from_json(old).to_json()
    assert back["metrics"][i]["near_line"] == {"edge": 165.0, "error": 1.5, "milder": "good"}
    old["metrics"][i]["value"] = 164.2
    assert "may be fine" in near_line_note(old["metrics"][i])


@pytest.mark.parametrize("mid, value, fps, words", [
    ("knee_flexion_mid", 26.0, 60.0, ('Near the line: 26°, and "work on it" is under 30°. This '
                                      "measure reads within 9° of the truth", "only worth a look")),
    # at 30 fps 9.5°: 38 is in reach too; a "work on it" says its own line first, so its card
    # never reads "work on this ... may be fine"
    ("knee_flexion_mid", 29.0, 30.0, ('Near the line: 29°, and "work on it" is under 30° (the '
                                      "good range starts at 38°).", "within 9.5° of the truth",
                                      "may be only worth a look, or even fine.")),
    ("shank_angle_ic", 11.0, 30.0, ('Near the line: 11°, and "work on it" is over 10° (the good '
                                    "range ends at 6°).", "may be only worth a look, or even fine.")),
    ("elbow_angle", 122.0, 60.0, ('Near the line: 122°, and "work on it" is over 120°.',
                                  "within 8° of the truth", "only worth a look")),
    ("overstride", 10.0, 30.0, ("Near the line: 10 % of leg, and the good range ends at 8 % of "
                                "leg.", "within 5.5 % of leg of the truth", "may be fine")),
    ("trunk_lean", 4.0, 60.0, ("the good range starts at 5°", "within 1.5°", "may be fine")),
])
def test_the_sentence_says_which_side_of_the_line_and_the_error_at_the_frame_rate(
        mid, value, fps, words):
    near = METRIC[mid].near_line(value, fps)
    assert near is not None and near["error"] == METRIC[mid].error_at(fps)
    note = near_line_note({"id": mid, "value": value, "near_line": near})
    for w in words:
        assert w in note, (w, note)


@pytest.mark.parametrize("bad", [{"edge": None, "error": 8, "milder": "good"},
                                 {"edge": 105, "milder": "good"}, {"edge": 105, "error": 8,
                                                                   "milder": "maybe"},
                                 {"edge": float("nan"), "error": 8, "milder": "good"}, "junk"])
def test_a_malformed_stored_mark_says_nothing_and_counts_as_none(bad):
    m = {"id": "elbow_angle", "value": 110.0, "near_line": bad}
    assert near_line_of(m) is None and near_line_note(m) is None
    hip = _result("hip_extension", 8.0, bad)  # ranked as if unmarked
    bounce = _result("vertical_oscillation", 15.0, None)
    assert [f.metrics for f in build_findings([hip, bounce]).fixes][0] == ["hip_extension"]


def test_the_cli_summary_names_the_line():
    from core.summary import text_summary

    r = load_report(json.loads(FIXTURE.read_text()))
    cad = next(m for m in r["metrics"] if m["id"] == "cadence")
    cad.update(value=163.6, display="164 steps/min", status="watch",
               near_line=METRIC["cadence"].near_line(163.6, 30.0))
    line = next(ln for ln in text_summary(r).splitlines() if "Cadence" in ln)
    # which line it is, as the web card says it (a bare "near the line at 10" under a "fix"
    # whose own line is 5 read as a contradiction: fresh-eyes review)
    assert line.rstrip().endswith(
        "confidence, within its reading error of the good range's edge at 165]"), line
    cad.update(value=158.0, display="158 steps/min", status="fix",
               near_line=METRIC["cadence"].near_line(158.0, 30.0))
    line = next(ln for ln in text_summary(r).splitlines() if "Cadence" in ln)
    assert line.rstrip().endswith('of the "work on it" line at 160]'), line
    cad["near_line"] = {"edge": None}  # malformed: the line is left as it was
    line = next(ln for ln in text_summary(r).splitlines() if "Cadence" in ln)
    assert "reading error" not in line
    # the harsher side (core.findings.harsher_line_note): a "worth a look" trunk lean of 0°
    # beside "work on it: < 0", as the web card says it
    lean = next(m for m in r["metrics"] if m["id"] == "trunk_lean")
    lean.update(value=0.3, display="0°", status="watch", near_line=None)
    line = next(ln for ln in text_summary(r).splitlines() if "Trunk lean" in ln)
    assert line.rstrip().endswith('within its reading error of the "work on it" line at 0]'), line
    lean.update(value=3.0, display="3°")
    line = next(ln for ln in text_summary(r).splitlines() if "Trunk lean" in ln)
    assert "reading error" not in line


def test_the_cli_summary_gives_the_filming_notes_as_the_web_report_does():
    """The web report's "How to film it better next time" (a levelled 10 deg roll, 30 fps
    timing) was missing from the command line's output (fresh-eyes review)."""
    from core.summary import filming_notes, text_summary

    r = load_report(json.loads(FIXTURE.read_text()))
    tilt = {"id": "tilt", "label": "Camera tilt", "passed": False, "severity": "info",
            "detail": "The picture is tilted by about 10° (from the floor line); we levelled "
                      "it on the floor line before measuring.",
            "how_to_fix": "Level the phone before you film.", "value": 10.0}
    r["quality"]["checks"].append(tilt)
    notes = filming_notes(r["quality"])
    assert tilt in notes
    out = text_summary(r)
    assert "How to film it better next time" in out
    for c in notes:
        assert f"{c['label']}: {c['detail']}" in out and f"Tip: {c['how_to_fix']}" in out
