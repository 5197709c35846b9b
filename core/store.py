"""Saved reports: a small storage interface and its default SQLite + local-folder backend.

Everything outside this module talks to a :class:`ReportStore`; :func:`open_store` returns
the configured one. The default :class:`SQLiteStore` keeps

* one SQLite database (WAL mode; schema in :data:`MIGRATIONS`), one row per report with the
  report JSON, summary columns for listings, the *hash* of the owner's delete key, the
  analysis cache key of the clip, the expiry time and the share state, and a table
  ``report_owners`` with the *hashes* of the browser tokens that own each report;
* the report's media (evidence pictures, annotated video, thumbnail) under
  ``media_root/<id>/`` at the relative paths the report names, and the variants that
  share-link viewers may see under ``media_root/<id>/shared/``.

Private by default. A report ``id``, its ``delete_key``, its ``share_id`` and a browser's
``owner`` token are independent ``secrets.token_urlsafe(24)`` values (192 bits); only
hashes of delete keys and owner tokens are stored. The id alone opens nothing: the owner
view (:meth:`SQLiteStore.get` without ``viewer``) and every change (share, expiry, delete)
need a :class:`Proof` of ownership, the token of a browser that owns the report or its
delete key. Reports are listed only per owner (:meth:`SQLiteStore.list`); a delete key
brought to another browser makes that browser an owner too (:meth:`SQLiteStore.claim`).
Reports saved before owners existed have none: their delete key still claims them, their
share links keep working. The ``share_id`` opens the share-link view, which only ever
returns the shared variants, so a viewer never learns the owner's ``id``. A *sample* report
(the demo clip, not a runner's run) has no owner, is never listed and opens read-only for
anyone through :meth:`SQLiteStore.get_sample`. Every identifier is checked against a strict
pattern before any database or file access, and all SQL is parameterised.

Crash safety: media are written into a ``.tmp-*`` folder of ``media_root``, flushed to
disk and renamed into place *before* the database row is inserted, and the folder is
removed if the insert fails. So a row never exists without its media; an interrupted save
can at most leave a folder without a row, which :meth:`SQLiteStore.purge_expired` sweeps
once it is an hour old. Deleting removes the row first (the links die at once), then
the folder.

Replacing the backend (e.g. PostgreSQL + an object store): implement :class:`ReportStore`
with the same table (``report_json`` as JSONB, times as TIMESTAMPTZ) and the same ordered
:data:`MIGRATIONS` semantics (a ``schema_version`` table, all pending steps in one
transaction); upload media under the final ``<id>/`` prefix first and insert the row
afterwards (delete the prefix if the insert fails, and sweep prefixes without a row);
``media_path`` becomes a signed URL or a local cache path; add its URL scheme to
:func:`open_store`. Released migrations are never edited, only appended.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from core import privacy
from core.errors import FormCheckError
from core.report import to_jsonable

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DEFAULT_DATA_DIR = "./data"
DB_NAME = "formcheck.db"
MEDIA_DIR_NAME = "media"
SHARED_DIR = "shared"

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
_CLIP_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,128}")  # e.g. a SHA-256 hex digest
_PART_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")  # one media path component
_TMP_PREFIX = ".tmp-"
_STALE_AFTER_S = 3600.0  # leftovers older than this are swept
_DB_TIMEOUT_S = 30.0  # how long a call waits for another writer
_DUMMY_HASH = hashlib.sha256(b"no such report").hexdigest()

_MESSAGES = {
    "storage_full": (
        "There is not enough free disk space to save the report.",
        "Free some space or delete old reports, then try again.",
    ),
    "storage_unwritable": (
        "FormCheck cannot write to its data folder.",
        f"Check that the data folder ({DATA_DIR_ENV}) exists and is writable.",
    ),
    "storage_busy": ("The report store is busy.", "Try again in a moment."),
    "storage_failed": (
        "The report store could not complete this step.",
        "Try again; if it keeps failing, restart FormCheck.",
    ),
    "store_too_new": (
        "The saved reports were written by a newer version of FormCheck.",
        "Update FormCheck to open them.",
    ),
    "store_unsupported": (
        "This kind of report store is not supported yet.",
        "Give a folder path or a sqlite:/// URL.",
    ),
    "share_failed": (
        "The copy for the share link could not be made: a picture or the video is damaged.",
        "Share without the video, or run the analysis again.",
    ),
    "bad_report": (
        "This report cannot be saved: it is not a valid FormCheck report.",
        "Run the analysis again.",
    ),
    "bad_media": (
        "This report cannot be saved: one of its media files lies outside its media folder.",
        "Run the analysis again.",
    ),
    "missing_media": (
        "This report cannot be saved: one of its pictures or videos is missing.",
        "Run the analysis again.",
    ),
}


class StoreError(FormCheckError):
    """A report could not be stored, loaded or changed.

    ``code`` is one of the keys of ``_MESSAGES``; ``message`` and ``hint`` are friendly
    and never contain file paths (the low-level cause is chained for the logs).
    """

    def __init__(self, code: str) -> None:
        message, hint = _MESSAGES[code]
        super().__init__(code, message, hint)

    def __reduce__(self) -> tuple[type[StoreError], tuple[str]]:  # picklable across processes
        return StoreError, (self.code,)


@dataclass(frozen=True)
class SavedReport:
    """What :meth:`ReportStore.save` hands back: keep both, the key is shown only once."""

    id: str
    delete_key: str


@dataclass(frozen=True)
class Proof:
    """Proof of ownership of one report: the token of a browser that owns it, its delete key,
    or both (either one suffices). Methods that take a proof also accept a plain string,
    which is a delete key."""

    owner: str | None = None
    delete_key: str | None = None


Credential = Proof | str  # a Proof, or a delete key on its own


def _proof(credential: Credential | None) -> Proof:
    if isinstance(credential, Proof):
        return credential
    return Proof(delete_key=credential if isinstance(credential, str) else None)


@dataclass(frozen=True)
class ShareOptions:
    share_id: str  # the share link's identifier (not the report id)
    blur_faces: bool
    include_video: bool
    shared_at: datetime


@dataclass(frozen=True)
class StoredReport:
    """A loaded report. For a share-link viewer ``id`` is the share id, ``report["media"]``
    names only the shared variants and ``media_dir`` is their folder."""

    id: str
    report: dict[str, Any]
    created: datetime
    expires_at: datetime | None
    share: ShareOptions | None
    media_dir: Path
    clip_key: str | None = None  # the analysis cache key it was saved with (owner view only)
    sample: bool = False  # the demo clip's report: nobody's run, read-only for everyone

    @property
    def shared(self) -> bool:
        return self.share is not None

    def media_file(self, rel_path: str) -> Path | None:
        """The file of ``rel_path`` if this loaded report names it (no database round trip).

        Only paths listed in the report's media resolve, so a share-link viewer cannot reach
        the owner's originals nor a video that was not shared.
        """
        if rel_path not in _referenced(self.report.get("media")):
            return None
        path = self.media_dir / rel_path
        return path if path.is_file() else None


@dataclass(frozen=True)
class ReportSummary:
    """One row of :meth:`ReportStore.list`."""

    id: str
    created: datetime
    filename: str | None
    view: str | None
    score: int | None
    top_finding: str | None
    status: str | None
    shared: bool
    expires_at: datetime | None


class ReportStore(Protocol):
    """Where reports and their media live. All methods raise :class:`StoreError` on storage
    failures; unknown, malformed, expired or deleted identifiers give ``None``/``False``."""

    def save(
        self,
        report: dict[str, Any],
        media_dir: str | Path | None,
        *,
        expire_days: float | None = None,
        owner: str | None = None,
        clip_key: str | None = None,
        sample: bool = False,
    ) -> SavedReport:
        """Store a report and copies of the media files it names (relative to ``media_dir``),
        owned by the browser token ``owner`` (or, with ``sample=True``, by nobody)."""
        ...

    def get(
        self, report_id: str, proof: Credential | None = None, *, viewer: bool = False
    ) -> StoredReport | None:
        """The owner's report by id (needs ``proof``), or with ``viewer=True`` the shared
        variant by share id."""
        ...

    def get_sample(self, report_id: str) -> StoredReport | None:
        """A sample report by id (read-only; None for any other report)."""
        ...

    def list(self, owner: str, limit: int = 50) -> list[ReportSummary]:
        """Summaries of the live reports the browser token ``owner`` owns, newest first."""
        ...

    def find_clip(self, owner: str, clip_key: str) -> str | None:
        """The id of ``owner``'s newest live report saved with ``clip_key``, or None."""
        ...

    def find_sample(self, clip_key: str) -> str | None:
        """The id of the newest live sample report saved with ``clip_key``, or None."""
        ...

    def find_by_key(self, delete_key: str) -> str | None:
        """The id of the live report whose delete key this is, or None."""
        ...

    def claim(self, delete_key: str, owner: str) -> str | None:
        """Make the browser token ``owner`` an owner of the delete key's report; its id."""
        ...

    def share(
        self, report_id: str, proof: Credential, blur_faces: bool = True,
        include_video: bool = False,
    ) -> str | None:
        """Publish the report for link viewers; returns the new share id (old links die)."""
        ...

    def unshare(self, report_id: str, proof: Credential) -> bool:
        """Withdraw the share link."""
        ...

    def set_expiry(self, report_id: str, proof: Credential, days: float | None) -> bool:
        """Delete the report automatically ``days`` from now (None: keep it)."""
        ...

    def delete(self, report_id: str, proof: Credential) -> bool:
        """Remove the report and all its media (for every owner)."""
        ...

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete reports whose expiry time has passed; returns how many."""
        ...

    def media_path(
        self, report_id: str, rel_path: str, proof: Credential | None = None, *,
        viewer: bool = False,
    ) -> Path | None:
        """The file behind a media path of the report (as :meth:`get` sees it), or None."""
        ...


def open_store(url_or_path: str | os.PathLike[str] | None = None) -> ReportStore:
    """Open (creating on first use) the configured store.

    ``None`` means the folder ``$FORMCHECK_DATA_DIR`` (default ``./data``); a folder path
    means ``formcheck.db`` and ``media/`` inside it; ``sqlite:///path/to/file.db`` names the
    database file, with ``media/`` beside it (``sqlite:////abs/path.db`` for absolute paths).
    """
    target = os.fspath(url_or_path) if url_or_path is not None else None
    target = target or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    if target.startswith("sqlite:///"):
        db_path = Path(target[len("sqlite:///") :])
        return SQLiteStore(db_path, db_path.parent / MEDIA_DIR_NAME)
    if "://" in target:
        raise StoreError("store_unsupported")
    folder = Path(target)
    return SQLiteStore(folder / DB_NAME, folder / MEDIA_DIR_NAME)


# --- schema -------------------------------------------------------------------------------


def _m1_reports(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE reports (
            id              TEXT PRIMARY KEY,
            delete_key_hash TEXT NOT NULL,
            report_json     TEXT NOT NULL,
            created         TEXT NOT NULL,
            saved_at        TEXT NOT NULL,
            filename        TEXT,
            view            TEXT,
            overall_score   INTEGER,
            top_finding     TEXT,
            status          TEXT
        )"""
    )
    conn.execute("CREATE INDEX reports_by_saved_at ON reports (saved_at)")


def _m2_expiry_and_share_links(conn: sqlite3.Connection) -> None:
    for sql in (
        "ALTER TABLE reports ADD COLUMN expires_at TEXT",
        "ALTER TABLE reports ADD COLUMN share_id TEXT",
        "ALTER TABLE reports ADD COLUMN shared_at TEXT",
        "ALTER TABLE reports ADD COLUMN share_blur INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE reports ADD COLUMN share_video INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reports ADD COLUMN share_media TEXT",
        "CREATE UNIQUE INDEX reports_by_share_id ON reports (share_id)",
        "CREATE INDEX reports_by_expires_at ON reports (expires_at)",
    ):
        conn.execute(sql)


def _m3_owners_and_clip_keys(conn: sqlite3.Connection) -> None:
    for sql in (
        """CREATE TABLE report_owners (
            report_id  TEXT NOT NULL,
            owner_hash TEXT NOT NULL,
            added_at   TEXT NOT NULL,
            PRIMARY KEY (report_id, owner_hash)
        )""",
        "CREATE INDEX report_owners_by_owner ON report_owners (owner_hash)",
        "ALTER TABLE reports ADD COLUMN clip_key TEXT",
        "ALTER TABLE reports ADD COLUMN sample INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX reports_by_clip_key ON reports (clip_key)",
        "CREATE INDEX reports_by_delete_key_hash ON reports (delete_key_hash)",
    ):
        conn.execute(sql)


# Ordered schema steps: MIGRATIONS[i] takes the database from version i to i + 1.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _m1_reports,
    _m2_expiry_and_share_links,
    _m3_owners_and_clip_keys,
)
SCHEMA_VERSION = len(MIGRATIONS)


# --- the SQLite store ---------------------------------------------------------------------

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _friendly(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn low-level OS and SQLite failures into a :class:`StoreError`."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except OSError as e:
            raise StoreError(_os_error_code(e)) from e
        except sqlite3.Error as e:
            raise StoreError(_sqlite_error_code(e)) from e

    return wrapper


class SQLiteStore:
    """:class:`ReportStore` on one SQLite file and a media folder (safe across threads and
    processes: every call uses its own connection, writers take ``BEGIN IMMEDIATE``)."""

    @_friendly
    def __init__(self, db_path: str | Path, media_root: str | Path) -> None:
        self.db_path = Path(db_path)
        self.media_root = Path(media_root)
        self.db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.media_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._db() as conn:
            _use_wal(conn)
            _migrate(conn)

    @_friendly
    def save(
        self,
        report: dict[str, Any],
        media_dir: str | Path | None,
        *,
        expire_days: float | None = None,
        owner: str | None = None,
        clip_key: str | None = None,
        sample: bool = False,
    ) -> SavedReport:
        """Store ``report`` and copies of its media; earlier reports are never touched.

        The files named in ``report["media"]`` (evidence, video, thumbnail) are taken from
        ``media_dir`` and must be regular files inside it: no absolute paths, ``..``, hidden
        names or symlinks. ``expire_days`` (> 0) makes the report expire; None keeps it.
        ``owner`` is the browser token of the runner (only its hash is stored; the report
        is then listed and opened for that browser); ``clip_key`` (the analysis cache key:
        clip digest + options) lets :meth:`find_clip` find it again. ``sample=True`` stores
        the demo clip's report: no owner, never listed, read-only through :meth:`get_sample`.
        """
        if expire_days is not None and not expire_days > 0:
            raise ValueError("expire_days must be positive or None")
        if owner is not None and (sample or not _is_token(owner)):
            raise ValueError("owner must be a browser token, and a sample has no owner")
        if clip_key is not None and not _is_clip_key(clip_key):
            raise ValueError("clip_key must be 16-128 characters of [A-Za-z0-9_-]")
        data, text = _serialise(report)
        sources = [(rel, _source_file(media_dir, rel)) for rel in _media_files(data)]
        report_id, delete_key = _token(), _token()
        now = _now()
        expires = _iso(now + timedelta(days=expire_days)) if expire_days is not None else None
        final = self.media_root / report_id
        tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=self.media_root))
        try:
            for rel, src in sources:
                _copy_file(src, tmp / rel)
            _fsync_tree(tmp)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        try:
            _fsync(self.media_root)
            with self._db() as conn, _transaction(conn):
                conn.execute(
                    """INSERT INTO reports (id, delete_key_hash, report_json, created, saved_at,
                        expires_at, clip_key, sample, filename, view, overall_score,
                        top_finding, status)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        report_id,
                        _hash_key(delete_key),
                        text,
                        _iso(_parse_time(data.get("created")) or now),
                        _iso(now),
                        expires,
                        clip_key,
                        int(sample),
                        *_summary(data),
                    ),
                )
                if owner is not None:
                    _add_owner(conn, report_id, owner)
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        return SavedReport(report_id, delete_key)

    @_friendly
    def get(
        self, report_id: str, proof: Credential | None = None, *, viewer: bool = False
    ) -> StoredReport | None:
        """The live report with this id for an owner, or with ``viewer=True`` by share id.

        The owner view needs ``proof`` (a :class:`Proof` or a delete key): None when it does
        not prove ownership of this report, exactly as for an unknown id. Share-link viewers
        need no proof and get only the shared variant.
        """
        if not viewer and proof is None:
            raise TypeError("the owner view of a report needs a proof of ownership")
        if viewer:
            if not _is_token(report_id):
                return None
            with self._db() as conn:
                row = conn.execute(
                    "SELECT * FROM reports WHERE share_id = ?", (report_id,)
                ).fetchone()
            if row is None or _expired(row, _now()):
                return None
        else:
            row = self._owned_row(report_id, _proof(proof))
            if row is None:
                return None
        return self._stored(report_id, row, viewer)

    @_friendly
    def get_sample(self, report_id: str) -> StoredReport | None:
        """The live sample report with this id (read-only, for anyone); None for any other."""
        if not _is_token(report_id):
            return None
        with self._db() as conn:
            row = conn.execute(
                "SELECT * FROM reports WHERE id = ? AND sample = 1", (report_id,)
            ).fetchone()
        if row is None or _expired(row, _now()):
            return None
        return self._stored(report_id, row, viewer=False)

    def _stored(self, report_id: str, row: sqlite3.Row, viewer: bool) -> StoredReport:
        report = json.loads(row["report_json"])
        folder = self.media_root / row["id"]
        if viewer:
            report["media"] = json.loads(row["share_media"])
            # a link viewer learns nothing the owner did not choose to show: no file name
            # (it often holds a name) and no face positions
            report["media"].pop("face_boxes", None)
            if isinstance(report.get("source"), dict):
                report["source"]["filename"] = None
            folder = folder / SHARED_DIR
        return StoredReport(
            id=report_id,
            report=report,
            created=datetime.fromisoformat(row["created"]),
            expires_at=_stored_time(row["expires_at"]),
            share=_share_options(row),
            media_dir=folder,
            clip_key=None if viewer else row["clip_key"],
            sample=bool(row["sample"]),
        )

    @_friendly
    def list(self, owner: str, limit: int = 50) -> list[ReportSummary]:
        """Summaries of the live reports the browser token ``owner`` owns, newest saved first.

        There is no listing of the whole store: a browser sees only its own reports (the
        ones it saved or claimed with their delete key). Sample reports are never listed.
        """
        if not _is_token(owner):
            return []
        with self._db() as conn:
            rows = conn.execute(
                """SELECT r.* FROM reports r JOIN report_owners o ON o.report_id = r.id
                   WHERE o.owner_hash = ? AND r.sample = 0
                     AND (r.expires_at IS NULL OR r.expires_at > ?)
                   ORDER BY r.saved_at DESC, r.rowid DESC LIMIT ?""",
                (_hash_key(owner), _iso(_now()), max(0, int(limit))),
            ).fetchall()
        return [
            ReportSummary(
                id=r["id"],
                created=datetime.fromisoformat(r["created"]),
                filename=r["filename"],
                view=r["view"],
                score=r["overall_score"],
                top_finding=r["top_finding"],
                status=r["status"],
                shared=r["share_id"] is not None,
                expires_at=_stored_time(r["expires_at"]),
            )
            for r in rows
        ]

    @_friendly
    def find_clip(self, owner: str, clip_key: str) -> str | None:
        """The id of ``owner``'s newest live report saved with ``clip_key`` (de-duplication:
        the same clip with the same options opens the existing report), or None."""
        if not (_is_token(owner) and _is_clip_key(clip_key)):
            return None
        with self._db() as conn:
            row = conn.execute(
                """SELECT r.id FROM reports r JOIN report_owners o ON o.report_id = r.id
                   WHERE o.owner_hash = ? AND r.clip_key = ? AND r.sample = 0
                     AND (r.expires_at IS NULL OR r.expires_at > ?)
                   ORDER BY r.saved_at DESC, r.rowid DESC LIMIT 1""",
                (_hash_key(owner), clip_key, _iso(_now())),
            ).fetchone()
        return row["id"] if row else None

    @_friendly
    def find_sample(self, clip_key: str) -> str | None:
        """The id of the newest live sample report saved with ``clip_key``, or None."""
        if not _is_clip_key(clip_key):
            return None
        with self._db() as conn:
            row = conn.execute(
                """SELECT id FROM reports WHERE clip_key = ? AND sample = 1
                     AND (expires_at IS NULL OR expires_at > ?)
                   ORDER BY saved_at DESC, rowid DESC LIMIT 1""",
                (clip_key, _iso(_now())),
            ).fetchone()
        return row["id"] if row else None

    @_friendly
    def find_by_key(self, delete_key: str) -> str | None:
        """The id of the live report whose delete key this is, or None.

        Looked up by the key's SHA-256 (indexed); the key carries 192 random bits, so the
        lookup's timing tells nothing useful about other keys.
        """
        if not _is_token(delete_key):
            return None
        with self._db() as conn:
            row = conn.execute(
                "SELECT * FROM reports WHERE delete_key_hash = ? AND sample = 0",
                (_hash_key(delete_key),),
            ).fetchone()
        if row is None or _expired(row, _now()) or not _key_matches(row, delete_key):
            return None
        return row["id"]

    @_friendly
    def claim(self, delete_key: str, owner: str) -> str | None:
        """Add the browser token ``owner`` as an owner of the delete key's report.

        Returns the report id (also when ``owner`` owned it already), None when the key is
        unknown, malformed or its report expired. Reports saved before owners existed are
        claimed the same way.
        """
        if not _is_token(owner):
            return None
        report_id = self.find_by_key(delete_key)
        if report_id is None:
            return None
        with self._db() as conn, _transaction(conn):
            if conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
                return None  # deleted meanwhile
            _add_owner(conn, report_id, owner)
        return report_id

    @_friendly
    def share(
        self, report_id: str, proof: Credential, blur_faces: bool = True,
        include_video: bool = False,
    ) -> str | None:
        """Publish the report for share-link viewers and return the new share id.

        The viewer's copies are built in ``<id>/shared/``: with ``blur_faces`` the evidence
        pictures, thumbnail and (with ``include_video``) the annotated video get the runner's
        head blurred from ``media.face_boxes``; a picture whose frame or head box is unknown
        is left out rather than shown unblurred. Without ``include_video`` the viewer's
        report has ``media.video = None``. Any earlier share link is withdrawn first, so a
        failure leaves the report unshared. None when the id is unknown or ``proof`` (an
        owner's browser token or the delete key) does not prove ownership.

        Raises:
            StoreError: ``share_failed`` for damaged media, or a storage failure.
        """
        row = self._owned_row(report_id, _proof(proof))
        if row is None:
            return None
        self._withdraw(report_id)
        folder = self.media_root / report_id
        tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=self.media_root))
        try:
            report = json.loads(row["report_json"])
            media = _build_shared(report, folder, tmp, blur_faces, include_video)
            _fsync_tree(tmp)
            os.rename(tmp, folder / SHARED_DIR)
            _fsync(folder)
        except BaseException as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(e, ValueError):  # a damaged picture or video (PyAV, OpenCV)
                raise StoreError("share_failed") from e
            raise
        share_id = _token()
        with self._db() as conn, _transaction(conn):
            updated = conn.execute(
                """UPDATE reports SET share_id = ?, shared_at = ?, share_blur = ?, share_video = ?,
                       share_media = ? WHERE id = ?""",
                (
                    share_id,
                    _iso(_now()),
                    int(blur_faces),
                    int(include_video),
                    json.dumps(media),
                    report_id,
                ),
            ).rowcount
        return share_id if updated else None

    @_friendly
    def set_expiry(self, report_id: str, proof: Credential, days: float | None) -> bool:
        """The owner sets (``days`` from now) or clears (None) the report's expiry.

        False when the id is unknown or ``proof`` does not prove ownership.
        :meth:`purge_expired` then deletes it when due; until then an expired report
        already reads as gone everywhere.
        """
        if days is not None and not (0 < days <= 3650):
            raise ValueError("days must be between 0 and 3650")
        if self._owned_row(report_id, _proof(proof)) is None:
            return False
        when = None if days is None else _iso(_now() + timedelta(days=days))
        with self._db() as conn, _transaction(conn):
            conn.execute("UPDATE reports SET expires_at = ? WHERE id = ?", (when, report_id))
        return True

    @_friendly
    def unshare(self, report_id: str, proof: Credential) -> bool:
        """Withdraw the share link and its media copies. False when the id is unknown or
        ``proof`` does not prove ownership."""
        if self._owned_row(report_id, _proof(proof)) is None:
            return False
        self._withdraw(report_id)
        return True

    @_friendly
    def delete(self, report_id: str, proof: Credential) -> bool:
        """Remove the report, its share link and all its media (also when expired), for
        every owner.

        False when the id is unknown or ``proof`` is neither this report's delete key
        (compared in constant time) nor the token of one of its owners. A folder that
        cannot be removed now is swept by :meth:`purge_expired`.
        """
        proof = _proof(proof)
        if not _is_token(report_id):
            return False
        with self._db() as conn, _transaction(conn):
            row = conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
            if not _proves(conn, row, proof):
                return False
            conn.execute("DELETE FROM report_owners WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
        shutil.rmtree(self.media_root / report_id, ignore_errors=True)
        return True

    @_friendly
    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete the reports expired at ``now`` (default: the current time).

        Also removes leftovers of interrupted saves and deletes (media folders without a
        row, temporary folders) that are more than an hour old. Returns the number of
        expired reports deleted.
        """
        cutoff = _iso(_utc(now) if now else _now())
        with self._db() as conn, _transaction(conn):
            expired = conn.execute(
                "SELECT id FROM reports WHERE expires_at IS NOT NULL AND expires_at <= ?", (cutoff,)
            )
            ids = [r["id"] for r in expired]
            conn.executemany("DELETE FROM report_owners WHERE report_id = ?", [(i,) for i in ids])
            conn.executemany("DELETE FROM reports WHERE id = ?", [(i,) for i in ids])
        for report_id in ids:
            shutil.rmtree(self.media_root / report_id, ignore_errors=True)
        self._sweep()
        return len(ids)

    @_friendly
    def media_path(
        self, report_id: str, rel_path: str, proof: Credential | None = None, *,
        viewer: bool = False,
    ) -> Path | None:
        """The file of ``rel_path`` if the report (as :meth:`get` sees it) names it, else None.

        Only paths listed in the report's media are served, so a share-link viewer cannot
        reach the owner's originals nor a video that was not shared.
        """
        stored = self.get(report_id, proof, viewer=viewer)
        return None if stored is None else stored.media_file(rel_path)

    # --- internals ---

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.db_path, timeout=_DB_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def _owned_row(self, report_id: str, proof: Proof) -> sqlite3.Row | None:
        """The live row of ``report_id`` if ``proof`` proves ownership of it."""
        if not _is_token(report_id):
            return None
        with self._db() as conn:
            row = conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
            if not _proves(conn, row, proof) or _expired(row, _now()):
                return None
        return row

    def _withdraw(self, report_id: str) -> None:
        """Kill the share link (row first), then remove the shared copies."""
        with self._db() as conn, _transaction(conn):
            conn.execute(
                """UPDATE reports SET share_id = NULL, shared_at = NULL, share_media = NULL
                   WHERE id = ?""",
                (report_id,),
            )
        shutil.rmtree(self.media_root / report_id / SHARED_DIR, ignore_errors=True)

    def _sweep(self) -> None:
        """Remove stale temporary folders and media folders that have no row."""
        with self._db() as conn:
            known = {r["id"] for r in conn.execute("SELECT id FROM reports")}
        cutoff = time.time() - _STALE_AFTER_S
        with os.scandir(self.media_root) as entries:
            for entry in entries:
                orphan = _is_token(entry.name) and entry.name not in known
                if not (orphan or entry.name.startswith(_TMP_PREFIX)):
                    continue
                with contextlib.suppress(FileNotFoundError):  # a concurrent sweep was faster
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        shutil.rmtree(entry.path, ignore_errors=True)


# --- helpers ------------------------------------------------------------------------------


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the database to WAL mode (a persistent setting of the file).

    SQLite answers "busy" at once, without waiting, while another connection switches a
    new file at the same moment, so this retries for up to the connection timeout.
    """
    deadline = time.monotonic() + _DB_TIMEOUT_S
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as e:
            if _sqlite_error_code(e) != "storage_busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the pending :data:`MIGRATIONS` in one transaction."""
    with _transaction(conn):
        conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL
            )"""
        )
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError("store_too_new")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version - 1](conn)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, _iso(_now())))


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _token() -> str:
    """A fresh 192-bit random identifier or key (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def _is_token(value: object) -> bool:
    return isinstance(value, str) and _TOKEN_RE.fullmatch(value) is not None


def _hash_key(key: str) -> str:
    # The key carries 192 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def _key_matches(row: sqlite3.Row | None, key: str) -> bool:
    stored = row["delete_key_hash"] if row is not None else _DUMMY_HASH
    return hmac.compare_digest(stored, _hash_key(key)) and row is not None


def _is_clip_key(value: object) -> bool:
    return isinstance(value, str) and _CLIP_KEY_RE.fullmatch(value) is not None


def _add_owner(conn: sqlite3.Connection, report_id: str, owner: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO report_owners (report_id, owner_hash, added_at) VALUES (?, ?, ?)",
        (report_id, _hash_key(owner), _iso(_now())),
    )


def _proves(conn: sqlite3.Connection, row: sqlite3.Row | None, proof: Proof) -> bool:
    """Whether ``proof`` proves ownership of ``row``: its delete key (compared in constant
    time) or the token of one of its owners (looked up by hash). Sample rows have no owner
    and their key was never handed out."""
    by_key = _is_token(proof.delete_key) and _key_matches(row, proof.delete_key)
    if by_key or row is None or not _is_token(proof.owner):
        return by_key and row is not None and not row["sample"]
    return conn.execute(
        "SELECT 1 FROM report_owners WHERE report_id = ? AND owner_hash = ?",
        (row["id"], _hash_key(proof.owner)),
    ).fetchone() is not None


def _serialise(report: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The report as plain JSON types and as compact JSON text."""
    if not isinstance(report, dict):
        raise StoreError("bad_report")
    try:
        data = to_jsonable(report)
        return data, json.dumps(data, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise StoreError("bad_report") from e


def _summary(data: dict[str, Any]) -> tuple[Any, ...]:
    """Listing columns: file name, view, overall score, top fix title, status."""

    def dig(*keys: str | int) -> Any:
        value: Any = data
        for key in keys:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    score = dig("findings", "overall_score")
    return (
        text(dig("source", "filename")),
        text(dig("view", "view")),
        round(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        text(dig("findings", "fixes", 0, "title")),
        text(dig("status")),
    )


def _referenced(media: Any) -> list[str]:
    """The relative file paths a report's media block names (evidence, video, thumbnail)."""
    if not isinstance(media, dict):
        return []
    evidence = media.get("evidence")
    refs = list(evidence.values()) if isinstance(evidence, dict) else []
    refs += [media.get("video"), media.get("thumbnail")]
    return list(dict.fromkeys(r for r in refs if isinstance(r, str)))


def _media_files(data: dict[str, Any]) -> list[str]:
    """The report's media paths, checked: relative, plain names, no ``..`` or hidden parts."""
    media = data.get("media")
    if media is None:
        return []
    evidence = media.get("evidence") if isinstance(media, dict) else None
    if not isinstance(media, dict) or not isinstance(evidence or {}, dict):
        raise StoreError("bad_report")
    files: list[str] = []
    for rel in [*(evidence or {}).values(), media.get("video"), media.get("thumbnail")]:
        if rel is None or rel in files:
            continue
        if not isinstance(rel, str) or not _is_plain_relpath(rel):
            raise StoreError("bad_media")
        files.append(rel)
    return files


def _is_plain_relpath(rel: str) -> bool:
    """``a/b.jpg``-style: plain name parts, none hidden or ``..``, not under ``shared/``."""
    parts = rel.split("/")
    return parts[0] != SHARED_DIR and all(_PART_RE.fullmatch(p) for p in parts)


def _source_file(media_dir: str | Path | None, rel: str) -> Path:
    """``media_dir/rel`` if it is a regular file reached without following symlinks."""
    if media_dir is None:
        raise StoreError("missing_media")
    path = Path(media_dir)
    try:
        for part in rel.split("/"):
            path = path / part
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise StoreError("bad_media")
    except FileNotFoundError as e:
        raise StoreError("missing_media") from e
    if not stat.S_ISREG(mode):
        raise StoreError("bad_media")
    return path


def _copy_file(src: Path, dst: Path) -> None:
    """Copy one media file into a fresh ``dst`` (never following a symlink at ``src``)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fin, open(dst, "xb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)


def _build_shared(
    report: dict[str, Any], folder: Path, dst: Path, blur: bool, include_video: bool
) -> dict[str, Any]:
    """Write the viewer's copies of the media in ``folder`` into ``dst``.

    Returns the viewer's ``media`` block: only the files that were written.
    """
    media = report.get("media") if isinstance(report.get("media"), dict) else {}
    boxes = privacy.usable_boxes(media.get("face_boxes")) if blur else {}
    frames = media.get("evidence_frames") if isinstance(media.get("evidence_frames"), dict) else {}

    def publish_image(rel: Any, frame: Any) -> str | None:
        if not isinstance(rel, str):
            return None
        if not blur:
            _copy_file(folder / rel, dst / rel)
            return rel
        box = privacy.box_for_frame(boxes, frame) if isinstance(frame, int) else None
        if box is None:
            return None
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        privacy.blur_image_file(folder / rel, dst / rel, box)
        return rel

    evidence: dict[str, str] = {}
    for key, rel in (media.get("evidence") or {}).items():
        if (published := publish_image(rel, frames.get(key))) is not None:
            evidence[key] = published
    video = media.get("video") if include_video and isinstance(media.get("video"), str) else None
    if video is not None and not blur:
        _copy_file(folder / video, dst / video)
    elif video is not None and boxes:
        (dst / video).parent.mkdir(parents=True, exist_ok=True)
        ids = media.get("video_frames")
        privacy.blur_video(folder / video, dst / video, boxes,
                           frame_ids=ids if isinstance(ids, list) else None)
    else:
        video = None
    return {
        **media,
        "evidence": evidence,
        "evidence_frames": {k: v for k, v in frames.items() if k in evidence},
        "video": video,
        "thumbnail": publish_image(media.get("thumbnail"), media.get("thumbnail_frame")),
    }


def _fsync(path: Path) -> None:
    """Flush a file or directory to disk (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` (deepest first)."""
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            _fsync(Path(dirpath, name))
        _fsync(Path(dirpath))


def _share_options(row: sqlite3.Row) -> ShareOptions | None:
    if row["share_id"] is None:
        return None
    return ShareOptions(
        share_id=row["share_id"],
        blur_faces=bool(row["share_blur"]),
        include_video=bool(row["share_video"]),
        shared_at=datetime.fromisoformat(row["shared_at"]),
    )


def _expired(row: sqlite3.Row, now: datetime) -> bool:
    return row["expires_at"] is not None and row["expires_at"] <= _iso(now)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(dt: datetime) -> datetime:
    """``dt`` in UTC; a naive datetime is taken to be UTC already."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _iso(dt: datetime) -> str:
    """Fixed-width UTC ISO-8601 text, so stored times sort and compare as strings."""
    return _utc(dt).isoformat(timespec="microseconds")


def _stored_time(text: str | None) -> datetime | None:
    """A nullable time column as written by :func:`_iso`."""
    return datetime.fromisoformat(text) if text is not None else None


def _parse_time(value: Any) -> datetime | None:
    """A time from report JSON, or None when it is missing or not ISO-8601."""
    if not isinstance(value, str):
        return None
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        return None


_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_UNWRITABLE_ERRNOS = {
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST, errno.EISDIR
}


def _os_error_code(e: OSError) -> str:
    if e.errno in _FULL_ERRNOS:
        return "storage_full"
    if e.errno in _UNWRITABLE_ERRNOS:
        return "storage_unwritable"
    return "storage_failed"


def _sqlite_error_code(e: sqlite3.Error) -> str:
    name = getattr(e, "sqlite_errorname", "")
    if name.startswith("SQLITE_FULL"):
        return "storage_full"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return "storage_unwritable"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "storage_busy"
    return "storage_failed"
