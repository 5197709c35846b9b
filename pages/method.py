"""Method: how FormCheck works, every metric of the contract, measured accuracy, limits."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.report import DISCLAIMER
from core.spec import AREA_LABELS, AREAS, METRICS
from ui import accuracy, guard, text
from ui.format import band
from ui.theme import esc

ACCURACY_MD = Path(__file__).resolve().parents[1] / "bench" / "accuracy.md"
CONTACTS_MD = ACCURACY_MD.with_name("contacts.md")
VIEWS = {"any": "any view", "side": "side view", "front": "front view", "back": "back view"}


def metric_entry(spec) -> None:
    views = ", ".join(VIEWS.get(v, v) for v in spec.views)
    with st.expander(f"{spec.label} · {views}"):
        st.markdown(esc(spec.definition))
        lines = [f"**Unit:** {esc(spec.unit)}"]
        if spec.kind == "info":
            lines.append("**Judged:** shown for information, not judged")
        else:
            lines.append(f"**Good:** {esc(band(spec.good, spec.unit))}")
            if spec.fix:
                lines.append(f"**Work on it:** {esc(band(spec.fix, spec.unit))}")
        if spec.bilateral:
            lines.append("**Left and right** are measured separately, with their asymmetry")
        st.markdown("  \n".join(lines))
        if spec.source:
            st.caption(f":material/menu_book: {esc(spec.source)}")


def accuracy_section(md: str) -> None:
    table, rest = accuracy.split_table(md)
    if table is None:
        st.markdown(md)
        return
    st.markdown("FormCheck's numbers compared with **real clips labelled by eye, frame by frame** "
                "(reference: label) and with **rendered runners whose true values are known** "
                "(reference: truth).")
    brief = accuracy.summary(table)
    if brief is not None:
        st.markdown("**Typical difference** (median over the clips) between FormCheck and the "
                    "reference:")
        st.dataframe(brief, hide_index=True, width="stretch")
    with st.expander(f"All {len(table)} comparisons"):
        st.dataframe(table, hide_index=True, width="stretch")
    if rest:
        st.caption(rest.strip("_ "))


def contacts_section(md: str) -> None:
    table, rest = accuracy.split_table(md)
    st.subheader("Timing of foot contacts", anchor=False)
    st.markdown("Overstride, shin angle, knee bend at landing and foot strike are read at the "
                "moment each foot lands, so that moment is checked on its own: on rendered "
                "runners at 30, 60 and 120 fps (exact truth) and on the labelled treadmill "
                "clips. Errors are in frames; + means FormCheck is late.")
    if table is None:
        st.markdown(md)
        return
    st.dataframe(table, hide_index=True, width="stretch")
    if rest:
        st.caption(rest.replace("_", "").strip())


def main() -> None:
    st.title("How FormCheck works")
    st.warning(DISCLAIMER, icon=":material/health_and_safety:")

    st.header("From video to report", divider="gray")
    for i, (stage, detail) in enumerate(text.PIPELINE_STAGES, 1):
        st.markdown(f"**{i}. {stage}.** {detail}")

    st.header("What we measure", divider="gray")
    st.markdown("Every measure has a definition, the camera views it is valid for, and bands "
                "that judge it: **good** inside the good band, **work on it** beyond the fix "
                "limit, **worth a look** in between. Distances are a share of your leg length "
                "(hip to knee to ankle), so they do not depend on the camera distance.")
    for area in AREAS:
        specs = [m for m in METRICS if m.area == area]
        st.subheader(f"{AREA_LABELS[area]} ({len(specs)})", anchor=False)
        for spec in specs:
            metric_entry(spec)

    st.header("Accuracy", divider="gray")
    if ACCURACY_MD.is_file():
        accuracy_section(ACCURACY_MD.read_text(encoding="utf-8"))
    else:
        st.info("Accuracy against hand-labelled clips has not been measured yet for this "
                "version. Until then, treat every number as an estimate and look at the "
                "confidence shown next to it.", icon=":material/science:")

    if CONTACTS_MD.is_file():
        contacts_section(CONTACTS_MD.read_text(encoding="utf-8"))

    st.header("Known limits", divider="gray")
    for line in text.KNOWN_LIMITS:
        st.markdown(f"- {line}")
    st.caption("Confidence (high / medium / low) and a caveat come with every number in a "
               "report; low-confidence findings are worded as patterns, not verdicts.")


with guard.friendly_errors():
    main()
