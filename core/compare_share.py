"""Comparison links: a before/after comparison shown read-only to anyone with the link.

Contract:
    share_comparison(store, before_id, after_id, proof_before, proof_after) -> str | None
        The link token (``?c=<token>`` on the Compare page), or None when a proof does not
        prove ownership of its report. Both reports are published through their own share
        links first when they are not yet (faces blurred, no video: the store's defaults), so
        a comparison viewer sees exactly what a report's link viewer sees and nothing else.
    comparison_link(store, before_id, after_id, proof_before, proof_after) -> str | None
        The pair's link that still opens (newest first), for its owner: the Compare page shows
        it again when the pair is reopened, and "Create" gives it rather than a new one (each
        press made another link that kept working: review, 3 Dec). None without one, or when
        a proof fails.
    stop_comparison(store, before_id, after_id, proof_before, proof_after) -> int | None
        Withdraw every link of the pair (either order): how many; None when a proof fails.
        The reports' own share links stay (stopped on each report).
    partners(store, report_id) -> list[str]
        The other reports named with ``report_id`` in its comparison links (read before its
        share is withdrawn, which removes those links): a comparison link shared both, and
        stopping one report's link leaves the other's own link out.
    open_comparison(store, token) -> (before, after) | None
        Both reports as link viewers see them (:meth:`ReportStore.get` with ``viewer=True``),
        older first; None for an unknown token, or when either report was deleted, expired
        or unshared since (withdrawing a report's share link withdraws its comparisons too).

The ``comparisons`` table (Alembic revision ``0004_comparisons``) keeps only the token and the
two report ids; the ids are never shown to a viewer.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

from .store import Proof, StoredReport, comparisons, reports



def _is_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in value)


def share_comparison(store, before_id: str, after_id: str, proof_before: Proof,
                     proof_after: Proof) -> str | None:
    """Publish both reports (if not yet) and return a new comparison token (module doc)."""
    if before_id == after_id:
        return None
    existing = comparison_link(store, before_id, after_id, proof_before, proof_after)
    if existing is not None:
        return existing
    for rid, proof in ((before_id, proof_before), (after_id, proof_after)):
        stored = store.get(rid, proof)
        if stored is None:
            return None
        if stored.share is None and store.share(rid, proof) is None:
            return None
    token = secrets.token_urlsafe(24)
    with store.engine.begin() as conn:
        conn.execute(comparisons.insert().values(
            id=token, before_id=before_id, after_id=after_id,
            created=datetime.now(timezone.utc).isoformat()))
    return token


def _pair(before_id: str, after_id: str):
    c = comparisons.c
    return (((c.before_id == before_id) & (c.after_id == after_id))
            | ((c.before_id == after_id) & (c.after_id == before_id)))


def _owns_both(store, before_id: str, after_id: str, proof_before: Proof,
               proof_after: Proof) -> bool:
    return before_id != after_id and all(
        store.get(rid, proof) is not None
        for rid, proof in ((before_id, proof_before), (after_id, proof_after)))


def comparison_link(store, before_id: str, after_id: str, proof_before: Proof,
                    proof_after: Proof) -> str | None:
    """The pair's newest comparison link that still opens, for its owner (module doc)."""
    if not _owns_both(store, before_id, after_id, proof_before, proof_after):
        return None
    c = comparisons.c
    with store.engine.connect().execution_options(fc_read=True) as conn:
        tokens = conn.execute(sa.select(c.id).where(_pair(before_id, after_id))
                              .order_by(c.created.desc())).scalars().all()
    return next((t for t in tokens if open_comparison(store, t) is not None), None)


def stop_comparison(store, before_id: str, after_id: str, proof_before: Proof,
                    proof_after: Proof) -> int | None:
    """Withdraw every link of the pair (module doc)."""
    if not _owns_both(store, before_id, after_id, proof_before, proof_after):
        return None
    with store.engine.begin() as conn:
        return conn.execute(comparisons.delete().where(_pair(before_id, after_id))).rowcount


def partners(store, report_id: str) -> list[str]:
    """The ids of the reports named with ``report_id`` in its comparison links, oldest link
    first, each once (module doc). Ownership is not checked here: the caller reads each
    with its own proof."""
    c = comparisons.c
    with store.engine.connect().execution_options(fc_read=True) as conn:
        rows = conn.execute(sa.select(c.before_id, c.after_id).where(
            (c.before_id == report_id) | (c.after_id == report_id)).order_by(c.created)).all()
    out: list[str] = []
    for b, a in rows:
        other = a if b == report_id else b
        if other not in out:
            out.append(other)
    return out


def open_comparison(store, token: str) -> tuple[StoredReport, StoredReport] | None:
    """The two reports of comparison ``token`` as link viewers see them (module doc)."""
    if not _is_token(token):
        return None
    with store.engine.connect().execution_options(fc_read=True) as conn:
        row = conn.execute(sa.select(comparisons).where(comparisons.c.id == token)).mappings().first()
        if row is None:
            return None
        shares = dict(conn.execute(sa.select(reports.c.id, reports.c.share_id).where(
            reports.c.id.in_([row["before_id"], row["after_id"]]))).all())
    out = []
    for rid in (row["before_id"], row["after_id"]):
        share_id = shares.get(rid)
        stored = store.get(share_id, viewer=True) if share_id else None
        if stored is None:
            return None
        out.append(stored)
    before, after = sorted(out, key=lambda s: s.created)
    return before, after
