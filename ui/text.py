"""Wording used by the pages: filming guide, labels and the method page's prose."""
from __future__ import annotations

import re

from core.metrics import BY_ID as METRIC_REGISTRY
from core.spec import STATUS_WORDS

APP_NAME = "FormCheck"
TAGLINE = "Film 15 seconds of running, get three things to work on."

FILMING_GUIDE: list[tuple[str, str]] = [
    (":material/photo_camera:", "**Side view** for most measures (feet, knees, lean, arms). "
     "Film from **behind or in front** to check side-to-side sway and step width (**in front** "
     "for arm crossover too: from behind the body often hides the hands): "
     "add that clip below the side clip and both make one report."),
    (":material/height:", "Phone on a **tripod or a steady surface at hip height**, "
     "square to the running line and **level**. A friend **following you by hand** works too, "
     "if they pan smoothly and there is detail in the background (not a plain wall)."),
    (":material/fit_screen:", "**Whole body in frame** from head to feet for the entire clip; "
     "the runner filling about half to three quarters of the height."),
    (":material/slow_motion_video:", "**60 fps or more** if your phone offers it "
     "(contact times are approximate at 30 fps)."),
    (":material/timer:", "**10–20 s of steady running** — a treadmill is ideal; "
     "one runner, good light, best as one continuous shot (an edited clip is scored on its "
     "longest steady stretch only)."),
]

VIEW_CHOICES_LABELS: dict[str, str] = {
    "auto": "Detect automatically",
    "side": "Side (either direction)",
    "side_left": "Side, running to the left",
    "side_right": "Side, running to the right",
    "front": "Front (running toward the camera)",
    "back": "Back (running away from the camera)",
}

VIEW_NAMES = {"side": "Side view", "front": "Front view", "back": "Back view",
              "unsure": "View unclear"}


def view_name(view: str | None, report: dict | None = None) -> str:
    """"Side view", or "Side + back views" for a session whose clips were filmed from more than
    one side (its primary clip's view alone read as if every measure came from the side)."""
    clips = ((report or {}).get("session") or {}).get("clips") or []
    views = list(dict.fromkeys(c.get("view") for c in clips if c.get("view") in VIEW_NAMES))
    if len(views) > 1:
        first, *rest = [VIEW_NAMES[v].split()[0] for v in views]
        return " + ".join([first] + [w.lower() for w in rest]) + " views"
    return VIEW_NAMES.get(view or "", "View unclear")

STATUS_LABELS = STATUS_WORDS
STATUS_BADGE_COLORS = {"good": "green", "watch": "orange", "fix": "red", "info": "gray"}
STATUS_ICONS = {"good": ":material/check_circle:", "watch": ":material/visibility:",
                "fix": ":material/priority_high:", "info": ":material/info:"}
CONFIDENCE_LABELS = {"high": "high confidence", "medium": "medium confidence",
                     "low": "low confidence"}

# Chart groups over report["series"]["channels"]: label, the metric whose chart channels
# (core.metrics: Metric.channels) it plots, the metric whose good band is drawn, and what the
# band means on this chart.
_ANGLE_GROUPS: dict[str, dict] = {
    "knee": {"label": "Knee bend", "metric": "knee_flexion_mid", "band_phase": "stance",
             "band": "knee_flexion_mid", "band_note": "good deepest knee bend while the foot is "
             "on the ground (midstance), shaded over each stance; in the swing the knee bends "
             "much more, as it should"},
    "foot": {"label": "Foot ahead of hips", "metric": "overstride",
             "band": "overstride", "band_note": "good overstride at the moment of landing"},
    "thigh": {"label": "Thigh angle", "metric": "knee_drive", "band": None, "band_note": ""},
    "trunk": {"label": "Trunk lean", "metric": "trunk_lean", "band": "trunk_lean",
              "band_note": "good trunk lean"},
    "elbow": {"label": "Elbow angle", "metric": "elbow_angle", "band": "elbow_angle",
              "band_note": "good elbow angle"},
    "bounce": {"label": "Hip height (bounce)", "metric": "vertical_oscillation", "band": None,
               "band_note": "", "note": "The hips' height frame by frame, the pose model's "
               "jitter included: the bounce on the card is read on the rise and fall that "
               "repeats with each step, not on single frames' highs and lows."},
    "pelvis": {"label": "Pelvic tilt", "metric": "pelvic_drop", "band": None, "band_note": ""},
    "sway": {"label": "Shoulder sway", "metric": "lateral_sway", "band": None, "band_note": ""},
}
ANGLE_GROUPS: dict[str, dict] = {
    k: {**g, "channels": [c.name for c in METRIC_REGISTRY[g["metric"]].channels]}
    for k, g in _ANGLE_GROUPS.items()}

# Per-stride table columns (report["strides"]) offered in the stride chart, each with the
# metric whose band applies, in the picker's order (core.metrics: Metric.column, .stride_chart).
_CHARTED = sorted((m for m in METRIC_REGISTRY.values() if m.stride_chart is not None),
                  key=lambda m: m.stride_chart)
STRIDE_COLUMNS: dict[str, str] = {m.column: m.id for m in _CHARTED}
STRIDE_CHART_ORDER = list(STRIDE_COLUMNS)

PIPELINE_STAGES: list[tuple[str, str]] = [
    ("Read the video", "Every frame is decoded with its real timestamp (phones film at a "
     "variable frame rate; slow-motion clips are rescaled with the capture rate you give)."),
    ("Find the runner", "A pose model (Google MediaPipe BlazePose) places 33 body landmarks "
     "in every frame. A video turned on its side or upside down with nothing in the file to "
     "say so (the runner lying along the picture) is turned upright and read again, and the "
     "report says so."),
    ("Split into stretches", "Cuts between shots, zoom jumps, the runner leaving the "
     "picture and changes of pace split the clip; the longest steady running stretch (at "
     "least 6 steps) is analysed and the others are listed with their cadence."),
    ("Clean the landmarks", "Outliers are removed, left/right swaps are repaired and the tracks "
     "are smoothed; distances are expressed as a share of the runner's leg length."),
    ("Follow the camera", "If the camera pans, shakes, zooms or is tilted, its motion is "
     "measured from the background around the runner (corners followed from frame to frame) "
     "and taken out, and the picture's upright lines (door frames, furniture edges) or else "
     "the floor line set the true vertical, so angles are measured against gravity, not "
     "against the edge of the picture."),
    ("Work out the view", "Side (and which way the runner faces), front or back — each "
     "measure is only computed for the views it is valid in."),
    ("Find foot contacts", "Initial contact and toe-off of each foot, cross-checked with the "
     "rhythm of the hips."),
    ("Check the capture", "Each check either refuses the clip, limits the report or only "
     "notes something. A clip is not scored (you are told why and how to re-film) when the "
     "runner is found in under half the frames, the trunk is out of the picture, a second "
     "person is in it, it is too dark, it has cuts and no steady stretch of 6 steps, the "
     "camera's motion cannot be followed, there are too few steps, nobody is running (the "
     "feet stay still: a photo or a paused video), the runner's distance from the camera "
     "changes too much in a front or back view, or the rhythm is walking, slow motion or sped "
     "up (with a capture rate you gave: a clip that already plays at normal speed, or a rate "
     "that leaves the steps at a walking rhythm, whose refusal names the rates that would make "
     "it running). Feet out of the picture, a runner under 30 % of the picture's "
     "height, a dim picture, a strongly tilted front or back view, a change of direction or "
     "an unclear view still give a report, with its limits said. A runner under 45 % of the "
     "picture's height, a slight tilt, a frame rate under 50 fps and a clip with fewer than "
     "10 foot contacts are notes on filming better, each with its tip (a low frame rate also lowers the confidence of the contact "
     "timings, and under 20 fps they are not measured)."),
    ("Listen to the landings", "When the clip has sound, each landing's loudness is read "
     "near its foot contact, once the sound has been lined up with the picture (the delay is "
     "measured, not assumed); music, voices, silence or no footfall rhythm at your step rate "
     "are said instead of a number."),
    ("Measure and judge", "Each measure is taken per stride, summarised by the median, and "
     "judged against the bands below; the three focus areas and the overall score follow."),
    ("Explain", "Up to three fixes, the clearest problems first, each with a picture of the "
     "moment, why it matters, one cue and one drill."),
]

KNOWN_LIMITS: list[str] = [
    "**Two clips, one report.** A side clip and a back or front clip of the same run can be merged into one report: each "
    "measure comes from the view it is valid in (the better confidence, then more strides, "
    "where both measure it), and the scores and fixes are worked out once from the merged "
    "measures. The two clips are filmed at different moments, so they describe the same run, "
    "not the same strides; where both measure something (cadence) and disagree by more than "
    "its reading error, the report says what the other clip read and asks whether both are "
    "of the same run at the same pace.",
    "**Camera tilt.** A side clip is levelled before measuring, on its upright lines or else "
    "its floor line (see \"A tilted phone\" below). A front or back clip is levelled on its "
    "upright lines too (the shoulder line is read against the true level then); with too few "
    "of them the tilt is read from the trunk's average upright line and not corrected: the "
    "report says how far off it is.",
    "**Camera angle.** A side camera off square to the running direction (a rough estimate "
    "from how far the far shoulder and hip show) lowers the side measures' confidence from "
    "15° and costs the elbow angle from 20°; the capture checks say so, with how to film "
    "square.",
    "**Edited clips.** A clip cut together from several shots, or with a zoom or a change of "
    "pace, is scored on its longest steady running stretch only (the report says which "
    "seconds). A change of pace under 6 % (about 10 steps/min) is not split, and a cut between "
    "two shots of the same place at the same size is found only when the runner jumps in the "
    "picture or the pace changes.",
    "**Foot swaps around contact.** In side view the pose model sometimes swaps the left and "
    "right foot for 1–3 frames around landing. FormCheck repairs these swaps with a Viterbi "
    "pass over the whole clip, but left/right values can still be mixed up on a few strides.",
    "**Pelvic drop is not measured.** The pose model's hip points do not follow the tilt of "
    "the pelvis: on our rendered runners seen from behind and in front, a true drop of 0° to "
    "12° always read about 1–2° (0.6–1.6°), so a number would call dropping hips level. Outlines of the "
    "body (the segmentation mask's edges at the hips, the waistband line) were tried and did "
    "not track it either, so the report lists pelvic drop as not measured, with the reason.",
    "**Overstride hangs on the landing frame.** The foot moves backward fast under the body, "
    "so catching the contact one frame late or early changes overstride by about 6 % of leg "
    "length at 60 fps and 11 % at 30 fps; the shin turns just as fast once the foot is down, "
    "so it is read at the last frame before the landing found. On 36 rendered runners (30–120 fps, 150–195 "
    "steps/min, every landing type, cameras raised, lowered and turned) its band is right on "
    "28 and on every runner not within 3 % of a band edge; its median error is −0.6 % of leg, "
    "half of the runners within −1.9 to +0.4 %. Read at those runners' true landing moments, "
    "the pose model's own hip and foot points still put the band right on only 31 of 36: "
    "the rest is where it places the joints, not when the foot landed. Both are shown with "
    "low confidence below 100 frames a second and medium from there.",
    "**Foot strike reads landings a little flatter than they are.** The pose model's heel "
    "and toe points pull the foot toward flat (a median 4° at forefoot landings on our "
    "rendered runners), so a forefoot landing of −6° to −8° can read midfoot. Over 36 "
    "rendered runners the type is right and the angle within 8° on 30 (heel landings 9 of "
    "9, midfoot 15 of 16, forefoot 6 of 11), and on 29 when read at the true landing "
    "moments.",
    "**Push-off timing.** Push-off is the moment the toe's rise into swing begins (where its "
    "upward acceleration peaks, once it has lifted off the ground; if the toe point bobbed up "
    "and came back down while the foot was still down, its last low point). On hand-labelled "
    "treadmill clips it lands within a frame of the labels; on our rendered runners contact "
    "time is "
    "within a frame on 14 of 24 clips at 60 and 120 fps (14 ms off on average, at most "
    "64 ms: landings found up to 3 frames off on a raised or turned camera, and push-offs "
    "up to 2 frames off where the toe's lift came late or early).",
    "**Timing at 30 fps is approximate.** One frame is 33 ms, so contact time, flight time "
    "and duty factor can be off by a frame at each end (against hand labels: +18 ms at 30 fps, "
    "−32 ms at 60 fps). Film at 60 fps or more for timing.",
    "**Hip extension hangs on push-off.** The thigh swings forward up to 7° a frame at 30 fps "
    "as the foot leaves, so it is read between frames at the push-off found, on the leg the "
    "camera sees well (the pose model's far hip point read it about 2° low). On 44 rendered "
    "side views its median error is −1.6° (half within 1.9°) and its band is right on 38; "
    "it is low confidence at 30 fps.",
    "**Under 20 frames a second** (a webcam in dim light, a busy laptop) a landing or a "
    "push-off cannot be timed: the measures read at them or between them (overstride, shin, "
    "foot strike, contact times, knee bends, hip extension) are listed as not measured, "
    "with the reason, rather than shown from the wrong frames.",
    "**Trunk lean depends on the outline at the hips.** The pose model places the hip points "
    "from the body's outline there, as on people: the hip joint sits in the front part of "
    "the pelvis. Our first rendered runners had a pelvis centred on the joints and read 1–2° "
    "low; drawn as a person is, they read within −0.7° to +2.4° (median +0.7°). Loose "
    "clothing round the hips moves the hip points and the lean with them.",
    "**The elbow angle is the angle the camera sees.** \"Elbows at 90°\" means the arm's "
    "real bend; a side camera sees it flattened, and an arm held a little out with the "
    "forearm turned in, as runners carry it, looks wider: on our rendered runners a 90° "
    "elbow shows as 93° from hip height and 89° from 2 m up. The pose model then placed the "
    "rendered elbows a little toward the shoulder and read them up to 6.5° wider still "
    "(most against a busy background such as a brick wall). Over 28 rendered side views "
    "the elbow read a median 6.7° wide (−1.4° to +8.9°), within 8° on 20. It is shown with "
    "medium confidence, and nothing is subtracted, because how far the arm is held out "
    "cannot be seen in a side video.",
    "**A camera not square to the runner** is estimated from how far apart the two shoulders "
    "and hips appear (a runner turned 20° read 18°; through the pose model renders turned 15° "
    "read 7° and 30° read 36–39°). Overstride, shin angle, foot strike and lean are corrected "
    "for the foreshortening; the knee bends, hip extension and knee drive are not, and say "
    "so. From 15° all of them are shown with low confidence and the reason. A "
    "picture 25° or more off square is not levelled on its floor line: seen at an angle, the "
    "floor slants by perspective (5° at 30° off square), and levelling on it had read trunk "
    "lean 4–5° high on those renders (now +1.5° to +3°). So a phone that oblique and also "
    "tilted is not corrected for its tilt; below 25° a tilted phone is levelled as usual, "
    "taking up to ~4° of perspective for tilt. A camera near the ground (treadmill-belt height) reads flat landings as heel strikes: foot strike "
    "then gets low confidence and never \"work on it\".",
    "**One camera, two dimensions.** Twisting, foot turn-out and anything pointing toward the "
    "camera are estimated with low confidence; a camera that is low, high or not square to "
    "the runner skews angles and distances.",
    "**A moving camera is followed, within limits.** Pan, shake, zoom and roll are measured "
    "from the background outside the runner as one flat motion of the picture; a camera "
    "walking alongside sees near and far ground move at different speeds, and a background "
    "that moves itself (a crowd, trees in wind) misleads it. With too little background detail "
    "or shake too fast to follow, the clip is refused with that reason.",
    "**A tilted phone** is levelled before anything is measured. First choice: the picture's "
    "upright lines, where five or more are seen (door frames, cupboards, posters, poles). "
    "They stay upright however the camera is turned toward you; a phone tipped up makes them "
    "lean toward a point above the picture, so the vertical is taken where you are. Without "
    "them, the floor line: where your feet land when you run past the camera, or the long "
    "level lines low in the picture on a treadmill (its deck, a floor edge). Filmed square, a "
    "floor line that disagrees with the upright lines by more than 2° wins, and the report "
    "says the levelling is unsure (an upright can be a slanted rail). A tilt under 1° on the "
    "floor line, or under 0.25° on upright lines (they read a tilt to a few tenths of a "
    "degree), is left alone. The report's capture notes say how far the picture was tilted "
    "and what it was read from. On a shared treadmill clip turned by 8° and −10°, trunk lean "
    "read within 0.7° of the untouched clip, so a level phone is still best.",
    "**Landing sound compares a clip with itself.** How loud a landing sounds depends on the "
    "phone and how far it is from your feet, the floor or treadmill and your shoes, none of "
    "which FormCheck can know, so it never judges the level itself: only left against right "
    "(good within 3 dB, work on it beyond 6 dB) and single landings much louder than the rest. "
    "On our synthetic sound tracks the left/right difference reads within 0.3 dB of the "
    "truth with the sound up to 100 ms early or late; a camera far from the runner, music, "
    "talking or a noisy gym hide the footfalls, and the report then says so. Which foot "
    "landed comes from the video, so a left/right mix-up there mixes up the sound too. "
    "**Live**, the landing meter takes each landing's moment from the sound and which foot "
    "from the feet's swing in the picture, so it keeps working on a busy computer that "
    "analyses only 4 frames a second; a recording's report lines the sound up with the "
    "picture by the stream's own clocks and searches only 0.1 s either way, under half a "
    "step, so it can never pair a landing with the other foot's sound: when camera and "
    "microphone are further out of step than that, it says so instead. A recording (or clip) "
    "with too few frames a second to time foot contacts (under 20) times each landing from its "
    "sound too, and names its foot by the stride's phase at the picture's own contacts, "
    "less how far the sound lags them. The live meter does the same with the contacts of "
    "its last few seconds whenever it analyses 8 or more frames a second, so a Bluetooth "
    "headset or a laptop's microphone up to about 0.14 s behind the camera still names the "
    "right foot: on our model runner at 178 steps per minute and 15 frames a second, both "
    "read an 8 dB difference within 0.5 dB with the sound up to 0.14 s early or late; "
    "nearer half a step (0.17 s) a landing could be either foot's and they say the camera "
    "and microphone are out of step. Sound and picture can only be lined up to within a "
    "step, since both feet land: sound about 0.2-0.5 s late (about a whole step) looks like "
    "sound nearly in step, and then the feet are swapped. With fewer frames the meter names "
    "the foot ahead as the sound is heard, which is right only for sound early or less than "
    "about 50 ms late.",
    "**Clothing and hair** move the landmarks a little (loose shorts at the hips, hair or hats "
    "at the ears).",
]

NOT_FOUND = ("This report could not be found. The link may be incomplete, or the runner "
             "stopped sharing it, made a new link or deleted it, or it expired.")
# a shared comparison's link that no longer opens (either report unshared, re-shared,
# deleted or expired): it said "This report" (browser review, s20)
COMPARISON_NOT_FOUND = ("This comparison could not be found. The link may be incomplete, or "
                        "the runner stopped sharing, made a new link for or deleted one of "
                        "its reports.")
# An owner's own address (/report?id=..., /compare?ids=...) opened where it cannot open: in
# another browser or device, the runner's own report looked lost. Worded for both cases, as
# a stranger must not learn whether the report exists.
# The reasons lead, deletion first: the runner's own deleted report, opened again in the
# browser that made it, read "cannot be opened in this browser ... opens only in the browser
# that made it" with "deleted" last (review, 3 Dec).
NOT_HERE = ("This report cannot be opened here: it was deleted, has expired, or was made in "
            "another browser (a report's own address opens only in the browser that made it, "
            "as reports are private). If it is yours and still there, open it in that browser, "
            "or here on History with its report key (\"Open a report from another browser\"); "
            "or ask its runner for a share link.")
# the same for a comparison's own address (/compare?ids=...): one of its two reports
NOT_HERE_PAIR = ("One or both of these reports cannot be opened here: deleted, expired, or "
                 "made in another browser (a report's own address opens only in the browser "
                 "that made it, as reports are private). Pick two of yours on History.")


# What a value below zero means, for the measures whose good values reach below zero: shown
# under a negative value so "-4°" is not a puzzle.
# what a metric's length in cm or inches is a length of, after "≈ 7.7 in" on its card ("Arm
# swing ≈ 3.4 in" had no noun: review, 2 Dec)
LENGTH_OF = {
    "overstride": "foot ahead of the hips",
    "vertical_oscillation": "up and down",
    "arm_swing": "of wrist travel",
    "hips_behind": "hips behind the ankle-shoulder line",
    "step_width": "between the feet",
    "lateral_sway": "side to side",
}

def for_reader(s: str) -> str:
    """A measure's value, note or reason as a share link's reader reads it: "your" becomes
    "the runner's" ("2 % above your relaxed position" and "Against your own most relaxed
    frames" under "The runner's top fixes": review, 3 Dec). The advice (why, cue, drill)
    keeps speaking to the runner, as the page's banner says."""
    s = re.sub(r"\bYour\b", "The runner's", s)
    s = re.sub(r"\byour\b", "the runner's", s)
    return re.sub(r"\byou gave\b", "the runner gave", s)


NEGATIVE_MEANS = {
    "overstride": "Below zero: the foot lands behind the hips.",
    "shank_angle_ic": "Below zero: the ankle lands behind the knee.",
    "waist_lean": "Below zero: your trunk is more upright than the line from ankle to shoulders.",
    "hips_behind": "Below zero: the hips are ahead of the line from ankle to shoulders.",
    "hip_extension": "Below zero: the thigh is still ahead of vertical as the foot leaves.",
}


# ----------------------------------------------------------------------------- caveats
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"])")
SHARED_CAVEAT_MIN = 3  # a caveat sentence on this many cards of a tab is said once above them


def sentences(text: str) -> list[str]:
    """``text`` cut into its sentences (a caveat's), whitespace trimmed, empties dropped."""
    return [x.strip() for x in _SENTENCE_END.split(text or "") if x.strip()]


def shared_sentences(caveats: list[str], at_least: int = SHARED_CAVEAT_MIN) -> list[str]:
    """The sentences that ``at_least`` of ``caveats`` (the metric cards of one tab) say word
    for word, in the order they first appear: said once above the cards instead of on each
    (a side clip's camera angle and its partly hidden far leg were on 6-7 cards of a tab)."""
    counts: dict[str, int] = {}
    for c in caveats:
        for x in dict.fromkeys(sentences(c)):
            counts[x] = counts.get(x, 0) + 1
    return [x for x, n in counts.items() if n >= at_least]


def without(caveat: str, drop: list[str]) -> str:
    """``caveat`` less the sentences in ``drop``."""
    gone = set(drop)
    return " ".join(x for x in sentences(caveat) if x not in gone)
