"""Numbers that tell the truth: pelvic drop and foot strike against exact truth.

    python bench/honest.py [--out bench/honest.md] [--keep DIR] [--seconds 4]

* Pelvic drop: runners rendered from behind and in front with a true drop of 0-12 deg. The
  report lists pelvic drop as not measured; the table shows why: the per-stride tilt of the
  pose model's hip line (strides table, ``pelvic_drop_deg``) against the truth, with the
  least-squares slope over the sweep (acceptance for a shown number: 0.7-1.3, within 2 deg).
* Foot strike: side-view runners rendered with forefoot, midfoot and heel landings at 30 and
  60 fps; the angle and class shown against the truth (acceptance: class right, within
  +-8 deg).

Everything runs through the full engine (``core.pipeline.analyze``), as an upload does.
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
from core.metrics.strike import strike_pattern  # noqa: E402
from core.pipeline import AnalysisOptions, analyze  # noqa: E402
from core.synthetic import PRESETS, write_clip  # noqa: E402

DROPS = (0.0, 3.0, 6.0, 9.0, 12.0)
# (foot strike deg, overstride m, fps)
STRIKES = ((-8.0, 0.02, 60), (4.0, 0.05, 60), (15.0, 0.15, 60), (2.0, 0.05, 30),
           (18.0, 0.20, 30), (-6.0, 0.03, 30))


def _run(root: Path, name: str, params, view: str, fps: float, seconds: float):
    info = write_clip(root / f"{name}.mp4", params, view=view, fps=fps, seconds=seconds)
    truth = json.loads(info.truth_json.read_text())["truth"]
    report = analyze(info.video, AnalysisOptions(write_video=False), root / f"{name}_out")
    return report, truth


def pelvic(root: Path, seconds: float) -> tuple[list[list[str]], str]:
    rows, pairs = [], []
    base = PRESETS["good"].params
    for view in ("back", "front"):
        for d in DROPS:
            r, t = _run(root, f"{view}_drop{d:.0f}", base.with_(pelvic_drop_deg=d), view, 30,
                        seconds)
            vals = [s["pelvic_drop_deg"] for s in r["strides"]
                    if s.get("pelvic_drop_deg") is not None]
            hip = float(np.median(vals)) if vals else float("nan")
            shown = next((m["display"] for m in r["metrics"] if m["id"] == "pelvic_drop"),
                         "not measured")
            pairs.append((t["pelvic_drop_deg"], hip))
            rows.append([view, f"{t['pelvic_drop_deg']:.1f}", f"{hip:.1f}", shown])
    x, y = np.array(pairs).T
    ok = np.isfinite(y)
    slope = float(np.polyfit(x[ok], y[ok], 1)[0]) if ok.sum() >= 2 else float("nan")
    err = float(np.max(np.abs(y[ok] - x[ok]))) if ok.any() else float("nan")
    return rows, f"Hip-line tilt against the true drop: slope {slope:.2f}, largest error {err:.1f} deg."


def strike(root: Path, seconds: float) -> tuple[list[list[str]], str]:
    rows, good = [], 0
    base = PRESETS["good"].params
    for fs, ov, fps in STRIKES:
        r, t = _run(root, f"strike{fs:+.0f}_{fps}", base.with_(foot_strike_deg=fs, overstride_m=ov),
                    "side", fps, seconds)
        m = next((m for m in r["metrics"] if m["id"] == "foot_strike"), None)
        true_kind = strike_pattern(t["foot_strike_deg"])
        if m is None:
            rows.append([f"{t['foot_strike_deg']:+.0f}", str(fps), true_kind, "not measured", "", ""])
            continue
        right = m["extra"]["pattern"] == true_kind and abs(m["value"] - t["foot_strike_deg"]) <= 8
        good += right
        rows.append([f"{t['foot_strike_deg']:+.0f}", str(fps), true_kind, m["display"],
                     f"{m['value'] - t['foot_strike_deg']:+.1f}", "yes" if right else "NO"])
    return rows, f"Class right and within 8 deg: {good} of {len(STRIKES)}."


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="also write the Markdown here")
    ap.add_argument("--keep", help="render into this folder (default: a temp folder)")
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args()
    t0 = time.time()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fc_honest_"))
    root.mkdir(parents=True, exist_ok=True)
    prow, pnote = pelvic(root, args.seconds)
    srow, snote = strike(root, args.seconds)
    text = "\n\n".join([
        "## Pelvic drop (not measured: why)",
        markdown_table(["view", "true drop (deg)", "pose hip-line tilt (deg)", "report"], prow),
        pnote,
        "## Foot strike",
        markdown_table(["true (deg)", "fps", "true class", "shown", "error (deg)", "right"], srow),
        snote])
    emit(text, "honest.py", time.time() - t0, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
