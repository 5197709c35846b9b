"""Parametric kinematic model of a runner on a treadmill, with exact ground truth.

Coordinates: metres, world frame with ``y`` up and the ground (belt) at ``y = 0``. The pelvis
centre stays at ``x = z = 0`` (treadmill); the runner faces ``forward = (cos h, 0, sin h)``
for ``h = facing_deg`` and ``right = forward x up``. With the default camera of
:mod:`core.synthetic.render` (on the ``+z`` axis looking at the runner) ``facing_deg = 0``
faces image-right, ``180`` image-left, ``90`` toward the camera and ``-90`` away from it.

The gait is exactly periodic. The right foot touches down at ``t = k * stride_time``, the
left foot half a stride later; each foot stays on the belt for ``contact_time`` and moves
backward with it at ``speed_mps``. During stance the foot is a rigid body that rolls over its
heel (heel strike) or its toe (forefoot strike) at landing, lies flat, then rolls over its
toe until toe-off, so the point of the sole touching the belt never slides. The stance knee
comes from 2-link inverse kinematics (hip to ankle) and the pelvis height is chosen so that
the stance knee is never straighter than ``knee_stance_min_deg``; the swing leg follows
smooth joint-angle curves that join the stance pose at toe-off and touchdown.

Everything is numpy-vectorised over time: :meth:`RunnerModel.pose` evaluates any array of
times, :func:`simulate` samples a clip at a constant frame rate and
:meth:`RunnerModel.truth` gives the true metric values (definitions as in
``shared/spec/METRICS.md``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from ..spec import KNEE_MID_STANCE_SHARE

JOINTS: tuple[str, ...] = (
    "head", "neck", "shoulder_c", "pelvis_c",
    "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist",
    "l_hand", "r_hand", "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
    "l_heel", "r_heel", "l_toe", "r_toe", "l_shoe_back", "r_shoe_back",
    "l_shoe_front", "r_shoe_front",
)
"""Joint names, in the order of the joint axis of ``X`` / ``uv`` (same as the reference clips)."""

J = {name: i for i, name in enumerate(JOINTS)}
_UP = np.array([0.0, 1.0, 0.0])


@dataclass(frozen=True)
class Body:
    """Segment lengths in metres (anthropometric fractions of standing height).

    ``ankle_x``/``ankle_h``: ankle joint ahead of / above the back of the shoe sole;
    ``mark_h``: height above the sole of the heel and toe landmarks (equal, so the
    heel->toe landmark line is parallel to the sole). ``trunk_len`` is pelvis centre to
    shoulder centre, ``head_offset`` neck to head centre; the shoe is a tapered capsule
    with end radii ``shoe_back_r`` / ``shoe_front_r`` whose underside is the sole.
    """

    height: float
    thigh: float
    shank: float
    foot_len: float
    ankle_x: float
    ankle_h: float
    mark_h: float
    hip_width: float
    shoulder_width: float
    trunk_len: float
    neck_len: float
    head_offset: float
    head_r: float
    upper_arm: float
    forearm: float
    hand: float
    shoe_back_r: float
    shoe_front_r: float

    @classmethod
    def from_height(cls, height: float) -> Body:
        h = float(height)
        return cls(height=h, thigh=0.245 * h, shank=0.246 * h, foot_len=0.155 * h,
                   ankle_x=0.038 * h, ankle_h=0.047 * h, mark_h=0.014 * h,
                   hip_width=0.105 * h, shoulder_width=0.215 * h, trunk_len=0.288 * h,
                   neck_len=0.05 * h, head_offset=0.07 * h, head_r=0.063 * h,
                   upper_arm=0.172 * h, forearm=0.157 * h, hand=0.05 * h,
                   shoe_back_r=0.026 * h, shoe_front_r=0.017 * h)

    @property
    def leg_length(self) -> float:
        """L = thigh + shank (hip -> knee -> ankle), the metrics' unit of length."""
        return self.thigh + self.shank


@dataclass(frozen=True)
class RunnerParams:
    """Everything that defines a synthetic runner. Angles in degrees, lengths in metres.

    Form parameters (what a coach sees):
      ``cadence_spm`` steps per minute; ``speed_mps`` belt speed; ``duty_factor`` contact
      time / stride time; ``trunk_lean_deg`` pelvis->shoulder line from vertical (forward +,
      bent at the waist); ``overstride_m`` ankle ahead of the pelvis centre at initial
      contact; ``foot_strike_deg`` sole angle at initial contact (+ = heel first / toe up,
      - = forefoot first); ``toeoff_foot_deg`` sole angle at toe-off (toe down, negative);
      ``elbow_angle_deg`` shoulder-elbow-wrist angle; ``arm_swing_amp_deg`` and
      ``arm_swing_mean_deg`` upper-arm swing about the trunk axis (forward +);
      ``vert_osc_m`` peak-to-trough bounce of the pelvis; ``pelvic_drop_deg`` tilt of the hip
      line toward the swing side at mid-stance; ``step_width_m`` lateral distance of each
      foot from the midline; ``knee_swing_max_deg`` / ``hip_swing_max_deg`` peak knee flexion
      and forward thigh angle (knee drive) in swing; ``knee_stance_min_deg`` the straightest
      the stance knee gets (sets the pelvis height); ``facing_deg`` direction of travel.
    """

    cadence_spm: float = 178.0
    speed_mps: float = 2.8
    duty_factor: float = 0.30
    trunk_lean_deg: float = 7.0
    overstride_m: float = 0.05
    foot_strike_deg: float = 4.0
    toeoff_foot_deg: float = -50.0
    elbow_angle_deg: float = 90.0
    arm_swing_amp_deg: float = 30.0
    arm_swing_mean_deg: float = -5.0
    vert_osc_m: float = 0.07
    pelvic_drop_deg: float = 5.0
    step_width_m: float = 0.07
    knee_swing_max_deg: float = 105.0
    hip_swing_max_deg: float = 32.0
    knee_stance_min_deg: float = 10.0
    height_m: float = 1.75
    facing_deg: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "cadence_spm": 100 <= self.cadence_spm <= 240,
            "speed_mps": 0.5 <= self.speed_mps <= 8,
            "duty_factor": 0.15 <= self.duty_factor < 0.5,
            "foot_strike_deg": -30 <= self.foot_strike_deg <= 35,
            "toeoff_foot_deg": -80 <= self.toeoff_foot_deg <= -10,
            "elbow_angle_deg": 30 <= self.elbow_angle_deg <= 180,
            "vert_osc_m": 0 <= self.vert_osc_m <= 0.25,
            "pelvic_drop_deg": 0 <= self.pelvic_drop_deg <= 20,
            "knee_stance_min_deg": 1 <= self.knee_stance_min_deg <= 60,
            "height_m": 1.0 <= self.height_m <= 2.3,
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"RunnerParams out of range: {', '.join(bad)}")

    @property
    def body(self) -> Body:
        return Body.from_height(self.height_m)

    @property
    def stride_time(self) -> float:
        return 120.0 / self.cadence_spm

    @property
    def step_time(self) -> float:
        return 60.0 / self.cadence_spm

    @property
    def contact_time(self) -> float:
        return self.duty_factor * self.stride_time

    def with_(self, **changes: float) -> RunnerParams:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class GaitEvent:
    """One gait event: ``kind`` ``"ic"`` (initial contact) or ``"to"`` (toe-off)."""

    t: float
    side: str  # "l" or "r"
    kind: str


@dataclass
class Motion:
    """A sampled clip of the model: ``X[frame, joint, xyz]`` (world, m) at times ``t`` (s),
    ``stance[frame, side]`` (columns ``l``, ``r``), the exact gait events inside the clip,
    the unit ``forward`` vector and the true metric values (see :meth:`RunnerModel.truth`)."""

    params: RunnerParams
    fps: float
    t: np.ndarray
    X: np.ndarray
    stance: np.ndarray
    events: list[GaitEvent]
    forward: np.ndarray
    truth: dict[str, float]

    def contacts(self, kind: str = "ic") -> list[GaitEvent]:
        return [e for e in self.events if e.kind == kind]


# ------------------------------------------------------------------ small vector helpers

def _hermite(u: np.ndarray, knots: list[tuple[float, float, float]]) -> np.ndarray:
    """C1 piecewise-cubic Hermite through ``(u_k, value_k, slope_k)`` knots (u ascending)."""
    uk = np.array([k[0] for k in knots])
    yk = np.array([k[1] for k in knots])
    mk = np.array([k[2] for k in knots])
    i = np.clip(np.searchsorted(uk, u, side="right") - 1, 0, len(uk) - 2)
    h = uk[i + 1] - uk[i]
    s = (u - uk[i]) / h
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * yk[i] + (s3 - 2 * s2 + s) * h * mk[i]
            + (-2 * s3 + 3 * s2) * yk[i + 1] + (s3 - s2) * h * mk[i + 1])


def _monotone(knots: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Limit knot slopes (Fritsch-Carlson) so the Hermite curve never overshoots between
    knots: a slope against the direction of an adjacent segment becomes 0, and none exceeds
    three times an adjacent segment's secant slope."""
    out = []
    for i, (u, y, m) in enumerate(knots):
        for j in (i - 1, i + 1):
            if 0 <= j < len(knots):
                secant = (knots[j][1] - y) / (knots[j][0] - u)
                m = 0.0 if m * secant <= 0 else np.sign(m) * min(abs(m), 3 * abs(secant))
        out.append((u, y, m))
    return out


def _angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle in degrees between vectors ``a`` and ``b`` (last axis)."""
    cos = np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _rotate(v: np.ndarray, axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rodrigues rotation of vectors ``v`` about unit ``axis`` by ``angle`` (rad), batched."""
    c, s = np.cos(angle)[..., None], np.sin(angle)[..., None]
    return v * c + np.cross(axis, v) * s + axis * np.sum(axis * v, -1, keepdims=True) * (1 - c)


# ------------------------------------------------------------------ the model

class RunnerModel:
    """The continuous-time runner for one :class:`RunnerParams`.

    All internal geometry is in the body frame ``(forward, up, right)``; :meth:`pose`
    rotates it into the world by ``facing_deg``.
    """

    _FLAT_AT = 0.15      # share of stance after which a heel/forefoot landing is foot-flat
    _HEEL_OFF_AT = 0.5   # share of stance at which the heel starts to rise
    _KNEE_PEAK_AT = 0.5   # share of swing with peak knee flexion
    _HIP_PEAK_AT = 0.75   # share of swing with peak forward thigh angle (then retraction)
    _ANKLE_NEUTRAL_AT = 0.4  # share of swing by which the ankle is back to neutral (toe up)
    _ANKLE_SWING = np.radians(5.0)  # dorsiflexion that lifts the toe in mid-swing
    _KNEE_STANCE_MAX = np.radians(75.0)  # deepest stance knee bend the model accepts
    _ARM_ABDUCTION = np.radians(8.0)   # elbows slightly out to the side
    _ARM_INWARD = np.radians(18.0)     # humeral rotation carrying the hands toward the midline

    def __init__(self, params: RunnerParams):
        self.p = params
        self.b = params.body
        self.T = params.stride_time
        self.tc = params.contact_time
        self.v = params.speed_mps
        self.a0 = np.radians(params.foot_strike_deg)
        self.a_to = np.radians(params.toeoff_foot_deg)
        self.s0 = self._heel_start()
        self.knee_min = np.radians(params.knee_stance_min_deg)
        self.pelvis_mean = self._pelvis_height()
        self._swing = self._swing_knots()

    # ---- stance foot -------------------------------------------------------------
    def _foot_angle_stance(self, tau: np.ndarray) -> np.ndarray:
        """Sole angle (rad, toe up +) at time ``tau`` after initial contact."""
        t_flat, t_off = self._FLAT_AT * self.tc, self._HEEL_OFF_AT * self.tc
        land = self.a0 * np.clip(1.0 - tau / t_flat, 0.0, 1.0) ** 2
        push = self.a_to * np.clip((tau - t_off) / (self.tc - t_off), 0.0, 1.0) ** 2
        return land + push

    def _heel_start(self) -> float:
        """Forward position of the flat-foot sole heel point at IC, from the overstride."""
        b, a = self.b, self.a0
        ankle_from_pivot = b.ankle_x * np.cos(a) - b.ankle_h * np.sin(a)
        pivot_offset = 0.0 if a >= 0 else b.foot_len * (1.0 - np.cos(a))
        return self.p.overstride_m - ankle_from_pivot - pivot_offset

    def _foot_frame(self, tau: np.ndarray):
        """Sole-heel origin (fwd, up) and sole direction angle of the stance foot.

        The sole touches the belt at its heel (angle > 0) or its toe (angle < 0); that
        point moves backward with the belt, so it has zero velocity relative to the belt.
        """
        alpha = self._foot_angle_stance(tau)
        s = self.s0 - self.v * tau
        toe_pivot = alpha < 0
        ox = np.where(toe_pivot, s + self.b.foot_len * (1.0 - np.cos(alpha)), s)
        oy = np.where(toe_pivot, -self.b.foot_len * np.sin(alpha), 0.0)
        return ox, oy, alpha

    def _foot_points(self, ox, oy, alpha, lateral):
        """Body-frame foot landmarks for a sole origin and angle: dict name -> (n, 3)."""
        b = self.b
        e1 = np.stack([np.cos(alpha), np.sin(alpha)], -1)
        e2 = np.stack([-np.sin(alpha), np.cos(alpha)], -1)
        o = np.stack([ox, oy], -1)
        r_back, r_front = b.shoe_back_r, b.shoe_front_r
        local = {"ankle": (b.ankle_x, b.ankle_h), "heel": (0.0, b.mark_h),
                 "toe": (b.foot_len, b.mark_h), "shoe_back": (r_back, r_back),
                 "shoe_front": (b.foot_len - r_front, r_front)}
        lat = np.broadcast_to(lateral, np.shape(ox))[..., None]
        return {k: np.concatenate([o + a * e1 + c * e2, lat], -1) for k, (a, c) in local.items()}

    # ---- pelvis ------------------------------------------------------------------
    def _bounce(self, t: np.ndarray) -> np.ndarray:
        """Pelvis height about its mean: lowest at each mid-stance, period = step time."""
        phase = 2 * np.pi * (t - self.tc / 2) / self.p.step_time
        return -0.5 * self.p.vert_osc_m * np.cos(phase)

    def _obliquity(self, t: np.ndarray) -> np.ndarray:
        """Hip-line tilt (rad): + = right hip up / left hip dropped (during right stance)."""
        drop = np.radians(self.p.pelvic_drop_deg)
        tau_r = np.mod(t, self.T)
        tau_l = np.mod(t - self.T / 2, self.T)
        bump_r = np.where(tau_r < self.tc, np.sin(np.pi * tau_r / self.tc) ** 2, 0.0)
        bump_l = np.where(tau_l < self.tc, np.sin(np.pi * tau_l / self.tc) ** 2, 0.0)
        return drop * (bump_r - bump_l)

    def _hip(self, t: np.ndarray, pelvis_y: np.ndarray, side: int) -> np.ndarray:
        """Body-frame hip joint of ``side`` (+1 right, -1 left)."""
        o = self._obliquity(t)
        w = self.b.hip_width / 2
        return np.stack([np.zeros_like(t), pelvis_y + side * w * np.sin(o),
                         side * w * np.cos(o)], -1)

    def _pelvis_height(self) -> float:
        """Mean pelvis height: the highest at which the stance knee never straightens
        beyond ``knee_stance_min_deg`` (checked densely over a right-foot stance).

        Raises ValueError when no height works: the foot lands or leaves too far from the
        hips for the leg, or the stance knee would have to bend more than
        ``_KNEE_STANCE_MAX``.
        """
        a, c = self.b.thigh, self.b.shank
        d_max2 = a * a + c * c + 2 * a * c * np.cos(self.knee_min)
        d_min2 = a * a + c * c + 2 * a * c * np.cos(self._KNEE_STANCE_MAX)
        tau = np.linspace(0.0, self.tc, 801)
        ox, oy, alpha = self._foot_frame(tau)
        ankle = self._foot_points(ox, oy, alpha, self.p.step_width_m)["ankle"]
        hip0 = self._hip(tau, self._bounce(tau), +1)  # hip with a pelvis mean of 0
        horiz2 = ankle[:, 0] ** 2 + (ankle[:, 2] - hip0[:, 2]) ** 2
        if np.all(horiz2 < d_max2):
            mean = float(np.min(ankle[:, 1] - hip0[:, 1] + np.sqrt(d_max2 - horiz2)))
            if np.all(horiz2 + (mean + hip0[:, 1] - ankle[:, 1]) ** 2 >= d_min2):
                return mean
        raise ValueError("stance foot out of reach: lower overstride_m, speed_mps or "
                         "duty_factor, or raise knee_stance_min_deg")

    # ---- leg kinematics ----------------------------------------------------------
    def _ik(self, hip: np.ndarray, ankle: np.ndarray, side: int):
        """Leg angles from hip and ankle: abduction phi, thigh angle theta (forward +, in
        the leg plane), knee flexion kappa. The hip-ankle distance is clamped to the leg's
        reach so the knee never hyper-extends."""
        a, c = self.b.thigh, self.b.shank
        u = ankle - hip
        out = side * u[..., 2]
        phi = np.arctan2(out, -u[..., 1])
        rho = np.hypot(out, u[..., 1])
        d = np.clip(np.linalg.norm(u, axis=-1), abs(a - c) + 1e-9, a + c)
        gamma = np.arctan2(u[..., 0], rho)
        delta = np.arccos(np.clip((a * a + d * d - c * c) / (2 * a * d), -1, 1))
        kappa = np.pi - np.arccos(np.clip((a * a + c * c - d * d) / (2 * a * c), -1, 1))
        return phi, gamma + delta, kappa

    def _fk(self, hip, phi, theta, kappa, side: int):
        """Knee and ankle from the leg angles (inverse of :meth:`_ik`)."""
        fwd = np.array([1.0, 0.0, 0.0])
        down = np.stack([np.zeros_like(phi), -np.cos(phi), side * np.sin(phi)], -1)
        knee = hip + self.b.thigh * (np.sin(theta)[..., None] * fwd
                                     + np.cos(theta)[..., None] * down)
        sh = theta - kappa
        ankle = knee + self.b.shank * (np.sin(sh)[..., None] * fwd + np.cos(sh)[..., None] * down)
        return knee, ankle

    def _stance_leg(self, tau: np.ndarray, t: np.ndarray, side: int):
        """Leg of ``side`` with its foot on the belt, ``tau`` after initial contact (global
        time ``t``): hip, foot points, leg angles (phi, theta, kappa) by IK, sole angle."""
        ox, oy, alpha = self._foot_frame(tau)
        foot = self._foot_points(ox, oy, alpha, side * self.p.step_width_m)
        hip = self._hip(t, self.pelvis_mean + self._bounce(t), side)
        phi, theta, kappa = self._ik(hip, foot["ankle"], side)
        return hip, foot, phi, theta, kappa, alpha

    def _swing_knots(self) -> dict[str, list[tuple[float, float, float]]]:
        """Hermite knots (swing share u, value, d/du) for the swing-leg angles.

        The curves leave the toe-off pose with its angular velocities (except the ankle,
        which stops plantarflexing at toe-off), pass through peak knee flexion, ankle back
        to neutral and peak knee drive, and reach the touchdown pose with the thigh still
        retracting, the knee at its straightest and the ankle still. Slopes are limited so
        no curve overshoots its knots (no hyper-extension, no toe-stubbing dips).
        """
        eps = 1e-6
        ts = self.T - self.tc
        taus = np.array([self.tc - eps, self.tc, 0.0, eps])
        _, _, phi, theta, kappa, alpha = self._stance_leg(taus, taus, +1)
        beta = alpha - (theta - kappa)  # foot relative to shank (dorsiflexion +)

        def knots(v, mid=None, slope_to=True, slope_ic=True):
            to = (v[1] - v[0]) / eps * ts if slope_to else 0.0
            ic = (v[3] - v[2]) / eps * ts if slope_ic else 0.0
            return _monotone([(0.0, v[1], to), *([mid] if mid else []), (1.0, v[2], ic)])

        knee_peak = max(np.radians(self.p.knee_swing_max_deg), kappa[1] + 0.2, kappa[2] + 0.2)
        hip_peak = max(np.radians(self.p.hip_swing_max_deg), theta[2] + 0.03)
        return {"phi": knots(phi),
                "beta": knots(beta, (self._ANKLE_NEUTRAL_AT, self._ANKLE_SWING, 0.0),
                              slope_to=False, slope_ic=False),
                "theta": knots(theta, (self._HIP_PEAK_AT, hip_peak, 0.0)),
                "kappa": knots(kappa, (self._KNEE_PEAK_AT, knee_peak, 0.0), slope_ic=False)}

    def _leg(self, t: np.ndarray, side: int):
        """Hip, knee and foot points of one leg at times ``t``, plus its stance flag."""
        offset = 0.0 if side > 0 else self.T / 2
        tau = np.mod(t - offset, self.T)
        stance = tau < self.tc
        hip, foot, phi, theta, kappa, _ = self._stance_leg(np.minimum(tau, self.tc), t, side)
        # swing: angle curves, foot by forward kinematics
        u = np.clip((tau - self.tc) / (self.T - self.tc), 0.0, 1.0)
        sw = {k: _hermite(u, kn) for k, kn in self._swing.items()}
        phi = np.where(stance, phi, sw["phi"])
        theta = np.where(stance, theta, sw["theta"])
        kappa = np.where(stance, kappa, sw["kappa"])
        knee, ankle = self._fk(hip, phi, theta, kappa, side)
        sw_alpha = sw["beta"] + sw["theta"] - sw["kappa"]
        # place the swing foot so its ankle sits on the FK ankle
        b = self.b
        sox = ankle[:, 0] - (b.ankle_x * np.cos(sw_alpha) - b.ankle_h * np.sin(sw_alpha))
        soy = ankle[:, 1] - (b.ankle_x * np.sin(sw_alpha) + b.ankle_h * np.cos(sw_alpha))
        swing_foot = self._foot_points(sox, soy, sw_alpha, ankle[:, 2])
        pts = {"hip": hip, "knee": knee}
        for k in foot:
            pts[k] = np.where(stance[:, None], foot[k], swing_foot[k])
        pts["ankle"] = ankle  # identical to the foot's ankle in stance (IK is exact there)
        return pts, stance

    def _arm(self, t, shoulder, trunk_up, trunk_fwd, side: int):
        """Elbow, wrist and hand of one arm. The arm swings opposite to the same-side leg."""
        p, b = self.p, self.b
        sign = -1.0 if side > 0 else 1.0  # right arm fully back at right initial contact
        swing = np.radians(p.arm_swing_mean_deg + sign * p.arm_swing_amp_deg
                           * np.cos(2 * np.pi * t / self.T))
        lateral = np.array([0.0, 0.0, side])
        upper = (np.cos(swing)[:, None] * -trunk_up + np.sin(swing)[:, None] * trunk_fwd
                 + np.tan(self._ARM_ABDUCTION) * lateral)
        upper /= np.linalg.norm(upper, axis=-1, keepdims=True)
        elbow = shoulder + b.upper_arm * upper
        normal = trunk_fwd - np.sum(trunk_fwd * upper, -1, keepdims=True) * upper
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
        bend = np.pi - np.radians(p.elbow_angle_deg)
        fore = np.cos(bend) * upper + np.sin(bend) * normal
        fore = _rotate(fore, upper, np.full(len(t), -side * self._ARM_INWARD))
        wrist = elbow + b.forearm * fore
        return elbow, wrist, wrist + b.hand * fore

    # ---- public ------------------------------------------------------------------
    @property
    def forward(self) -> np.ndarray:
        h = np.radians(self.p.facing_deg)
        return np.array([np.cos(h), 0.0, np.sin(h)])

    def to_world(self, v: np.ndarray) -> np.ndarray:
        """Body-frame ``(forward, up, right)`` coordinates -> world coordinates."""
        fwd = self.forward
        right = np.cross(fwd, _UP)
        return v[..., :1] * fwd + v[..., 1:2] * _UP + v[..., 2:3] * right

    def pose(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World joint positions ``X[n, joint, 3]`` and stance flags ``[n, (l, r)]`` at
        times ``t`` (seconds; t = 0 is a right initial contact)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        b, p = self.b, self.p
        n = len(t)
        X = np.zeros((n, len(JOINTS), 3))
        pelvis_y = self.pelvis_mean + self._bounce(t)
        pelvis = np.stack([np.zeros(n), pelvis_y, np.zeros(n)], -1)
        stance = np.zeros((n, 2), bool)
        for col, (s, side) in enumerate((("l", -1), ("r", +1))):
            pts, stance[:, col] = self._leg(t, side)
            for k, v in pts.items():
                X[:, J[f"{s}_{k}"]] = v
        lean = np.radians(p.trunk_lean_deg)
        trunk_up = np.tile([np.sin(lean), np.cos(lean), 0.0], (n, 1))
        trunk_fwd = np.tile([np.cos(lean), -np.sin(lean), 0.0], (n, 1))
        shoulder_c = pelvis + b.trunk_len * trunk_up
        neck = shoulder_c + b.neck_len * trunk_up
        head_lean = 0.4 * lean  # the head stays more upright than the trunk
        X[:, J["pelvis_c"]] = pelvis
        X[:, J["shoulder_c"]] = shoulder_c
        X[:, J["neck"]] = neck
        X[:, J["head"]] = neck + b.head_offset * np.array([np.sin(head_lean), np.cos(head_lean), 0])
        for s, side in (("l", -1), ("r", +1)):
            sh = shoulder_c + np.array([0.0, 0.0, side * b.shoulder_width / 2])
            X[:, J[f"{s}_shoulder"]] = sh
            elbow, wrist, hand = self._arm(t, sh, trunk_up, trunk_fwd, side)
            X[:, J[f"{s}_elbow"]], X[:, J[f"{s}_wrist"]], X[:, J[f"{s}_hand"]] = elbow, wrist, hand
        return self.to_world(X), stance

    def events(self, t_end: float, t_start: float = 0.0) -> list[GaitEvent]:
        """Exact initial contacts and toe-offs with ``t_start <= t < t_end``, time-ordered."""
        out = []
        k0 = int(np.floor((t_start - self.T) / self.T))
        for k in range(k0, int(np.ceil(t_end / self.T)) + 1):
            for side, off in (("r", 0.0), ("l", self.T / 2)):
                for kind, dt in (("ic", 0.0), ("to", self.tc)):
                    te = k * self.T + off + dt
                    if t_start <= te < t_end:
                        out.append(GaitEvent(te, side, kind))
        return sorted(out, key=lambda e: e.t)

    def truth(self) -> dict[str, float]:
        """True metric values (definitions of ``shared/spec/METRICS.md``), measured on the
        model's joints: event metrics at the exact right-foot initial contact (t = 0) and
        toe-off, clip-wide ones over one stride sampled every 0.5 ms. Both sides are equal
        by construction (the left side is the right one half a stride later)."""
        b, fwd = self.b, self.forward
        L, T, tc = b.leg_length, self.T, self.tc
        (x_ic, x_to), _ = self.pose(np.array([0.0, tc]))
        t = np.arange(0.0, T, 5e-4)
        X, stance = self.pose(t)
        r_stance, r_swing = stance[:, 1], ~stance[:, 1]

        def joint(name, x=X):
            return x[..., J[name], :]

        def from_vertical(top, bottom):
            """Sagittal angle of top->bottom from straight down, bottom ahead = +."""
            d = bottom - top
            return np.degrees(np.arctan2(d @ fwd, -d[..., 1]))

        def knee_flexion(x):
            return 180.0 - _angle_between(joint("r_hip", x) - joint("r_knee", x),
                                          joint("r_ankle", x) - joint("r_knee", x))

        trunk = joint("shoulder_c") - joint("pelvis_c")
        heel_toe = joint("r_toe", x_ic) - joint("r_heel", x_ic)
        hip_line = joint("r_hip") - joint("l_hip")
        tilt = np.degrees(np.arcsin(hip_line[:, 1] / np.linalg.norm(hip_line, axis=1)))
        single = stance[:, 0] ^ stance[:, 1]  # swing side drops: tilt>0 in right stance
        drop = np.where(single, np.where(stance[:, 1], tilt, -tilt), -np.inf)
        overstride = float((joint("r_ankle", x_ic) - joint("pelvis_c", x_ic)) @ fwd)
        sole = np.minimum(joint("r_shoe_back")[:, 1] - b.shoe_back_r,
                          joint("r_shoe_front")[:, 1] - b.shoe_front_r)
        bounce = float(np.ptp(joint("pelvis_c")[:, 1]))
        ics = [e.t for e in self.events(2 * T) if e.kind == "ic"]
        lateral = np.cross(fwd, _UP)
        return {
            "cadence_spm": 60.0 / float(np.mean(np.diff(ics))),
            "contact_time_s": tc,
            "stride_time_s": T,
            "duty_factor": tc / T,
            "flight_time_s": T / 2 - tc,
            "step_length_m": self.v * T / 2,
            "leg_length_m": L,
            "overstride_m": overstride,
            "overstride_pct_leg": 100.0 * overstride / L,
            "foot_strike_deg": float(np.degrees(np.arctan2(heel_toe[1], heel_toe @ fwd))),
            "shank_angle_ic_deg": float(from_vertical(joint("r_knee", x_ic),
                                                      joint("r_ankle", x_ic))),
            "knee_flexion_ic_deg": float(knee_flexion(x_ic)),
            # the loading part of the contact (core.spec.KNEE_MID_STANCE_SHARE): this model
            # straightens the knee to 10 deg at 70 % of stance and bends it again to 37 deg
            # by toe-off, so the whole contact's largest was the toe-off's bend
            "knee_flexion_mid_deg": float(np.max(knee_flexion(X)[
                r_stance & (t < KNEE_MID_STANCE_SHARE * tc)])),
            "knee_flexion_swing_max_deg": float(np.max(knee_flexion(X)[r_swing])),
            "knee_drive_deg": float(np.max(from_vertical(joint("r_hip"), joint("r_knee"))[r_swing])),
            "hip_extension_to_deg": float(-from_vertical(joint("r_hip", x_to),
                                                         joint("r_knee", x_to))),
            "trunk_lean_deg": float(np.median(np.degrees(np.arctan2(trunk @ fwd, trunk[:, 1])))),
            "elbow_angle_deg": float(np.median(_angle_between(
                joint("r_shoulder") - joint("r_elbow"), joint("r_wrist") - joint("r_elbow")))),
            "pelvic_drop_deg": float(np.max(drop)),
            "vert_osc_m": bounce,
            "vert_osc_pct_leg": 100.0 * bounce / L,
            "step_width_m": float(abs((joint("r_ankle", x_ic) - joint("pelvis_c", x_ic)) @ lateral)),
            "swing_min_clearance_m": float(np.min(sole[r_swing])),
            "pelvis_height_mean_m": self.pelvis_mean,
        }


def simulate(params: RunnerParams, fps: float, seconds: float) -> Motion:
    """Sample the runner at a constant ``fps`` for ``seconds`` (frame i at t = i / fps)."""
    model = RunnerModel(params)
    n = int(round(seconds * fps))
    t = np.arange(n) / float(fps)
    X, stance = model.pose(t)
    return Motion(params=params, fps=float(fps), t=t, X=X, stance=stance,
                  events=model.events(n / float(fps)), forward=model.forward,
                  truth=model.truth())


def params_from_dict(d: dict) -> RunnerParams:
    """The runner of a truth file's ``params`` (:func:`params_dict`; its derived keys are
    ignored)."""
    from dataclasses import fields

    return RunnerParams(**{f.name: d[f.name] for f in fields(RunnerParams) if f.name in d})


def truth_of(truth_json: dict) -> dict[str, float]:
    """The true metric values of a render's truth file, computed again from its ``params``
    with this model's definitions, so a render kept from before a definition changed is
    judged by today's (the ``truth`` stored in the file is what the model said then)."""
    return RunnerModel(params_from_dict(truth_json["params"])).truth()


def params_dict(params: RunnerParams) -> dict[str, float]:
    """The inputs and body proportions as one flat dict (keys as in the reference truth)."""
    b = params.body
    out = asdict(params)
    out.update(thigh=b.thigh, shank=b.shank, ankle_h=b.ankle_h, hip_width=b.hip_width,
               shoulder_width=b.shoulder_width, trunk_len=b.trunk_len,
               upper_arm=b.upper_arm, forearm=b.forearm, foot_len=b.foot_len,
               step_time=params.step_time, stride_time=params.stride_time,
               contact_time=params.contact_time,
               step_length=params.speed_mps * params.step_time)
    return out
