"""The Method page's accuracy section: ``bench/accuracy.md`` (written by ``bench/accuracy.py``)
shown as a short per-quantity summary plus the full comparison table.

The file is a Markdown table (clip, reference, quantity, reference value, measured, note) and
free text around it. Anything that does not parse as such is shown as plain Markdown.
"""
from __future__ import annotations

import re
import statistics

import pandas as pd

_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")


def split_table(text: str) -> tuple[pd.DataFrame | None, str]:
    """The first Markdown table of ``text`` as a DataFrame, and the text without it."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("|")), None)
    if start is None or start + 1 >= len(lines) or not re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[start + 1]):
        return None, text
    end = start + 2
    while end < len(lines) and lines[end].strip().startswith("|"):
        end += 1

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    head = cells(lines[start])
    rows = [cells(ln) for ln in lines[start + 2:end]]
    rows = [r + [""] * (len(head) - len(r)) for r in rows if len(r) >= len(head) - 1]
    rest = "\n".join(lines[:start] + lines[end:]).strip()
    return pd.DataFrame([r[:len(head)] for r in rows], columns=head), rest


def sections(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its ``## `` headings: (heading, body) pairs; text before the first
    heading comes with an empty heading."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for ln in text.splitlines():
        if ln.startswith("## "):
            out.append((ln[3:].strip(), []))
        else:
            out[-1][1].append(ln)
    return [(h, "\n".join(b)) for h, b in out if h or "\n".join(b).strip()]


def _first_number(text: str) -> float | None:
    m = _NUM.search(text or "")
    return float(m.group()) if m else None


def summary(table: pd.DataFrame) -> pd.DataFrame | None:
    """Per quantity: clips compared and the median absolute difference (or agreement for
    the view). Needs the columns quantity, reference value and measured."""
    need = {"quantity", "reference value", "measured"}
    if not need <= set(table.columns):
        return None
    out = []
    for quantity, grp in table.groupby("quantity", sort=False):
        if quantity == "outcome":
            continue
        if quantity == "view":
            agree = sum(str(a).split(" then ")[0] == str(b) for a, b in
                        zip(grp["reference value"], grp["measured"]))
            out.append({"measure": "camera view", "clips": len(grp),
                        "typical difference": f"{agree} of {len(grp)} correct"})
            continue
        diffs = [abs(m - r) for r, m in ((_first_number(a), _first_number(b)) for a, b in
                                         zip(grp["reference value"], grp["measured"]))
                 if r is not None and m is not None]
        if diffs:
            unit = re.search(r"\(([^)]*)\)", quantity)
            med = statistics.median(diffs)
            out.append({"measure": re.sub(r"\s*\([^)]*\)", "", quantity), "clips": len(diffs),
                        "typical difference": f"{med:.1f} {unit.group(1) if unit else ''}".strip()})
    return pd.DataFrame(out) if out else None


# --------------------------------------------------------------------------- runner-friendly names

# The real, hand-labelled clips of ../shared/clips, described for runners. Each name leads
# with what tells it from its neighbours: the Method page's clip column is narrow, and names
# that all began "Computer-rendered runner, side view, ..." were cut to one and the same
# (browser review, s19).
REAL_CLIPS = {
    "zzzhushi_male_side_treadmill": "Filmed: treadmill, side view, 30 fps",
    "mhuang_IMG_5396": "Filmed: treadmill, low camera, side view, 60 fps",
    "jacky_run_inplace_front": "Filmed: jogging in place, front view",
    "mhuang_slow": "Filmed: slow motion, side view (rate not given)",
    "sports2d_demo4": "Filmed: a person walking, not running",
    "divvi_running": "Filmed: close-ups with cuts",
}
_VIEWS = {"side": "side view", "side_l": "side view, running left", "sidel": "side view, running left",
          "front": "front view", "back": "back view"}
_PRESETS = {"good": "good form", "overstride": "overstriding", "straightarms": "straight arms",
            "lean": "leaning forward"}


def clip_name(raw: str) -> str:
    """``render03_side_l_60 (render)``, ``syn_side_good_60.mp4`` or a real clip's file name
    as a runner would say it: "Rendered runner 4: 60 fps, side view, running left"."""
    raw = (raw or "").strip()
    labelled = raw.endswith("(hand labels)")
    stem = re.sub(r"\s*\((render|hand labels)\)$", "", raw).removesuffix(".mp4")
    m = re.fullmatch(r"render(\d+)_(side_l|side|front|back)_(\d+)", stem)
    if m:
        return f"Rendered runner {int(m.group(1)) + 1}: {m.group(3)} fps, {_VIEWS[m.group(2)]}"
    m = re.fullmatch(r"r(\d+)_(\d+)spm_fs([+-]\d+)_ov(\d+)_(side_l|side)_h([+-][\d.]+)_y(\d+)", stem)
    if m:  # bench/contacts.py's renders: fps, cadence, strike, overstride, camera height, yaw
        parts = [f"{m.group(1)} fps", f"{m.group(2)} steps/min", f"landing {m.group(3)}\u00b0"]
        dy = float(m.group(6))
        if dy:
            parts.append(f"camera {abs(dy):.2f} m {'above' if dy > 0 else 'below'} hip height")
        if int(m.group(7)):
            parts.append(f"camera turned {m.group(7)}\u00b0 from square")
        # the view has its own column beside it: only the running direction when it is left
        return "Rendered: " + ", ".join(parts + (["running left"] if m.group(5) == "side_l" else []))
    m = re.fullmatch(r"syn_(sidel|side|front|back)(?:_([a-z]+))?_(\d+)", stem)
    if m:
        parts = [_PRESETS[m.group(2)]] if m.group(2) in _PRESETS else []
        parts += [f"{m.group(3)} fps", _VIEWS[m.group(1)]]
        return "Rendered: " + ", ".join(parts)
    name = REAL_CLIPS.get(stem, f"Filmed clip “{stem.replace('_', ' ')}”")
    return name + (" (hand-labelled)" if labelled else "")


QUANTITIES = {  # accuracy.md's quantity column -> plain words
    "view": "Camera view", "outcome": "Verdict on the clip",
    "cadence (spm)": "Cadence (steps per minute)", "contact time (ms)": "Ground contact time (ms)",
    "trunk lean (deg)": "Trunk lean (°)", "elbow angle (deg)": "Elbow angle (°)",
    "overstride (% leg)": "Overstride (% of leg length)",
    "vertical osc. (% leg)": "Bounce (% of leg length)", "pelvic drop (deg)": "Pelvic drop (°)",
}
_OUTCOMES = {"ok": "analysed", "limited": "analysed, with limits", "refused": "not scored"}
_REFERENCES = {"label": "hand labels", "truth": "exact truth"}


def _plain_quantity(q: str) -> str:
    return QUANTITIES.get(q, q[:1].upper() + q[1:])


def friendly_comparisons(table: pd.DataFrame) -> pd.DataFrame:
    """accuracy.md's full table with plain clip names, measures and column names."""
    out = pd.DataFrame({
        "Clip": [clip_name(c) for c in table.get("clip", [])],
        "Compared with": [_REFERENCES.get(r, r) for r in table.get("reference", [])],
        "Measure": [_plain_quantity(q) for q in table.get("quantity", [])],
        "True or hand-labelled value": list(table.get("reference value", [])),
        "FormCheck measured": [_OUTCOMES.get(m, m) if q == "outcome" else m for q, m in
                               zip(table.get("quantity", []), table.get("measured", []))],
        "Note": list(table.get("note", [])),
    })
    return out if len(out.columns) and len(table) else table


# summary()'s measure names -> metric ids, for the reading error each report quotes
SUMMARY_IDS = {"cadence": "cadence", "contact time": "contact_time", "trunk lean": "trunk_lean",
               "elbow angle": "elbow_angle", "overstride": "overstride",
               "vertical osc.": "vertical_oscillation", "pelvic drop": "pelvic_drop"}
WITHIN_COLUMN = "Within this on 4 in 5 of all our test videos"


def reading_error_text(err: tuple[float, float], unit: str) -> str:
    """A registry ``reading_error`` (under 50 fps, from 50 fps) in the words of the report's
    own near-the-line sentence (core.findings.error_text): "5.5 % of leg under 50 fps, 3.5 %
    of leg from 50 fps", one figure when both are the same."""
    from core.findings import error_text
    from core.spec import TIMING_FPS

    lo, hi = (error_text(e, unit) for e in err)
    return lo if lo == hi else f"{lo} under {TIMING_FPS:.0f} fps, {hi} from {TIMING_FPS:.0f} fps"


def within_text(metric_id: str | None) -> str:
    """The reading error a report's card quotes for ``metric_id``, "—" when no bench gives
    one."""
    from core.metrics import BY_ID as REGISTRY
    from core.spec import BY_ID

    m = REGISTRY.get(metric_id or "")
    if m is None or m.reading_error is None:
        return "\u2014"
    return reading_error_text(m.reading_error, BY_ID[m.id].unit).replace("% of leg",
                                                                          "% of leg length")


def friendly_summary(brief: pd.DataFrame) -> pd.DataFrame:
    """:func:`summary`'s table in words, with the reading error each report quotes beside
    the typical difference (elbow "0.5°" over four clips here read against "within 8.5°" on
    the report's card, with no word why: review, 3 Dec)."""
    names = {re.sub(r"\s*\([^)]*\)", "", k): re.sub(r"\s*\([^)]*\)", "", v)
             for k, v in QUANTITIES.items()}
    names["camera view"] = "Camera view (side, front or back)"
    return pd.DataFrame({
        "Measure": [names.get(m, m[:1].upper() + m[1:]) for m in brief["measure"]],
        "Clips compared": list(brief["clips"]),
        "Typical difference": [str(d).replace("spm", "steps/min").replace(" deg", "°")
                               .replace("% leg", "% of leg length") for d in brief["typical difference"]],
        WITHIN_COLUMN: [within_text(SUMMARY_IDS.get(m)) for m in brief["measure"]],
    })


CONTACT_COLUMNS = {
    "view (yaw est, deg)": "View (camera turn read, °)", "contacts": "Landings found",
    "IC err (frames, + late)": "Landing timing error (frames, + = late)",
    "TO err (frames)": "Push-off timing error (frames, + = late)",
    "contact time err ms (frames)": "Contact time error, ms (frames)",
    "overstride % leg (ours vs truth)": "Overstride, % of leg length (FormCheck vs truth)",
    "band right": "Overstride rated right?", "shin err (deg)": "Shin angle error (°)",
    "foot strike (ours vs truth)": "Foot strike, ° (FormCheck vs truth)",
    "class right": "Strike type right?", "trunk lean err (deg)": "Trunk lean error (°)",
    "clip": "Clip", "fps": "Frame rate (fps)", "contacts found": "Landings found",
    "IC error, frames (+ late)": "Landing timing error (frames, + = late)",
    "toe-off error, frames": "Push-off timing error (frames, + = late)",
    "overstride % leg (measured vs truth)": "Overstride, % of leg length (FormCheck vs truth)",
    "status right": "Overstride rated right?",
}


def friendly_contacts(table: pd.DataFrame) -> pd.DataFrame:
    """contacts.md's table with plain clip names and column names (numbers unchanged)."""
    out = table.copy()
    if "clip" in out.columns:
        out["clip"] = [clip_name(c) for c in out["clip"]]
    for col in ("status right", "band right"):
        if col in out.columns:
            out[col] = [re.sub(r"^no \((\w+) vs (\w+)\)$", r"no: said \1, truth \2", s)
                        for s in out[col]]
    for col in out.columns:
        out[col] = [("–" if v in ("-", "") else v) for v in out[col]]
    if "fps" in out.columns and all(f"{f} fps" in c for c, f in zip(out.get("clip", []), out["fps"])):
        out = out.drop(columns="fps")  # already in every clip's name
    return out.rename(columns=CONTACT_COLUMNS)


_ISSUE = re.compile(r"\s*\((?:issue )?#\d+[^)]*\)")  # "(#17)", "(issue #17, third round)"
_CODE = re.compile(r"\s*\(`[^)]*\)")  # "(`core.camera.ground_line`; ...)": for engineers
# a bench's tally lines that count nothing ("Not read as a side view ...: 0", "Levelled on a
# floor line ...: none of 36."): kept for engineers, said to no runner (UX review, 4 Dec)
_NOTHING = re.compile(r"^- (Not read as a side view\b.*: 0\s*$|Levelled on a floor line\b.*: none of)")


def plain_notes(rest: str) -> str:
    """The free text around a bench table, for a runner: without the 'Generated by …' line,
    issue numbers and the parenthesised code names that point engineers to the source."""
    lines = [_CODE.sub("", _ISSUE.sub("", ln)).strip().strip("_ ").replace("`", "")
             for ln in rest.splitlines() if not _NOTHING.match(ln)]
    text = "\n\n".join(ln for ln in lines if ln and not ln.startswith("Generated by"))
    text = re.sub(r"^Acceptance over", "How often it was right over", text, flags=re.M)
    text = re.sub(r"^Acceptance:", "Our targets:", text, flags=re.M)
    return text.replace("status right", "rated right").replace("with a truth", "with an exact truth")


def plain_title(title: str) -> str:
    """A bench section's heading without issue numbers."""
    return _ISSUE.sub("", title).strip()


# bench/robustness.md's camera conditions and columns, as a runner would say them
CONDITIONS = {
    "tripod": "Tripod, square, hip height", "pan": "Panning to follow", "follow":
    "Camera moving alongside", "handheld": "Handheld, following, shaking", "roll5":
    "Phone tilted 5°", "roll10": "Phone tilted 10°", "low": "Camera near the ground",
    "high": "Camera high (2 m)", "yaw15": "15° off square", "yaw30": "30° off square",
    "zoom": "Zooming in", "cut": "Passes cut together",
}


def friendly_robustness(table: pd.DataFrame) -> pd.DataFrame:
    """The per-condition table of bench/robustness.md with plain condition names and column
    titles (the numbers unchanged): "trunk_lean med/max err (band right)" -> "Trunk lean:
    typical / worst error (verdict right)"."""
    from core.spec import BY_ID

    out = table.copy()
    if "condition" in out.columns:
        out["condition"] = [CONDITIONS.get(c, c) for c in out["condition"]]
    names = {}
    for c in out.columns:
        m = re.fullmatch(r"(\w+) med/max err \(band right\)", c)
        if m and m.group(1) in BY_ID:
            names[c] = f"{BY_ID[m.group(1)].label}: typical / worst error (verdict right)"
        elif c.startswith("elbow_angle err from projection"):
            names[c] = "Elbow angle error: from the 2-D picture / from the pose model"
        else:
            names[c] = {"condition": "Filmed", "clips": "Clips", "analysed": "Analysed",
                        "refused": "Refused", "view right": "View right",
                        "cadence within 1.5": "Cadence within 1.5 steps/min"}.get(c, c)
    return out.rename(columns=names)
