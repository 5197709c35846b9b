"""Formatting helpers (pure functions, no Streamlit): numbers, bands, dates, file sizes."""
from __future__ import annotations

import copy
import datetime as _dt
import re

from core.spec import ASYMMETRY_GOOD_PCT, ASYMMETRY_WATCH_PCT, BY_ID, side_difference

UNIT_SUFFIX = {"deg": "°", "% leg": " % leg", "%": " %", "ms": " ms", "steps/min": " spm",
               "% strides": " % of strides"}


def unit_suffix(unit: str | None) -> str:
    return UNIT_SUFFIX.get(unit or "", f" {unit}" if unit else "")


def number(value: float | None, unit: str | None = None, digits: int = 0) -> str:
    """``12.3, "deg"`` -> ``"12°"``; None -> an en dash."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}{unit_suffix(unit)}"


def pretty(text: str) -> str:
    """Typography for engine wording: ``<=`` -> ``≤``, ``12 deg`` -> ``12°``, ``5-10`` -> ``5–10``."""
    out = text.replace("<=", "≤").replace(">=", "≥")
    out = re.sub(r"(\d) ?deg\b", "\\1°", out)
    return re.sub(r"(\d)-(\d)", "\\1–\\2", out)


def band(text: str | None, unit: str | None = None) -> str:
    """A spec band for people: ``"<= 8 %"`` -> ``"≤ 8 %"``, ``"165-185"`` -> ``"165–185 spm"``."""
    if not text:
        return ""
    out = pretty(text)
    if unit and not re.search(r"[A-Za-z%°]", out):
        out += unit_suffix(unit)
    return out


def asymmetry_status(pct: float | None) -> str:
    """``good`` / ``watch`` for a left-right asymmetry in %: the contract calls more than 10 %
    "worth a look", never a fix on its own. Only for magnitudes compared in % (see
    :func:`sides`, which picks % or a plain difference per metric)."""
    if pct is None:
        return "info"
    return "good" if pct <= ASYMMETRY_WATCH_PCT else "watch"


def asymmetry_label(pct: float) -> str:
    """``"even (3 %)"`` up to the contract's 5 %, else ``"12 % uneven"``."""
    return f"even ({pct:.0f} %)" if pct <= ASYMMETRY_GOOD_PCT else f"{pct:.0f} % uneven"


def sides(metric: dict):
    """The left/right difference of a metric dict as the report shows it
    (:func:`core.spec.side_difference`, from the sides as shown), or None. Works on stored
    reports of any age: it is made from ``left``/``right``, not from a stored percentage."""
    spec = BY_ID.get(metric.get("id", ""))
    if spec is None:
        return None
    return side_difference(spec, metric.get("left"), metric.get("right"))


def left_right(metric: dict) -> str | None:
    """``"Left 28 % leg · Right 20 % leg"`` for a metric with both sides shown, else None."""
    left, right = metric.get("left"), metric.get("right")
    if left is None or right is None:
        return None
    unit = metric.get("unit")
    return f"Left {number(left, unit)} · Right {number(right, unit)}"


def metric_label(metric_id: str) -> str:
    spec = BY_ID.get(metric_id)
    return spec.label if spec else metric_id.replace("_", " ").capitalize()


def _browser_zone() -> _dt.tzinfo | None:
    """The viewer's time zone as their browser reports it (``st.context.timezone``), or None
    (no browser session, e.g. a script, or an unknown name)."""
    try:
        import streamlit as st
        from zoneinfo import ZoneInfo

        name = st.context.timezone
        return ZoneInfo(name) if name else None
    except Exception:  # no script run context, or a zone this machine does not know
        return None


def when(iso: str | _dt.datetime | None, zone: _dt.tzinfo | None = None,
         to_second: bool = False) -> str:
    """``"21 Nov 2025, 07:05 CET"`` from an ISO time or datetime, in the viewer's time zone
    (``zone``, else their browser's, else UTC; empty when unknown); ``to_second``:
    ``"07:05:41"``, for two times in one minute."""
    if iso is None:
        return ""
    try:
        t = iso if isinstance(iso, _dt.datetime) else _dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return ""
    if t.tzinfo is None:  # stored times are UTC
        t = t.replace(tzinfo=_dt.timezone.utc)
    t = t.astimezone(zone or _browser_zone() or _dt.timezone.utc)
    clock = "%H:%M:%S" if to_second else "%H:%M"
    return f"{t.day} {t.strftime('%b %Y, ' + clock)} {t.tzname() or ''}".rstrip()


def megabytes(n_bytes: int | float) -> str:
    return f"{n_bytes / 1e6:.0f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.0f} kB"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


CM_PER_INCH = 2.54


def length(cm: float, unit: str | None = "cm") -> str:
    """A distance in the unit the runner gave their height in: ``"12 cm"`` or ``"4.7 in"``."""
    if unit == "in":
        inches = cm / CM_PER_INCH
        return f"{inches:.1f} in" if abs(inches) < 10 else f"{inches:.0f} in"
    return f"{cm:.0f} cm"


FT_PER_M = 1 / 0.3048
_RATIO_TEXT = re.compile(r"(-?\d+(?:\.\d+)?) cm up and down per (\d+(?:\.\d+)?) m step")
_STRIDE_TEXT = re.compile(r"(\d+(?:\.\d+)?) m per stride \((\d+(?:\.\d+)?) m per step\)")


def _speed_cuts(report: dict) -> dict[str, str]:
    """The runner's speed as the engine quotes it ("at 2.78 m/s", "(2.78 m/s)") -> as they
    gave it ("10.0 km/h", "6:00 min/km", "6.2 mph"); none when they gave m/s (review, 2 Dec:
    a runner who typed 10 km/h read "your own band at 2.78 m/s")."""
    import math

    from core.profile import in_unit

    prof = report.get("profile") or {}
    v, unit = prof.get("speed_mps"), prof.get("speed_given")
    if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0 \
            or unit not in ("km/h", "mph", "min/km"):
        return {}
    given, ms = in_unit(v, unit), in_unit(v, "m/s")
    return {f"at {ms}": f"at {given}", f"({ms})": f"({given})"}


def _copy_texts(report: dict) -> dict:
    """A copy of ``report`` to rewrite texts in: the per-frame ``series`` and per-stride
    ``strides`` (no texts, the bulk of a report) are shared, not copied on every rerun."""
    return {k: v if k in ("series", "strides") else copy.deepcopy(v) for k, v in report.items()}


def in_runners_units(report: dict) -> dict:
    """``report`` with the lengths its texts quote in the unit the runner gave their height
    in (``options.length_unit``): with feet + inches, "22 % of leg length (20 cm)" becomes
    "(7.7 in)", the vertical ratio's "11.8 cm up and down per 0.99 m step" "4.6 in up and
    down per 3.2 ft step", a stride "1.97 m" "6.5 ft", in the metrics and in every text that
    quotes them (fixes, area cards). The page mixed "≈ 7.7 in" on a card with "(20 cm)" in
    its fix (review, 2 Dec). The runner's speed is quoted as they gave it too
    (:func:`_speed_cuts`). The stored report is not changed; with nothing to change it is
    returned as is."""
    from core.privacy import replace_text

    cuts = _speed_cuts(report)
    if (report.get("options") or {}).get("length_unit") != "in":
        return replace_text(_copy_texts(report), cuts) if cuts else report
    for m in report.get("metrics") or []:
        d = m.get("display") if isinstance(m, dict) else None
        if not isinstance(d, str):
            continue
        new, cm = d, m.get("value_cm")
        if isinstance(cm, (int, float)):
            new = new.replace(f" ({cm:.0f} cm)", f" ({length(cm, 'in')})")
        new = _RATIO_TEXT.sub(lambda g: f"{float(g[1]) / CM_PER_INCH:.1f} in up and down per "
                              f"{float(g[2]) * FT_PER_M:.1f} ft step", new)
        new = _STRIDE_TEXT.sub(lambda g: f"{float(g[1]) * FT_PER_M:.1f} ft per stride "
                               f"({float(g[2]) * FT_PER_M:.1f} ft per step)", new)
        if new != d:
            cuts[d] = new
    return replace_text(_copy_texts(report), cuts) if cuts else report


def card_value(m: dict, unit: str | None = "cm") -> tuple[str, str | None]:
    """A metric card's big number and its length line: the engine's display carries a
    length in cm (``"-4 % of leg length (-4 cm)"``); the card shows the length once, on its
    own line, in the unit the runner gave their height in (``"≈ -4 cm"`` / ``"≈ -1.6 in"``)."""
    from core.privacy import without_length

    display = m.get("display", "") or ""
    cm = m.get("value_cm")
    if cm is None:
        return display, None
    display = without_length(display, cm).replace(f" ({length(cm, 'in')})", "")
    return display, "≈ " + length(cm, unit)


def download_name(report: dict, what: str = "", ext: str = "json") -> str:
    """A download's file name: the clip's name and the analysis time, so two reports of one
    day do not share ``formcheck-2026-12-02.json`` (review, 2 Dec):
    ``formcheck-IMG_5396-2026-12-02-1430-strides.csv``. A share link's report has no clip
    name (withheld): the time alone."""
    stem = (report.get("source") or {}).get("filename") or ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem.rsplit(".", 1)[0]).strip("-")[:40]
    created = str(report.get("created") or "")
    when = (created[:10] + ("-" + created[11:13] + created[14:16] if len(created) >= 16 else "")
            if created[:10] else "report")
    parts = ["formcheck", stem, when, what]
    return "-".join(p for p in parts if p) + "." + ext

