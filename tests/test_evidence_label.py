"""Evidence stills' labels (core/annotate.py, core/metrics/draw.py) on drawn points: no engine
run. The label must not cover the landing foot the still is about."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotate import evidence_image
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
