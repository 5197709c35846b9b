"""Check a rendered clip against MediaPipe pose: does the model see the runner we drew?

:func:`verify_clip` runs ``mediapipe.solutions.pose.Pose(model_complexity=1)`` over every
frame of ``NAME.mp4`` and compares its landmarks with the exact ``uv`` of
``NAME_truth.npz`` (for a moving camera, each frame's own projection). Errors are in % of
the runner's leg length at the pelvis depth (``L * f / depth``). Reported:

* ``detected_pct``: frames with a pose.
* ``median_err_pct_leg``: median error of the 16 limb landmarks as MediaPipe labels them.
* ``median_err_pct_leg_any_side``: the same with each left/right pair matched to whichever
  truth side is nearer (side views: the far limbs are hidden and MediaPipe may swap them).
* ``labels_correct_pct``: frames where MediaPipe's shoulder and hip labels match the truth
  sides better than the swapped labels (a front view read as a back view scores ~0).
* ``left_shoulder_on_image_right_pct``: frames where MediaPipe's LEFT_SHOULDER is to the
  right of its RIGHT_SHOULDER (expected ~100 for front views, ~0 for back views).
"""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np

from .model import J
from .render import truth_paths

# MediaPipe pose landmark index -> truth joint
LANDMARKS: dict[int, str] = {
    11: "l_shoulder", 12: "r_shoulder", 13: "l_elbow", 14: "r_elbow", 15: "l_wrist",
    16: "r_wrist", 23: "l_hip", 24: "r_hip", 25: "l_knee", 26: "r_knee", 27: "l_ankle",
    28: "r_ankle", 29: "l_heel", 30: "r_heel", 31: "l_toe", 32: "r_toe",
}


def _run_pose(video: Path) -> np.ndarray:
    """MediaPipe landmarks in pixels ``[frame, 33, xy]`` (NaN where nothing was found)."""
    import mediapipe as mp

    out = []
    with av.open(str(video)) as container, mp.solutions.pose.Pose(
            static_image_mode=False, model_complexity=1) as pose:
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            res = pose.process(rgb)
            if res.pose_landmarks is None:
                out.append(np.full((33, 2), np.nan))
            else:
                out.append([(lm.x * w, lm.y * h) for lm in res.pose_landmarks.landmark])
    return np.asarray(out, float)


def verify_clip(video: str | Path) -> dict[str, float]:
    """Run MediaPipe over ``video`` and score it against its truth (see module doc)."""
    video = Path(video)
    truth = np.load(truth_paths(video)[1])
    lm = _run_pose(video)
    uv = truth["uv"]
    n = min(len(lm), len(uv))
    lm, uv = lm[:n], uv[:n]
    params = json.loads(str(truth["params"]))
    leg_m = params["thigh"] + params["shank"]
    # focal length: one number (still camera) or one per frame (core.synthetic.scene clips)
    f = np.broadcast_to(np.asarray(truth["cam_f"], float), (len(truth["uv"]),))[:n]
    scale = leg_m * f / truth["depth"][:n, J["pelvis_c"]]  # px per leg
    found = ~np.isnan(lm[:, 0, 0])
    idx = list(LANDMARKS)
    pred = lm[:, idx]
    true = uv[:, [J[LANDMARKS[i]] for i in idx]]
    swapped = uv[:, [J[_other(LANDMARKS[i])] for i in idx]]
    err = np.linalg.norm(pred - true, axis=-1) / scale[:, None] * 100
    err_sw = np.linalg.norm(pred - swapped, axis=-1) / scale[:, None] * 100
    pair_err = err.reshape(n, -1, 2).sum(-1)       # landmarks come in (left, right) pairs
    pair_sw = err_sw.reshape(n, -1, 2).sum(-1)
    any_side = np.where((pair_err <= pair_sw)[..., None], err.reshape(n, -1, 2),
                        err_sw.reshape(n, -1, 2)).reshape(n, -1)
    trunk = [0, 3]  # pairs: shoulders, hips
    labels_ok = pair_err[:, trunk].sum(-1) < pair_sw[:, trunk].sum(-1)
    return {
        "frames": n,
        "detected_pct": 100.0 * found.mean(),
        "median_err_pct_leg": float(np.median(err[found])),
        "median_err_pct_leg_any_side": float(np.median(any_side[found])),
        "labels_correct_pct": 100.0 * float(labels_ok[found].mean()),
        "left_shoulder_on_image_right_pct": 100.0 * float(
            (lm[found, 11, 0] > lm[found, 12, 0]).mean()),
    }


def _other(joint: str) -> str:
    return ("r_" if joint.startswith("l_") else "l_") + joint[2:]
