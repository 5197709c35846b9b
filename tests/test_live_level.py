"""The live view levels a tilted picture by the uploads' rule (core.camera.settle): an
exact-truth runner (synth_track) whose picture is turned as a tilted phone turns it, fed to
core.live.analyse_window with the floor line and upright lines the live floor watch would
have found. No pose model."""
from __future__ import annotations

import numpy as np
import pytest

from core import camera
from core.live import analyse_window
from synth_track import Gait, make_track

LEAN = 8.0
TILT = 5.0  # deg: the picture's floor falls to the right by this (a phone turned clockwise)


def _window(tilt: float):
    """6 s of a side-view runner leaning ``LEAN`` deg, filmed with the phone tilted ``tilt``
    deg: (t, raw landmarks, width, height)."""
    tr = camera.level(make_track(Gait(trunk_lean=LEAN, seconds=6.0, fps=30.0)), -tilt)
    raw = [np.concatenate([tr.xy[i], np.zeros((33, 1)), tr.vis[i][:, None]], axis=1)
           for i in range(tr.n)]
    return tr.t, raw, tr.width, tr.height


def _lean(floor_deg=None, uprights=None, tilt=TILT) -> float:
    a = analyse_window(*_window(tilt), floor_deg=floor_deg, uprights=uprights)
    return next(n for n in a.numbers if n.id == "trunk_lean").value


def _up(deg: float, lines: int = 9) -> camera.Verticals:
    return camera.Verticals(deg, lines, None)


def test_unlevelled_the_tilt_goes_into_the_lean():
    """The premise: with no floor or upright line the picture's tilt is read as lean."""
    assert _lean() == pytest.approx(LEAN + TILT, abs=0.5)


@pytest.mark.parametrize("floor,up", [
    (TILT, None),          # the floor line alone
    (None, _up(TILT)),     # the uprights alone
    (TILT + 1.2, _up(TILT)),  # both, agreeing within 2 deg: the uprights set it
])
def test_live_levels_on_the_floor_or_the_uprights(floor, up):
    assert _lean(floor, up) == pytest.approx(LEAN, abs=0.5)


def test_live_keeps_the_floor_line_where_square_it_disagrees_with_the_uprights():
    """As an upload filmed square: a floor line 5 deg off level against uprights saying level
    (a slanted rail, say) keeps levelling (the live view has no yaw: taken as square)."""
    assert _lean(TILT, _up(0.0)) == pytest.approx(LEAN, abs=0.5)
    gl = camera.settle(camera.floor_from_lines(TILT), _up(0.0), yaw_deg=None)
    assert gl.roll_deg == TILT and gl.confidence == "low" and "disagree" in gl.source


@pytest.mark.parametrize("floor,up,yaw,roll,along", [
    (TILT, _up(0.0), None, TILT, TILT),   # square, disagreeing: the floor line
    (0.4, _up(TILT), None, 0.0, 0.0),     # square, a level floor line overrules the uprights
    (TILT + 1.2, _up(TILT), None, TILT, TILT + 1.2),  # agreeing: the uprights; contacts on the floor
    (-2.5, _up(0.0), 19.0, 0.0, -2.5),    # 19 deg off square: the floor slants, uprights level
    (6.5, _up(4.0), 30.0, 4.0, 6.5),      # oblique: the uprights' tilt, the floor's slant
    (3.0, None, 30.0, 0.0, 3.0),          # oblique, no uprights: nothing levelled
    (0.6, None, None, 0.0, 0.0),          # within the floor's dead band
    (None, _up(0.2), None, 0.0, 0.0),     # within the uprights' dead band
])
def test_settle_table(floor, up, yaw, roll, along):
    """The rule both paths use, case by case (roll: the body's angles; along: the contacts)."""
    gl = camera.settle(camera.floor_from_lines(floor), up, yaw)
    assert gl.roll_deg == pytest.approx(roll) and gl.along_deg == pytest.approx(along)
