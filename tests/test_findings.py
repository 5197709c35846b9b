"""Findings: every measure judged outside its good band leads to a fix with its advice.

A report that rates a measure "work on it" and then says nothing needs fixing contradicts
itself, so each range metric of the contract is pushed past each edge of its good band (all
others good) and must appear in one of the fixes.
"""
from __future__ import annotations

import pytest

from core.coaching import ADVICE
from core.findings import build_findings, capped_note
from core.report import MetricResult
from core.spec import METRICS


def _result(spec, value: float) -> MetricResult:
    return MetricResult(id=spec.id, label=spec.label, area=spec.area, unit=spec.unit,
                        value=value, display=f"{value:g}", status=spec.status(value),
                        confidence="medium", caveat="", band_good=spec.good,
                        band_fix=spec.fix, evidence_frames=[7])


def _good_value(spec) -> float:
    lo, hi = spec.good_lo, spec.good_hi
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return lo + 1 if lo is not None else (hi - 1 if hi is not None else 0.0)


def _outside(spec) -> list[tuple[str, float]]:
    out = []
    if spec.good_lo is not None:
        edge = spec.fix_below if spec.fix_below is not None else spec.good_lo
        out.append(("below", edge - 5))
    if spec.good_hi is not None:
        edge = spec.fix_above if spec.fix_above is not None else spec.good_hi
        out.append(("above", edge + 5))
    return out


CASES = [pytest.param(spec, value, id=f"{spec.id}-{side}")
         for spec in METRICS if spec.kind == "range" for side, value in _outside(spec)]


@pytest.mark.parametrize("spec, value", CASES)
def test_every_judged_measure_outside_its_band_becomes_a_fix(spec, value):
    metrics = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range"]
    metrics = [m for m in metrics if m.id != spec.id] + [_result(spec, value)]
    assert metrics[-1].status in ("watch", "fix")
    findings = build_findings(metrics)
    fix = next((f for f in findings.fixes if spec.id in f.metrics), None)
    assert fix is not None, f"{spec.id}={value} ({metrics[-1].status}) gives no fix"
    assert fix.id in ADVICE and fix.cue and fix.drill["dose"]
    assert fix.severity == metrics[-1].status


def test_all_good_gives_no_fix():
    metrics = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range"]
    assert all(m.status == "good" for m in metrics)
    assert build_findings(metrics).fixes == []


def test_deep_knee_bend_and_a_reaching_shin_get_their_own_advice():
    by = {s.id: s for s in METRICS}
    metrics = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range"
               and s.id not in ("knee_flexion_mid", "shank_angle_ic")]
    metrics += [_result(by["knee_flexion_mid"], 63.0), _result(by["shank_angle_ic"], 12.0)]
    ids = {f.id: f.metrics for f in build_findings(metrics).fixes}
    assert ids.get("deep_knee") == ["knee_flexion_mid"]
    assert ids.get("overstriding") == ["shank_angle_ic"]


def test_advice_is_written_in_our_own_words():
    """No run of eight words from the coaching source material is copied into the advice."""
    import re
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("coaching seeds not found")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    runs = set()
    for f in seeds.glob("*.txt"):
        w = words(f.read_text(encoding="utf-8", errors="ignore"))
        runs.update(tuple(w[i:i + 8]) for i in range(len(w) - 7))
    for key, adv in ADVICE.items():
        w = words(" ".join([adv.title, adv.why, adv.cue, adv.drill_name, adv.drill_how, adv.dose]))
        copied = [" ".join(w[i:i + 8]) for i in range(len(w) - 7) if tuple(w[i:i + 8]) in runs]
        assert not copied, (key, copied)


def test_advice_keys_come_from_the_registry():
    """Each metric declares its advice (core.metrics: Metric.advice): every judged metric
    has some, every key it names exists, and no advice is unreachable."""
    from core.coaching import STRENGTHS
    from core.metrics import REGISTRY

    used = {key for m in REGISTRY for key in m.advice.values()}
    assert used == set(ADVICE)
    for m in REGISTRY:
        assert bool(m.advice) == (m.spec.kind != "info"), m.id
    assert set(STRENGTHS) <= {m.id for m in REGISTRY}


def test_a_strength_reads_in_the_third_person_for_a_share_links_reader():
    """Every strength has a reader's sentence with no "you"/"your" in it; a sentence an older
    version stored that this one does not know is shown as stored."""
    import re

    from core.coaching import STRENGTHS, STRENGTHS_THIRD_PERSON, strength_for_reader

    assert set(STRENGTHS_THIRD_PERSON) == set(STRENGTHS)
    for mid, sentence in STRENGTHS.items():
        said = strength_for_reader(sentence)
        assert said == STRENGTHS_THIRD_PERSON[mid] and said != sentence, mid
        assert not re.search(r"\byou", said, re.I), said
    assert strength_for_reader("Your stride is long.") == "Your stride is long."


def test_a_low_cadence_joins_a_reaching_foot_and_stands_alone_without_one():
    by = {s.id: s for s in METRICS}
    base = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range"
            and s.id not in ("cadence", "overstride")]
    alone = build_findings(base + [_result(by["cadence"], 150.0),
                                   _result(by["overstride"], 4.0)])
    assert [(f.id, f.metrics) for f in alone.fixes] == [("low_cadence", ["cadence"])]
    both = build_findings(base + [_result(by["cadence"], 150.0),
                                  _result(by["overstride"], 20.0)])
    assert [(f.id, f.metrics) for f in both.fixes] == [("overstriding", ["overstride", "cadence"])]


def test_a_work_on_it_measure_is_never_under_a_good_headline():
    """A 35 % overstride read with low confidence counts x0.4 in the feet's score, so beside
    good measures the score stays over 80; the area and the overall are still not called
    "good" (the report once headed "Feet 82 Good" above a red "Work on this"): at most
    "worth a look". Without the fix the same score is good."""
    by = {s.id: s for s in METRICS}
    feet = [s for s in METRICS if s.area == "feet" and s.kind == "range" and s.weight > 0]
    good = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range" and s.weight > 0]
    over = _result(by["overstride"], 35.0)
    over.confidence = "low"
    assert over.status == "fix" and len(feet) > 4
    ms = [over if m.id == "overstride" else m for m in good]
    f = build_findings(ms)
    area = {a.area: a for a in f.areas}["feet"]
    assert area.score >= 80 and area.status == "watch"
    assert f.overall_score >= 80 and f.overall_status == "watch"
    assert f.fixes[0].metrics[0] == "overstride" and f.fixes[0].severity == "fix"
    # said under the verdict, so a high score over "worth a look" is no puzzle
    assert capped_note(area.score, area.status, 1) == (
        'Not called good while 1 measure is rated "work on this".')
    assert capped_note(f.overall_score, f.overall_status, 2).startswith(
        "Not called good while 2 measures are")
    assert capped_note(70, "watch", 1) is None and capped_note(90, "good", 0) is None
    clean = build_findings(good)
    assert {a.area: a for a in clean.areas}["feet"].status == "good"
    assert clean.overall_status == "good"
    # one judged measure in an area: the card's sentence reads as English
    one = build_findings([_result(by["cadence"], 175.0)])
    assert {a.area: a for a in one.areas}["feet"].summary == "The 1 judged measure is in the good range."


def test_the_page_says_how_the_fixes_are_ordered_when_a_milder_one_comes_first():
    """Fixes are ordered by weighted severity: a "worth a look" can come before a "work on
    this" read with low confidence or near its line; the page then says how it is ordered."""
    from ui.report_view import fixes_out_of_status_order

    assert fixes_out_of_status_order([{"severity": "watch"}, {"severity": "fix"}])
    assert fixes_out_of_status_order([{"severity": "fix"}, {"severity": "watch"},
                                      {"severity": "fix"}])
    assert not fixes_out_of_status_order([{"severity": "fix"}, {"severity": "watch"}])
    assert not fixes_out_of_status_order([{"severity": "watch"}, {"severity": "watch"}])


def test_a_low_confidence_problem_near_its_line_is_only_one_to_check():
    """Hip extension read 0 deg (work on it below 5, reading error 7) with low confidence on
    a panning render whose truth is 8.5 deg: the clip cannot tell it from "worth a look", so
    it is not a top fix (it led a good runner's report, with a 3-week plan: review, 2 Dec).
    It stays in more_fixes with its advice; the same reading with medium confidence, or low
    confidence clear of the line, is a top fix."""
    from core.findings import tentative

    by = {s.id: s for s in METRICS}
    good = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range" and s.weight > 0]

    def hip(value: float, conf: str) -> MetricResult:
        m = _result(by["hip_extension"], value)
        m.confidence = conf
        near = by["hip_extension"].near_line(value, 7.0)
        m.near_line = near.__dict__ if near else None
        return m

    unsure = hip(0.0, "low")
    assert unsure.status == "fix" and unsure.near_line and tentative([unsure])
    f = build_findings([unsure if m.id == "hip_extension" else m for m in good])
    assert f.fixes == []
    assert [x.metrics for x in f.more_fixes] == [["hip_extension"]]
    assert f.overall_status == "watch"  # still not called good over a "work on it"
    for firm in (hip(0.0, "medium"), hip(-14.0, "low")):  # sure of it, or clear of the line
        assert not tentative([firm])
        f = build_findings([firm if m.id == "hip_extension" else m for m in good])
        assert [x.metrics for x in f.fixes] == [["hip_extension"]]
    # beside a firm problem the tentative one comes after it, in more_fixes
    over = _result(by["overstride"], 20.0)
    f = build_findings([unsure if m.id == "hip_extension" else over if m.id == "overstride"
                        else m for m in good])
    assert [x.metrics[0] for x in f.fixes] == ["overstride"]
    assert ["hip_extension"] in [x.metrics for x in f.more_fixes]


def test_a_30fps_long_contact_near_both_lines_is_only_one_to_check():
    """At 30 fps a frame is 33 ms: a contact time of 316 ms (work on it above 300, reading
    error 20) for a true 279 and a duty factor of 41 % (watch above 40, reading error 3,
    bench/robustness.md) for a true 38 are both low confidence and near their line, so
    "spend less time on the ground" is one to check, not a top fix (review of 2 Dec: it was
    firm while the duty factor had no reading error). With the duty factor clear of its
    line (45 %) the fix stands."""
    from core.findings import tentative
    from core.metrics import REGISTRY

    reg = {m.id: m for m in REGISTRY}
    by = {s.id: s for s in METRICS}
    good = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range" and s.weight > 0]

    def read(mid: str, value: float) -> MetricResult:
        m = _result(by[mid], value)
        m.confidence = "low"
        m.near_line = reg[mid].near_line(value, 30.0)
        return m

    ct, df = read("contact_time", 316.0), read("duty_factor", 41.0)
    assert ct.near_line and df.near_line and tentative([ct, df])
    f = build_findings([ct if m.id == "contact_time" else df if m.id == "duty_factor" else m
                        for m in good])
    assert "long_contact" not in [x.id for x in f.fixes]
    assert "long_contact" in [x.id for x in f.more_fixes]
    firm = read("duty_factor", 45.0)
    assert not firm.near_line and not tentative([ct, firm])
    f = build_findings([ct if m.id == "contact_time" else firm if m.id == "duty_factor" else m
                        for m in good])
    assert "long_contact" in [x.id for x in f.fixes]


def test_a_fix_card_shows_the_still_of_the_measure_that_made_it_a_fix():
    """"Stay taller over the landing leg" was a fix from its midstance knee (67 deg, work on
    it) while its card showed the landing knee's still marked [watch] (live review, 2 Dec):
    the still is the worst-status measure's with one, the first on a tie."""
    from types import SimpleNamespace

    from core.findings import evidence_metric

    fx = SimpleNamespace(metrics=["knee_flexion_ic", "knee_flexion_mid"])
    status = {"knee_flexion_ic": "watch", "knee_flexion_mid": "fix"}
    assert evidence_metric(fx, status, {"knee_flexion_ic", "knee_flexion_mid"}) == "knee_flexion_mid"
    assert evidence_metric(fx, status, {"knee_flexion_ic"}) == "knee_flexion_ic"  # the one with a still
    assert evidence_metric(fx, {"knee_flexion_ic": "fix", "knee_flexion_mid": "fix"},
                           {"knee_flexion_ic", "knee_flexion_mid"}) == "knee_flexion_ic"
    assert evidence_metric(fx, status, set()) is None


def test_a_clear_worth_a_look_comes_before_a_low_confidence_work_on_this():
    """The report says its fixes come "in order of how clear and how large each problem is: a
    'work on this' read with low confidence, or near its line, comes after a clearer 'worth a
    look'". A low-confidence overstride led the fixes above a high-confidence trunk lean
    (review, 2 Dec); the order now keeps that promise. A composite is as clear as its
    firmest part: beside a low cadence read with medium confidence (30 fps overstrider) the
    same overstride leads, and its card's confidence is the cadence's."""
    from core.findings import unclear

    by = {s.id: s for s in METRICS}
    good = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range" and s.weight > 0]
    over, cad, lean = (_result(by["overstride"], 35.0), _result(by["cadence"], 150.0),
                       _result(by["trunk_lean"], 2.0))
    over.confidence, lean.confidence = "low", "high"
    assert (over.status, cad.status, lean.status) == ("fix", "fix", "watch")
    alone = {"overstride": over, "trunk_lean": lean}
    f = build_findings([alone.get(m.id, m) for m in good])
    assert [x.id for x in f.fixes][:2] == ["too_upright", "overstriding"], [x.id for x in f.fixes]
    assert f.fixes[1].confidence == "low" and unclear([over]) and not unclear([lean])
    both = {"overstride": over, "cadence": cad, "trunk_lean": lean}
    f = build_findings([both.get(m.id, m) for m in good])
    assert [x.id for x in f.fixes][:2] == ["overstriding", "too_upright"]
    assert f.fixes[0].metrics[:2] == ["overstride", "cadence"] and not unclear([over, cad])
    assert f.fixes[0].confidence == "medium"
    cad.confidence = "low"  # every part shaky: after the lean again
    f = build_findings([both.get(m.id, m) for m in good])
    assert [x.id for x in f.fixes][:2] == ["too_upright", "overstriding"]


def test_an_area_is_never_milder_than_its_own_top_fix():
    """"Hips 90/100 Good" headed the hips while their trunk lean (0 deg, worth a look, high
    confidence) was top fix #2 (review, 2 Dec). The area's word follows its top fix: worth
    a look with it, work on this with a clear work-on-this fix, at most worth a look with an
    unclear one (low confidence); its score is unchanged, and the card's note says which
    fix made the word. The overall is not called good above a top fix either."""
    by = {s.id: s for s in METRICS}
    good = [_result(s, _good_value(s)) for s in METRICS if s.kind == "range" and s.weight > 0]

    def run(mid: str, value: float, conf: str):
        m = _result(by[mid], value)
        m.confidence = conf
        f = build_findings([m if x.id == mid else x for x in good])
        return f, {a.area: a for a in f.areas}[by[mid].area]

    f, hips = run("trunk_lean", 0.0, "high")
    assert [x.id for x in f.fixes] == ["too_upright"] and f.fixes[0].severity == "watch"
    assert hips.score >= 80 and hips.status == "watch"
    assert capped_note(hips.score, hips.status, 0, [1]) == (
        'Called "worth a look" as top fix 1 below is in this area.')
    assert f.overall_score >= 80 and f.overall_status == "watch"
    assert capped_note(f.overall_score, f.overall_status, 0, [1], area=False) == (
        "Not called good while there is a top fix below.")
    f, feet = run("overstride", 35.0, "high")  # clear "work on this"
    assert f.fixes[0].severity == "fix" and feet.status == "fix" and feet.score >= 60
    assert capped_note(feet.score, feet.status, 1, [1]).startswith('Called "work on this"')
    f, feet = run("overstride", 35.0, "low")  # the same reading, unclear
    assert f.fixes[0].severity == "fix" and feet.status == "watch"
    # an old report (area word from its score) still reads as before
    assert capped_note(90, "good", 0, [1]) is None


def test_an_area_held_under_an_unclear_red_fix_says_so():
    """An area card read "Worth a look" above its own top fix "work on this" (read with low
    confidence) with nothing said, or said only that the fix is in it (review, 2 Dec): the
    note says the fix's "work on this" was read with low confidence or near its line. A fix
    whose every rated measure is near its line is marked so on its card (fix_near_line)."""
    from core.findings import fix_near_line

    assert capped_note(67, "watch", 1, [3], held=[3]) == (
        'Called "worth a look" for top fix 3 below: its "work on this" was read with low '
        "confidence or near its line.")
    assert capped_note(92, "watch", 0, [2, 3], held=[2, 3]).startswith(
        'Called "worth a look" for top fixes 2 and 3 below: their')
    assert capped_note(67, "watch", 1, [3]) is None  # nothing held, the score's own word
    # which of the two it was (UX review, 4 Dec): the rated measures' confidence and marks
    from core.findings import unclear_why

    edge = {"edge": 10.0, "error": 4.5, "milder": "watch"}
    low = {"status": "fix", "confidence": "low", "near_line": None}
    close = {"status": "fix", "confidence": "medium", "near_line": edge}
    both = {"status": "fix", "confidence": "low", "near_line": edge}
    assert unclear_why([low]) == "was read with low confidence"
    assert unclear_why([close]) == "is near its line"
    assert unclear_why([both]) == "was read with low confidence and near its line"
    assert unclear_why([low, close]) == "was read with low confidence or near its line"
    assert capped_note(66, "watch", 1, [1], held=[1], held_why=unclear_why([low])) == (
        'Called "worth a look" for top fix 1 below: its "work on this" was read with low '
        "confidence.")
    near = {"edge": 10.1, "error": 2.8, "milder": "watch"}
    ms = {"vertical_oscillation": {"status": "watch", "near_line": {"edge": 12, "error": 2.5,
                                                                    "milder": "good"}},
          "vertical_ratio": {"status": "fix", "near_line": near}}
    fx = {"severity": "fix", "metrics": ["vertical_oscillation", "vertical_ratio"]}
    assert fix_near_line(fx, ms)
    ms["vertical_ratio"]["near_line"] = None
    assert not fix_near_line(fx, ms)


def test_a_worth_a_look_within_its_error_of_work_on_it_says_so():
    """The harsher side of the line (core.findings.harsher_line_note): trunk lean 0.4° is
    "worth a look" and within its 1.5° reading error of "work on it: < 0"; 2.6° is clear of
    it; a good or a "work on it" reading, a missing value and an unbenched metric say nothing."""
    from core.findings import harsher_line_note

    def lean(value, status="watch"):
        return {"id": "trunk_lean", "value": value, "status": status}

    note = harsher_line_note(lean(0.4), 60.0)
    assert note == ('Near the line: 0°, and "work on it" is under 0°. This measure reads '
                    "within 1.5° of the truth on 4 in 5 of our test videos, so it may be one "
                    "to work on.")
    assert "over 16°" in harsher_line_note(lean(15.2), 60.0)
    assert harsher_line_note(lean(2.6), 60.0) is None
    assert harsher_line_note(lean(8.0, "good"), 60.0) is None
    assert harsher_line_note(lean(-0.6, "fix"), 60.0) is None
    assert harsher_line_note(lean(None), 60.0) is None
    assert harsher_line_note(lean(float("nan")), 60.0) is None
    assert harsher_line_note({"id": "head_position", "value": 24.5, "status": "watch"},
                             60.0) is None


def test_a_worth_a_look_between_both_lines_says_both_in_one_sentence():
    """A knee bend of 51 deg in midstance (good 38-50, "work on it" over 58) at 30 fps is
    within its reading error of both lines: its fix card read "so it may be one to work on"
    at the top and "so this may be fine" under it, each "the line" another one (review,
    3 Dec). core.findings.line_note says both in one sentence; one line alone keeps its
    own sentence."""
    from core.findings import (harsher_line_note, harsher_line_of, line_note, near_line_note,
                               reading_error_of)
    from core.spec import BY_ID

    spec = BY_ID["knee_flexion_mid"]

    def knee(value):
        m = {"id": "knee_flexion_mid", "value": value, "status": spec.status(value)}
        near = spec.near_line(value, reading_error_of(m, 30.0))
        m["near_line"] = near and {"edge": near.edge, "error": near.error,
                                   "milder": near.milder}
        return m

    m = knee(51.0)
    err = harsher_line_of(m, 30.0)[1]
    assert m["status"] == "watch" and m["near_line"]["edge"] == 50.0
    note = line_note(m, 30.0)
    assert note == ('Between two lines: 51°, where the good range ends at 50° and "work on '
                    f'it" is over 58°. This measure reads within {err:g}° of the truth on 4 in '
                    "5 of our test videos, so this may be fine, or one to work on."), note
    assert line_note(m, 30.0, named=True).startswith(
        "Knee bend in midstance is between two lines: 51°")
    # one line only: each keeps its own sentence ("work on it" at 60: near "worth a look";
    # a trunk lean of 0.4: "worth a look" near "work on it" only)
    assert knee(60.0)["status"] == "fix" and knee(60.0)["near_line"]
    assert line_note(knee(60.0), 30.0) == near_line_note(knee(60.0)) is not None
    lean = {"id": "trunk_lean", "value": 0.4, "status": "watch", "near_line": None}
    assert line_note(lean, 60.0) == harsher_line_note(lean, 60.0) is not None
    assert line_note(knee(44.0), 30.0) is None
