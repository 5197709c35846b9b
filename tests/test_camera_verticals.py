"""The true vertical from the picture's own vertical lines (core.camera.vertical_lines_roll)
and how the floor line uses it (core.camera.ground_line): drawn pictures with known lines,
a stick runner, no pose model."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from core import camera
from core.admission import FrameStore
from test_camera import SIDE, _events, _runner_track

H, W = 600, 960
EDGES_X = (70, 170, 270, 700, 800, 890)  # door frames / cupboard edges, clear of the runner


def _picture(down_at, floor_deg: float | None = None, edges=EDGES_X, size=(H, W)) -> np.ndarray:
    """A grey wall with dark 10 px wide uprights at ``edges`` (their column at mid-height),
    each along ``down_at(x, y)`` (a unit vector pointing down there), and optionally a long
    floor line at ``floor_deg`` in the lower half; ``size`` (height, width)."""
    H, W = size
    img = np.full((H, W, 3), 170, np.uint8)
    for x in edges:
        c = np.array([x, H / 2.0])
        d = down_at(*c)
        n = np.array([d[1], -d[0]]) * 5
        a, b = c - d * 0.4 * H, c + d * 0.4 * H
        quad = np.array([a - n, a + n, b + n, b - n])
        cv2.fillPoly(img, [np.round(quad * 16).astype(np.int32)], (60, 60, 60), cv2.LINE_AA, 4)
    if floor_deg is not None:
        y0 = 0.9 * H
        y1 = y0 + 0.9 * W * math.tan(math.radians(floor_deg))
        cv2.line(img, (20, int(round(y0))), (20 + int(0.9 * W), int(round(y1))), (230, 230, 230),
                 3, cv2.LINE_AA)
    return img


def _frames(img: np.ndarray, n: int = 2) -> FrameStore:
    fs = FrameStore(n)
    for i in range(n):
        fs.add(i, img)
    return fs


def _rolled(deg: float):
    r = math.radians(deg)
    return lambda x, y: np.array([-math.sin(r), math.cos(r)])


def _toward(vp):
    def down(x, y):
        d = np.array([x, y]) - np.asarray(vp, float)
        d /= np.hypot(*d)
        return d if d[1] > 0 else -d
    return down


@pytest.mark.parametrize("roll", [-8.0, -3.0, 0.0, 5.0])
def test_parallel_uprights_give_the_phones_tilt(roll):
    """A phone turned by ``roll`` turns every upright by it (the same sign as the floor line's
    angle, the levelling's correction)."""
    tr, _ = _runner_track(n=4, roll=-roll)  # the runner turned with the picture
    v = camera.vertical_lines_roll(_frames(_picture(_rolled(roll))), tr)
    assert v is not None and v.lines >= camera.VERT_MIN_LINES
    assert v.roll_deg == pytest.approx(roll, abs=0.3)


def test_converging_uprights_give_the_vertical_where_the_runner_is():
    """A camera tipped up makes the uprights meet above the picture (keystone): the tilt that
    matters is the vertical's direction at the runner, toward that point, not any one
    upright's (here they lean from -5.4 to +7.4 deg across the picture)."""
    vp = (300.0, -3000.0)
    tr, _ = _runner_track(n=4)
    v = camera.vertical_lines_roll(_frames(_picture(_toward(vp))), tr)
    body = np.concatenate([tr.p(n) for n in ("l_hip", "r_hip", "l_shoulder", "r_shoulder")])
    d = _toward(vp)(*body.mean(axis=0))
    want = math.degrees(math.atan2(-d[0], d[1]))
    assert v is not None and v.vanishing is not None
    assert v.roll_deg == pytest.approx(want, abs=0.3)
    assert abs(want) > 2.5  # a real difference from the picture's own vertical


def test_too_few_uprights_say_nothing():
    """Two uprights (four edges) are not enough to trust: no vertical, the floor decides."""
    tr, _ = _runner_track(n=4)
    assert camera.vertical_lines_roll(_frames(_picture(_rolled(4.0), edges=(100, 820))), tr) \
        is None
    plain = np.full((H, W, 3), 170, np.uint8)
    assert camera.vertical_lines_roll(_frames(plain), tr) is None


def test_uprights_level_where_the_floor_line_slants_by_perspective():
    """A camera turned off square (19 deg, as the shared treadmill clip) sees the floor line
    slant (-2.5 deg) in a level picture; the uprights stay vertical. The picture is not
    levelled (the uprights say level), and the feet's contacts are still found along the
    floor's own line."""
    tr, _ = _runner_track()
    gl = camera.ground_line(tr, _events(tr), SIDE, _frames(_picture(_rolled(0.0), -2.5)),
                            yaw_deg=19.0)
    assert gl.lines_deg == pytest.approx(-2.5, abs=0.3)
    assert gl.vertical_deg == pytest.approx(0.0, abs=0.3)
    assert gl.roll_deg == 0.0 and gl.source.startswith("vertical lines")
    assert gl.contacts_deg == pytest.approx(-2.5, abs=0.3) and gl.confidence == "medium"


def test_a_tilted_phone_is_levelled_by_uprights_and_floor_together():
    """Uprights and floor line agree on a 5 deg tilt: levelled by it, high confidence; the
    runner's lean (8 deg) reads back after levelling."""
    tr, _ = _runner_track(roll=-5.0)
    gl = camera.ground_line(tr, _events(tr), SIDE, _frames(_picture(_rolled(5.0), 5.0)))
    assert gl.roll_deg == pytest.approx(5.0, abs=0.3) and gl.confidence == "high"
    from test_camera import _lean
    assert _lean(camera.level(tr, gl.roll_deg)) == pytest.approx(8.0, abs=0.5)


def test_oblique_camera_with_uprights_is_levelled_by_them():
    """From 25 deg off square the floor line alone levels nothing (perspective); uprights
    still give the tilt (4 deg), and the contacts follow the floor's line (6.5 deg: the tilt
    and 2.5 deg of perspective)."""
    tr, _ = _runner_track(roll=-4.0)
    gl = camera.ground_line(tr, _events(tr), SIDE, _frames(_picture(_rolled(4.0), 6.5)),
                            yaw_deg=30.0)
    assert gl.roll_deg == pytest.approx(4.0, abs=0.3) and gl.slant_deg == 0.0
    assert gl.contacts_deg == pytest.approx(6.5, abs=0.3)


def test_filmed_square_a_floor_line_that_disagrees_with_the_uprights_stays():
    """Filmed square, a floor line has no perspective slant and shows the tilt directly, while
    uprights can be slanted things (a treadmill's upright, a stair rail): when the two disagree
    by over 2 deg the floor line levels, as before the uprights were read, and the levelling
    is said to be unsure."""
    tr, _ = _runner_track(roll=4.0)
    gl = camera.ground_line(tr, _events(tr), SIDE, _frames(_picture(_rolled(0.0), -4.0)),
                            yaw_deg=3.0)
    assert gl.roll_deg == pytest.approx(-4.0, abs=0.3) and gl.confidence == "low"
    assert gl.vertical_deg == pytest.approx(0.0, abs=0.3) and "disagree" in gl.source
    assert gl.contacts_deg is None


@pytest.mark.parametrize("source,want", [
    ("vertical lines (9)", "tilted by about 5°, read from its upright lines (door frames, "
                           "furniture edges); we levelled it before measuring"),
    ("image lines; the upright lines (9) disagree by 5 deg",
     "tilted by about 4°, read from the floor line; we levelled it before measuring"),
])
def test_the_capture_note_names_the_cue_that_levelled(source, want):
    """The "Camera tilt" note says which lines the tilt was read from: the uprights when they
    levelled, the floor line when, filmed square, it overruled them."""
    import dataclasses

    from core.admission import ClipStats
    from core.events import detect_events
    from core.landmarks import clean
    from core.quality import assess
    from core.view import detect_view
    from synth_track import Gait, make_track

    track = clean(make_track(Gait(cadence=170.0, seconds=12, leg_px=260.0)))
    upright = source.startswith("vertical")
    track = dataclasses.replace(track, notes=dict(
        track.notes, floor_angle_deg=4.0, floor_source=source, vertical_deg=-5.0 if upright
        else 1.0, roll_corrected_deg=-5.0 if upright else 4.0))
    view = detect_view(track)
    q = assess(track, view, detect_events(track, view), ClipStats())
    tilt = next(c for c in q.checks if c.id == "tilt")
    assert want in tilt.detail


def test_a_back_view_is_levelled_on_its_upright_lines():
    """A front or back view has no floor line; its upright lines alone level it (medium
    confidence), and with none the picture is measured as filmed."""
    from core.view import ViewResult

    back = ViewResult("back", None, "high", 1.0, "")
    tr, _ = _runner_track(n=4, roll=-4.0)
    gl = camera.ground_line(tr, _events(tr), back, _frames(_picture(_rolled(4.0))))
    assert gl.roll_deg == pytest.approx(4.0, abs=0.3) and gl.confidence == "medium"
    assert gl.source.startswith("vertical lines") and gl.along_deg == 0.0
    plain = camera.ground_line(tr, _events(tr), back, _frames(np.full((H, W, 3), 170, np.uint8)))
    assert plain.roll_deg == 0.0 and plain.source == camera.NOT_SIDE


def test_a_tilted_front_clip_reads_its_shoulders_level_after_the_uprights():
    """A front-view runner with level shoulders, filmed with the phone turned 5 deg: the
    engine's levelling stage (pipeline._true_vertical) takes the tilt off the shoulder line,
    which read 5 deg before, and the capture note says the picture was levelled on its
    upright lines, not "looks tilted (from the runner's upright trunk)"."""
    import dataclasses

    from core.admission import ClipStats
    from core.events import detect_events
    from core.landmarks import clean
    from core.metrics.base import tilt_deg
    from core.pipeline import _true_vertical
    from core.quality import assess
    from core.view import detect_view
    from synth_track import Gait, make_track

    tilt = 5.0
    # the runner as a phone turned by ``tilt`` films it: turned landmarks, no map back
    turned = dataclasses.replace(camera.level(make_track(Gait(view="front", seconds=6.0)), -tilt),
                                 to_image=None, notes={})
    track = clean(turned)
    view = detect_view(track)
    assert view.view in ("front", "back")
    shoulders = lambda tr: float(np.nanmedian(tilt_deg(tr.p("l_shoulder"), tr.p("r_shoulder"))))
    assert abs(shoulders(track)) == pytest.approx(tilt, abs=0.3)  # the premise
    pic = _picture(_rolled(tilt), edges=(60, 150, 240, 1040, 1130, 1220),
                   size=(track.height, track.width))
    levelled, _ = _true_vertical(track, view, detect_events(track, view), _frames(pic))
    assert abs(shoulders(levelled)) < 0.5
    q = assess(levelled, view, detect_events(levelled, view), ClipStats())
    note = next(c for c in q.checks if c.id == "tilt")
    assert "upright lines" in note.detail and "we levelled it" in note.detail
    assert note.severity == "info"
