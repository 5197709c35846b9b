"""Contact timing: initial contacts, toe-offs and overstride against the truth, side view.

    python bench/contacts.py [--out bench/contacts.md] [--keep DIR]

Overstride, shank angle, knee flexion at contact and foot strike are all read at the initial
contact (IC), and one frame of contact timing moves overstride by ~6 % of leg at 60 fps and
~11 % at 30 fps, so the IC rule in ``core/events.py`` is judged here on every side-view clip
with a reference:

* a grid of runners freshly rendered by ``core.synthetic`` (30, 60 and 120 fps, both facing
  directions, overstride 0-25 cm, forefoot to heel landings, varied cadence and speed);
* the side-view synthetic clips in ``../shared/synthetic`` (exact truth);
* the labelled side-view treadmill clips in ``../shared/clips`` (hand labels: the first
  frame in contact, so the true moment lies up to one frame earlier; compared at label - 0.5).

Per clip: median IC error in frames and ms (+ = late), toe-off error, overstride measured
against the truth and whether its band status is right. Everything runs through the full
engine (``core.pipeline.analyze``), exactly as an upload does.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from accuracy import emit, markdown_table  # noqa: E402  (bench/ is on sys.path when run)
from core.errors import FormCheckError  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.spec import BY_ID  # noqa: E402
from core.synthetic import PRESETS, write_clip  # noqa: E402

SHARED = REPO.parent / "shared"
FOOT = {"left": "L", "right": "R", "L": "L", "R": "R"}

# (overstride m, foot strike deg, fps, view, cadence spm, speed m/s): a fixed grid, so runs compare
GRID = [
    (0.02, 4, 60, "side", 170, 3.0), (0.10, 12, 60, "side", 165, 3.3),
    (0.18, 15, 60, "side_l", 160, 3.4), (0.05, -6, 60, "side", 182, 2.8),
    (0.02, 4, 30, "side", 176, 2.9), (0.10, 12, 30, "side_l", 168, 3.2),
    (0.18, 15, 30, "side", 162, 3.5), (0.05, -6, 30, "side_l", 184, 2.7),
    (0.08, 8, 120, "side", 172, 3.1), (0.14, 15, 120, "side_l", 166, 3.3),
    (0.00, 2, 60, "side_l", 178, 2.9), (0.25, 18, 60, "side", 155, 3.6),
]


def _errors(ours: list[dict], ref: list[tuple[str, float]], fps: float) -> list[float]:
    """Frame errors (ours - reference) of each reference event matched to our nearest event
    of the same foot within a third of a stride."""
    out = []
    for foot, t in ref:
        mine = [e["t"] for e in ours if FOOT[e["foot"]] == FOOT[foot]]
        if mine:
            d = min(mine, key=lambda x: abs(x - t)) - t
            if abs(d) < 0.12:
                out.append(d * fps)
    return out


def _row(name: str, r: dict, fps: float, ics, tos, true_over: float | None) -> list[str]:
    ev = r.get("events", {})
    ic = _errors(ev.get("initial_contacts", []), ics, fps)
    to = _errors(ev.get("toe_offs", []), tos, fps) if tos else []
    over = next((m for m in r.get("metrics", []) if m["id"] == "overstride"), None)

    def med(x):
        return "-" if not x else f"{np.median(x):+.2f} ({np.median(x) / fps * 1000:+.0f} ms)"

    if true_over is None:
        ov_txt, ok = (f"{over['value']:.1f}" if over and over["value"] is not None else "-"), ""
    else:
        want = BY_ID["overstride"].status(true_over)
        got = over["status"] if over else None
        ov_txt = f"{over['value']:.1f} vs {true_over:.1f}" if over else f"- vs {true_over:.1f}"
        ok = "yes" if got == want else f"no ({got} vs {want})"
    return [name, f"{fps:.0f}", f"{len(ic)}/{len(ics)}", med(ic), med(to), ov_txt, ok]


def run(path: Path) -> dict:
    try:
        return analyze(path, AnalysisOptions(write_video=False), tempfile.mkdtemp())
    except FormCheckError as e:
        return {"error": e.message, "metrics": [], "events": {}}


def rows(keep: Path) -> list[list[str]]:
    out = []
    base = PRESETS["good"].params
    for i, (ov, fs, fps, view, cad, spd) in enumerate(GRID):
        name = f"render{i:02d}_{view}_{fps}"
        info = write_clip(keep / f"{name}.mp4", base.with_(overstride_m=ov, foot_strike_deg=fs,
                                                           cadence_spm=cad, speed_mps=spd),
                          view=view, fps=fps, seconds=6.0)
        t = json.loads(info.truth_json.read_text())
        r = run(info.video)
        out.append(_row(f"{name} (render)", r, fps,
                        [(e["foot"], e["t"]) for e in t["initial_contacts"]],
                        [(e["foot"], e["t"]) for e in t["toe_offs"]],
                        t["truth"]["overstride_pct_leg"]))
        print(" | ".join(out[-1]), file=sys.stderr, flush=True)
    for tj in sorted((SHARED / "synthetic").glob("*_truth.json")):
        t = json.loads(tj.read_text())
        if not t["view"].startswith("side"):
            continue
        p = t["params"]
        clip = tj.name.replace("_truth.json", ".mp4")
        r = run(SHARED / "synthetic" / clip)
        out.append(_row(clip, r, t["fps"], [(e["foot"], e["t"]) for e in t["initial_contacts"]],
                        [], p["overstride_m"] / (p["thigh"] + p["shank"]) * 100))
    for lab in json.loads((SHARED / "clips" / "labels.json").read_text()):
        if lab["view"] != "side" or lab.get("time_base") != "real" or \
                not str(lab.get("expected", "")).startswith("analysable"):
            continue
        r = run(SHARED / "clips" / lab["clip"])
        fps = lab["fps"]
        # labels name the first frame in contact; the moment itself lies in the frame before
        ics = [(e["foot"], (e["frame"] - 0.5) / fps) for e in lab["initial_contacts"]]
        tos = [(e["foot"], (e["frame"] + 0.5) / fps) for e in lab.get("toe_offs", [])]
        # the labels name feet by near/far letters, not left/right: match either foot
        for e in r.get("events", {}).get("initial_contacts", []) + r.get("events", {}).get("toe_offs", []):
            e["foot"] = "L"
        ics = [("L", t) for _, t in ics]
        tos = [("L", t) for _, t in tos]
        out.append(_row(f"{lab['clip']} (hand labels)", r, fps, ics, tos, None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="also write the Markdown table here")
    ap.add_argument("--keep", help="render into this folder and keep the clips")
    args = ap.parse_args()
    t0 = time.time()
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fc_contacts_"))
    table = rows(keep)
    misses = sum(1 for r in table if r[-1].startswith("no"))
    judged = sum(1 for r in table if r[-1])
    text = markdown_table(["clip", "fps", "contacts found", "IC error, frames (+ late)",
                           "toe-off error, frames", "overstride % leg (measured vs truth)",
                           "status right"], table)
    text += f"\n\nOverstride status right on {judged - misses} of {judged} clips with a truth."
    emit(text, "contacts.py", time.time() - t0, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
