"""Exact-truth landmark sequences for unit tests (no video, no pose model).

A 2-D stick runner on a treadmill, written straight into MediaPipe's 33-landmark layout, so
every metric has a value known by construction: contact and toe-off times, overstride at
contact, trunk lean, elbow angle, contact time, and (front view) pelvic drop and step width.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landmarks import Track
from core.pose import LM


@dataclass
class Gait:
    cadence: float = 172.0  # steps/min
    duty: float = 0.36  # contact time / stride time
    overstride: float = 0.10  # ankle ahead of hip mid at IC, fraction of leg length
    trunk_lean: float = 8.0  # deg, forward +
    elbow: float = 90.0  # deg
    pelvic_drop: float = 0.0  # deg, swing side down at mid-stance (front view)
    step_width: float = 0.08  # ankle from midline at IC, fraction of leg length (front view)
    fps: float = 60.0
    seconds: float = 8.0
    leg_px: float = 260.0
    facing: str = "right"  # side view: image direction the runner faces
    view: str = "side"  # side | front

    @property
    def stride_s(self) -> float:
        return 120.0 / self.cadence

    @property
    def contact_s(self) -> float:
        return self.duty * self.stride_s

    def ic_times(self, foot: str) -> np.ndarray:
        off = 0.0 if foot == "R" else self.stride_s / 2
        return np.arange(off + 0.1, self.seconds, self.stride_s)


def _knee(hip: np.ndarray, ankle: np.ndarray, seg: float, fwd: float) -> np.ndarray:
    """2-link IK: knee of a leg with thigh = shank = seg, bending forward (toward fwd)."""
    d = ankle - hip
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    dist_c = np.minimum(dist, 2 * seg * 0.999)
    mid = hip + d / 2
    h = np.sqrt(np.maximum(seg ** 2 - (dist_c / 2) ** 2, 0))
    perp = np.stack([-d[..., 1], d[..., 0]], axis=-1) / np.maximum(dist, 1e-9)
    # pick the perpendicular pointing forward
    sign = np.sign(perp[..., 0:1] * fwd)
    sign[sign == 0] = 1
    return mid + perp * h * sign


def make_track(g: Gait) -> Track:
    n = int(g.seconds * g.fps)
    t = np.arange(n) / g.fps
    L = g.leg_px
    W, H = 1280, 960
    fwd = 1.0 if g.facing == "right" else -1.0
    xy = np.full((n, 33, 2), np.nan)
    T = g.stride_s
    x_ic = g.overstride * L
    x_to = -0.35 * L
    hip_y0 = 0.35 * H
    ground = hip_y0 + 0.90 * L
    pelvis = np.stack([np.full(n, W / 2.0), hip_y0 + 0.02 * L * np.cos(4 * np.pi * t / T)], axis=1)
    feet = {}
    for foot in ("L", "R"):
        off = 0.1 if foot == "R" else 0.1 + T / 2
        ph = ((t - off) / T) % 1.0
        stance = ph < g.duty
        s = np.where(stance, ph / g.duty, (ph - g.duty) / (1 - g.duty))
        # swing: cubic Hermite from toe-off to contact, leaving and landing at belt speed
        # (swing-leg retraction), so the foot's speed is continuous as in real running
        m = (x_to - x_ic) * (1 - g.duty) / g.duty  # belt displacement per unit of swing phase
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        swing_x = h00 * x_to + h10 * m + h01 * x_ic + h11 * m
        fx = np.where(stance, x_ic + (x_to - x_ic) * s, swing_x)
        fy = np.where(stance, ground, ground - 0.25 * L * np.sin(np.pi * s))
        feet[foot] = (fx, fy, stance, ph)
    if g.view == "side":
        for foot, s in (("L", "l"), ("R", "r")):
            fx, fy, stance, _ = feet[foot]
            hip = pelvis.copy()
            ank = np.stack([pelvis[:, 0] + fwd * fx, fy], axis=1)
            knee = _knee(hip, ank, L / 2, fwd)
            xy[:, LM[f"{s}_hip"]] = hip
            xy[:, LM[f"{s}_knee"]] = knee
            xy[:, LM[f"{s}_ankle"]] = ank
            xy[:, LM[f"{s}_heel"]] = ank + np.array([-fwd * 0.06 * L, 0.05 * L])
            xy[:, LM[f"{s}_toe"]] = ank + np.array([fwd * 0.20 * L, 0.05 * L])
        lean = np.radians(g.trunk_lean)
        trunk = 0.75 * L
        sh = pelvis + np.stack([fwd * trunk * np.sin(lean) * np.ones(n), -trunk * np.cos(lean) * np.ones(n)], axis=1)
        for s, ph0 in (("l", 0.0), ("r", np.pi)):
            xy[:, LM[f"{s}_shoulder"]] = sh
            a = np.radians(5 + 30 * np.sin(2 * np.pi * t / T + ph0))  # upper arm from vertical, fwd +
            elbow = sh + 0.38 * L * np.stack([fwd * np.sin(a), np.cos(a)], axis=1)
            b = a + np.radians(180 - g.elbow)  # forearm rotates forward by 180 - elbow angle
            wrist = elbow + 0.33 * L * np.stack([fwd * np.sin(b), np.cos(b)], axis=1)
            xy[:, LM[f"{s}_elbow"]] = elbow
            xy[:, LM[f"{s}_wrist"]] = wrist
            for k in ("pinky", "index", "thumb"):
                xy[:, LM[f"{s}_{k}"]] = wrist
        head = sh + np.array([fwd * 0.03 * L, -0.22 * L])
        for s in "lr":
            xy[:, LM[f"{s}_ear"]] = head
            for k in ("eye_inner", "eye", "eye_outer"):
                xy[:, LM[f"{s}_{k}"]] = head + np.array([fwd * 0.07 * L, -0.01 * L])
        xy[:, LM["nose"]] = head + np.array([fwd * 0.10 * L, 0.01 * L])
        xy[:, LM["mouth_l"]] = xy[:, LM["mouth_r"]] = head + np.array([fwd * 0.08 * L, 0.05 * L])
    else:  # front view: runner's left on image right
        hw = 0.17 * L
        for foot, s, side in (("L", "l", 1.0), ("R", "r", -1.0)):
            fx, fy, stance, ph = feet[foot]
            other = feet["R" if foot == "L" else "L"]
            hip = pelvis.copy()
            hip[:, 0] += side * hw
            # pelvic drop: while the OTHER foot is in stance, this (swing) side hip drops
            o_st = other[2]
            o_s = np.where(o_st, other[3] / g.duty, 0)
            hip[:, 1] += np.where(o_st, np.tan(np.radians(g.pelvic_drop)) * 2 * hw * np.sin(np.pi * o_s), 0)
            ank = np.stack([pelvis[:, 0] + side * g.step_width * L, fy], axis=1)
            knee = (hip + ank) / 2
            xy[:, LM[f"{s}_hip"]] = hip
            xy[:, LM[f"{s}_knee"]] = knee
            xy[:, LM[f"{s}_ankle"]] = ank
            xy[:, LM[f"{s}_heel"]] = ank + np.array([0, 0.03 * L])
            xy[:, LM[f"{s}_toe"]] = ank + np.array([side * 0.02 * L, 0.12 * L])
            sh = pelvis + np.array([side * 0.22 * L, -0.75 * L])
            xy[:, LM[f"{s}_shoulder"]] = sh
            xy[:, LM[f"{s}_elbow"]] = sh + np.array([side * 0.05 * L, 0.35 * L])
            xy[:, LM[f"{s}_wrist"]] = sh + np.array([side * 0.02 * L, 0.50 * L])
            for k in ("pinky", "index", "thumb"):
                xy[:, LM[f"{s}_{k}"]] = xy[:, LM[f"{s}_wrist"]]
            head = pelvis + np.array([0, -1.0 * L])
            xy[:, LM[f"{s}_ear"]] = head + np.array([side * 0.08 * L, 0])
            for k in ("eye_inner", "eye", "eye_outer"):
                xy[:, LM[f"{s}_{k}"]] = head + np.array([side * 0.04 * L, -0.01 * L])
        xy[:, LM["nose"]] = pelvis + np.array([0, -0.97 * L])
        xy[:, LM["mouth_l"]] = pelvis + np.array([0.02 * L, -0.93 * L])
        xy[:, LM["mouth_r"]] = pelvis + np.array([-0.02 * L, -0.93 * L])
    vis = np.full((n, 33), 0.95)
    return Track(t, xy, vis, np.ones(n, bool), W, H)
