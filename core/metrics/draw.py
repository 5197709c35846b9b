"""How a measurement is drawn on its evidence frame: a few styles, each metric module picks
the one that shows what it measures (its :attr:`Metric.draw`).

Every style has the signature ``style(img, xy, fwd, text, limb) -> bool``: ``limb`` is
``"l"``/``"r"`` (the landing foot, or the near arm); it returns False when the points it
needs are missing, and :func:`core.annotate.draw_measure` then puts the label alone.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..annotate import COL, _font, _label, _mid, _pt, _scale

GUIDE = (200, 200, 200)  # grey reference lines (vertical, horizontal)


def _style(img: np.ndarray) -> tuple[float, int, tuple]:
    s = _scale(img)
    return s, max(2, int(2 * s), _font(img)[1]), COL["M"]


def _foot_at_contact(img, xy, fwd, text, limb, shin: bool) -> bool:
    s, th, c = _style(img)
    hip, ank = _mid(xy, "l_hip", "r_hip"), _pt(xy, f"{limb}_ankle")
    if not hip or not ank:
        return False
    cv2.line(img, (hip[0], hip[1]), (hip[0], ank[1]), c, th, cv2.LINE_AA)
    cv2.line(img, (hip[0], ank[1]), ank, c, th, cv2.LINE_AA)
    cv2.circle(img, ank, int(6 * s), c, th, cv2.LINE_AA)
    if shin:
        kn = _pt(xy, f"{limb}_knee")
        if kn:
            cv2.line(img, kn, (kn[0], ank[1]), GUIDE, 1, cv2.LINE_AA)
            cv2.line(img, kn, ank, c, th, cv2.LINE_AA)
    # below the foot when there is room (hung just clear under the ankle); else beside
    # the thigh, behind the runner, or above the hips: never over the landing foot it is
    # about (a foot at the picture's bottom edge had the label pushed up over it), nor over
    # the other leg (a label across the trailing thigh read as being about that leg: both
    # fresh-eyes reviews)
    kn = _pt(xy, f"{limb}_knee") or ank
    other = "l" if limb == "r" else "r"
    clear = [p for p in (ank, kn, _pt(xy, f"{other}_knee"), _pt(xy, f"{other}_ankle")) if p]
    behind = min(hip[0], ank[0]) if fwd > 0 else max(hip[0], ank[0])
    mid_y = (hip[1] + kn[1]) // 2
    _label(img, text, (min(hip[0], ank[0]), ank[1]), keep_clear=clear,
           org_is_top=True,
           elsewhere=[(behind - int(img.shape[1] * 0.45) if fwd > 0
                       else behind + int(img.shape[1] * 0.05), mid_y),
                      (hip[0], hip[1] - int(30 * s))])
    return True


def foot_at_contact(img, xy, fwd, text, limb) -> bool:
    """Plumb line down from the hips and across to the landing ankle."""
    return _foot_at_contact(img, xy, fwd, text, limb, shin=False)


def shin_at_contact(img, xy, fwd, text, limb) -> bool:
    """As :func:`foot_at_contact`, plus the shin against a vertical through the knee."""
    return _foot_at_contact(img, xy, fwd, text, limb, shin=True)


def trunk_line(img, xy, fwd, text, limb) -> bool:
    """The hip-to-shoulder line against vertical."""
    s, th, c = _style(img)
    hip, sh = _mid(xy, "l_hip", "r_hip"), _mid(xy, "l_shoulder", "r_shoulder")
    if not hip or not sh:
        return False
    top = (hip[0], hip[1] - int(1.15 * abs(hip[1] - sh[1])))
    cv2.line(img, hip, top, GUIDE, max(1, th - 1), cv2.LINE_AA)
    cv2.line(img, hip, sh, c, th, cv2.LINE_AA)
    _label(img, text, (sh[0] + int(10 * s * fwd), sh[1] - int(14 * s)))
    return True


def head_line(img, xy, fwd, text, limb) -> bool:
    """The trunk's line carried on up past the shoulder (grey) and the shoulder-to-ear line of
    the measured side (``limb``: the ear seen better): the angle between them is the head
    position. Its still showed the trunk alone, so "forward of the shoulders (38°)" had
    nothing to point at (review, 2 Dec)."""
    s, th, c = _style(img)
    hip, sh = _mid(xy, "l_hip", "r_hip"), _mid(xy, "l_shoulder", "r_shoulder")
    sh_side, ear = _pt(xy, f"{limb}_shoulder"), _pt(xy, f"{limb}_ear")
    if not hip or not sh or not sh_side or not ear:
        return False
    up = np.array(sh, float) - np.array(hip, float)
    norm = float(np.linalg.norm(up))
    if norm < 1:
        return False
    reach = float(np.linalg.norm(np.subtract(ear, sh_side))) * 1.2
    top = tuple(int(v) for v in np.array(sh_side, float) + up / norm * reach)
    for a, b in ((hip, sh), (sh_side, top)):  # outlined: a pale line vanished on a pale wall
        cv2.line(img, a, b, (40, 40, 40), th + 2, cv2.LINE_AA)
        cv2.line(img, a, b, GUIDE, max(1, th - 1), cv2.LINE_AA)
    cv2.line(img, sh_side, ear, c, th, cv2.LINE_AA)
    cv2.circle(img, ear, int(6 * s), c, -1, cv2.LINE_AA)
    mid = ((sh_side[0] + top[0]) // 2, (sh_side[1] + top[1]) // 2)
    behind = 0 if fwd > 0 else img.shape[1]  # the label's fallback: behind the back
    _label(img, text, (ear[0] + int(14 * s * fwd), ear[1] - int(10 * s)),
           keep_clear=[top, mid, ear], elsewhere=[(behind, sh_side[1] + int(50 * s)),
                                                  (behind, top[1])])
    return True


def arm(img, xy, fwd, text, limb) -> bool:
    """Shoulder-elbow-wrist of the measured (near) arm, the elbow ringed."""
    s, th, c = _style(img)
    pts = [_pt(xy, f"{limb}_{n}") for n in ("shoulder", "elbow", "wrist")]
    if not all(pts):
        return False
    cv2.line(img, pts[0], pts[1], c, th, cv2.LINE_AA)
    cv2.line(img, pts[1], pts[2], c, th, cv2.LINE_AA)
    cv2.circle(img, pts[1], int(10 * s), c, th, cv2.LINE_AA)
    _label(img, text, (pts[1][0] + int(12 * s), pts[1][1]))
    return True


def _level(img, text, a: str, b: str, xy) -> bool:
    s, th, c = _style(img)
    pa, pb = _pt(xy, a), _pt(xy, b)
    if not pa or not pb:
        return False
    cv2.line(img, pa, pb, c, th, cv2.LINE_AA)
    cv2.line(img, (pa[0], pa[1]), (pb[0], pa[1]), GUIDE, 1, cv2.LINE_AA)
    _label(img, text, (min(pa[0], pb[0]), min(pa[1], pb[1]) - int(16 * s)))
    return True


def hip_line(img, xy, fwd, text, limb) -> bool:
    """The hip line against horizontal (front/back view)."""
    return _level(img, text, "l_hip", "r_hip", xy)


def shoulder_line(img, xy, fwd, text, limb) -> bool:
    """The shoulder line against horizontal (front/back view)."""
    return _level(img, text, "l_shoulder", "r_shoulder", xy)


def midline(img, xy, fwd, text, limb) -> bool:
    """The body midline down from the hips, and across to the landing ankle."""
    s, th, c = _style(img)
    hip = _mid(xy, "l_hip", "r_hip")
    if not hip:
        return False
    cv2.line(img, hip, (hip[0], img.shape[0] - 1), c, max(1, th - 1), cv2.LINE_AA)
    ank = _pt(xy, f"{limb}_ankle")
    if ank:
        cv2.line(img, (hip[0], ank[1]), ank, c, th, cv2.LINE_AA)
    _label(img, text, (hip[0] + int(8 * s), (ank or hip)[1] - int(16 * s)))
    return True


def leg(img, xy, fwd, text, limb) -> bool:
    """Hip-knee-ankle of the measured leg."""
    s, th, c = _style(img)
    pts = [_pt(xy, f"{limb}_{n}") for n in ("hip", "knee", "ankle")]
    if not all(pts):
        return False
    cv2.line(img, pts[0], pts[1], c, th, cv2.LINE_AA)
    cv2.line(img, pts[1], pts[2], c, th, cv2.LINE_AA)
    _label(img, text, (pts[1][0] + int(12 * s), pts[1][1]))
    return True
