"""Named synthetic runners: one form pattern each, with the view, frame rate and length
they are meant to be filmed at. ``PRESETS[name].params`` is a :class:`RunnerParams`;
every value not named here is the good-form default of :class:`RunnerParams`."""
from __future__ import annotations

from dataclasses import dataclass

from .model import RunnerParams


@dataclass(frozen=True)
class Preset:
    """A runner (``params``) and how to film it (``view``, ``fps``, ``seconds``)."""

    name: str
    description: str
    params: RunnerParams
    view: str = "side"
    fps: float = 30.0
    seconds: float = 6.0


_GOOD = RunnerParams()  # 178 spm, 2.8 m/s, midfoot landing under the hips, 7 deg lean

PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("good", "Good form, side view facing right: 178 spm, small overstride, "
           "midfoot landing, 7 deg lean, elbows at 90 deg.", _GOOD, "side", 60.0),
    Preset("overstrider", "Low cadence (155 spm), heel strike (15 deg) with the ankle 0.25 m "
           "ahead of the hips, longer contact.",
           _GOOD.with_(cadence_spm=155.0, overstride_m=0.25, foot_strike_deg=15.0,
                       duty_factor=0.36, hip_swing_max_deg=38.0, knee_stance_min_deg=8.0)),
    Preset("waist_bender", "Trunk bent 20 deg forward at the waist (hips stay back).",
           _GOOD.with_(trunk_lean_deg=20.0)),
    Preset("straight_arms", "Arms nearly straight (elbow 150 deg) with a short swing.",
           _GOOD.with_(elbow_angle_deg=150.0, arm_swing_amp_deg=24.0)),
    Preset("front_pelvic_drop", "Front view; the hip on the swing side drops 10 deg.",
           _GOOD.with_(pelvic_drop_deg=10.0), "front"),
    Preset("back", "Good form seen from behind (pelvic drop 5 deg).", _GOOD, "back"),
    Preset("side_left", "Good form, side view facing left.", _GOOD, "side_l"),
)}


def follow_cam_cut():
    """Three overground follow-cam passes cut together (``write_clip(..., overground=True,
    segments=follow_cam_cut())``): 1.5 s of the good runner at 168 spm from 6 m, 3 s of the
    clip's own runner with a hand's shake (the longest pass: the one a report should score),
    1.5 s of the good runner at 186 spm from 4.2 m; the cuts fall mid-stride."""
    from .camerapath import CameraPath, Segment

    good = PRESETS["good"].params
    track = CameraPath(follow="track", aim_wobble_m=0.25)
    return (Segment(1.5, good.with_(cadence_spm=168.0, speed_mps=3.0),
                    track.with_(distance_m=6.0, seed=3), phase_s=0.11),
            Segment(3.0, None, track.with_(shake_m=0.02, shake_deg=1.0, seed=4), phase_s=0.23),
            Segment(1.5, good.with_(cadence_spm=186.0, speed_mps=3.6),
                    track.with_(distance_m=4.2, seed=5), phase_s=0.05))
