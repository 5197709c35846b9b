"""Head position (core/metrics/head.py): how far the shoulder-to-ear line leans forward
beyond the trunk, worked out on the model's world joints; gaze from the nose. Tolerance
0.5 deg."""
import numpy as np
import pytest

from model_track import PLANAR, LM, build, sagittal

FACE = ("nose", "l_ear", "r_ear", "l_eye_inner", "l_eye", "l_eye_outer", "r_eye_inner",
        "r_eye", "r_eye_outer", "mouth_l", "mouth_r")


def _head_forward(metres: float, drop_m: float = 0.0):
    def edit(X, motion):
        for name in FACE:
            X[:, LM[name]] += metres * motion.forward
        X[:, LM["nose"], 1] -= drop_m  # the nose tips down: looking down
    return edit


def _truth(case) -> float:
    fwd, X = case.motion.forward, case.X
    ear = sagittal(X[:, LM["l_ear"]] - X[:, LM["l_shoulder"]], fwd)
    trunk = sagittal((X[:, LM["l_shoulder"]] + X[:, LM["r_shoulder"]]) / 2
                     - (X[:, LM["l_hip"]] + X[:, LM["r_hip"]]) / 2, fwd)
    return float(np.median(np.degrees(np.arctan2(ear[:, 0], ear[:, 1]))
                           - np.degrees(np.arctan2(trunk[:, 0], trunk[:, 1]))))


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("ahead_m, status", [(0.0, "good"), (0.08, "watch"), (0.12, "fix")])
def test_head_position(view, ahead_m, status):
    case = build(PLANAR, view=view, edit=_head_forward(ahead_m))
    m = case.metrics()["head_position"]
    assert m.value == pytest.approx(_truth(case), abs=0.5)
    assert m.status == status
    assert m.extra["gaze_down_deg"] == pytest.approx(0.0, abs=0.5)


def test_looking_down_is_worth_a_look():
    case = build(PLANAR, edit=_head_forward(0.0, drop_m=0.12))
    m = case.metrics()["head_position"]
    assert m.extra["gaze_down_deg"] > 35 and m.status == "watch" and "looking down" in m.display


def test_the_head_still_draws_the_angle_it_reports():
    """"Forward of the shoulders (38°)" had a still with the trunk line alone (review, 2 Dec):
    it now draws the trunk's line carried on past the shoulder and the shoulder-to-ear line
    of the side it measured (``extra["ear"]``), so the angle between them is on the picture,
    and keeps its label off both."""
    from core.annotate import COL
    from core.metrics import draw

    img = np.zeros((480, 400, 3), np.uint8)
    xy = np.full((33, 2), np.nan)
    for name, p in {"l_hip": (200, 300), "r_hip": (200, 300), "l_shoulder": (200, 150),
                    "r_shoulder": (200, 150), "l_ear": (250, 90)}.items():
        xy[LM[name]] = p
    assert draw.head_line(img, xy, 1.0, "forward of the shoulders (40\u00b0)", "l")
    neck = img[120, 225]  # on the shoulder -> ear line, half way up
    assert tuple(int(v) for v in neck) == COL["M"]
    above = img[100:140, 197:204]  # the trunk's line carried on above the shoulder
    grey = (above[..., 0] == above[..., 1]) & (above[..., 1] == above[..., 2])
    assert (grey & (above[..., 0] > 150)).any(axis=1).all()  # every row: a pale grey line
    assert not draw.head_line(np.zeros_like(img), xy, 1.0, "x", "r")  # no right ear: label alone
    case = build(PLANAR)
    assert case.metrics()["head_position"].extra["ear"] in ("L", "R")
