"""The metric registry (core/metrics/) against the contract ``shared/spec/METRICS.md`` plus the
repo's own supplement ``core/metrics/EXTRA_METRICS.md`` (metrics beyond the shared contract,
which this repo cannot change), and its own consistency: every id defined once, with a value
test in this folder."""
from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from core import metrics
from core.metrics import BY_ID, FAMILIES, REGISTRY

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "spec" / "METRICS.md"
SUPPLEMENT = Path(metrics.__file__).resolve().parent / "EXTRA_METRICS.md"
HERE = Path(__file__).resolve().parent


def _table(path: Path) -> dict[str, dict[str, str]]:
    """A metrics file's tables: row name -> {view, definition, good, fix}."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("metric", "") and not set(cells[0]) <= set("-"):
            rows[cells[0]] = dict(zip(("view", "definition", "good", "fix"), cells[1:5]))
    return rows


def _rows() -> dict[str, dict[str, str]]:
    """The contract's metric rows plus the supplement's (row name -> its cells)."""
    if not CONTRACT.is_file():
        pytest.skip(f"the metrics contract {CONTRACT} is missing (../shared beside the checkout)")
    contract, extra = _table(CONTRACT), _table(SUPPLEMENT)
    assert not set(contract) & set(extra), "the supplement redefines a contract row"
    return {**contract, **extra}


def test_the_supplement_only_adds_metrics():
    """EXTRA_METRICS.md holds rows, each one a registry metric not in the shared contract."""
    extra = _table(SUPPLEMENT)
    assert extra and set(extra) <= {m.doc_row for m in REGISTRY}


def _views(text: str) -> set[str]:
    return {v for v in ("any", "side", "front", "back") if re.search(rf"\b{v}\b", text)}


_NUM = r"(-?\d+(?:\.\d+)?)"


def _good_band(text: str) -> tuple[float | None, float | None] | None:
    """(low, high) of a numeric good band ("165–185 spm", "≤ 8 %", "≥ 10°"); None if words."""
    t = text.replace("\u2013", "-")
    if m := re.match(rf"{_NUM}\s*-\s*{_NUM}", t):
        return float(m[1]), float(m[2])
    if m := re.match(rf"\u2264\s*{_NUM}", t):
        return None, float(m[1])
    if m := re.match(rf"\u2265\s*{_NUM}", t):
        return float(m[1]), None
    return None


def _fix_band(text: str) -> tuple[float | None, float | None] | None:
    """(fix below, fix above) of "< 160 or > 195", "> 15 %", "< 5° (...)"; None if words."""
    below = re.search(rf"<\s*{_NUM}", text)
    above = re.search(rf">\s*{_NUM}", text)
    if not below and not above:
        return None
    return (float(below[1]) if below else None, float(above[1]) if above else None)


def test_every_contract_row_has_its_metric_and_back():
    rows = _rows()
    named = {m.doc_row for m in REGISTRY}
    assert set(rows) == named, (set(rows) ^ named)


@pytest.mark.parametrize("metric", REGISTRY, ids=[m.id for m in REGISTRY])
def test_views_and_bands_agree_with_the_contract(metric):
    row = _rows()[metric.doc_row]
    spec = metric.spec
    owner = next(m for m in REGISTRY if m.doc_row == metric.doc_row)
    if owner is not metric:
        # a second metric on a shared row (shoulder level on the shrug row): the row's text
        # names it and its views
        assert spec.label.lower() in row["definition"].lower()
        assert set(spec.views) <= _views(row["definition"])
        return
    assert set(spec.views) == _views(row["view"])
    good = _good_band(row["good"])
    if good is not None:
        assert (spec.good_lo, spec.good_hi) == good
    else:
        assert spec.kind != "range" or not re.search(r"\d", row["good"]), row["good"]
    fix = _fix_band(row["fix"])
    if fix is not None:
        assert (spec.fix_below, spec.fix_above) == fix


def test_every_metric_id_is_defined_in_one_module():
    for m in REGISTRY:
        homes = [f.__name__ for f in FAMILIES if f'MetricSpec(\n    "{m.id}"' in inspect.getsource(f)
                 or f'MetricSpec("{m.id}"' in inspect.getsource(f)]
        assert len(homes) == 1, (m.id, homes)


def _functions() -> dict[str, str]:
    """Source of every function (tests and their helpers) in the metric test modules."""
    out = {}
    for p in HERE.glob("test_*.py"):
        if p.name == Path(__file__).name:
            continue
        src = p.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef):
                out[f"{p.name}::{node.name}"] = ast.get_source_segment(src, node)
    return out


def test_every_metric_id_has_a_value_test():
    """One function both names the metric and compares its value with ``pytest.approx``
    (a file naming the id anywhere and comparing any value passed before, so a metric
    tested only for its "not measured" reason counted). A metric no video gives
    (``held_back``) instead needs a test of that reason and a test of its stride column
    (pelvic drop's against the geometry; turn-out's image angle has no truth to meet but
    straight feet and its order)."""
    funcs = _functions()
    value = re.compile(r"\.value\)?\s*==\s*pytest\.approx\(")
    for m in REGISTRY:
        if m.held_back:
            column = [n for n, s in funcs.items() if f'"{m.column}"' in s]
            reason = [n for n, s in funcs.items() if f'"{m.id}"' in s and "not_measured" in s]
            assert column and reason, (m.id, column, reason)
        else:
            tests = [n for n, s in funcs.items() if f'"{m.id}"' in s and value.search(s)]
            assert tests, f"{m.id} has no value test in {HERE}"


def test_names_derived_from_the_registry_are_unique():
    columns = [m.column for m in REGISTRY if m.column]
    channels = [c.name for m in REGISTRY for c in m.channels]
    ranks = [m.stride_chart for m in REGISTRY if m.stride_chart is not None]
    assert len(columns) == len(set(columns))
    assert len(channels) == len(set(channels))
    assert len(ranks) == len(set(ranks))
    assert all(m.spec.needs for m in REGISTRY)
    assert len(BY_ID) == len(REGISTRY) == 29


def test_spec_and_ui_read_the_registry():
    from core.spec import BY_ID as SPEC_BY_ID, METRICS
    from ui.text import ANGLE_GROUPS, STRIDE_COLUMNS

    assert [s.id for s in METRICS] == [m.id for m in REGISTRY]
    assert all(SPEC_BY_ID[m.id] is m.spec for m in REGISTRY)
    for column, mid in STRIDE_COLUMNS.items():
        assert BY_ID[mid].column == column
    owned = {c.name for m in REGISTRY for c in m.channels}
    assert {c for g in ANGLE_GROUPS.values() for c in g["channels"]} <= owned
    assert metrics.TIMING_METRICS == tuple(m.id for m in REGISTRY if m.timing)
