"""About you (optional) on the Analyze page (ui/profile.py): speed or pace, sex, experience
beside the height; friendly words for a bad entry; remembered when the runner leaves the page
and comes back; and part of the analysis key and the queued job's options (ui/analysis.py)."""
from __future__ import annotations

import pytest

from core.pipeline import AnalysisOptions
from ui import analysis
from ui.profile import parse_speed

ANALYZE = "pages/analyze.py"


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in [*at.caption, *at.warning]).replace("\\", "")


def _speed(at):
    return next(t for t in at.text_input if t.label == "Treadmill speed or pace")


def _radio(at, label):
    return next(r for r in at.radio if r.label == label)


def test_about_you_takes_a_pace_and_remembers_it(app, data_dir):
    at = app(ANALYZE).run()
    assert not at.exception
    assert [e.label for e in at.status][:2] == ["About you (optional)", "Options (optional)"]
    _radio(at, "Speed in").set_value("min/km").run()
    _speed(at).input("5:30").run()
    next(s for s in at.selectbox if s.label == "Running experience").set_value("new").run()
    assert "= 5:30 min/km (3.03 m/s)" in _texts(at)
    at.switch_page("pages/method.py").run()
    at.switch_page(ANALYZE).run()
    assert not at.exception
    assert _speed(at).value == "5:30" and _radio(at, "Speed in").value == "min/km"
    assert next(s for s in at.selectbox if s.label == "Running experience").value == "new"


def test_a_bad_speed_is_a_friendly_note_not_an_error(app, data_dir):
    at = app(ANALYZE).run()
    _speed(at).input("fast").run()
    assert not at.exception and "'fast' is not a speed" in _texts(at)
    _speed(at).input("40").run()  # 40 km/h: 11.1 m/s
    # in the unit typed (a pace of 30 was told "0.56 m/s is outside 1.5-8 m/s": review)
    assert "A speed of 40.0 km/h is outside 4.7-28.8 km/h" in _texts(at)
    _radio(at, "Speed in").set_value("min/km").run()
    _speed(at).input("30").run()
    assert "A pace of 30:00 min/km is outside 2:05 min/km to 12:49 min/km" in _texts(at)
    _speed(at).input("12:30").run()  # a beginner's slow jog is taken
    assert "outside" not in _texts(at)


def test_the_speed_starts_in_km_per_hour_and_takes_miles_an_hour(app, data_dir):
    # m/s was the default, which few runners think in (browser review s20); a US treadmill
    # shows mph
    at = app(ANALYZE).run()
    assert _radio(at, "Speed in").value == "km/h"
    assert _radio(at, "Speed in").options == ["km/h", "mph", "pace (min/km)", "m/s"]
    _radio(at, "Speed in").set_value("mph").run()
    _speed(at).input("6.5").run()
    assert not at.exception and "= 6.5 mph (5:44 min/km)" in _texts(at)


@pytest.mark.parametrize("text, unit, mps", [("10.8", "km/h", 3.0), ("2,9", "m/s", 2.9),
                                             ("5:00", "min/km", 1000 / 300),
                                             ("4.5", "min/km", 1000 / 270), ("6", "mph", 6 * 0.44704),
                                             ("", "m/s", None)])
def test_parse_speed(text, unit, mps):
    assert parse_speed(text, unit) == (pytest.approx(mps) if mps else None)


def test_the_profile_is_part_of_the_analysis_key_and_the_job():
    plain = AnalysisOptions(height_cm=180)
    fast = AnalysisOptions(height_cm=180, speed_mps=3.5, speed_given="km/h", experience="new")
    assert analysis.options_key(plain) != analysis.options_key(fast)
    assert "speed" not in analysis.options_key(plain)  # keys made before profiles still match
    job = analysis.options_dict(fast)
    assert AnalysisOptions(**job).profile() == fast.profile()


def test_switching_the_speed_unit_keeps_the_speed(app, data_dir):
    """6.5 typed in mph became a pace of 6:30 min/km when the unit was switched, silently
    (review, 2 Dec): the field now converts, so the speed stays the same."""
    at = app(ANALYZE).run()
    _radio(at, "Speed in").set_value("mph").run()
    _speed(at).input("6.5").run()
    assert "= 6.5 mph (5:44 min/km)" in _texts(at)
    _radio(at, "Speed in").set_value("min/km").run()
    assert not at.exception and _speed(at).value == "5:44"
    _radio(at, "Speed in").set_value("km/h").run()
    assert _speed(at).value == "10.5"
    # round trips keep the speed first typed (10 km/h -> 6.2 mph -> 6:00, not 6:01)
    _speed(at).input("10").run()
    _radio(at, "Speed in").set_value("mph").run()
    assert _speed(at).value == "6.2"
    _radio(at, "Speed in").set_value("min/km").run()
    assert _speed(at).value == "6:00"
    # a speed out of range converts too, and its note is in the new unit
    _radio(at, "Speed in").set_value("km/h").run()
    _speed(at).input("40").run()
    _radio(at, "Speed in").set_value("mph").run()
    assert _speed(at).value == "24.9" and "A speed of 24.9 mph is outside" in _texts(at)
    _speed(at).input("fast").run()  # nothing to convert: left as typed
    _radio(at, "Speed in").set_value("m/s").run()
    assert _speed(at).value == "fast"


def test_a_speed_that_is_no_speed_never_breaks_a_unit_switch(app, data_dir):
    """"0" switched to a pace divided by zero in the switch's callback, "nan" broke the range
    note (code review, 2 Dec): both are "not a speed", and a switch leaves them as typed. A
    cleared field does not bring back an earlier switch's speed."""
    from core import profile

    at = app(ANALYZE).run()
    for bad in ("0", "nan", "inf", "-3"):
        _radio(at, "Speed in").set_value("km/h").run()
        _speed(at).input(bad).run()
        assert not at.exception and f"'{bad}' is not a speed" in _texts(at)
        _radio(at, "Speed in").set_value("min/km").run()
        assert not at.exception and _speed(at).value == bad
    with pytest.raises(profile.FormCheckError):
        profile.check(float("nan"), None, None, "min/km")
    _radio(at, "Speed in").set_value("mph").run()
    _speed(at).input("6.2").run()
    _radio(at, "Speed in").set_value("km/h").run()
    assert _speed(at).value == "10"
    _speed(at).input("").run()
    _radio(at, "Speed in").set_value("mph").run()
    _speed(at).input("6.2").run()  # typed anew in mph: 6.2 mph, not the earlier 10 km/h
    _radio(at, "Speed in").set_value("km/h").run()
    assert _speed(at).value == "10"
    _speed(at).input("10").run()
    _radio(at, "Speed in").set_value("mph").run()
    assert _speed(at).value == "6.2"
