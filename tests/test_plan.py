"""core/plan.py: a report's top fixes -> a 3-week plan (doses grow, cue minutes grow, what to
film again and when), the maintenance plan for a report without fixes, the refusal for a
refused clip, and the one-page printable HTML. Reports are real: the stored engine report
``tests/fixtures/report_v1.0.json`` (see tests/test_report_json.py), edited where a case needs
it."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from core.coaching import ADVICE
from core.plan import (MAINTENANCE, PlanError, cue_minutes, dose_for_week, make_plan,
                       plan_html)

FIXTURE = Path(__file__).parent / "fixtures" / "report_v1.0.json"


@pytest.fixture()
def report() -> dict:
    return json.loads(FIXTURE.read_text())


def test_top_fixes_become_three_weeks_with_growing_doses(report):
    fixes = report["findings"]["fixes"]
    plan = make_plan(report)
    assert not plan.maintenance and [f.title for f in plan.focuses] == [f["title"] for f in fixes]
    assert [f.cue for f in plan.focuses] == [f["cue"] for f in fixes]  # the report's own words
    assert [w.number for w in plan.weeks] == [1, 2, 3]
    for i, fx in enumerate(fixes):
        items = [w.items[i] for w in plan.weeks]
        assert {it.drill for it in items} == {fx["drill"]["name"]}
        sets = [it.sets for it in items]
        base = int(fx["drill"]["dose"].split()[0])
        assert sets == [base, base + 1, base + 2]  # one more set or round a week
        assert items[0].dose == fx["drill"]["dose"]
        assert items[2].dose.startswith(f"{base + 2} ")
    assert "1 min" in plan.weeks[0].items[0].cue and "9 min" in plan.weeks[2].items[0].cue
    assert plan.source == "sample_good_side.mp4"
    report["source"]["filename"] = None  # as a share link shows it (the file name withheld)
    assert make_plan(report).source == "" and "None" not in plan_html(make_plan(report))
    assert [r.day for r in plan.refilm] == [7, 21]
    assert "from the side" in plan.refilm[1].how and "Compare" in plan.refilm[1].how


def test_cue_minutes_grow_by_one_each_run():
    assert [cue_minutes(w) for w in (1, 2, 3)] == [(1, 3), (4, 6), (7, 9)]


@pytest.mark.parametrize("dose, week, new, expect", [
    ("3 x 3 min within an easy run, twice a week, for 3 weeks", 1, False,
     ("3 x 3 min within an easy run, twice a week", 3)),
    ("3 x 3 min within an easy run, twice a week, for 3 weeks", 3, False,
     ("5 x 3 min within an easy run, twice a week", 5)),
    ("5 rounds in your warm-up", 2, False, ("6 rounds in your warm-up", 6)),
    ("6 repeats in your warm-up", 1, True, ("5 repeats in your warm-up", 5)),
    ("2 x 10, daily", 1, True, ("1 x 10, daily", 1)),
    ("every 5 min during easy runs", 3, False, ("every 5 min during easy runs", None)),
])
def test_dose_for_week(dose, week, new, expect):
    assert dose_for_week(dose, week, new) == expect


def test_every_library_dose_reads_well_in_every_week():
    for key, advice in ADVICE.items():
        for w in (1, 2, 3):
            text, n = dose_for_week(advice.dose, w)
            assert text and "for 3 weeks" not in text, key
            assert n is None or text.startswith(str(n)), key


def test_a_new_runner_starts_one_set_lower_and_is_told_why(report):
    report = copy.deepcopy(report)
    report["version"] = "1.1"
    report["options"]["length_unit"] = "cm"
    report["findings"]["more_fixes"] = []
    report["profile"] = {"speed_mps": 1000 / 330, "speed_given": "min/km", "sex": None,
                         "experience": "new"}
    plan = make_plan(report)
    base = int(report["findings"]["fixes"][0]["drill"]["dose"].split()[0])
    assert [w.items[0].sets for w in plan.weeks] == [base - 1, base, base + 1]
    assert any("new to running" in n for n in plan.notes)
    assert "5:30 min/km" in plan.speed and "5:30 min/km" in plan.refilm[1].how


def test_a_report_without_fixes_gets_a_maintenance_plan(report):
    report = copy.deepcopy(report)
    report["findings"]["fixes"] = []
    plan = make_plan(report)
    assert plan.maintenance and "Nothing to fix" in plan.headline
    assert [f.key for f in plan.focuses] == list(MAINTENANCE)
    assert [f.drill for f in plan.focuses] == [ADVICE[k].drill_name for k in MAINTENANCE]
    sets = [w.items[0].sets for w in plan.weeks]
    assert sets == sorted(sets) and sets[0] < sets[2]
    assert plan.refilm[-1].day == 21


def test_front_and_back_fixes_are_filmed_from_behind(report):
    report = copy.deepcopy(report)
    fx = report["findings"]["fixes"]
    fx[:] = fx[:1]
    fx[0]["metrics"] = ["step_width"]
    assert "from behind" in make_plan(report).refilm[1].how


def test_a_refused_report_has_no_plan_and_says_why(report):
    report = copy.deepcopy(report)
    report["status"] = "refused"
    report["quality"]["summary"] = "the runner is walking"
    with pytest.raises(PlanError, match="the runner is walking"):
        make_plan(report)


def test_plan_html_is_one_printable_page_with_everything_escaped(report):
    report = copy.deepcopy(report)
    report["findings"]["fixes"][0]["title"] = "<script>alert(1)</script>"
    page = plan_html(make_plan(report))
    assert page.startswith("<!doctype html>") and page.count("<html") == 1
    assert "@media print" in page and "@page{size:A4" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<tr>") == 4  # header + 3 weeks
    for word in ("Week 1", "Week 3", "Day 21", "Cue:", "training aid"):
        assert word in page
    assert "Your 3-week form plan" in page and "From your report of" in page
    shared = plan_html(make_plan(report), shared=True)  # a share-link viewer's copy
    assert "A 3-week form plan from this report" in shared and "From the report of" in shared
    assert "Your 3-week" not in shared and "your report" not in shared
    # whom the cues speak to, and whose focus it is (review, 3 Dec)
    assert "What the runner works on" in shared and "What you work on" not in shared
    assert "speak to the runner" in shared and "speak to the runner" not in page
    assert "What you work on" in page


def test_the_report_day_reads_like_every_other_date(report):
    # "1 Dec 2026" as on the report and History pages, not the ISO "2026-12-01" (which the
    # page's typography turned into "2026–12–01")
    from core.plan import day_text
    from ui.format import when

    report = copy.deepcopy(report)
    report["created"] = "2026-12-01T05:14:00+00:00"
    plan = make_plan(report)
    assert day_text(plan.created) == "1 Dec 2026" and when(report["created"]).startswith("1 Dec 2026")
    assert "From your report of 1 Dec 2026" in plan_html(plan)
    assert day_text("") == "" and day_text("not a date") == "not a date"


@pytest.mark.parametrize("clip_views, where", [(("side", "back"), "from the side and from behind"),
                                               (("side", "front"), "from the side and from in front")])
def test_a_session_is_filmed_again_from_every_side_it_was_filmed_from(report, clip_views, where):
    """A side + back session's plan said "Film from the side" at day 21 (fresh-eyes review):
    that re-film would be a side-only report, compared against a session."""
    r = copy.deepcopy(report)
    r["session"] = {"clips": [{"key": f"c{i + 1}", "view": v} for i, v in enumerate(clip_views)]}
    plan = make_plan(r)
    assert where in plan.refilm[-1].how
    assert plan.headline.startswith("Three weeks on the top")  # not "your": shares read it too


def test_an_unsure_fix_is_checked_before_three_weeks_go_into_it(report):
    """A fix read with low confidence, or near the line of a milder verdict, says to check it
    on the day-7 film first; a fix the report is sure of does not (fresh-eyes review)."""
    plan = make_plan(report)
    assert not any(f.check for f in plan.focuses)
    assert "Look first" not in plan.refilm[0].how
    fixes = report["findings"]["fixes"]
    fixes[0]["confidence"] = "low"
    rated = [m for m in report["metrics"]
             if m["id"] in fixes[2]["metrics"] and m["status"] in ("watch", "fix")]
    assert rated
    for m in rated:  # every measure of the fix that is rated, near the line
        m["near_line"] = {"edge": 38.0, "error": 9.0, "milder": "good"}
    plan = make_plan(report)
    low, sure, near = plan.focuses
    assert low.check.startswith("Read with low confidence from this clip, so check it first on "
                                "the day-7 film")
    assert sure.check == ""
    assert near.check.startswith("Near the line in this clip")
    assert (f"Look first for what the report was unsure of ({low.title.lower()}; "
            f"{near.title.lower()})") in plan.refilm[0].how
    page = plan_html(plan)
    assert page.count("<b>Check first.</b>") == 2
    # a session's plan speaks of its clips ("as this clip" over a side + back session: review)
    report["session"] = {"clips": [{"key": "c1", "view": "side"}, {"key": "c2", "view": "back"}]}
    plan = make_plan(report)
    assert plan.focuses[0].check.startswith("Read with low confidence from these clips, ")
    assert plan.focuses[2].check.startswith("Near the line in these clips")
    assert "as these clips" in plan.refilm[-1].how and "this clip" not in plan_html(plan)
    report["status"] = "refused"
    with pytest.raises(PlanError, match="^These clips were not analysed"):
        make_plan(report)


def test_the_week_list_names_the_cue_in_its_first_week(report):
    plan = make_plan(report)
    cue = report["findings"]["fixes"][0]["cue"].rstrip(".")
    assert plan.weeks[0].items[0].cue == f"Cue ({cue}): 1 min on your first run this week, 3 min by the last."
    assert plan.weeks[1].items[0].cue == "Cue: 4 min on your first run this week, 6 min by the last."
    assert not any("taking turns" in n for n in plan.notes)


def test_the_measure_that_gives_the_verdict_decides_the_check(report):
    """"Stay taller": knee at landing "worth a look" (not near a line) and midstance knee
    "work on it" near the line: the fix is "work on it" only by the doubtful measure, so it
    is checked first (fresh-eyes review)."""
    fx = report["findings"]["fixes"][2]
    fx["severity"], fx["metrics"] = "fix", ["knee_flexion_ic", "knee_flexion_mid"]
    by_id = {m["id"]: m for m in report["metrics"]}
    by_id["knee_flexion_ic"]["status"] = "watch"
    by_id["knee_flexion_ic"].pop("near_line", None)
    by_id["knee_flexion_mid"]["status"] = "fix"
    by_id["knee_flexion_mid"]["near_line"] = {"edge": 58.0, "error": 9.0, "milder": "watch"}
    assert make_plan(report).focuses[2].check.startswith("Near the line in this clip")
    # near "worth a look" only: not "or fine" (63 deg, good to 50: review, 3 Dec)
    assert "(it may be only worth a look), so check it" in make_plan(report).focuses[2].check
    by_id["knee_flexion_mid"]["status"] = "watch"  # a "worth a look" near the good line
    by_id["knee_flexion_mid"]["near_line"] = {"edge": 50.0, "error": 9.0, "milder": "good"}
    fx["severity"], fx["metrics"] = "watch", ["knee_flexion_mid"]
    assert "(it may be fine), so check it" in make_plan(report).focuses[2].check
    by_id["knee_flexion_mid"]["status"] = "fix"
    by_id["knee_flexion_mid"]["near_line"] = {"edge": 58.0, "error": 9.0, "milder": "watch"}
    fx["severity"], fx["metrics"] = "fix", ["knee_flexion_ic", "knee_flexion_mid"]
    by_id["knee_flexion_mid"].pop("near_line")
    assert make_plan(report).focuses[2].check == ""


def test_two_fixes_on_the_same_metronome_beat_are_one_set_of_runs(report):
    """"Land closer under your hips" (metronome run, +5 %) and "Run forward, not up"
    (quick-step running, +5 %) were scheduled as separate work at the same 177 beats per
    minute (review, 2 Dec): the second is done within the first's runs, its cue kept."""
    report = copy.deepcopy(report)
    fixes = report["findings"]["fixes"]
    over = ADVICE["overstriding"]
    fixes.insert(0, {**fixes[0], "id": "overstriding", "title": over.title, "cue": over.cue,
                     "drill": over.drill(169.0, cadence_good=True), "metrics": ["overstride"]})
    del fixes[3:]
    assert ADVICE["overstriding"].beats == ADVICE["bounce"].beats
    plan = make_plan(report)
    for week in plan.weeks:
        first, second, third = week.items
        assert first.sets and third.sets and second.sets is None
        assert second.dose.startswith("no extra sets: the metronome run above")
        assert second.cue  # the cue still practised
    assert "not a new cadence to keep" in fixes[0]["drill"]["how"]
    assert "not a new cadence" not in over.drill(150.0)["how"]
