"""The synthetic runner's outline at the hips (core/synthetic/render.py), which the pose model
reads its hip point from. On a person the hip joint sits in the front part of the pelvis
(about 30 % of the pelvis width behind its front, Bell et al. 1990) with the buttocks well
behind it. Drawn centred on the hip joints, our figure made the pose model read its hips
1.3-2.3 % of leg forward and trunk lean 1-2 deg low on every render (``bench/contacts.md``).
One rendered frame, no pose model."""
import numpy as np
import pytest

from core.synthetic import PRESETS
from core.synthetic.model import J, simulate
from core.synthetic.render import Camera, Renderer


@pytest.mark.parametrize("facing", [0.0, 180.0])
def test_the_outline_at_the_hips_reaches_further_behind_the_joints_than_ahead(facing):
    params = PRESETS["good"].params.with_(facing_deg=facing)
    motion = simulate(params, 30.0, 0.4)
    body = params.body
    cam = Camera.for_body(body, 640, 480)
    img = Renderer(cam, body, motion.forward, params.speed_mps).frame(motion.X[0], 0.0)
    hips = (motion.X[0, J["l_hip"]] + motion.X[0, J["r_hip"]]) / 2
    (u, v), depth = cam.project(hips)
    rgb = img[int(v)].astype(float)
    shorts = np.flatnonzero(rgb[:, 2] > 1.6 * rgb[:, 0])  # the dark blue shorts only
    fwd = 1.0 if facing == 0.0 else -1.0
    ahead = fwd * (shorts - u + 0.5)
    px_per_m = cam.f / depth
    front, back = ahead.max() / px_per_m, -ahead.min() / px_per_m  # metres from the joints
    h = body.height
    assert front == pytest.approx(0.058 * h, abs=0.006 * h)  # the thigh's top, round the joint
    assert back == pytest.approx((0.062 + Renderer._PELVIS_BACK) * h, abs=0.006 * h)
    assert back - front > 0.015 * h
