"""Evidence labels keep out of the head box a share link blurs (core.annotate): a label over
the face came out half blurred on shared stills ("6 % above your relaxed p##on")."""
import numpy as np
import pytest

from core import annotate
from synth_track import Gait, make_track


@pytest.mark.parametrize("metric_id, view", [("shoulder_level", "front"),
                                              ("shoulder_elevation", "front"),
                                              ("trunk_lean", "side")])
def test_labels_stay_out_of_the_head_box(metric_id, view):
    tr = make_track(Gait(view=view))
    i = len(tr.t) // 2
    xy = tr.xy[i]
    face = annotate.face_box(xy)
    assert face is not None
    img = np.full((tr.height, tr.width, 3), 255, np.uint8)
    annotate.draw_measure(img, metric_id, xy, 1.0, "6 % above your relaxed position")
    dark = np.all(img == (20, 20, 20), axis=2)  # the label's box
    assert dark.any()
    x0, y0, x1, y1 = (max(0, v) for v in face)
    assert not dark[y0:y1, x0:x1].any(), (metric_id, face)
