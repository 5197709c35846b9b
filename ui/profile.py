"""About you (optional): the runner's profile on the Analyze page, remembered for the session.

``about_you()`` renders a compact expander (height, treadmill speed or pace, sex, running
experience) and returns the values for :class:`core.pipeline.AnalysisOptions`. Widget values
are copied to plain session keys, so they survive switching pages (Streamlit drops a widget's
state when its page is not shown) and come back when the runner analyses the next clip.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from core import profile
from core.errors import FormCheckError

KEEP = "fc_profile_keep"  # {widget key: value} kept for the session
EXACT = "fc_speed_exact"  # (the speed field's text a unit switch wrote, the m/s it stands for)
KEYS = ("fc_height_unit", "fc_height_cm", "fc_height_ft", "fc_height_in", "fc_speed_unit",
        "fc_speed", "fc_sex", "fc_experience")
EXAMPLE = {"km/h": "10.5", "mph": "6.5", "min/km": "5:30", "m/s": "2.9"}  # placeholders
SPEED_HELP = ("Optional. Your treadmill speed (or your pace on the clip) adds stride length "
              "and vertical ratio, and judges your cadence against the band for your speed.")


@dataclass(frozen=True)
class AboutYou:
    height_cm: float | None
    length_unit: str
    speed_mps: float | None
    speed_given: str
    sex: str | None
    experience: str | None


def _restore() -> None:
    kept = st.session_state.setdefault(KEEP, {})
    for k in KEYS:
        if k not in st.session_state and k in kept:
            st.session_state[k] = kept[k]


def _keep() -> None:
    st.session_state[KEEP] = {k: st.session_state[k] for k in KEYS if k in st.session_state}


def parse_speed(text: str, unit: str) -> float | None:
    """m/s from what the runner typed ("10.5" km/h, "6.5" mph, "2.9" m/s, "5:30" or "5.5"
    min/km); None for an empty field. Raises FormCheckError (friendly) for anything else,
    or a speed out of range."""
    speed = read_speed(text, unit)
    if speed is not None:
        profile.check(speed, None, None, unit)
    return speed


def read_speed(text: str, unit: str) -> float | None:
    """:func:`parse_speed` without the range check (a unit switch converts any number)."""
    t = (text or "").strip().replace(",", ".")
    if not t:
        return None
    try:
        if unit == "min/km" and ":" in t:
            m, s = t.split(":", 1)
            if not 0 <= float(s) < 60:
                raise ValueError
            value = float(m) + float(s) / 60
        else:
            value = float(t)
    except ValueError:
        raise _not_a_speed(text, unit) from None
    speed = profile.speed_from(value, unit) if math.isfinite(value) and value > 0 else None
    if speed is None or not math.isfinite(speed):  # "0", "nan", "inf": no speed at all
        raise _not_a_speed(text, unit)
    return speed


def _not_a_speed(text: str, unit: str) -> FormCheckError:
    return FormCheckError("bad_option", f"'{text}' is not a {'pace' if unit == 'min/km' else 'speed'}.",
                          f"Type a number such as {EXAMPLE.get(unit, '10.5')}, or leave it empty.")


def speed_in(speed_mps: float, unit: str) -> str:
    """The speed field's text for ``speed_mps`` in ``unit`` ("10.0", "6.2", "6:00", "2.78")."""
    text = profile.in_unit(speed_mps, unit).split()[0]
    return text[:-2] if text.endswith(".0") and unit != "m/s" else text


def _convert_speed() -> None:
    """A new speed unit converts what was typed, so the same speed stays (6.5 mph became a
    pace of 6:30 min/km when the unit was switched: review, 2 Dec); an unreadable field is
    left as it is."""
    before = st.session_state.get(KEEP, {}).get("fc_speed_unit", profile.SPEED_UNITS[0])
    after = st.session_state.get("fc_speed_unit", before)
    typed = st.session_state.get("fc_speed") or ""
    try:
        speed = read_speed(typed, before)
    except FormCheckError:
        return
    # the speed this conversion started from when the field still holds the last one's text,
    # so km/h -> mph -> pace keeps 10 km/h's 6:00, not 6.2 mph's 6:01 (review, 2 Dec)
    exact = st.session_state.pop(EXACT, None)  # good for the next switch only
    if exact and exact[0] == (typed, before):
        speed = exact[1]
    if speed is not None and after != before:
        st.session_state["fc_speed"] = speed_in(speed, after)
        st.session_state[EXACT] = ((st.session_state["fc_speed"], after), speed)


def _height() -> float | None:
    unit = st.radio("Your height in", ("cm", "ft + in"), horizontal=True, key="fc_height_unit",
                    help="Optional. Adds centimetres next to distances given as a share of "
                         "your leg length.")
    if unit == "cm":
        height = st.number_input("Your height (cm)", min_value=100, max_value=230, value=None,
                                 step=1, placeholder="e.g. 178", key="fc_height_cm")
        return float(height) if height else None
    ft_col, in_col = st.columns(2)
    feet = ft_col.number_input("Your height (feet)", min_value=3, max_value=7, value=None,
                               step=1, placeholder="e.g. 5", key="fc_height_ft")
    inches = in_col.number_input("and inches", min_value=0, max_value=11, value=None,
                                 step=1, placeholder="e.g. 10", key="fc_height_in")
    if feet is None:
        return None
    cm = (feet * 12 + (inches or 0)) * 2.54  # 1 in = 2.54 cm exactly
    if 100 <= cm <= 230:
        st.caption(f"{feet} ft {inches or 0} in = {round(cm, 1):.1f} cm")
        return round(cm, 1)
    st.warning(f"{feet} ft {inches or 0} in is {cm:.0f} cm: enter a height between "
               "3 ft 4 in and 7 ft 6 in, or leave it empty.", icon=":material/straighten:")
    return None


def about_you() -> AboutYou:
    """The expander and its values (see module docstring)."""
    _restore()
    with st.expander("About you (optional)", icon=":material/person:"):
        height_cm = _height()
        left, right = st.columns([3, 2])
        unit = right.radio("Speed in", profile.SPEED_UNITS, horizontal=True, key="fc_speed_unit",
                           format_func=lambda u: "pace (min/km)" if u == "min/km" else u,
                           on_change=_convert_speed)
        raw = left.text_input("Treadmill speed or pace", key="fc_speed", help=SPEED_HELP,
                              placeholder=f"e.g. {EXAMPLE.get(unit, '10.5')}")
        speed = None
        try:
            speed = parse_speed(raw, unit)
        except FormCheckError as e:
            st.warning(f"{e.message} {e.hint}", icon=":material/speed:")
        if speed is not None:
            st.caption(f"= {profile.speed_text(speed, unit)}")
        left, right = st.columns(2)
        sex = left.selectbox("Sex", (None, *profile.SEXES), key="fc_sex",
                             format_func=lambda s: "Prefer not to say" if s is None else s.title(),
                             help="Kept with your report; it does not change any band yet.")
        exp = right.selectbox("Running experience", (None, *profile.EXPERIENCE), key="fc_experience",
                              format_func=lambda e: "Prefer not to say" if e is None
                              else profile.EXPERIENCE[e],
                              help="Sets how gently your 3-week plan starts.")
    _keep()
    length_unit = "cm" if st.session_state.get("fc_height_unit", "cm") == "cm" else "in"
    return AboutYou(height_cm, length_unit, speed, unit, sex, exp)
