"""Robustness of the engine to the way runners film: moving, shaking, rolled, low/high,
oblique and zooming cameras, overground runners and clips cut together from passes.

    nice -n 10 python bench/robustness.py [--out bench/robustness.md] [--work DIR] [--resume]
        [--only CONDITION ...] [--seconds 4]

Renders the matrix below with :mod:`core.synthetic` (exact truth; renders cached in
``--work``, default ``$TMPDIR/fc_robustness``), runs the full engine on each clip
(``core.pipeline.analyze`` with ``write_video`` off, as an upload does) and prints, per camera
condition: clips analysed / refused, view and facing right, cadence within +-1.5 spm, and for
each metric the median and worst absolute error against the truth and the band-right rate
(the report's good/watch/fix equals the truth's, judged by the same :class:`MetricSpec`).
Refusals are listed with the engine's own reasons. ``--resume`` reuses the reports saved in
``--work`` from an earlier run (for an interrupted run only: a new engine needs a fresh run).

The acceptance of issue #16 is printed with the numbers (see :data:`ACCEPTANCE`).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from accuracy import emit, markdown_table  # noqa: E402  (bench/ is on sys.path when run)
from contacts import verdict_lines  # noqa: E402
from core.errors import FormCheckError  # noqa: E402
from core.metrics.base import angle_deg  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.spec import BY_ID  # noqa: E402
from core.synthetic.reference import TRUTH_OF  # noqa: E402
from core.synthetic import PRESETS, write_clip  # noqa: E402
from core.synthetic.presets import follow_cam_cut  # noqa: E402
from core.synthetic.camerapath import CameraPath  # noqa: E402
from core.synthetic.model import J, truth_of  # noqa: E402
from core.synthetic.render import truth_paths  # noqa: E402

ACCEPTANCE = (
    "Acceptance (issue #16): cadence within +-1.5 spm in at least 95 % of renders and in "
    "every camera condition; view and facing right in all; trunk lean within +-3 deg with "
    "roll up to 10 deg; elbow angle within +-8 deg; the other metrics no worse than on the "
    "tripod renders of the same runner; handheld and panning renders analysed, not refused; "
    "cut-together renders analysed on their longest stretch.")
CADENCE_TOL, LEAN_TOL, ELBOW_TOL = 1.5, 3.0, 8.0

# metric id -> (truth key, scale to the report's unit), from core.synthetic.reference.TRUTH_OF
METRICS: dict[str, tuple[str, float]] = {m: TRUTH_OF[m] for m in (
    "cadence", "trunk_lean", "elbow_angle", "overstride", "shank_angle_ic", "knee_flexion_mid",
    "contact_time", "duty_factor", "vertical_oscillation")}

_TRACK = CameraPath(follow="track", aim_wobble_m=0.25)
CUT = follow_cam_cut()


@dataclass(frozen=True)
class Condition:
    """One camera condition: how to film (``write_clip`` keywords) and what it stands for."""

    name: str
    what: str
    kw: dict = field(default_factory=dict)
    cells: tuple = (("side", 30), ("side", 60), ("back", 30))
    seconds: float | None = None


CONDITIONS: tuple[Condition, ...] = (
    Condition("tripod", "still camera square to a treadmill, at hip height (gym)",
              dict(scene="gym"), (("side", 30), ("side", 60), ("back", 30), ("side", 120))),
    Condition("pan", "overground; camera stays 10 m away and pans to follow (+-29 deg)",
              dict(overground=True, camera=CameraPath(follow="pan", distance_m=10.0)),
              (("side", 30), ("side", 60), ("side_l", 30), ("side", 120))),
    Condition("follow", "overground; camera moves alongside, aim drifting +-0.25 m",
              dict(overground=True, camera=_TRACK)),
    Condition("handheld", "follow + hand shake (3 cm, 1.5 deg RMS at 1.5 Hz)",
              dict(overground=True, camera=_TRACK.with_(aim_wobble_m=0.3, shake_m=0.03,
                                                        shake_deg=1.5, seed=1)),
              (("side", 30), ("side", 60), ("back", 30), ("side", 120))),
    Condition("roll5", "still camera rolled 5 deg (treadmill, gym)",
              dict(camera=CameraPath(roll_deg=5.0))),
    Condition("roll10", "still camera rolled 10 deg (treadmill, gym)",
              dict(camera=CameraPath(roll_deg=-10.0)),
              (("side", 30), ("side", 60), ("back", 30), ("side_l", 120))),
    Condition("low", "camera 0.35 m above the ground, aimed at the hips",
              dict(camera=CameraPath(height_m=0.35))),
    Condition("high", "camera 2.0 m above the ground, aimed at the hips",
              dict(camera=CameraPath(height_m=2.0))),
    Condition("yaw15", "camera 15 deg off square to the running direction",
              dict(camera=CameraPath(yaw_deg=15.0))),
    Condition("yaw30", "camera 30 deg off square to the running direction",
              dict(camera=CameraPath(yaw_deg=-30.0)),
              (("side", 30), ("side", 60), ("back", 30), ("side", 120))),
    Condition("zoom", "still camera zooming in 1.0x -> 1.35x over the clip",
              dict(camera=CameraPath(zoom=1.35))),
    Condition("cut", "overground follow-cam, 3 passes cut together (168 / 178 / 186 spm; "
              "longest 3 s in the middle)", dict(overground=True, segments=CUT),
              (("side", 30), ("side", 60), ("back", 30), ("side_l", 30)), seconds=6.0),
)
FORMS = ("good", "overstrider", "waist_bender", "straight_arms")
EXPECTED_VIEW = {"side": ("side", "right"), "side_l": ("side", "left"), "back": ("back", None)}


def matrix() -> list[tuple[Condition, str, int, str]]:
    """Every (condition, view, fps, form preset) rendered; forms rotate over the cells."""
    out, k = [], 0
    for cond in CONDITIONS:
        for view, fps in cond.cells:
            out.append((cond, view, fps, FORMS[k % len(FORMS)]))
            k += 1
    return out


def clip_seconds(cond: Condition, fps: int, seconds: float) -> float:
    """Clip length: ``seconds`` at 30 fps, 3/4 of it at 60 and 120 fps (pose time on this
    2-core machine; still >= 7 steps at the slowest preset cadence), the cut's own length."""
    return cond.seconds or (seconds if fps <= 30 else 0.75 * seconds)


def render(work: Path, cond: Condition, view: str, fps: int, form: str, seconds: float):
    secs = clip_seconds(cond, fps, seconds)
    name = f"{cond.name}_{view}_{fps}_{form}_{secs:g}s"
    video = work / f"{name}.mp4"
    truth = work / f"{name}_truth.json"
    if not (video.exists() and truth.exists()):
        write_clip(video, PRESETS[form].params, view=view, fps=fps, seconds=secs, **cond.kw)
    doc = json.loads(truth.read_text())
    doc["truth"] = truth_of(doc)  # today's definitions (a cached render has its render day's)
    return name, video, doc


def elbow_projection(video: Path, truth: dict) -> float | None:
    """The elbow angle a perfect pose model would give on this clip: the engine's reading
    (:func:`core.metrics.arms.elbow_series`: the 2-D shoulder-elbow-wrist angle of the
    camera-nearer arm, median over the frames) on the exact projected joints of the truth
    (``uv`` of ``NAME_truth.npz``; a cut clip: the frames of its longest pass, which the
    truth is for). ``this - truth`` is the projection's part of the elbow error (the truth is
    the 3-D angle), ``measured - this`` the pose model's."""
    npz = truth_paths(video)[1]
    if not npz.exists():
        return None
    d = np.load(npz)
    uv, depth = d["uv"], d["depth"]
    keep = np.ones(len(uv), bool)
    if "segment" in d.files and truth.get("longest_segment") is not None:
        keep = d["segment"] == truth["longest_segment"]
    near = min("lr", key=lambda s: float(np.median(depth[keep, J[f"{s}_elbow"]])))
    ang = angle_deg(*(uv[keep, J[f"{near}_{k}"]] for k in ("shoulder", "elbow", "wrist")))
    return float(np.median(ang))


def run(work: Path, name: str, video: Path, resume: bool) -> dict:
    saved = work / f"{name}_report.json"
    if resume and saved.exists():
        return json.loads(saved.read_text())
    try:
        rep = analyze(video, AnalysisOptions(write_video=False), work / f"{name}_out")
    except FormCheckError as e:
        rep = {"status": "error", "error": e.message, "metrics": [], "view": {}}
    slim = {k: rep.get(k) for k in ("status", "error", "view", "metrics", "quality", "events",
                                    "cleaning")}
    saved.write_text(json.dumps(slim, default=str))
    return slim


# measured at midstance against the exact joints (not in RunnerModel.truth): metric id ->
# key of midstance_truth()
MIDSTANCE = {"waist_lean": "waist_lean_deg", "hips_behind": "hips_behind_pct_leg"}


def midstance_truth(video: Path, truth: dict) -> dict[str, float]:
    """Lean from the waist and hips behind of the render's exact 3-D joints (``X_body`` of
    ``NAME_truth.npz``), as core.metrics.trunk defines them (the hip centre and the shoulder
    centre against the stance ankle, at the middle frame of each stance; medians over the
    stances of the scored pass). Empty for a view without them or no npz."""
    npz = truth_paths(video)[1]
    if not npz.exists():
        return {}
    d = np.load(npz)
    if "X_body" not in d.files or "stance" not in d.files:
        return {}
    names = list(d["joints"])
    X, fwd, stance = d["X_body"], d["forward"], d["stance"].astype(bool)
    keep = np.ones(len(X), bool)
    if "segment" in d.files and truth.get("longest_segment") is not None:
        keep = d["segment"] == truth["longest_segment"]
    j = lambda n: X[:, names.index(n)]  # noqa: E731
    head, ank = j("head"), j("l_ankle")
    up = int(np.argmax(np.abs(head.mean(0) - ank.mean(0))))
    f = int(np.argmax(np.abs(fwd)))
    sf, su = np.sign(fwd[f]), np.sign(head.mean(0)[up] - ank.mean(0)[up])
    sh, hip = j("shoulder_c"), (j("l_hip") + j("r_hip")) / 2
    leg = (np.linalg.norm(j("l_hip") - j("l_knee"), axis=1).mean()
           + np.linalg.norm(j("l_knee") - j("l_ankle"), axis=1).mean())

    def plane(v):  # forward, up in the sagittal plane
        return np.array([sf * v[..., f], su * v[..., up]])

    def from_vertical(a, b):
        v = plane(b - a)
        return np.degrees(np.arctan2(v[0], v[1]))

    waist, behind = [], []
    for k, side in enumerate("lr"):
        idx = np.flatnonzero(stance[:, k] & keep)
        for run in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1) if len(idx) else []:
            if len(run) < 3:
                continue
            m = run[len(run) // 2]
            a = j(f"{side}_ankle")[m]
            waist.append(from_vertical(hip[m], sh[m]) - from_vertical(a, sh[m]))
            d2, w2 = plane(sh[m] - a), plane(hip[m] - a)
            behind.append((d2[0] * w2[1] - d2[1] * w2[0]) / np.linalg.norm(d2) / leg * 100)
    if not waist:
        return {}
    return {"waist_lean_deg": float(np.median(waist)), "hips_behind_pct_leg": float(np.median(behind))}


def judge(rep: dict, truth: dict, view: str, elbow_2d: float | None = None,
          midstance: dict | None = None) -> dict:
    """Errors, band-right flags, view right and the refusal reason of one clip; with
    ``elbow_2d`` (:func:`elbow_projection`) the elbow error split into its projection and
    pose-model parts (``elbow_parts``)."""
    out = {"status": rep["status"], "errors": {}, "band": {}}
    v = rep.get("view") or {}
    want = EXPECTED_VIEW[view]
    out["view_ok"] = (v.get("view"), v.get("facing") if want[1] else None) == want
    out["view_read"] = f"{v.get('view', '-')} {v.get('facing') or ''}".strip()
    if rep["status"] in ("refused", "error"):
        q = rep.get("quality") or {}
        out["reason"] = rep.get("error") or q.get("summary") or "refused"
    t = truth["truth"]
    out["camera"] = camera_read(rep)
    for m in rep.get("metrics", []):
        if m["id"] not in METRICS or m.get("value") is None:
            continue
        key, scale = METRICS[m["id"]]
        true = t[key] * scale
        out["errors"][m["id"]] = m["value"] - true
        spec = BY_ID[m["id"]]
        shown = m.get("status") if m.get("status") in ("good", "watch", "fix") else \
            spec.status(m["value"])
        out["band"][m["id"]] = shown == spec.status(true)
        # (shown, marked near the line, the truth's verdict): bench/contacts.verdict_lines
        out.setdefault("verdicts", {}).setdefault(m["id"], []).append(
            (shown, bool(m.get("near_line")), spec.status(true)))
        if m["id"] == "elbow_angle" and elbow_2d is not None:
            out["elbow_parts"] = (elbow_2d - true, m["value"] - elbow_2d)
    for m in rep.get("metrics", []):
        key = MIDSTANCE.get(m["id"])
        if key and midstance and key in midstance and m.get("value") is not None:
            out.setdefault("midstance", {})[m["id"]] = m["value"] - midstance[key]
    return out


def camera_read(rep: dict) -> str:
    """What the engine read of the camera: the yaw off square (``core.view.camera_yaw``, in
    the yaw-corrected metrics' ``camera_yaw_deg``) and the roll it levelled on the floor line
    (``core.camera.ground_line``; "not levelled" with the reason when it did not)."""
    yaw = next((m.get("extra", {}).get("camera_yaw_deg") for m in rep.get("metrics", [])
                if (m.get("extra") or {}).get("camera_yaw_deg") is not None), None)
    if (rep.get("view") or {}).get("view") != "side":
        return "-"
    cl = rep.get("cleaning") or {}
    roll = cl.get("roll_corrected_deg")
    parts = [f"yaw {yaw} deg" if yaw is not None else "yaw under 8 deg"]
    if roll:
        parts.append(f"levelled {roll:+.1f} deg ({cl.get('floor_source')})")
    elif "perspective" in str(cl.get("floor_source")):
        parts.append("not levelled (oblique)")
    return ", ".join(parts)


def _fmt(xs: list[float]) -> str:
    if not xs:
        return "-"
    a = np.abs(xs)
    return f"{np.median(a):.1f} / {a.max():.1f}"


def _parts(rows: list[dict], k: int) -> str:
    xs = [r["elbow_parts"][k] for r in rows if "elbow_parts" in r]
    return f"{np.median(xs):+.1f}" if xs else "-"


def tables(rows: list[dict]) -> str:
    conds = [c.name for c in CONDITIONS]
    head = ["condition", "clips", "analysed", "refused", "view right",
            f"cadence within {CADENCE_TOL}"] + [f"{m} med/max err (band right)"
                                                for m in METRICS if m != "cadence"] + [
        "elbow_angle err from projection / pose (median, signed)"]
    table = []
    for c in conds:
        rs = [r for r in rows if r["cond"] == c]
        ok = [r for r in rs if r["status"] not in ("refused", "error")]
        cad = [r for r in rs if abs(r["errors"].get("cadence", np.inf)) <= CADENCE_TOL]
        line = [c, str(len(rs)), str(len(ok)), str(len(rs) - len(ok)),
                f"{sum(r['view_ok'] for r in rs)}/{len(rs)}", f"{len(cad)}/{len(rs)}"]
        for m in METRICS:
            if m == "cadence":
                continue
            errs = [r["errors"][m] for r in rs if m in r["errors"]]
            band = [r["band"][m] for r in rs if m in r["band"]]
            line.append(f"{_fmt(errs)} ({sum(band)}/{len(band)})" if errs else "-")
        line.append(f"{_parts(rs, 0)} / {_parts(rs, 1)}")
        table.append(line)
    return markdown_table(head, table)


def merged_verdicts(rows: list[dict]) -> dict:
    """Every analysed render's verdicts per judged metric (see :func:`judge`)."""
    out: dict[str, list] = {}
    for r in rows:
        for mid, vs in (r.get("verdicts") or {}).items():
            if BY_ID[mid].kind == "range":
                out.setdefault(mid, []).extend(tuple(v) for v in vs)
    return out


def elbow_split(rows: list[dict]) -> str:
    """Where the elbow error comes from: the exact joints' 2-D projection against the 3-D
    truth, and the pose model against that projection (see :func:`elbow_projection`)."""
    parts = np.array([r["elbow_parts"] for r in rows if "elbow_parts" in r])
    if not len(parts):
        return "- Elbow angle error split: no render with the elbow measured."
    total = parts.sum(1)

    def rng(x):
        return f"median {np.median(x):+.1f}, {x.min():+.1f} to {x.max():+.1f}"

    return (f"- Elbow angle error ({rng(total)} deg) = the picture's own angle of the exact "
            f"joints against the 3-D truth ({rng(parts[:, 0])}) + the pose model against "
            f"that picture ({rng(parts[:, 1])}), over {len(parts)} renders.")


def midstance_lines(rows: list[dict]) -> str:
    """Lean from the waist and hips behind against the exact joints (:func:`midstance_truth`):
    signed median, 80th percentile and worst of |error| (their reading errors in
    core/metrics/trunk.py come from here)."""
    out = []
    for mid, unit in (("waist_lean", "deg"), ("hips_behind", "% of leg")):
        e = np.array([r["midstance"][mid] for r in rows if mid in r.get("midstance", {})])
        if len(e):
            out.append(f"{BY_ID[mid].label.lower()} median {np.median(e):+.1f} {unit}, 80th "
                       f"percentile of |error| {np.percentile(np.abs(e), 80):.1f}, worst "
                       f"{np.abs(e).max():.1f} over {len(e)} side renders")
    return ("- Against the renders' exact joints at midstance (not in the table): "
            + "; ".join(out) + ".") if out else ""


def summary(rows: list[dict]) -> str:
    n = len(rows)
    cad = sum(abs(r["errors"].get("cadence", np.inf)) <= CADENCE_TOL for r in rows)
    bad_conds = [c.name for c in CONDITIONS
                 if not all(abs(r["errors"].get("cadence", np.inf)) <= CADENCE_TOL
                            for r in rows if r["cond"] == c.name)]
    view = sum(r["view_ok"] for r in rows)
    lean = [r for r in rows if "trunk_lean" in r["errors"]]
    lean_ok = sum(abs(r["errors"]["trunk_lean"]) <= LEAN_TOL for r in lean)
    elbow = [r for r in rows if "elbow_angle" in r["errors"]]
    elbow_ok = sum(abs(r["errors"]["elbow_angle"]) <= ELBOW_TOL for r in elbow)
    no_elbow = [r["cond"] for r in rows if r["name"].split("_")[1] == "side"
                and r["status"] not in ("refused", "error") and "elbow_angle" not in r["errors"]]
    refused = [r for r in rows if r["status"] in ("refused", "error")]
    moving = [r for r in refused if r["cond"] in ("pan", "follow", "handheld", "cut")]
    lines = [
        f"- Cadence within +-{CADENCE_TOL} spm: {cad}/{n} renders ({100 * cad / n:.0f} %; "
        f"needs >= 95 % and every condition); conditions with a miss: "
        f"{', '.join(bad_conds) or 'none'}.",
        f"- View and facing right: {view}/{n} (needs all).",
        f"- Trunk lean within +-{LEAN_TOL:g} deg: {lean_ok}/{len(lean)} of the renders where it "
        f"was measured.",
        f"- Elbow angle within +-{ELBOW_TOL:g} deg: {elbow_ok}/{len(elbow)} of the renders where "
        f"it was measured; not measured, with the engine's reason, in {len(no_elbow)} analysed "
        f"side renders" + (f" ({', '.join(sorted(set(no_elbow)))})" if no_elbow else "") + ".",
        elbow_split(rows),
        midstance_lines(rows),
        verdict_lines(merged_verdicts(rows)),
        f"- Refused: {len(refused)}/{n}, of which {len(moving)} moving-camera or cut renders "
        f"(needs 0).",
    ]
    return "\n".join(lines)


# The toe-off and knee round of 30 Nov (issue #16): measured once, kept with every regeneration
# (the Method page and README point to it).
TOE_OFF_NOTES = """## Toe-off and the midstance knee

Per condition, median / worst |error| (band right), before = the engine at 8918e04, after = the engine at that round's end; both replayed on the same 42 renders and pose tracks (`--work`, `FORMCHECK_POSE_CACHE`) on the machine of that round. The per-condition table above has since been regenerated from fresh pose on this machine, so some of its cells differ from the after column by a few deg or ms (e.g. roll10 contact time 19.2 there, 12.0 here).

| condition | knee_flexion_mid before | after | contact_time (ms) before | after |
|---|---|---|---|---|
| tripod | 3.2 / 4.9 (3/3) | 0.8 / 1.4 (1/3) | 5.8 / 31.2 (3/3) | 5.8 / 31.2 (3/3) |
| pan | 8.5 / 9.3 (3/4) | 6.2 / 8.7 (3/4) | 14.4 / 35.3 (3/4) | 10.8 / 35.3 (3/4) |
| follow | 4.0 / 6.7 (2/2) | 5.1 / 8.2 (2/2) | 10.7 / 13.8 (2/2) | 10.4 / 13.4 (2/2) |
| handheld | 3.6 / 4.0 (3/3) | 1.2 / 1.3 (2/3) | 6.8 / 12.6 (3/3) | 6.8 / 11.8 (3/3) |
| roll5 | 7.6 / 8.6 (2/2) | 1.6 / 2.5 (1/2) | 7.6 / 8.2 (2/2) | 5.9 / 8.2 (2/2) |
| roll10 | 11.3 / 16.9 (2/3) | 3.1 / 14.0 (2/3) | 20.8 / 70.3 (2/3) | 12.0 / 20.8 (3/3) |
| low | 1.6 / 2.8 (2/2) | 3.0 / 4.9 (2/2) | 8.9 / 11.3 (2/2) | 8.0 / 14.8 (2/2) |
| high | 5.2 / 5.8 (1/2) | 3.7 / 6.1 (1/2) | 3.2 / 4.1 (2/2) | 3.2 / 4.1 (2/2) |
| yaw15 | 0.9 / 1.9 (2/2) | 1.0 / 1.5 (2/2) | 14.7 / 16.5 (2/2) | 14.7 / 16.5 (2/2) |
| yaw30 | 2.0 / 6.5 (2/3) | 6.0 / 9.6 (3/3) | 16.3 / 30.5 (3/3) | 16.3 / 30.5 (3/3) |
| zoom | 8.2 / 10.2 (2/2) | 2.3 / 4.3 (2/2) | 5.2 / 9.2 (2/2) | 3.1 / 5.0 (2/2) |
| cut | 4.7 / 9.1 (2/3) | 4.3 / 8.6 (2/3) | 11.7 / 35.0 (2/3) | 11.7 / 35.0 (2/3) |

Measured first (IC / TO against the renders' exact events; the knee against the exact projection of the joints): the roll did not move the knee's events much on most renders (roll10 side 30: IC median -0.1, TO +0.3 frame), and between the TRUE contact and toe-off the pose model's near knee read within 4 deg of the exact picture on 9 renders (tripod, pan, roll5, roll10, zoom), but its far knee 5-12.5 deg deeper on 6 of them (zoom side 30: 48.5 for 36.0). The headline value was the median over both legs' strides, so the far leg drove it. Three causes, three changes:

- **Far leg** (largest): the knee values are now the well-seen leg's strides when the other is partly hidden (`Context.stride_median(seen_only=True)`, the same `SIDE_VIS_MIN` that already hid the far leg's own value; the caveat says which leg). Most of the knee's gains above.
- **Toe-off after a bob of the toe point**: on a rolled 120 fps render the pose model's toe point rose 7.5 % of leg as the heel came up, came back down, and left slowly (0.5 % of leg a frame, under the take-off speed), so the rise's start read toe-off 7-12 frames late and the knee window took in the swing. Toe-off is now the toe's last low point before it clears the ground when it had come back down by the lift's height (`core.events._last_down`); roll10 side_l 120: TO median +10.1 -> +3.2 frames (-1.5 to +8.8: some strides still late), contact time +70 -> +12 ms, the knee +16.9 -> +14.0 (at that round; the per-clip table above, on this machine's fresh pose and later knee rules, reads +19.2 ms and +9.4). Without the dip condition (any last low point) the roll's start was taken: contact time worse on low, high, yaw15 and roll5 (yaw15 14.7 -> 31.0 ms), not adopted.
- **Sub-frame toe-off**: the stance window ended at the toe-off's rounded frame, up to half a frame into the swing (about 10 deg a frame at 30 fps); it now ends at the sub-frame toe-off with the knee interpolated there (`core.metrics.knee.stance_knee_peak`).

Left, and what the numbers do not say: band right fell on tripod (3/3 -> 1/3), handheld and roll5 because the renders' truth, 37.6 deg, sits 0.1 deg above where the good band starts (37.5 rounds to 38): a reading 0.2 deg low is "watch"; the old readings were 1-5 deg high and so "good". yaw30 got worse (2.0 -> 6.0): the far leg's too-deep reading had been offsetting the foreshortening of a leg seen 30 deg off square (the near knee reads 32-34 for 37.6 in the true stance windows) plus toe-offs 0.8-1.3 frames late there; dividing the forward axis by cos(yaw) before the angle was tried (exact projection: within 1.5 deg) and not adopted, as the yaw read there is 36-39 deg and the readings went to +9-10. pan side 30 and follow side 30 read +8.7 and +8.2 on the near knee: their toe-offs are 0.5 frame late (median) at 30 fps, where the swing bends the knee about 10 deg a frame, and the near knee reads about 3 deg deep in stance. In the synthetic model the stance's largest knee bend is at the toe-off (the knee bends again before the foot leaves: PLANAR at 120 fps, midstance 29.5, at toe-off 34.8), so "Knee bend in midstance" on renders is as much a toe-off timing as a midstance reading. Tried (thirteenth session) and not adopted: the midstance knee read over the first 65 % of the contact (the loading phase, before the push-off; the model's truth defined the same way), so that a late toe-off cannot catch the swing's bend. Over the 31 side renders here |error| median 3.1 -> 3.7 deg, 80th percentile 6.1 -> 5.3, worst 11.8 -> 13.5, band right 21 -> 21; over `bench/contacts.md`'s 36 renders band right 26 -> 23; the real clips moved 29.0 -> 27.4 (30 fps treadmill; 'work on it' both) and 50.5 -> 50.8 (60 fps). These renders cannot judge it: on the 178 steps/min presets the model's stance knee bends 32 deg a quarter into the contact, straightens to 10 deg at 60 % and is back to 37 deg at toe-off (the pelvis sits as high as a 10 deg straightest stance knee allows), a W that runners do not show (the 60 fps treadmill clip's well-seen knee makes one hump: 43-57 deg at 32-50 % of the contact, 16-20 deg at toe-off). A model whose stance knee makes one hump comes first.

**Adopted (twentieth session): the midstance knee over the first 60 % of the contact, in the engine and the truth** (`core.spec.KNEE_MID_STANCE_SHARE`; the thirteenth session's 65 % trial above, kept off then because these renders' W-shaped stance knee made the whole contact's largest bend the toe-off's). Measured again on the renders' exact projections (tripod, pan and follow, side 30 fps, good preset): within the true stance the exact near knee peaks at 31-33 deg a quarter into the contact; a toe-off found 0.7 frame late put the next frame, 15 ms into the swing, at 43.8 deg; and the truth, the largest bend over the whole contact, was 37.6, the knee at toe-off. So the card read toe-off timing, and the truth rewarded it. Now both read the loading part: the truth of the 178 steps/min presets is 31.9 (the overstrider's 46.8 unchanged), a toe-off a frame off moves the reading under 1 deg (exact-truth test), and what is left is the pose model's: it reads the near knee a median 3.5 deg deep in midstance over these 31 side renders (+9 on the plain-room `good` renders of `bench/hip_extension.md`; 13 on pan side_l 30, whose reading did not move: only its truth did). Over the 31 side renders: |error| median 3.1 -> 3.5 deg, 80th percentile 6.1 -> 4.9, worst 11.8 -> 13.2, within 5 deg 23 -> 25, band right 21 -> 22; per condition pan 6.2 -> 5.2, follow 5.1 -> 3.4, yaw30 6.0 -> 2.6, roll10 3.8 -> 5.8, handheld 0.1 -> 2.5, roll5 1.6 -> 4.4, zoom 2.3 -> 4.8 (where the toe-off's bend had offset the pose model's). `bench/contacts.md`'s 36 renders: band right 26 -> 25. Real clips: the 30 fps treadmill clip 29.0 -> 27.1 ('work on it' both), the 60 fps one 50.5 both. The reading error the cards use is 9.5 / 9 deg (from 9 / 7). Not calibrated away: a bias measured on one synthetic body is not known to hold for people.
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="also write the Markdown here")
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "fc_robustness"))
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--only", nargs="*", help="conditions to run (default: all)")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    rows, per_clip = [], []
    cells = [c for c in matrix() if not args.only or c[0].name in args.only]
    for k, (cond, view, fps, form) in enumerate(cells):
        tc = time.time()
        name, video, truth = render(work, cond, view, fps, form, args.seconds)
        rep = run(work, name, video, args.resume)
        j = judge(rep, truth, view, elbow_projection(video, truth),
                  midstance_truth(video, truth))
        j.update(cond=cond.name, name=name)
        rows.append(j)
        cad = j["errors"].get("cadence")
        print(f"[{k + 1}/{len(cells)}] {name}: {j['status']}, view {j['view_read']}, cadence "
              f"err {'-' if cad is None else f'{cad:+.1f}'} ({time.time() - tc:.0f} s)",
              file=sys.stderr, flush=True)
        errs = ", ".join(f"{m} {e:+.1f}" for m, e in j["errors"].items() if m != "cadence")
        if "elbow_parts" in j:
            errs += " (projection {:+.1f}, pose {:+.1f})".format(*j["elbow_parts"])
        per_clip.append([name, f"{truth['truth']['cadence_spm']:.1f}",
                         "-" if cad is None else f"{cad:+.1f}", j["view_read"],
                         j["status"], j["camera"], errs or "-", (j.get("reason") or "")[:160]])
    cond_rows = markdown_table(["condition", "how it is filmed", "cells (view fps)"], [
        [c.name, c.what, ", ".join(f"{v} {f}" for v, f in c.cells)] for c in CONDITIONS
        if not args.only or c.name in args.only])
    text = "\n\n".join([
        "## Camera conditions",
        cond_rows,
        f"Forms rotate over the cells: {', '.join(FORMS)} (core/synthetic presets); "
        f"{args.seconds:g} s clips at 30 fps, {0.75 * args.seconds:g} s at 60 and 120 fps "
        "(cut: 6 s), 640x480. Truth is the runner's body frame "
        "(cut: the longest pass).",
        ACCEPTANCE,
        "## Against the acceptance",
        summary(rows),
        "## Per condition",
        "Errors are |measured - truth| in the metric's unit (median / worst over the clips "
        "where the metric was shown); band right = the report's good/watch/fix equals the "
        "truth's. The last column splits the elbow angle's signed error in two: the 2-D "
        "angle of the exact joints in the picture against the 3-D truth (the camera sees a "
        "projection of an arm held a little out with the forearm turned in), and the pose "
        "model's reading against that exact picture.",
        tables(rows),
        "## Per clip (refusals with the engine's reason)",
        markdown_table(["clip", "true cadence", "cadence err", "view read", "status",
                        "camera read", "other errors", "reason"], per_clip),
    ])
    if not args.only:
        text += "\n\n" + TOE_OFF_NOTES.strip()
    if args.resume:
        text += "\n\n(--resume: reports saved in --work by an earlier run were reused.)"
    emit(text, "robustness.py", time.time() - t0, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
