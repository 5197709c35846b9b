"""Evidence stills' labels (core/annotate.py, core/metrics/draw.py) on drawn points: no engine
run. The label must not cover the landing foot the still is about."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotate import evidence_image, evidence_still, runner_crop
from core.pose import LM

DARK = (20, 20, 20)  # the label box's colour


def _runner(fwd: float, ankle_y: int) -> np.ndarray:
    xy = np.full((33, 2), np.nan)
    c = 270
    xy[LM["l_hip"]] = xy[LM["r_hip"]] = (c, 700)
    xy[LM["l_shoulder"]] = xy[LM["r_shoulder"]] = (c + 20 * fwd, 520)
    xy[LM["l_knee"]] = (c + 60 * fwd, ankle_y - 125)
    xy[LM["l_ankle"]] = (c + 110 * fwd, ankle_y)
    xy[LM["r_knee"]] = (c - 30 * fwd, 830)
    xy[LM["r_ankle"]] = (c - 90 * fwd, 900)
    return xy


def _label_pixels_near(img: np.ndarray, pt, r: int = 12) -> int:
    x, y = int(pt[0]), int(pt[1])
    patch = img[max(0, y - r):y + r, max(0, x - r):x + r]
    return int(np.all(patch == DARK, axis=-1).sum())


@pytest.mark.parametrize("fwd", [1.0, -1.0])
@pytest.mark.parametrize("ankle_y", [800, 945])  # room below the foot, and none
def test_overstride_label_keeps_off_the_landing_foot(fwd, ankle_y):
    img = np.full((960, 540, 3), 90, np.uint8)
    xy = _runner(fwd, ankle_y)
    out = evidence_image(img, xy, None, "overstride", fwd, "25 % of leg length",
                         "Overstride: 25 % of leg length  [fix]", "fix", "L")
    body = out[:960]  # above the caption bar
    assert np.all(body == DARK, axis=-1).sum() > 500  # the label is drawn
    for joint in ("l_ankle", "l_knee"):
        assert _label_pixels_near(body, xy[LM[joint]]) == 0, joint


def test_a_small_runner_in_a_portrait_frame_is_cropped_to():
    """A treadmill runner filling the lower half of a portrait phone frame: the still shows
    the runner's part of the frame (the ceiling left out), drawn after cropping, and says
    where the crop starts (a shared copy moves the face blur by it)."""
    img = np.full((1920, 1080, 3), 90, np.uint8)
    xy = _runner(1.0, 900) + (200, 800)  # the runner 200 px right, 800 px down
    xy[LM["nose"]] = (500, 1290)  # a head, above the shoulders
    out, (x0, y0) = evidence_still(img, xy, None, "overstride", 1.0, "25 % of leg length",
                                   "Overstride: 25 % of leg length  [fix]", "fix", "L")
    box = runner_crop(img.shape, xy)
    assert box is not None and (x0, y0) == box[:2]
    assert 0 < y0 < xy[LM["nose"]][1] and x0 < np.nanmin(xy[:, 0])  # above the head, left of all
    assert box[3] > np.nanmax(xy[:, 1])  # below the feet
    h, w = box[3] - box[1], box[2] - box[0]
    assert w >= 0.75 * h - 1 and w * h <= 0.65 * 1920 * 1080
    assert out.shape[1] == w and out.shape[0] > h  # the crop and its caption bar
    body = out[:h]
    assert np.all(body == DARK, axis=-1).sum() > 300  # the label is drawn, inside the crop
    ankle = xy[LM["l_ankle"]] - (x0, y0)
    assert _label_pixels_near(body, ankle) == 0


def test_a_runner_filling_the_frame_keeps_the_whole_frame():
    img = np.full((960, 540, 3), 90, np.uint8)
    xy = _runner(1.0, 900)
    xy[LM["nose"]] = (280, 40)
    assert runner_crop(img.shape, xy) is None
    out, offset = evidence_still(img, xy, None, "overstride", 1.0, "25 % of leg length",
                                 "Overstride: 25 % of leg length  [fix]", "fix", "L")
    assert offset == (0, 0) and out.shape[1] == 540
    assert np.array_equal(out, evidence_image(img, xy, None, "overstride", 1.0,
                                              "25 % of leg length",
                                              "Overstride: 25 % of leg length  [fix]", "fix", "L"))
    assert runner_crop(img.shape, np.full((33, 2), np.nan)) is None  # nobody: nothing to crop to


@pytest.mark.parametrize("fwd", [1.0, -1.0])
def test_with_room_below_the_label_hangs_under_the_landing_foot_clear_of_the_other_leg(fwd):
    """A label beside the thigh, behind the runner, lay across the trailing leg and read as
    being about it (fresh-eyes review, the low treadmill clip): with room below the foot it
    hangs under the landing foot; it never covers the other leg's knee or ankle."""
    img = np.full((960, 540, 3), 90, np.uint8)
    xy = _runner(fwd, 760)
    xy[LM["r_knee"]] = (270 - 120 * fwd, 640)  # the trailing leg swung up behind, at the
    xy[LM["r_ankle"]] = (270 - 200 * fwd, 700)  # height of the fallback beside the thigh
    out = evidence_image(img, xy, None, "overstride", fwd, "25 % of leg length",
                         "Overstride: 25 % of leg length  [fix]", "fix", "L")
    dark = np.all(out[:960] == DARK, axis=-1)
    ankle_y = int(xy[LM["l_ankle"]][1])
    assert dark[ankle_y + 1:ankle_y + 120].sum() > 500  # the box under the foot
    assert dark[:ankle_y].sum() < 50  # and nothing of it above (a few of the skeleton's
    for joint in ("l_ankle", "l_knee", "r_knee", "r_ankle"):  # anti-aliased edge pixels)
        assert _label_pixels_near(out[:960], xy[LM[joint]]) < 10, joint  # a box: hundreds


def test_the_degree_sign_is_drawn_as_a_ring_not_spelt_deg():
    """Stills said "21 deg" where the report says "21°" (Hershey fonts have no degree sign):
    it is drawn as a small raised ring right after the number, inside the text's width."""
    from core.annotate import caption_bar

    img = np.full((60, 400, 3), 90, np.uint8)
    with_sign = caption_bar(img, "Trunk lean: 21\u00b0")[60:]
    plain = caption_bar(img, "Trunk lean: 21")[60:]
    spelt = caption_bar(img, "Trunk lean: 21 deg")[60:]
    white = lambda a: np.all(a > 200, axis=-1)  # noqa: E731
    extra = white(with_sign) & ~white(plain)
    assert extra.sum() > 10  # a ring after "21"
    cols, rows = np.flatnonzero(extra.any(axis=0)), np.flatnonzero(extra.any(axis=1))
    assert cols.max() - cols.min() < 15 and rows.max() < with_sign.shape[0] / 2 + 8  # raised
    assert white(spelt).sum() > white(with_sign).sum() + 30  # no "deg" letters


def test_the_good_form_still_draws_its_degree_sign_as_the_others_do():
    """The "Good form for you" still wrote "shin 12 deg" (browser review): its outlined text
    goes through annotate.put_text, which draws the degree sign as a ring, not a "?"."""
    from core.reference import _text

    def drawn(text):
        img = np.zeros((60, 300, 3), np.uint8)
        _text(img, text, (10, 40), 0.8)
        return np.all(img > 200, axis=-1)

    base = drawn("shin 12")
    ring = drawn("shin 12\u00b0") & ~base
    question = drawn("shin 12?") & ~base  # what cv2.putText made of the sign before
    assert ring.sum() > 10 and ring.sum() < question.sum()  # a small ring after "12"
    assert np.flatnonzero(ring.any(axis=1)).max() < 40  # raised, above the baseline


def test_label_text_keeps_the_reports_typography_readable():
    """Dashes, curly quotes and the like (the report's typography) are drawn as their ASCII
    look-alikes, not as "?" (OpenCV's Hershey fonts are ASCII only); the live banner wraps
    the same way."""
    from core.annotate import _DEG, _label_ascii
    from core.live import _wrap

    assert _label_ascii("Lean 21° \u2014 good: 165\u2013185, \u2264 8 %, \u2019ok\u2019 \u2026") == (
        f"Lean 21{_DEG} - good: 165-185, <= 8 %, 'ok' ...")
    assert "?" not in " ".join(_wrap("Run tall \u2014 a string pulls your head up", 900, 0.65, 2))


def test_the_live_banner_draws_with_the_stills_text_helpers():
    """The live view's banner (core.live.draw_overlay) wraps to two lines and draws its
    degree sign as a ring, as the stills do."""
    from core.live import draw_overlay

    img = np.full((480, 640, 3), 90, np.uint8)
    out = draw_overlay(img.copy(), None, "Trunk lean 21\u00b0 \u2014 run tall: imagine a string "
                       "pulling the top of your head up, and keep it there for the whole run, "
                       "every step of it", "fix", 3.0)
    band = out[:80]
    assert np.all(band[:, 200:] == (25, 25, 25), axis=-1).mean() > 0.5  # the banner's box
    assert np.all(band > 200, axis=-1).sum() > 500  # white text on it
    assert np.all(out[90:400, 100:540] == 90)  # nothing below the two lines' box


def test_the_good_form_runner_is_cut_to_the_size_of_the_runners_crop():
    """core.annotate.crop_to: the runner's box (padded) fitted to a given size without
    distortion: the points map by one scale, the body lands inside, and a box running past
    the frame repeats its edge instead of failing (the reference still's right half)."""
    import cv2

    from core.annotate import crop_to

    img = np.full((1280, 720, 3), 200, np.uint8)
    xy = _runner(1.0, 900) + (150, 200)
    for a, b in ((LM["l_hip"], LM["l_knee"]), (LM["l_knee"], LM["l_ankle"])):
        cv2.line(img, tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b]), (0, 0, 255), 9)
    for size in ((300, 420), (500, 400)):
        out, x0, y0, k = crop_to(img, xy, size)
        assert out.shape[:2] == (size[1], size[0])
        pts = (xy - (x0, y0)) * k
        ok = np.all(np.isfinite(pts), axis=1)
        assert np.all(pts[ok] >= 0) and np.all(pts[ok, 0] < size[0]) and np.all(pts[ok, 1] < size[1])
        knee = pts[LM["l_knee"]].round().astype(int)
        assert out[knee[1], knee[0], 2] > 150 and out[knee[1], knee[0], 0] < 100  # on the red leg
        # one scale for both axes: the shin keeps its angle
        d0, d1 = xy[LM["l_ankle"]] - xy[LM["l_knee"]], pts[LM["l_ankle"]] - pts[LM["l_knee"]]
        assert np.degrees(np.arctan2(d1[0], d1[1])) == pytest.approx(np.degrees(np.arctan2(d0[0], d0[1])))
    edge, *_ = crop_to(img, xy - (300, 0), (300, 420))  # the runner at the frame's left edge
    assert edge.shape[:2] == (420, 300)


def test_a_reference_stills_numbers_are_also_written_as_text():
    """On a phone each half of the reference still is ~180 px wide: the caption repeats its
    numbers in text (ui.compare.still_numbers); none for a front or back view."""
    from ui.compare import still_numbers

    info = {"you_median": {"foot_ahead": 26.2, "shin": 14.0, "lean": 2.4},
            "reference": {"foot_ahead": 5.6, "shin": -3.0, "lean": 6.5}}
    assert still_numbers(info, "contact", True) == (
        ". Foot ahead of the hips 26 % of leg (good form 6 %), shin 14° (good form -3°; below "
        "zero, the ankle lands behind the knee), lean 2° (good form 6°)")
    # the note only where a shin is below zero
    info["reference"]["shin"] = 3.0
    assert "below zero" not in still_numbers(info, "contact", True)
    assert still_numbers(info, "toe_off", True) == ". Lean 2° (good form 6°)"
    assert still_numbers(info, "contact", False) == ""
    assert still_numbers(None, "contact", True) == ""
