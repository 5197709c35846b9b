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
