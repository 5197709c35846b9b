"""Shoulder shrug (any view) and shoulder level (front/back) (core/metrics/shoulders.py).
Shrug: within 0.5 % of the definition worked out on the world joints; level: 0.3 deg."""
import numpy as np
import pytest

from model_track import LM, PLANAR, RunnerParams, build

BASE = RunnerParams(cadence_spm=180.0)
ARM = ("shoulder", "elbow", "wrist", "pinky", "index", "thumb")


def _shrug(lift_m: float, share: float):
    """Both shoulders (with the arms) raised ``lift_m`` in blocks of frames making up
    ``share`` of the clip; the rest of the time relaxed."""
    def edit(X, motion):
        k = np.arange(len(X))
        raised = (k // 30) % 10 < round(share * 10)
        for s in "lr":
            for j in ARM:
                X[raised, LM[f"{s}_{j}"], 1] += lift_m
    return edit


def _truth(case) -> float:
    """(1 - median / 90th percentile) of the ear-to-shoulder height over the torso length, %."""
    X = case.X
    sh = (X[:, LM["l_shoulder"]] + X[:, LM["r_shoulder"]]) / 2
    ear = (X[:, LM["l_ear"]] + X[:, LM["r_ear"]]) / 2
    hip = (X[:, LM["l_hip"]] + X[:, LM["r_hip"]]) / 2
    r = (ear[:, 1] - sh[:, 1]) / np.linalg.norm(sh - hip, axis=1)
    return (1 - np.median(r) / np.percentile(r, 90)) * 100


@pytest.mark.parametrize("view, params", [("side", PLANAR), ("front", BASE), ("back", BASE)])
@pytest.mark.parametrize("lift_m", [0.0, 0.02, 0.05])
def test_shoulder_elevation(view, params, lift_m):
    case = build(params, view=view, edit=_shrug(lift_m, 0.7))
    m = case.metrics()["shoulder_elevation"]
    assert m.value == pytest.approx(_truth(case), abs=0.5)
    assert m.confidence == "low"
    if lift_m == 0.05:
        assert m.status == "fix"


def _tilt(deg: float):
    """The shoulder line tilted ``deg``, the runner's left shoulder lower."""
    def edit(X, motion):
        w = np.linalg.norm(X[:, LM["l_shoulder"]] - X[:, LM["r_shoulder"]], axis=1)
        drop = w / 2 * np.tan(np.radians(deg))
        for s, sign in (("l", -1.0), ("r", 1.0)):
            for j in ARM:
                X[:, LM[f"{s}_{j}"], 1] += sign * drop
    return edit


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("deg", [0.0, 2.0, 8.0])
def test_shoulder_level(view, deg):
    m = build(BASE, view=view, edit=_tilt(deg)).metrics()["shoulder_level"]
    assert m.value == pytest.approx(deg, abs=0.3)
    assert m.status == ("fix" if deg > 6 else "good")
    if deg:
        assert "left lower" in m.display
