"""Look and feel: the stylesheet and status badges shared by the pages."""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import streamlit as st

from .format import pretty
from .text import CONFIDENCE_LABELS, STATUS_BADGE_COLORS, STATUS_ICONS, STATUS_LABELS

CSS_PATH = Path(__file__).resolve().parents[1] / "assets" / "style.css"


@lru_cache(maxsize=1)
def _css() -> str:
    try:
        return CSS_PATH.read_text(encoding="utf-8")
    except OSError:
        return ""


def inject_css() -> None:
    css = _css().replace("<", "").replace(">", "")  # keep the sanitiser from seeing tags
    if css:
        st.html(f"<style>{css}</style>")


def status_badge(status: str, label: str | None = None) -> None:
    st.badge(label or STATUS_LABELS.get(status, status.capitalize()),
             icon=STATUS_ICONS.get(status), color=STATUS_BADGE_COLORS.get(status, "gray"))


def status_md(status: str, label: str | None = None) -> str:
    """Inline markdown badge (``:green-badge[Good]``) for use inside other text."""
    color = STATUS_BADGE_COLORS.get(status, "gray")
    text = (label or STATUS_LABELS.get(status, status)).replace("[", "(").replace("]", ")")
    return f":{color}-badge[{text}]"


def confidence_md(confidence: str | None) -> str:
    return f":gray-badge[{CONFIDENCE_LABELS.get(confidence or '', 'confidence unknown')}]"


def score_html(score: int | None, status: str, big: bool = False) -> str:
    cls = "fc-score fc-score-big" if big else "fc-score"
    shown = "–" if score is None else str(int(score))
    return (f'<div class="{cls} fc-{html.escape(status)}">{shown}'
            f'<small>/100</small></div>')


def card_key(status: str, name: str) -> str:
    """Container key that gives a card the status colour (see assets/style.css)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    return f"fc-card-{status if status in STATUS_LABELS else 'info'}-{safe}"


def esc(text: object, typography: bool = True) -> str:
    """Escape text for st.markdown (no HTML, no Streamlit directives); engine wording also
    gets :func:`ui.format.pretty` typography (off for names such as file names)."""
    s = html.escape(pretty(str(text)) if typography else str(text), quote=False)
    for ch in ("*", "_", "`", "[", "]", "$", "#", "~", ":"):
        s = s.replace(ch, "\\" + ch)
    return s
