"""The capture-quality headline (core.quality.summarise / headline) is true to the checks it
heads: "every capture check passed" only when every check passed, and a check that did not
pass is named (as a note, a limit or the reason the clip is refused)."""
from __future__ import annotations

import itertools
from dataclasses import asdict

import pytest

from core.quality import headline, summarise
from core.report import QualityCheck

ALL_PASSED = "every capture check passed"


def _check(id_: str, label: str, passed: bool, severity: str) -> dict:
    return asdict(QualityCheck(id_, label, passed, severity if not passed else "info",
                               f"{label} detail.", "" if passed else f"Fix {label}."))


def _report(checks: list[dict], summary: str = "", **extra) -> dict:
    return {"status": "ok", "quality": {"ok": True, "summary": summary, "checks": checks,
                                        "tips": []}, **extra}


# (passed, severity) of each of three checks, every combination
OUTCOMES = [(True, "info"), (False, "info"), (False, "warn"), (False, "fail")]


def test_headline_says_all_passed_exactly_when_every_listed_check_passed():
    labels = ["Runner's size in the frame", "Frame rate for timing", "Light"]
    for combo in itertools.product(OUTCOMES, repeat=3):
        checks = [_check(f"c{i}", lab, p, sev) for i, (lab, (p, sev)) in enumerate(zip(labels, combo))]
        text = headline(_report(checks))
        missed = [c for c in checks if not c["passed"]]
        assert (ALL_PASSED in text) == (not missed), (combo, text)
        if any(c["severity"] == "fail" for c in missed):
            assert text.startswith("We can't score this clip honestly"), text
            for c in missed:
                if c["severity"] == "fail":
                    assert c["detail"] in text
        else:  # a limit or a note: each one named in the headline
            for c in missed:
                assert (c["detail"].rstrip(".") in text) if c["severity"] == "warn" else (
                    c["label"].lower() in text), (combo, text)


def test_notes_only_headline_counts_them_like_the_filming_box():
    # the zzzhushi clip: runner at 42 % of the frame and 30 fps, both notes (info)
    checks = [_check("person", "Runner in the frames", True, "warn"),
              _check("size", "Runner's size in the frame", False, "info"),
              _check("fps", "Frame rate for timing", False, "info")]
    text = summarise(checks)
    assert text == ("Good enough to score: every check that decides the scoring passed; "
                    "2 notes on filming (runner's size in the frame, frame rate for timing).")


def test_notes_after_limits_are_more_notes():
    """After the limits the headline counts the notes as "more": the filming box under it
    counts both ("How to film it better next time (5)" under "2 notes on filming" read as
    a miscount: review, 3 Dec)."""
    checks = [_check("light", "Light", False, "warn"),
              _check("size", "Runner's size in the frame", False, "info"),
              _check("fps", "Frame rate for timing", False, "info")]
    assert summarise(checks).endswith(
        "; 2 more notes on filming (runner's size in the frame, frame rate for timing).")


def test_stored_report_with_the_old_false_headline_reads_true():
    checks = [_check("size", "Runner large enough", False, "info"),
              _check("light", "Enough light", True, "warn")]
    old = _report(checks, summary="Good footage: every capture check passed.")
    assert ALL_PASSED not in headline(old)
    assert "1 note on filming (runner large enough)" in headline(old)
    # a session keeps its stored headline (each clip's own, labelled with the clip)
    sess = _report(checks, summary="Side clip: Good footage.", session={"clips": []})
    assert headline(sess) == "Side clip: Good footage."
    # no checks at all (a bare report): the stored text, or nothing
    assert headline({"quality": {"summary": "x"}}) == "x" and headline({}) == ""


def test_in_view_stretch_finds_the_longest_run_with_the_feet_in_the_picture():
    """core.quality.in_view_stretch: the feet below the picture for the first 60 % of a clip
    and for a 0.2 s blip later (bridged: STRETCH_GAP_S) give the stretch after it; feet never
    in view give None."""
    import numpy as np

    from core.pose import LM
    from core.quality import in_view_stretch
    from core.spec import LANDMARK_GROUPS
    from synth_track import Gait, make_track

    tr = make_track(Gait(cadence=172.0, fps=30.0, seconds=10.0))
    feet = sorted({i for pts in LANDMARK_GROUPS["feet"] for i in pts})
    assert LM["l_ankle"] in feet
    k = int(0.6 * tr.n)
    tr.xy[:k, feet, 1] = tr.height + 200  # below the picture
    tr.xy[k + 60:k + 66, feet, 1] = tr.height + 200  # a 0.2 s blip
    start, end = in_view_stretch(tr, "feet")
    assert start == pytest.approx(tr.t[k] - tr.t[0]) and end == pytest.approx(tr.t[-1] - tr.t[0])
    tr.xy[:, feet, 1] = tr.height + 200
    assert in_view_stretch(tr, "feet") is None


def test_the_limited_banner_names_its_limits_in_one_line():
    """The report's banner over a clip analysed with limits names each limit and note by its
    label; their paragraphs and tips are in "How to film it better next time" (the engine's
    whole paragraphs put the score a screen down on a phone: review, 3 Dec)."""
    from ui.report_view import limits_line

    angle = {"id": "angle", "label": "Camera angle", "passed": False, "severity": "warn",
             "detail": "The camera is about 19° off square to the running direction (a rough "
                       "estimate): the elbow angle is not measured; ...",
             "how_to_fix": "Film square to the runner."}
    size = {"id": "size", "label": "Runner's size in the frame", "passed": False,
            "severity": "info", "detail": "The runner fills 42% of the frame height.",
            "how_to_fix": "Move the camera closer."}
    ok = {"id": "light", "label": "Light", "passed": True, "severity": "info", "detail": "ok"}
    report = {"status": "limited", "quality": {"summary": "Analysed, with limits: The camera "
                                                          "is about 19° off square ...",
                                               "checks": [ok, angle, size]}}
    line = limits_line(report)
    assert line == ("Analysed, with limits (camera angle): some measures are read with lower "
                    "confidence or not at all, as their cards say; 1 more note on filming "
                    "(runner's size in the frame).")
    assert "19°" not in line
    # a session keeps its stored headline (each clip's own, labelled with its clip)
    assert limits_line({**report, "session": {"rule": "x"}}) == report["quality"]["summary"]
