"""core.quality.body_turn_deg: a picture turned 90 or 180 degrees (no orientation tag) is told
from a runner's lean, on exact stick-runner tracks (tests/synth_track.py). The refusal itself,
end to end on a real clip turned upside down: tests/test_camera_e2e.py."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.quality import UPRIGHT_MAX_DEG, body_turn_deg, upright_turn
from synth_track import Gait, make_track


def _turned(track, deg: float):
    """The track as a camera turned by ``deg`` (clockwise as seen) would film it."""
    a = np.radians(deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    c = np.array([track.width / 2, track.height / 2])
    return dataclasses.replace(track, xy=(track.xy - c) @ rot.T + c)


@pytest.mark.parametrize("lean, facing", [(8.0, "right"), (25.0, "left"), (-5.0, "right")])
def test_an_upright_runner_reads_upright_whatever_the_lean(lean, facing):
    turn = body_turn_deg(make_track(Gait(trunk_lean=lean, facing=facing)))
    assert turn is not None and abs(turn) == pytest.approx(abs(lean), abs=3.0)
    # a phone leaning 15 deg on a shelf, the same way as the lean (the worst case: 40 deg
    # for the 25 deg lean), is still upright
    tr = _turned(make_track(Gait(trunk_lean=lean, facing=facing)), 15.0 * np.sign(turn))
    assert abs(body_turn_deg(tr)) == pytest.approx(abs(turn) + 15.0, abs=2.0)
    assert abs(body_turn_deg(tr)) < UPRIGHT_MAX_DEG


@pytest.mark.parametrize("deg", [90.0, -90.0, 180.0])
def test_a_turned_picture_reads_turned(deg):
    upright = body_turn_deg(make_track(Gait(trunk_lean=8.0)))
    turn = body_turn_deg(_turned(make_track(Gait(trunk_lean=8.0)), deg))
    assert abs(turn) > UPRIGHT_MAX_DEG
    # + is clockwise as seen: the turn adds to the lean's own reading (180 wraps round)
    assert ((turn - upright - deg + 180.0) % 360.0) - 180.0 == pytest.approx(0.0, abs=1.0), turn


def test_no_runner_found_is_no_reading():
    tr = make_track(Gait())
    assert body_turn_deg(dataclasses.replace(tr, detected=np.zeros_like(tr.detected))) is None
    assert upright_turn(dataclasses.replace(tr, detected=np.zeros_like(tr.detected))) == 0


@pytest.mark.parametrize("deg, back", [(90.0, 270), (-90.0, 90), (180.0, 180), (-180.0, 180),
                                       (100.0, 270), (-75.0, 90)])
@pytest.mark.parametrize("facing", ["right", "left"])
def test_a_turned_picture_is_turned_back_by_quarter_turns(deg, back, facing):
    """core.pipeline poses the clip again turned ``back`` clockwise: the runner upright
    (a lean of 8 deg and a phone a little off a quarter turn leave the quarter turn)."""
    tr = make_track(Gait(trunk_lean=8.0, facing=facing))
    assert upright_turn(_turned(tr, deg)) == back
    assert abs(body_turn_deg(_turned(_turned(tr, deg), back))) < 25.0


@pytest.mark.parametrize("lean, roll", [(8.0, 0.0), (25.0, 15.0), (-5.0, -15.0)])
def test_an_upright_runner_is_not_turned(lean, roll):
    assert upright_turn(_turned(make_track(Gait(trunk_lean=lean)), roll)) == 0


def test_a_runner_half_way_between_quarter_turns_is_left_to_the_upright_check():
    """45 deg off is no phone's quarter turn: not turned, and the upright check refuses it."""
    from core.admission import ClipStats
    from core.events import detect_events
    from core.landmarks import clean
    from core.quality import assess
    from core.view import detect_view

    tr = _turned(make_track(Gait(trunk_lean=0.0, seconds=8.0)), 135.0)
    assert upright_turn(tr) == 0
    tr = clean(tr)
    view = detect_view(tr)
    q = assess(tr, view, detect_events(tr, view), ClipStats())
    assert [c.id for c in q.checks if not c.passed and c.severity == "fail"] == ["upright"]


@pytest.mark.parametrize("stood, words", [(180, "The video was upside down"),
                                          (90, "The video was turned on its side")])
def test_a_picture_turned_upright_is_said_as_a_note(stood, words):
    from core.admission import ClipStats
    from core.events import detect_events
    from core.landmarks import clean
    from core.quality import assess
    from core.view import detect_view

    track = clean(make_track(Gait(seconds=8.0)))
    view = detect_view(track)
    q = assess(track, view, detect_events(track, view), ClipStats(extra={"turned_deg": stood}))
    note = next(c for c in q.checks if c.id == "upright")
    assert not note.passed and note.severity == "info" and note.value == stood
    assert note.detail.startswith(words) and "we turned it upright" in note.detail
    assert q.ok


def test_a_file_cut_short_says_how_much_was_read():
    """A file cut to 30 % that still decodes read "ends abruptly" over a full report of its
    first 3.4 s of 12 (review, 3 Dec): the check says how much (core.pipeline sets it)."""
    from core.admission import ClipStats
    from core.events import detect_events
    from core.landmarks import clean
    from core.quality import assess
    from core.view import detect_view

    track = clean(make_track(Gait(seconds=8.0)))
    view = detect_view(track)
    clip = ClipStats(decoded_all=False, extra={"read_s": 3.4, "expected_s": 12.0})
    q = assess(track, view, detect_events(track, view), clip)
    done = next(c for c in q.checks if c.id == "complete")
    assert not done.passed and done.severity == "warn"
    assert done.detail.endswith("the first 3.4 s of about 12 s.") and done.value == 3.4


def test_the_cli_summary_of_a_turned_refusal_reads_no_view():
    """The CLI printed "view: side facing left (high confidence)" over a refusal for a runner
    turned 135 deg (review, 3 Dec): it says the view was not read, as the report page does
    (core.summary.view_unread; the page: tests/test_app_report.py)."""
    from core.summary import VIEW_NOT_READ_TURNED, text_summary, view_unread

    upright = {"id": "upright", "passed": False, "severity": "fail", "value": 135.0,
               "detail": "The runner lies along the picture (turned about 135°)."}
    report = {"status": "refused", "source": {"filename": "x.mp4", "duration_s": 6.0,
                                               "fps_measured": 30.0},
              "view": {"view": "side", "facing": "left", "confidence": "high"},
              "quality": {"summary": "The runner lies along the picture.", "tips": [],
                          "checks": [upright]}}
    text = text_summary(report)
    assert "view not read (the runner is turned in the picture)" in text
    assert "facing" not in text and "confidence" not in text, text
    # any other refusal keeps its view
    report["quality"]["checks"] = [dict(upright, id="person")]
    assert view_unread(report) is None
    assert "view: side facing left (high confidence)" in text_summary(report)
    assert VIEW_NOT_READ_TURNED.startswith("View not read")
