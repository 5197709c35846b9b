"""Your good-form reference, and the gait phases the compare view aligns on.

Contract:
    add_media(media, track, frames, view, events, metrics, out) -> None
        Called once from the pipeline's media writing. Adds to ``media`` (the report's media
        block, see :mod:`core.report`):

        ``phases``     the runner at one stride's initial ``contact``, ``midstance`` (half way
                       to toe-off) and ``toe_off``: ``{"foot", "facing", "leg_px", "width",
                       "height", "frames": {phase: {"frame", "xy"}}}``; ``xy`` holds the
                       body landmarks 11-32 (shoulders to toes, pixels, None when unknown),
                       never the face points 0-10, so a shared report reveals no face
                       position. The compare view overlays two runners from these.
        ``reference``  what the reference runner is: ``{"cadence", "own_cadence",
                       "thigh_frac", "trunk_frac", "view", "phases": {phase: measures}}``
                       (None when there is no reference: view unsure, no stride).
        ``evidence["reference_<phase>"]`` one still per phase: the runner's own frame (left
                       half), cropped to the runner (:func:`core.annotate.cut_to_runner`; the
                       crop's corner in ``evidence_offsets``, so a shared copy moves the
                       frame's face box by it), beside the reference runner drawn by
                       :mod:`core.synthetic` (right half, cut to the same size around its
                       runner), with the differences that matter drawn on both: the foot
                       ahead of the hips, the shin angle and the lean. The halves are always
                       the same width (reports before the crop: two whole frames).
                       ``evidence_frames`` gets the runner's frame, as for every still.

The reference has the runner's thigh/shank split and trunk length as fractions of the leg
(medians over the clip), faces the same way and runs at the runner's cadence, or 5 % quicker
when it is below the good band, with good form (:mod:`core.synthetic.reference`).
Any failure here leaves the report without a reference rather than failing the analysis.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from . import annotate
from .pose import LM

log = logging.getLogger(__name__)

BODY = tuple(range(11, 33))  # shoulders .. toes: no face points
PHASES = ("contact", "midstance", "toe_off")
PHASE_LABELS = {"contact": "Landing", "midstance": "Midstance", "toe_off": "Toe-off"}
REFERENCE_KEY = "reference_{phase}"
_YOU, _REF, _LINE = (60, 200, 255), (120, 220, 120), (255, 255, 255)
# The runner's frame is cut to them when that leaves out at least this share of it (less
# than for a measure's still: here it also sizes the good-form runner beside them, and a
# portrait treadmill frame with a quarter of floor below the runner left that runner small).
REF_CROP_MIN_SAVING = 0.1


def _nanmed(v: np.ndarray) -> float | None:
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else None


def proportions(track) -> dict[str, float | None]:
    """Median thigh / (thigh + shank) and trunk / leg over the clip (both sides)."""
    d = lambda a, b: np.linalg.norm(track.p(a) - track.p(b), axis=1)  # noqa: E731
    thigh = np.concatenate([d("l_hip", "l_knee"), d("r_hip", "r_knee")])
    shank = np.concatenate([d("l_knee", "l_ankle"), d("r_knee", "r_ankle")])
    trunk = np.linalg.norm(track.mid("l_hip", "r_hip") - track.mid("l_shoulder", "r_shoulder"), axis=1)
    th, sh, tr = _nanmed(thigh), _nanmed(shank), _nanmed(trunk)
    if not (th and sh):
        return {"thigh_frac": None, "trunk_frac": None, "leg_px": None}
    leg = th + sh
    return {"thigh_frac": th / leg, "trunk_frac": (tr / leg) if tr else None, "leg_px": leg}


def pick_stride(track, events) -> dict[str, Any] | None:
    """One stance (contact -> toe-off of the same foot) near the middle of the clip with the
    body landmarks known: ``{"foot", "contact", "midstance", "toe_off"}`` frames."""
    ics = sorted(events.ics, key=lambda e: e.frame)
    tos = sorted(events.tos, key=lambda e: e.frame)
    mid = track.n / 2
    best = None
    for e in ics:
        nxt = [o.frame for o in ics if o.foot == e.foot and o.frame > e.frame]
        to = next((o.frame for o in tos if o.foot == e.foot and o.frame > e.frame
                   and (not nxt or o.frame < nxt[0])), None)
        if to is None or to - e.frame < 2:
            continue
        frames = {"contact": int(e.frame), "midstance": int(round((e.frame + to) / 2)),
                  "toe_off": int(to)}
        if not all(np.isfinite(track.xy[f][list(BODY)]).all() for f in frames.values()):
            continue
        score = abs(e.frame - mid)
        if best is None or score < best[0]:
            best = (score, {"foot": e.foot, **frames})
    return best[1] if best else None


def _phase_points(track, frame: int) -> list[list[float] | None]:
    out = []
    xy = track.image_xy(frame)  # drawn on the frame: its own pixels
    for i in BODY:
        x, y = xy[i]
        out.append([round(float(x), 1), round(float(y), 1)] if np.isfinite(x) and np.isfinite(y) else None)
    return out


def measures(hip: np.ndarray, shoulder: np.ndarray, knee: np.ndarray, ankle: np.ndarray,
             leg_px: float, fwd: float) -> dict[str, float]:
    """Foot ahead of the hips (% leg), shin from vertical (deg, + = foot ahead of the knee)
    and trunk lean (deg, + = forward), from image points (y down)."""
    ahead = (ankle[0] - hip[0]) * fwd / leg_px * 100.0
    shin = np.degrees(np.arctan2((ankle[0] - knee[0]) * fwd, ankle[1] - knee[1]))
    lean = np.degrees(np.arctan2((shoulder[0] - hip[0]) * fwd, hip[1] - shoulder[1]))
    return {"foot_ahead": round(float(ahead), 1), "shin": round(float(shin), 1),
            "lean": round(float(lean), 1)}


def _text(img, text: str, org, scale: float, color=(255, 255, 255)) -> None:
    """Outlined text; a degree sign drawn as the report's other pictures draw it
    (:func:`core.annotate.put_text`: the still once said "shin 12 deg", browser review s19)."""
    th = max(1, int(2 * scale))  # the outline spaced as the text is: its rings under the text's
    annotate.put_text(img, text, org, scale, (0, 0, 0), max(3, int(5 * scale)), th)
    annotate.put_text(img, text, org, scale, color, th)


def draw_measures(img: np.ndarray, hip, shoulder, knee, ankle, m: dict[str, float],
                  color, side: bool) -> None:
    """Draw the hips' vertical, the foot-ahead arrow, the shin and the trunk line."""
    s = max(0.6, img.shape[1] / 480)
    p = lambda v: (int(round(v[0])), int(round(v[1])))  # noqa: E731
    th = max(2, int(2 * s))
    cv2.line(img, p(shoulder), p(hip), color, th + 1, cv2.LINE_AA)
    if side:
        top, bot = p((hip[0], shoulder[1] - 20 * s)), p((hip[0], ankle[1] + 10 * s))
        cv2.line(img, top, bot, _LINE, max(1, th - 1), cv2.LINE_AA)
        cv2.line(img, p(knee), p(ankle), color, th + 1, cv2.LINE_AA)
        cv2.arrowedLine(img, p((hip[0], ankle[1])), p(ankle), color, th, cv2.LINE_AA, tipLength=0.25)
        cv2.circle(img, p(ankle), int(5 * s), color, -1, cv2.LINE_AA)


# The label block's text is as large as fits the still's half (its longest line across this
# share of the width), so it stays readable when the still is shown small (a phone shows each
# half about 180 px wide), and no larger than this font scale per 480 px of width. (At 1.2
# the limit, not the fill, set every still's text: about 6 px high on a phone, review 2 Dec;
# at 1.8 the longest line fills the half, with shin and lean on one row so the band is no
# taller than before.)
LABEL_FILL, LABEL_MAX_PER_480 = 0.9, 1.8


def label_scale(width: int, *blocks: list[str]) -> float:
    """Font scale of :func:`with_label_band` for a picture ``width`` px wide (LABEL_FILL):
    ``blocks`` are the halves' label lines, each headed by its larger first line. (Given as
    one list, only the first half's heading was measured at its size: with the limit raised,
    "Good form - 168 spm" ran past its half.)"""
    def px(text: str, fs: float) -> int:  # as drawn: ASCII, degree rings, outlined (_text)
        return annotate._text_w(annotate._label_ascii(text), fs, 5)

    longest = max((px(t, 0.75 if i == 0 else 0.6) + 20
                   for lines in blocks for i, t in enumerate(lines)), default=1)
    return float(min(LABEL_FILL * width / longest, LABEL_MAX_PER_480 * width / 480))


LABEL_BAND_BG = (38, 32, 28)  # BGR: the page's dark ink, under the labels


def with_label_band(img: np.ndarray, lines: list[str], rows: int, scale: float,
                    color, clear_below: int = 0) -> tuple[np.ndarray, int]:
    """``img`` under a dark band of ``rows`` text rows holding ``lines`` (the first in
    ``color``, the rest white), and the band's height in pixels. Both halves of a still get
    the same ``rows`` so they stay one height. ``clear_below``: empty band rows under the
    text, as far as a share's blur reaches above the picture (a head near the top of the
    crop: the blur spilled into the last label rows, code review 2 Dec)."""
    step = int(round(30 * scale))
    band_h = int(round(14 * scale)) + rows * step + max(0, int(clear_below))
    band = np.empty((band_h, img.shape[1], 3), np.uint8)
    band[:] = LABEL_BAND_BG
    for i, line in enumerate(lines):
        _text(band, line, (int(10 * scale), int(round(24 * scale)) + i * step),
              (0.75 if i == 0 else 0.6) * scale, color if i == 0 else (255, 255, 255))
    return np.vstack([band, img]), band_h


def composite(you: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``you`` unchanged at the left, ``ref`` at the right resized to its size: two halves of
    one width (ui.compare splits the still in the middle)."""
    h, w = you.shape[:2]
    if ref.shape[:2] != (h, w):  # (never, as cut by _add_media)
        ref = cv2.resize(ref, (w, h), interpolation=cv2.INTER_AREA)
    return np.hstack([you, ref])


def _runner_view_key(view) -> str | None:
    if view.view == "side":
        return "side_l" if view.facing == "left" else "side"
    return view.view if view.view in ("front", "back") else None


# why a scored report has no good-form stills (``media["reference_note"]``, said on the page:
# the section went missing without a word when its drawing failed, browser review s20)
NO_STRIDE_NOTE = ("No good-form picture for this clip: we found no stride of one foot, from "
                  "landing to toe-off, clear enough to draw it beside.")
NO_VIEW_NOTE = ("No good-form picture for this clip: it is drawn for a side, front or back "
                "view, and this clip's view is unclear.")
FAILED_NOTE = ("No good-form picture for this clip: drawing it failed on our side. Your "
               "numbers are not affected. To try again, delete this report in History and "
               "analyse the clip again (the same clip otherwise opens this report).")


def add_media(media: dict, track, frames, view, events, metrics, out: str | Path) -> None:
    """Add ``phases``, ``reference`` and the ``reference_<phase>`` stills (module docstring),
    or, for a scored clip without them, ``reference_note`` saying why."""
    try:
        _add_media(media, track, frames, view, events, metrics, Path(out))
    except Exception:  # noqa: BLE001 - the reference is an extra: never fail the analysis
        log.exception("reference stills failed")
        media["reference"] = None
        for phase in PHASES:
            media["evidence"].pop(REFERENCE_KEY.format(phase=phase), None)
            media["evidence_frames"].pop(REFERENCE_KEY.format(phase=phase), None)
        media["reference_note"] = FAILED_NOTE


def _add_media(media: dict, track, frames, view, events, metrics, out: Path) -> None:
    media.setdefault("reference", None)
    if not metrics:  # a refused clip: reasons, no pictures of form
        return
    stride = pick_stride(track, events)
    if stride is None:
        media["reference_note"] = NO_STRIDE_NOTE
        return
    props = proportions(track)
    fwd = -1.0 if view.facing == "left" else 1.0
    media["phases"] = {
        "foot": stride["foot"], "facing": view.facing, "view": view.view,
        "leg_px": round(props["leg_px"], 2) if props["leg_px"] else None,
        "width": int(track.width), "height": int(track.height),
        "landmarks": [k for k, v in sorted(LM.items(), key=lambda kv: kv[1]) if v in BODY],
        "frames": {ph: {"frame": stride[ph], "xy": _phase_points(track, stride[ph])} for ph in PHASES},
    }
    vkey = _runner_view_key(view)
    if vkey is None:
        media["reference_note"] = NO_VIEW_NOTE
        return
    if frames is None:  # no pictures kept (a caller without them): nothing to draw on
        return
    from .synthetic.reference import outside_bands, reference_params, render_phases

    by_id = {m.id: m.value for m in metrics}
    cadence = by_id.get("cadence")
    params = reference_params(props["thigh_frac"], props["trunk_frac"], cadence, vkey)
    foot = stride["foot"]
    rendered = render_phases(params, track.width, track.height, foot=foot)
    side = view.view == "side"
    s = foot.lower()
    leg_px = float(props["leg_px"])
    info = {"cadence": round(params.cadence_spm, 1),
            "own_cadence": None if cadence is None else round(float(cadence), 1),
            "thigh_frac": round(params.thigh_frac, 3), "trunk_frac": round(params.trunk_frac, 3),
            "view": vkey, "foot": foot, "phases": {},
            # its own measures outside their good band: not shown as the model of such a fix
            "outside": outside_bands(params)}
    (out / "evidence").mkdir(exist_ok=True)
    from .annotate import blurred_face, crop_to, cut_to_runner, draw_skeleton

    def body(xy):
        return {"hip": (xy[LM["l_hip"]] + xy[LM["r_hip"]]) / 2,
                "shoulder": (xy[LM["l_shoulder"]] + xy[LM["r_shoulder"]]) / 2,
                "knee": xy[LM[f"{s}_knee"]], "ankle": xy[LM[f"{s}_ankle"]]}

    for ph in PHASES:
        f = stride[ph]
        img = frames.get(f)
        if img is None:
            continue
        lv = body(track.xy[f])  # measured level (core.camera), drawn on the frame's pixels
        m_you = measures(lv["hip"], lv["shoulder"], lv["knee"], lv["ankle"], leg_px, fwd)
        # the runner's part of the frame (a portrait phone clip is mostly ceiling and wall),
        # drawn after cropping so the lines and labels are sized for the still as shown
        you, xy, (x0, y0) = cut_to_runner(img, track.image_xy(f), REF_CROP_MIN_SAVING)
        pts = body(xy)
        draw_skeleton(you, xy, track.vis[f])
        draw_measures(you, pts["hip"], pts["shoulder"], pts["knee"], pts["ankle"], m_you, _YOU, side)
        r = rendered[ph]
        uv = {k: np.array(v) for k, v in r["uv"].items()}
        ref_leg = float(np.linalg.norm(uv[f"{s}_hip"] - uv[f"{s}_knee"])
                        + np.linalg.norm(uv[f"{s}_knee"] - uv[f"{s}_ankle"]))
        m_ref = measures(uv["pelvis_c"], uv["shoulder_c"], uv[f"{s}_knee"], uv[f"{s}_ankle"],
                         ref_leg, fwd)
        # the good-form runner cut to the same size as the runner's crop, at its own scale
        ref_img, rx0, ry0, k = crop_to(r["image"], np.array(list(uv.values())),
                                       (you.shape[1], you.shape[0]))
        rp = {name: (uv[key] - (rx0, ry0)) * k for name, key in (
            ("hip", "pelvis_c"), ("shoulder", "shoulder_c"), ("knee", f"{s}_knee"),
            ("ankle", f"{s}_ankle"))}
        draw_measures(ref_img, rp["hip"], rp["shoulder"], rp["knee"], rp["ankle"], m_ref, _REF, side)

        # the runner's numbers are the report's own (medians over strides), so the still
        # never contradicts the headline; the lines are drawn from this frame
        med = {"foot_ahead": by_id.get("overstride"), "shin": by_id.get("shank_angle_ic"),
               "lean": by_id.get("trunk_lean")}
        shown_you = {k: (v if v is not None else m_you[k]) for k, v in med.items()}

        def lines(who: str, m: dict) -> list[str]:
            rows = [who]
            if side:
                lean = f"lean {m['lean']:.0f}\u00b0"
                if ph == "contact":
                    rows.append(f"foot {m['foot_ahead']:.0f}% leg ahead")
                    rows.append(f"shin {m['shin']:.0f}\u00b0   {lean}")
                else:
                    rows.append(lean)
            return rows

        # short headings, so the numbers under them can be large on a phone (the moment and
        # the good form's cadence are said beside the picture, ui.compare); one text size for
        # every moment: measured against the landing's widest line
        you_lines = lines("You", shown_you)
        ref_lines = lines("Good form", m_ref)
        scale = label_scale(you.shape[1], you_lines, ref_lines,
                            ["", "foot 99% leg ahead"] if side else [])
        # the labels in a band above each half, never over the runner (they were printed on
        # the arm and hoodie over the skeleton: review, 2 Dec) nor in a share's blur
        rows = max(len(you_lines), len(ref_lines))
        face = blurred_face(xy)  # what a share blurs, in the crop: kept clear of the text
        reach = 0 if face is None else max(0, -int(face[1])) + int(round(4 * scale))
        you, band_h = with_label_band(you, you_lines, rows, scale, _YOU, reach)
        ref_img, _ = with_label_band(ref_img, ref_lines, rows, scale, _REF, reach)
        key = REFERENCE_KEY.format(phase=ph)
        rel = f"evidence/{key}.jpg"
        cv2.imwrite(str(out / rel), composite(you, ref_img), [cv2.IMWRITE_JPEG_QUALITY, 85])
        media["evidence"][key] = rel
        media["evidence_frames"][key] = int(f)
        # a shared copy moves the frame's face box by it: the crop's corner, less the band
        media.setdefault("evidence_offsets", {})[key] = [int(x0), int(y0) - band_h]
        info["phases"][ph] = {"you": m_you, "you_median": shown_you, "reference": m_ref,
                              "frame": int(f)}
    media["reference"] = info
