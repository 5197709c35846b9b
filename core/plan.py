"""The plan: a report's top fixes become a 3-week plan, and a one-page printable HTML of it.

Contract:
    make_plan(report: dict) -> Plan
        ``report``: a stored report dict (any version :func:`core.report.load_report` reads).
        Each of the report's top fixes (at most three) becomes a :class:`Focus` (its cue and
        drill, in the report's own words from :mod:`core.coaching`), worked through three
        :class:`Week` s: the drill's dose grows by one set or round a week (a runner new to
        running starts one lower), and the cue is practised a minute longer on every run
        (1 minute on the first run, 2 on the next, ...). :class:`Refilm` says what to film
        again and when (a quick check after week 1, the full re-test after week 3). A fix the
        report is unsure of (low confidence, or near a milder verdict's line) carries
        ``Focus.check``: check it on the day-7 film before three weeks go into it. A report
        with no fixes gets a maintenance plan (drills that keep good form); a refused report
        raises :class:`PlanError` (there is nothing to plan from).
    plan_html(plan: Plan) -> str
        One self-contained page (inline CSS, ``@media print`` for A4), all text escaped.

Written in FormCheck's own words from the coaching material in ``shared/seeds``: change one
thing at a time and build it up gradually (a minute more focus each run), drills in the
warm-up, strength alongside form, and film again to check; a training aid, not a diagnosis.
"""
from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass, field

from .coaching import ADVICE
from .findings import fix_could_be, fix_near_line
from .report import DISCLAIMER, load_report, this_clip
from .spec import BY_ID

WEEKS = 3
RUNS_PER_WEEK = 3  # the cue minutes below assume about three easy runs a week
WEEK_THEMES = (
    ("Learn the feel", "Do the drills fresh, before an easy run, and try each cue for a short "
     "while only. Keep your usual running otherwise."),
    ("Build it in", "One more set of each drill. The cues now run for several minutes of every "
     "easy run: the new movement starts to feel normal."),
    ("Make it yours", "One more set again, and long stretches of each run with the cue. At the "
     "end of the week, film again and compare."),
)
NEW_RUNNER_NOTE = ("You are new to running: the drills start one set lower, keep every run "
                   "easy, and do not add distance while you change your form (no more than "
                   "about 10 % more a week).")
MAINTENANCE = ("low_knee_drive", "high_cadence", "weak_push_off")  # keep-good-form drills
_SETS = re.compile(r"^(\d+)(\s*(?:x\b|rounds?\b|repeats?\b))", re.I)
_FOR_WEEKS = re.compile(r",?\s*for \d+ weeks", re.I)


class PlanError(ValueError):
    """No plan can be made from this report (it was refused); ``str`` says why."""


@dataclass(frozen=True)
class Focus:
    """One fix worked on for three weeks: what it is, the cue and the drill."""

    key: str  # the advice key (core.coaching.ADVICE), e.g. "overstriding"
    title: str
    area: str
    seen: str  # what the report saw ("" in a maintenance plan)
    cue: str
    drill: str
    how: str
    view: str  # where to film it from: "side" or "behind"
    # why this fix is checked before three weeks go into it ("" when the report is sure):
    # read with low confidence, or near the line of a milder verdict (:func:`_check`)
    check: str = ""


@dataclass(frozen=True)
class Item:
    """One focus in one week: the drill at this week's dose, and the cue practice."""

    focus: str  # Focus.title
    drill: str
    dose: str
    sets: int | None  # the dose's sets/rounds (None: a dose without a count)
    cue: str  # how long to run with the cue this week


@dataclass(frozen=True)
class Week:
    number: int
    theme: str
    intro: str
    items: list[Item]


@dataclass(frozen=True)
class Refilm:
    day: int
    title: str
    how: str


@dataclass(frozen=True)
class Plan:
    maintenance: bool  # no fixes: keep-good-form plan
    headline: str
    focuses: list[Focus]
    weeks: list[Week]
    refilm: list[Refilm]
    notes: list[str] = field(default_factory=list)
    created: str = ""  # the report's date
    source: str = ""  # the report's clip name
    speed: str = ""  # the speed the runner gave, to film again at


_CLIP_VIEW = {"side": "side", "back": "behind", "front": "front"}
_WHERE = {"side": "from the side", "behind": "from behind", "front": "from in front"}


def _view_of(metric_ids: list[str]) -> str:
    """Where a fix is seen from: the side unless its metrics are only front/back ones."""
    views = {v for m in metric_ids if m in BY_ID for v in BY_ID[m].views}
    return "side" if (not views or "side" in views or "any" in views) else "behind"


def dose_for_week(dose: str, week: int, new_runner: bool = False) -> tuple[str, int | None]:
    """The drill's dose in ``week`` (1-3): its leading count of sets / rounds / repeats grows by
    one a week (a new runner starts one lower, never below 1); a dose without a count stays
    as it is. "for 3 weeks" is dropped (the plan is the three weeks)."""
    dose = _FOR_WEEKS.sub("", dose).strip()
    m = _SETS.match(dose)
    if not m:
        return dose, None
    n = max(1, int(m.group(1)) + (week - 1) - (1 if new_runner else 0))
    return f"{n}{m.group(2)}{dose[m.end():]}", n


def cue_minutes(week: int) -> tuple[int, int]:
    """Minutes of running with the cue on the week's first and last run: one minute on the
    first run of the plan and a minute more every run after it."""
    first = (week - 1) * RUNS_PER_WEEK + 1
    return first, first + RUNS_PER_WEEK - 1


def _cue_text(week: int, cue: str = "") -> str:
    """The week's cue practice; the first week's with the cue's own words (the week list is
    read on its own; every week's repeating them made it three times as long)."""
    a, b = cue_minutes(week)
    words = cue.strip().rstrip(".") if week == 1 else ""
    return (f"Cue" + (f" ({words})" if words else "")
            + f": {a} min on your first run this week, {b} min by the last.")


CHECK_FIRST = ("so check it first on the day-7 film (below). If you do not see it there in "
               "slow motion, drop this one and keep the others.")


def _check(report: dict, fx: dict) -> str:
    """Why a fix should be checked before three weeks go into it: read with low confidence
    from this clip, or every measure that gives it its verdict within its reading error of a
    milder verdict's line (the report's "Near the line"). "" when neither."""
    if fx.get("confidence") == "low":
        return f"Read with low confidence from {this_clip(report)}, " + CHECK_FIRST
    metrics = {m.get("id"): m for m in report.get("metrics") or [] if isinstance(m, dict)}
    if fix_near_line(fx, metrics):
        return (f"Near the line in {this_clip(report)} (it may be "
                f"{fix_could_be(fx, metrics)}), " + CHECK_FIRST)
    return ""


def _focuses(report: dict) -> tuple[list[Focus], bool]:
    fixes = (report.get("findings") or {}).get("fixes") or []
    out = []
    for fx in fixes[:3]:
        drill = fx.get("drill") or {}
        out.append(Focus(fx.get("id", ""), fx.get("title", ""), fx.get("area", ""),
                         fx.get("seen", ""), fx.get("cue", ""), drill.get("name", ""),
                         drill.get("how", ""), _view_of(fx.get("metrics") or []),
                         _check(report, fx)))
    if out:
        return out, False
    keep = []
    for key in MAINTENANCE:
        a = ADVICE[key]
        keep.append(Focus(key, a.title, "", "", a.cue, a.drill_name, a.drill_how, "side"))
    return keep, True


def _dose(report: dict, focus: Focus) -> str:
    """The dose as the report gave it (its own words), else the current library's."""
    for fx in (report.get("findings") or {}).get("fixes") or []:
        if fx.get("id") == focus.key and (fx.get("drill") or {}).get("dose"):
            return fx["drill"]["dose"]
    return ADVICE[focus.key].dose if focus.key in ADVICE else "3 x 1 min"


def _same_beat(focus: Focus, before: list[Focus]) -> Focus | None:
    """An earlier focus whose drill is run to the same metronome beat as ``focus``'s (both
    at +5 %: "land closer under your hips" and "run forward, not up"), or None. The plan
    scheduled both at 177 beats per minute as separate work (review, 2 Dec)."""
    beats = ADVICE[focus.key].beats if focus.key in ADVICE else ()
    if not beats:
        return None
    return next((b for b in before if b.key in ADVICE and ADVICE[b.key].beats == beats), None)


def make_plan(report: dict) -> Plan:
    """The 3-week plan for ``report`` (see module docstring)."""
    r = load_report(report)
    if r.get("status") == "refused":
        clips = this_clip(r)
        raise PlanError(f"{clips.capitalize()} {'was' if clips == 'this clip' else 'were'} not "
                        "analysed (" + (r.get("quality") or {}).get(
            "summary", "it did not pass the filming checks") + "), so there is nothing to plan "
            "from yet. Film again with the tips on the report, then make a plan.")
    profile = r.get("profile") or {}
    new = profile.get("experience") == "new"
    focuses, maintenance = _focuses(r)
    weeks = []
    for w in range(1, WEEKS + 1):
        theme, intro = WEEK_THEMES[w - 1]
        items = []
        for i, f in enumerate(focuses):
            dose, n = dose_for_week(_dose(r, f), w, new)
            same = _same_beat(f, focuses[:i])
            if same is not None:  # one metronome beat, one set of runs: not counted twice
                dose, n = (f"no extra sets: the {same.drill.lower()} above is at the same "
                           f"beat"), None
            items.append(Item(f.title, f.drill, dose, n, _cue_text(w, f.cue)))
        weeks.append(Week(w, theme, intro, items))
    views = {f.view for f in focuses}
    # a session's re-film takes every view it was filmed from, so the next report compares
    # like with like (a side-only re-film against a side + back session would not)
    clip_views = {c.get("view") for c in (r.get("session") or {}).get("clips") or []}
    views |= {_CLIP_VIEW[v] for v in clip_views if v in _CLIP_VIEW}
    if "front" in views:
        views.discard("behind")  # a front clip covers what a back-view fix needs
    views = sorted(views, key=list(_WHERE).index)
    where = " and ".join(_WHERE[v] for v in views)
    speed = ""
    if profile.get("speed_mps"):
        from .profile import speed_text
        speed = speed_text(float(profile["speed_mps"]), profile.get("speed_given") or "m/s")
    same = ("the same place, camera height and distance" +
            (f", and the same speed ({speed})" if speed else ", and the same speed"))
    unsure = [f.title.lower() for f in focuses if f.check]
    first_look = (f" Look first for what the report was unsure of ({'; '.join(unsure)}): if it "
                  "is not there, drop it from the plan." if unsure else "")
    refilm = [
        Refilm(7, "Quick check (end of week 1)", f"Film 10-20 s {where} while you use the cues. "
               "Watch it back in slow motion: does the cue change what you see?" + first_look),
        Refilm(21, "Film again (end of week 3)", f"Film {where} with {same} as {this_clip(r)}, "
               "analyse it, and put the two reports side by side on the Compare page. Keep "
               "what worked; what did not move becomes the next plan."),
    ]
    if maintenance:
        headline = ("Nothing to fix: this plan keeps your good form with three drills from a "
                    "good warm-up, and a check-up film in three weeks.")
    else:
        n = len(focuses)
        # "the", not "your": a share link's reader sees the same headline
        headline = (f"Three weeks on the top {'fix' if n == 1 else f'{n} fixes'}: "
                    + "; ".join(f.title.lower() for f in focuses) + ".")
    notes = ([NEW_RUNNER_NOTE] if new else []) + [
        "One cue at a time: on a run, give each cue its minutes in turn, never two at once "
        "(change one thing at a time). Do the drills in your warm-up and keep the rest of "
        "your running as it is.", DISCLAIMER]
    return Plan(maintenance, headline, focuses, weeks, refilm, notes, str(r.get("created", ""))[:10],
                str((r.get("source") or {}).get("filename") or ""), speed)


# ----------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;margin:0;
 padding:24px;max-width:900px;line-height:1.35}
h1{font-size:22px;margin:0 0 2px}h2{font-size:15px;margin:14px 0 6px}
.meta{color:#5b6475;font-size:12px;margin-bottom:8px}.lead{font-size:14px;margin:6px 0 10px}
.focus{border:1px solid #d8dde6;border-radius:8px;padding:6px 10px;margin:0 0 6px;
 page-break-inside:avoid}.focus b{font-size:13px}.focus p{margin:2px 0;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border:1px solid #d8dde6;
 padding:4px 6px;text-align:left;vertical-align:top}th{background:#f2f4f8}
.theme{font-weight:600}.small{font-size:11px;color:#5b6475}
.film{background:#eef6ff;border-radius:8px;padding:6px 10px;font-size:12px;margin-top:8px}
.film p{margin:2px 0}ul{margin:4px 0 0 18px;padding:0;font-size:11px;color:#5b6475}
@page{size:A4;margin:10mm}
@media print{body{padding:0;max-width:none;font-size:9pt;line-height:1.22}h1{font-size:15pt}
 h2{font-size:11pt;margin:7px 0 3px}.lead,.focus p,table,.film{font-size:8.5pt}
 .focus{padding:4px 8px;margin:0 0 4px}th,td{padding:3px 5px}
 .small,ul{font-size:7.5pt}.focus,.film{page-break-inside:avoid}th{background:#eee!important;
 -webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
"""


def day_text(created: str) -> str:
    """The report's day as the rest of the app writes dates: ``"2026-12-01"`` -> ``"1 Dec 2026"``
    (the text unchanged when it is not an ISO date)."""
    try:
        d = _dt.date.fromisoformat(str(created)[:10])
    except ValueError:
        return str(created)
    return f"{d.day} {d:%b %Y}"


# a share link's reader reads the runner's plan: its cues and drills speak to the runner, as
# the shared report's banner says ("What you work on" on a shared plan with no word whom
# "you" means: review, 3 Dec)
SHARED_PLAN_NOTE = ("Shared with you, read-only: this is the runner's plan, and its cues and "
                    "drills speak to the runner (\"you\").")


def focus_heading(shared: bool = False) -> str:
    return "What the runner works on" if shared else "What you work on"


def plan_html(plan: Plan, shared: bool = False) -> str:
    """``plan`` as one printable HTML page (see module docstring). ``shared``: the page is
    a share-link viewer's, so it is the runner's plan from this report, not "your" plan."""
    e = html.escape
    whose = "the" if shared else "your"
    speaks = (f'<p class="meta">{e(SHARED_PLAN_NOTE)}</p>' if shared else "")
    meta = " · ".join(x for x in (f"From {whose} report of {e(day_text(plan.created))}"
                                  if plan.created else "",
                                  e(plan.source), f"Speed: {e(plan.speed)}" if plan.speed else "")
                      if x)
    focus = "".join(
        f'<div class="focus"><b>{i}. {e(f.title)}</b>'
        + (f"<p>What we saw: {e(f.seen)}</p>" if f.seen else "")
        + (f"<p><b>Check first.</b> {e(f.check)}</p>" if f.check else "")
        + f"<p><b>Cue:</b> {e(f.cue)}</p><p><b>Drill: {e(f.drill)}.</b> {e(f.how)}</p></div>"
        for i, f in enumerate(plan.focuses, 1))
    head = "".join(f"<th>{e(f.title)}</th>" for f in plan.focuses)
    rows = "".join(
        f'<tr><td><div class="theme">Week {w.number}: {e(w.theme)}</div>'
        f'<div class="small">{e(w.intro)}</div></td>'
        + "".join(f"<td><b>{e(it.drill)}</b>: {e(it.dose)}<div class=\"small\">{e(it.cue)}</div></td>"
                  for it in w.items) + "</tr>"
        for w in plan.weeks)
    film = "".join(f"<p><b>Day {r.day}: {e(r.title)}.</b> {e(r.how)}</p>" for r in plan.refilm)
    notes = "".join(f"<li>{e(n)}</li>" for n in plan.notes)
    title = ("A 3-week form plan from this report" if shared else "Your 3-week form plan") + (
        " (keep your good form)" if plan.maintenance else "")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>FormCheck: {e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>FormCheck · {e(title)}</h1><div class=\"meta\">{meta}</div>"
            f'{speaks}<p class="lead">{e(plan.headline)}</p><h2>{e(focus_heading(shared))}</h2>'
            f'{focus}'
            f"<h2>Week by week</h2><table><tr><th>Week</th>{head}</tr>{rows}</table>"
            f'<div class="film"><b>What to film again, and when</b>{film}</div>'
            f"<ul>{notes}</ul></body></html>")
