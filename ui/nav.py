"""The app's pages, in navigation order (Live and Compare only when their files exist).

History lists only this browser's own reports (see :mod:`ui.session`).
``FORMCHECK_HISTORY=off`` hides the page altogether (reports and share links still work).
"""
from __future__ import annotations

import os

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    default: bool = False


PAGES = (
    PageSpec("analyze.py", "Analyze", ":material/upload:", default=True),
    PageSpec("live.py", "Live", ":material/videocam:"),
    PageSpec("report.py", "Report", ":material/insights:"),
    PageSpec("plan.py", "Plan", ":material/event_note:"),
    PageSpec("history.py", "History", ":material/history:"),
    PageSpec("compare.py", "Compare", ":material/compare:"),
    PageSpec("method.py", "Method", ":material/menu_book:"),
)
OPTIONAL = {"live.py", "compare.py"}
HOME_ALIAS = "analyze"  # the home page lives at "/"; "/analyze" sends a runner there


def page_specs(pages_dir: Path) -> list[PageSpec]:
    """The pages to show: every required page, plus optional ones whose file exists."""
    hide = {"history.py"} if os.environ.get("FORMCHECK_HISTORY", "on").lower() == "off" else set()
    return [p for p in PAGES if p.file not in hide
            and (p.file not in OPTIONAL or (pages_dir / p.file).is_file())]
