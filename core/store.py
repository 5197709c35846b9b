"""Saved reports: a small storage interface and its one backend, SQLAlchemy Core + media URLs.

Everything outside this module talks to a :class:`ReportStore`; :func:`open_store` returns
the configured one, a :class:`SQLStore` that keeps

* the rows in one SQL database through SQLAlchemy Core: SQLite (the embedded default,
  ``./data/formcheck.db``, WAL mode) or PostgreSQL (``postgresql+psycopg://...``). The
  schema is migrated by Alembic (``core/migrations``) when the store opens; a database made
  before Alembic (its ``schema_version`` table, versions 1-3) is taken over at its version.
  One row per report with the report JSON, summary columns for listings, the *hash* of the
  owner's delete key, the analysis cache key of the clip, the expiry time and the share
  state, and a table ``report_owners`` with the *hashes* of the browser tokens that own
  each report;
* the report's media (evidence pictures, annotated video, thumbnail) through one
  :class:`core.media.MediaStore` (a folder, or ``s3://bucket/prefix``) under ``<id>/`` at
  the relative paths the report names, and the variants that share-link viewers may see
  under ``<id>/shared/``, made by :func:`core.privacy.make_shared_variants` (privacy lives
  there, not in a backend).

Private by default. A report ``id``, its ``delete_key``, its ``share_id`` and a browser's
``owner`` token are independent ``secrets.token_urlsafe(24)`` values (192 bits); only
hashes of delete keys and owner tokens are stored. The id alone opens nothing: the owner
view (:meth:`SQLStore.get` without ``viewer``) and every change (share, expiry, delete)
need a :class:`Proof` of ownership, the token of a browser that owns the report or its
delete key (compared in constant time). Reports are listed only per owner
(:meth:`SQLStore.list`); a delete key brought to another browser makes that browser an
owner too (:meth:`SQLStore.claim`). Reports saved before owners existed have none: their
delete key still claims them, their share links keep working. The ``share_id`` opens the
share-link view, which only ever returns the shared variants, so a viewer never learns the
owner's ``id``. A *sample* report (the demo clip, not a runner's run) has no owner, is never
listed and opens read-only for anyone through :meth:`SQLStore.get_sample`. Every identifier
is checked against a strict pattern before any database or media access, and all SQL is
parameterised.

Crash safety: media are written and published (:meth:`core.media.MediaStore.publish`)
*before* the database row is inserted, and removed if the insert fails. So a row never
exists without its media; an interrupted save can at most leave media without a row, which
:meth:`SQLStore.purge_expired` sweeps once they are an hour old. Deleting removes the row
first (the links die at once), then the media.

Loading checks the report's schema version (:func:`check_report_version`): older reports
open as they are, a report written by a newer FormCheck gives ``report_too_new``.

Configuration (:func:`core.settings.setting`: the environment, else ``.streamlit/secrets.toml``):
``FORMCHECK_DATABASE_URL`` (default: SQLite in ``$FORMCHECK_DATA_DIR``, default ``./data``),
``FORMCHECK_MEDIA_URL`` (default: ``media/`` beside the SQLite file, or in the data folder),
``FORMCHECK_S3_ENDPOINT_URL`` and ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` for S3.
Released migrations are never edited, only appended.
"""
from __future__ import annotations

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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from .settings import setting  # noqa: F401 - also the store's public name for it

from core import privacy
from core.errors import FormCheckError
from core.media import MediaStore
from core.report import REPORT_VERSION, Media, ReportVersionError, load_report, to_jsonable

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DATABASE_URL_ENV = "FORMCHECK_DATABASE_URL"
MEDIA_URL_ENV = "FORMCHECK_MEDIA_URL"
S3_ENDPOINT_ENV = "FORMCHECK_S3_ENDPOINT_URL"
DEFAULT_DATA_DIR = "./data"
DB_NAME = "formcheck.db"
MEDIA_DIR_NAME = "media"
SHARED_DIR = "shared"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# the Alembic revision of each store schema version made before Alembic (schema_version)
LEGACY_REVISIONS = ("0001_reports", "0002_expiry_share", "0003_owners_clip_keys")

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
_CLIP_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,128}")  # e.g. a SHA-256 hex digest
_PART_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")  # one media path component
_TMP_PREFIX = ".tmp-"
_STALE_AFTER_S = 3600.0  # leftovers older than this are swept
_DB_TIMEOUT_S = 30.0  # how long a call waits for another writer
_CONNECT_TIMEOUT_S = 10  # how long opening a server database may take
_MIGRATION_LOCK = 0x466F726D  # PostgreSQL advisory lock held while migrating ("Form")
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
    "store_unreachable": (
        "FormCheck cannot reach its report database or media storage.",
        f"Check {DATABASE_URL_ENV} / {MEDIA_URL_ENV} and that those servers are running.",
    ),
    "store_too_new": (
        "The saved reports were written by a newer version of FormCheck.",
        "Update FormCheck to open them.",
    ),
    "report_too_new": (
        "This report was made by a newer version of FormCheck.",
        "Update FormCheck to open it.",
    ),
    "report_unreadable": (
        "This saved report cannot be read: it is damaged.",
        "Run the analysis again.",
    ),
    "store_unsupported": (
        "This kind of report store is not supported.",
        "Give a folder path, a sqlite:/// or postgresql+psycopg:// URL, and a folder or "
        "s3:// URL for media.",
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
    names only the shared variants and ``media_dir`` is their location (a folder Path, or
    an ``s3://`` URL when media live in S3)."""

    id: str
    report: dict[str, Any]
    created: datetime
    expires_at: datetime | None
    share: ShareOptions | None
    media_dir: Path | str
    clip_key: str | None = None  # the analysis cache key it was saved with (owner view only)
    sample: bool = False  # the demo clip's report: nobody's run, read-only for everyone
    media_store: MediaStore | None = field(default=None, repr=False, compare=False)
    media_prefix: str = ""  # where media_dir is inside media_store

    @property
    def shared(self) -> bool:
        return self.share is not None

    def _key(self, rel_path: str) -> str | None:
        """The media key of ``rel_path`` if this loaded report names it, else None."""
        if rel_path not in _referenced(self.report.get("media")):
            return None
        return f"{self.media_prefix}/{rel_path}"

    def media_file(self, rel_path: str) -> Path | None:
        """A local file of ``rel_path`` if this loaded report names it (no database round
        trip): the stored file in a media folder, a private cached copy for S3.

        Only paths listed in the report's media resolve, so a share-link viewer cannot reach
        the owner's originals nor a video that was not shared.
        """
        key = self._key(rel_path)
        if key is None:
            return None
        if self.media_store is None:
            path = Path(self.media_dir) / rel_path
            return path if path.is_file() else None
        return _media_call(self.media_store.local_path, key)

    def media_bytes(self, rel_path: str) -> bytes | None:
        """The bytes of ``rel_path`` if this loaded report names it (st.image / st.video
        take bytes), else None."""
        key = self._key(rel_path)
        if key is None:
            return None
        if self.media_store is None:
            path = self.media_file(rel_path)
            return path.read_bytes() if path else None
        return _media_call(self.media_store.read_bytes, key)


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


# --- configuration ------------------------------------------------------------------------


def database_url() -> str:
    """The configured database: ``FORMCHECK_DATABASE_URL``, else the data folder."""
    return setting(DATABASE_URL_ENV) or setting(DATA_DIR_ENV) or DEFAULT_DATA_DIR


def media_url() -> str | None:
    """The configured media location (``FORMCHECK_MEDIA_URL``), or None for the default."""
    return setting(MEDIA_URL_ENV)


def open_media(url: str | os.PathLike[str] | None = None) -> MediaStore:
    """The configured media storage on its own (``FORMCHECK_MEDIA_URL``, else ``media/`` in
    the data folder), e.g. for a worker that reads uploaded clips. Friendly errors."""
    target = os.fspath(url) if url is not None else media_url()
    target = target or str(Path(setting(DATA_DIR_ENV) or DEFAULT_DATA_DIR) / MEDIA_DIR_NAME)
    try:
        return _friendly(MediaStore)(target, endpoint_url=setting(S3_ENDPOINT_ENV),
                                     key=setting("AWS_ACCESS_KEY_ID"),
                                     secret=setting("AWS_SECRET_ACCESS_KEY"))
    except ValueError as e:
        raise StoreError("store_unsupported") from e


def open_store(
    url_or_path: str | os.PathLike[str] | None = None, *, media: str | os.PathLike[str] | None = None
) -> ReportStore:
    """Open (creating and migrating on first use) the configured store.

    ``url_or_path``: None means the configuration (:func:`database_url`); a folder path
    means ``formcheck.db`` inside it; ``sqlite:///path/to/file.db`` names a SQLite file
    (``sqlite:////abs/path.db`` for absolute paths); ``postgresql+psycopg://user:pw@host/db``
    (or ``postgresql://``) a PostgreSQL database. ``media``: a folder or ``s3://bucket/prefix``;
    None means ``FORMCHECK_MEDIA_URL``, else ``media/`` beside the SQLite file (in the data
    folder for PostgreSQL).
    """
    target = os.fspath(url_or_path) if url_or_path is not None else None
    target = target or database_url()
    media_target = os.fspath(media) if media is not None else media_url()
    if target.startswith("sqlite:///"):
        db_path = Path(target[len("sqlite:///"):])
        return SQLiteStore(db_path, media_target or db_path.parent / MEDIA_DIR_NAME)
    if target.startswith(("postgresql://", "postgresql+psycopg://")):
        url = "postgresql+psycopg://" + target.split("://", 1)[1]
        folder = Path(setting(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
        return SQLStore(url, media_target or folder / MEDIA_DIR_NAME)
    if "://" in target:
        raise StoreError("store_unsupported")
    folder = Path(target)
    return SQLiteStore(folder / DB_NAME, media_target or folder / MEDIA_DIR_NAME)


# --- schema -------------------------------------------------------------------------------

_meta = sa.MetaData()
reports = sa.Table(
    "reports", _meta,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("delete_key_hash", sa.Text, nullable=False),
    sa.Column("report_json", sa.Text, nullable=False),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.Column("filename", sa.Text),
    sa.Column("view", sa.Text),
    sa.Column("overall_score", sa.Integer),
    sa.Column("top_finding", sa.Text),
    sa.Column("status", sa.Text),
    sa.Column("expires_at", sa.Text),
    sa.Column("share_id", sa.Text),
    sa.Column("shared_at", sa.Text),
    sa.Column("share_blur", sa.Integer, nullable=False),
    sa.Column("share_video", sa.Integer, nullable=False),
    sa.Column("share_media", sa.Text),
    sa.Column("clip_key", sa.Text),
    sa.Column("sample", sa.Integer, nullable=False),
)
report_owners = sa.Table(
    "report_owners", _meta,
    sa.Column("report_id", sa.Text, primary_key=True),
    sa.Column("owner_hash", sa.Text, primary_key=True),
    sa.Column("added_at", sa.Text, nullable=False),
)
comparisons = sa.Table(
    # comparison links of core.compare_share (Alembic revision 0004_comparisons); here so a
    # report's delete and expiry remove the comparisons that name it
    "comparisons", _meta,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("before_id", sa.Text, nullable=False),
    sa.Column("after_id", sa.Text, nullable=False),
    sa.Column("created", sa.Text, nullable=False),
)
_R_ = reports.c
_NEWEST = (_R_.saved_at.desc(), _R_.id.desc())


def _forget(conn, ids: list[str]) -> None:
    """Delete the rows of reports ``ids``: their owners, the comparisons naming them, the
    reports themselves (media are removed by the caller after the commit)."""
    conn.execute(report_owners.delete().where(report_owners.c.report_id.in_(ids)))
    conn.execute(comparisons.delete().where(
        comparisons.c.before_id.in_(ids) | comparisons.c.after_id.in_(ids)))
    conn.execute(reports.delete().where(_R_.id.in_(ids)))


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: sa.Engine) -> str:
    """Bring the database to the newest schema (Alembic ``head``) in one transaction.

    Holds a lock while it works (SQLite: the write lock of ``BEGIN IMMEDIATE``; PostgreSQL:
    an advisory lock), so stores opened at the same moment migrate once. A database made
    before Alembic is stamped at its ``schema_version`` first. Returns the revision.

    Raises:
        StoreError: ``store_too_new`` when the database was migrated by a newer FormCheck.
    """
    from alembic import command

    with engine.begin() as conn:
        current, head = prepare_migration(conn)
        if current != head:
            command.upgrade(_alembic_config(conn), "head")
        return head


def prepare_migration(conn: sa.Connection) -> tuple[str | None, str]:
    """Take the migration lock in ``conn``'s transaction, take over a database made before
    Alembic (stamp its ``schema_version``), refuse one from a newer FormCheck; returns the
    current and the head revision (also used by ``core/migrations/env.py``)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    script = ScriptDirectory.from_config(_alembic_config(conn))
    context = MigrationContext.configure(conn)
    current = context.get_current_revision()
    if current is None and sa.inspect(conn).has_table("schema_version"):
        legacy = conn.execute(
            sa.text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one()
        if legacy > len(LEGACY_REVISIONS):
            raise StoreError("store_too_new")
        if legacy:
            current = LEGACY_REVISIONS[legacy - 1]
            context.stamp(script, current)
    if current is not None:
        try:
            known = script.get_revision(current) is not None
        except CommandError:
            known = False
        if not known:
            raise StoreError("store_too_new")
    return current, script.get_current_head()


def check_report_version(data: Any) -> dict[str, Any]:
    """The stored report ``data`` if this FormCheck can show it.

    Reports of the current schema major version and older open as they are (a report
    without a version is from before versions existed); a newer major version was written
    by a newer FormCheck. Older reports are brought to today's JSON shape by
    :func:`core.report.load_report` (the typed report's migrations).

    Raises:
        StoreError: ``report_too_new`` or ``report_unreadable``.
    """
    if not isinstance(data, dict):
        raise StoreError("report_unreadable")
    version = data.get("version", "1.0")
    try:
        major = int(str(version).split(".")[0])
    except ValueError as e:
        raise StoreError("report_unreadable") from e
    if major > int(REPORT_VERSION.split(".")[0]):
        raise StoreError("report_too_new")
    try:  # older reports are migrated to today's shape (core.report.MIGRATIONS)
        return load_report({**data, "version": str(version)})
    except ReportVersionError as e:
        raise StoreError("report_unreadable") from e


# --- the store ----------------------------------------------------------------------------

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _friendly(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn low-level OS, database and object-store failures into a :class:`StoreError`."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except OSError as e:
            raise StoreError(_os_error_code(e)) from e
        except sqlite3.Error as e:
            raise StoreError(_sqlite_error_code(e)) from e
        except sa_exc.DBAPIError as e:
            raise StoreError(_dbapi_error_code(e)) from e
        except sa_exc.SQLAlchemyError as e:
            raise StoreError("storage_failed") from e
        except Exception as e:
            if _is_remote_error(e):
                raise StoreError("store_unreachable") from e
            raise

    return wrapper


def _media_call(fn: Callable[[str], _R], key: str) -> _R:
    """A media read for the UI: storage failures become a friendly :class:`StoreError`."""
    return _friendly(fn)(key)


class SQLStore:
    """:class:`ReportStore` on a SQL database (SQLAlchemy Core: SQLite or PostgreSQL) and a
    :class:`core.media.MediaStore` (a folder or S3). Safe across threads and processes:
    SQLite gets a connection per call and writers take ``BEGIN IMMEDIATE``; PostgreSQL uses
    a connection pool per process (made again after a fork)."""

    @_friendly
    def __init__(self, url: str, media: str | os.PathLike[str] | MediaStore) -> None:
        self.url = url
        self.dialect = sa.engine.make_url(url).get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError("store_unsupported")
        self.db_path: Path | None = None
        if self.dialect == "sqlite":
            database = sa.engine.make_url(url).database
            if not database or database == ":memory:":
                raise StoreError("store_unsupported")
            self.db_path = Path(database)
            self.db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.media = media if isinstance(media, MediaStore) else open_media(media)
        self.media_root: Path | None = self.media.root
        self._engines: dict[int, sa.Engine] = {}
        if self.dialect == "sqlite":
            with self._engine().connect() as conn:
                _use_wal(conn)
        migrate(self._engine())

    def _engine(self) -> sa.Engine:
        """This process's engine (a pool must not cross a fork into a worker process)."""
        pid = os.getpid()
        engine = self._engines.get(pid)
        if engine is None:
            engine = self._engines[pid] = _make_engine(self.url)
        return engine

    @property
    def engine(self) -> sa.Engine:
        return self._engine()

    def _read(self) -> Any:
        """A connection for reads (SQLite: a deferred transaction that takes no write lock)."""
        return self._engine().connect().execution_options(fc_read=True)

    def _write(self) -> Any:
        """A write transaction: committed on success, rolled back on error."""
        return self._engine().begin()

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
        the local folder ``media_dir`` and must be regular files inside it: no absolute
        paths, ``..``, hidden names or symlinks. ``expire_days`` (> 0) makes the report
        expire; None keeps it. ``owner`` is the browser token of the runner (only its hash
        is stored; the report is then listed and opened for that browser); ``clip_key`` (the
        analysis cache key: clip digest + options) lets :meth:`find_clip` find it again.
        ``sample=True`` stores the demo clip's report: no owner, never listed, read-only
        through :meth:`get_sample`.
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
        staging = self.media.staging()
        try:
            for rel, src in sources:
                _copy_file(src, staging / rel)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.media.publish(staging, report_id)  # media first ...
        try:
            with self._write() as conn:  # ... the row after
                conn.execute(reports.insert().values(
                    id=report_id,
                    delete_key_hash=_hash_key(delete_key),
                    report_json=text,
                    created=_iso(_parse_time(data.get("created")) or now),
                    saved_at=_iso(now),
                    expires_at=expires,
                    clip_key=clip_key,
                    sample=int(sample),
                    share_blur=1,
                    share_video=0,
                    **_summary(data),
                ))
                if owner is not None:
                    _add_owner(conn, report_id, owner)
        except BaseException:
            self.media.delete(report_id)
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

        Raises:
            StoreError: ``report_too_new`` for a report written by a newer FormCheck.
        """
        if not viewer and proof is None:
            raise TypeError("the owner view of a report needs a proof of ownership")
        if viewer:
            if not _is_token(report_id):
                return None
            with self._read() as conn:
                row = conn.execute(
                    sa.select(reports).where(_R_.share_id == report_id)).mappings().first()
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
        with self._read() as conn:
            row = conn.execute(sa.select(reports).where(
                _R_.id == report_id, _R_.sample == 1)).mappings().first()
        if row is None or _expired(row, _now()):
            return None
        return self._stored(report_id, row, viewer=False)

    def _stored(self, report_id: str, row: Any, viewer: bool) -> StoredReport:
        try:
            report = json.loads(row["report_json"])
        except ValueError as e:
            raise StoreError("report_unreadable") from e
        report = check_report_version(report)
        prefix = row["id"]
        if viewer:
            try:
                media = json.loads(row["share_media"])
            except (TypeError, ValueError) as e:
                raise StoreError("report_unreadable") from e
            if _share_options(row).blur_faces and isinstance(media, dict) \
                    and media.get("thumbnail") and Media.of(media).thumbnail_scale is None:
                # shared before the thumbnail's blur was scaled to it (its face box missed on
                # a portrait clip): not listed, so not served (media_file serves listed paths)
                media["thumbnail"] = None
            report["media"] = media
            # a link viewer learns nothing the owner did not choose to show (no file name,
            # height, face positions...): one sanitiser for every store, page and download
            report = privacy.shared_report(report)
            prefix = f"{prefix}/{SHARED_DIR}"
        return StoredReport(
            id=report_id,
            report=report,
            created=datetime.fromisoformat(row["created"]),
            expires_at=_stored_time(row["expires_at"]),
            share=_share_options(row),
            media_dir=self.media.location(prefix),
            clip_key=None if viewer else row["clip_key"],
            sample=bool(row["sample"]),
            media_store=self.media,
            media_prefix=prefix,
        )

    @_friendly
    def list(self, owner: str, limit: int = 50) -> list[ReportSummary]:
        """Summaries of the live reports the browser token ``owner`` owns, newest saved first.

        There is no listing of the whole store: a browser sees only its own reports (the
        ones it saved or claimed with their delete key). Sample reports are never listed.
        """
        if not _is_token(owner):
            return []
        query = (
            sa.select(reports)
            .join(report_owners, report_owners.c.report_id == _R_.id)
            .where(report_owners.c.owner_hash == _hash_key(owner), _R_.sample == 0, _live())
            .order_by(*_NEWEST)
            .limit(max(0, int(limit)))
        )
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
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
        query = (
            sa.select(_R_.id)
            .join(report_owners, report_owners.c.report_id == _R_.id)
            .where(report_owners.c.owner_hash == _hash_key(owner), _R_.clip_key == clip_key,
                   _R_.sample == 0, _live())
            .order_by(*_NEWEST)
            .limit(1)
        )
        with self._read() as conn:
            return conn.execute(query).scalar()

    @_friendly
    def find_sample(self, clip_key: str) -> str | None:
        """The id of the newest live sample report saved with ``clip_key``, or None."""
        if not _is_clip_key(clip_key):
            return None
        query = (sa.select(_R_.id).where(_R_.clip_key == clip_key, _R_.sample == 1, _live())
                 .order_by(*_NEWEST).limit(1))
        with self._read() as conn:
            return conn.execute(query).scalar()

    @_friendly
    def find_by_key(self, delete_key: str) -> str | None:
        """The id of the live report whose delete key this is, or None.

        Looked up by the key's SHA-256 (indexed); the key carries 192 random bits, so the
        lookup's timing tells nothing useful about other keys.
        """
        if not _is_token(delete_key):
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(reports).where(
                _R_.delete_key_hash == _hash_key(delete_key), _R_.sample == 0)).mappings().first()
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
        with self._write() as conn:
            if conn.execute(sa.select(_R_.id).where(_R_.id == report_id)).first() is None:
                return None  # deleted meanwhile
            _add_owner(conn, report_id, owner)
        return report_id

    @_friendly
    def share(
        self, report_id: str, proof: Credential, blur_faces: bool = True,
        include_video: bool = False,
    ) -> str | None:
        """Publish the report for share-link viewers and return the new share id.

        The viewer's copies are made by :func:`core.privacy.make_shared_variants` and
        published under ``<id>/shared/``: with ``blur_faces`` the evidence pictures,
        thumbnail and (with ``include_video``) the annotated video get the runner's head
        blurred from ``media.face_boxes``; a picture whose frame or head box is unknown is
        left out rather than shown unblurred. Without ``include_video`` the viewer's report
        has ``media.video = None``. Any earlier share link is withdrawn first, so a failure
        leaves the report unshared. None when the id is unknown or ``proof`` (an owner's
        browser token or the delete key) does not prove ownership.

        Raises:
            StoreError: ``share_failed`` for damaged media, or a storage failure.
        """
        row = self._owned_row(report_id, _proof(proof))
        if row is None:
            return None
        self._withdraw(report_id)
        staging = self.media.staging()
        try:
            try:
                report = json.loads(row["report_json"])
            except ValueError as e:  # the row, not a picture (it said "a picture is damaged")
                raise StoreError("report_unreadable") from e
            media = privacy.make_shared_variants(
                report.get("media"), lambda rel: self.media.local_path(f"{report_id}/{rel}"),
                staging, blur_faces, include_video)
        except BaseException as e:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(e, ValueError):  # a damaged picture or video (PyAV, OpenCV)
                raise StoreError("share_failed") from e
            raise
        self.media.publish(staging, f"{report_id}/{SHARED_DIR}")
        share_id = _token()
        with self._write() as conn:
            updated = conn.execute(reports.update().where(_R_.id == report_id).values(
                share_id=share_id,
                shared_at=_iso(_now()),
                share_blur=int(blur_faces),
                share_video=int(include_video),
                share_media=json.dumps(media),
            )).rowcount
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
        with self._write() as conn:
            conn.execute(reports.update().where(_R_.id == report_id).values(expires_at=when))
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
        (compared in constant time) nor the token of one of its owners. Media that cannot
        be removed now are swept by :meth:`purge_expired`.
        """
        proof = _proof(proof)
        if not _is_token(report_id):
            return False
        with self._write() as conn:
            row = conn.execute(sa.select(reports).where(_R_.id == report_id)
                               .with_for_update()).mappings().first()
            if not _proves(conn, row, proof):
                return False
            _forget(conn, [report_id])
        self.media.delete(report_id)
        return True

    @_friendly
    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete the reports expired at ``now`` (default: the current time).

        Also removes leftovers of interrupted saves and deletes (media without a row,
        temporary folders) that are more than an hour older than ``now``. Returns the number
        of expired reports deleted.
        """
        when = _utc(now) if now else _now()
        with self._write() as conn:
            ids = list(conn.execute(sa.select(_R_.id).where(
                _R_.expires_at.is_not(None), _R_.expires_at <= _iso(when))).scalars())
            if ids:
                _forget(conn, ids)
        for report_id in ids:
            self.media.delete(report_id)
        self._sweep(when.timestamp())
        return len(ids)

    @_friendly
    def media_path(
        self, report_id: str, rel_path: str, proof: Credential | None = None, *,
        viewer: bool = False,
    ) -> Path | None:
        """A local file of ``rel_path`` if the report (as :meth:`get` sees it) names it,
        else None (for S3 media a private cached copy).

        Only paths listed in the report's media are served, so a share-link viewer cannot
        reach the owner's originals nor a video that was not shared.
        """
        stored = self.get(report_id, proof, viewer=viewer)
        return None if stored is None else stored.media_file(rel_path)

    # --- internals ---

    def _owned_row(self, report_id: str, proof: Proof) -> Any:
        """The live row of ``report_id`` if ``proof`` proves ownership of it."""
        if not _is_token(report_id):
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(reports).where(_R_.id == report_id)).mappings().first()
            if not _proves(conn, row, proof) or _expired(row, _now()):
                return None
        return row

    def _withdraw(self, report_id: str) -> None:
        """Kill the share link (row first) and the comparison links naming the report, then
        remove the shared copies. A new link replaces the old one, so a comparison made
        while the old one was out ends with it (it kept working and showed the new link's
        copies, unblurred when the new link was made without blurring: browser review, s20)."""
        with self._write() as conn:
            conn.execute(reports.update().where(_R_.id == report_id).values(
                share_id=None, shared_at=None, share_media=None))
            conn.execute(comparisons.delete().where(
                (comparisons.c.before_id == report_id) | (comparisons.c.after_id == report_id)))
        self.media.delete(f"{report_id}/{SHARED_DIR}")

    def _sweep(self, now_ts: float) -> None:
        """Remove stale temporary folders and media without a row (older than an hour)."""
        with self._read() as conn:
            known = set(conn.execute(sa.select(_R_.id)).scalars())
        cutoff = now_ts - _STALE_AFTER_S
        for name, modified in self.media.entries().items():
            orphan = _is_token(name) and name not in known
            if (orphan or name.startswith(_TMP_PREFIX)) and modified < cutoff:
                self.media.delete(name)


class SQLiteStore(SQLStore):
    """The embedded default: a SQLite file and a media folder (or media URL)."""

    def __init__(self, db_path: str | Path, media_root: str | os.PathLike[str] | MediaStore) -> None:
        super().__init__(f"sqlite:///{Path(db_path).absolute()}", media_root)


# --- helpers ------------------------------------------------------------------------------


def _make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, poolclass=NullPool,
                                  connect_args={"timeout": _DB_TIMEOUT_S})

        @sa.event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, explicitly

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            # writers take the write lock at once, so two writers never deadlock
            read = conn.get_execution_options().get("fc_read")
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True,
                            connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})


def _use_wal(conn: sa.Connection) -> None:
    """Switch a SQLite database to WAL mode (a persistent setting of the file).

    SQLite answers "busy" at once, without waiting, while another connection switches a
    new file at the same moment, so this retries for up to the connection timeout.
    """
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + _DB_TIMEOUT_S
    while raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            raw.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as e:
            if _sqlite_error_code(e) != "storage_busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _live() -> Any:
    """Rows not expired now."""
    return sa.or_(_R_.expires_at.is_(None), _R_.expires_at > _iso(_now()))


def _token() -> str:
    """A fresh 192-bit random identifier or key (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def _is_token(value: object) -> bool:
    return isinstance(value, str) and _TOKEN_RE.fullmatch(value) is not None


def _hash_key(key: str) -> str:
    # The key carries 192 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def _key_matches(row: Any, key: str) -> bool:
    stored = row["delete_key_hash"] if row is not None else _DUMMY_HASH
    return hmac.compare_digest(stored, _hash_key(key)) and row is not None


def _is_clip_key(value: object) -> bool:
    return isinstance(value, str) and _CLIP_KEY_RE.fullmatch(value) is not None


def _add_owner(conn: sa.Connection, report_id: str, owner: str) -> None:
    """Add an owner row; one that exists already is kept (INSERT ... ON CONFLICT DO NOTHING)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(insert(report_owners).values(
        report_id=report_id, owner_hash=_hash_key(owner), added_at=_iso(_now()),
    ).on_conflict_do_nothing())


def _proves(conn: sa.Connection, row: Any, proof: Proof) -> bool:
    """Whether ``proof`` proves ownership of ``row``: its delete key (compared in constant
    time) or the token of one of its owners (looked up by hash). Sample rows have no owner
    and their key was never handed out."""
    by_key = _is_token(proof.delete_key) and _key_matches(row, proof.delete_key)
    if by_key or row is None or not _is_token(proof.owner):
        return by_key and row is not None and not row["sample"]
    return conn.execute(sa.select(sa.literal(1)).where(
        report_owners.c.report_id == row["id"],
        report_owners.c.owner_hash == _hash_key(proof.owner),
    )).first() is not None


def _serialise(report: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The report as plain JSON types and as compact JSON text."""
    if not isinstance(report, dict):
        raise StoreError("bad_report")
    try:
        data = to_jsonable(report)
        return data, json.dumps(data, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise StoreError("bad_report") from e


def _summary(data: dict[str, Any]) -> dict[str, Any]:
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
    return {
        "filename": text(dig("source", "filename")),
        "view": text(dig("view", "view")),
        "overall_score": (round(score) if isinstance(score, (int, float))
                          and not isinstance(score, bool) else None),
        "top_finding": text(dig("findings", "fixes", 0, "title")),
        "status": text(dig("status")),
    }


def _referenced(media: Any) -> list[str]:
    """The relative file paths a report's media block names (:meth:`Media.files`: evidence,
    video, thumbnail, a session's other clips' videos)."""
    if not isinstance(media, dict):
        return []
    return Media.of(media).files()


def _media_files(data: dict[str, Any]) -> list[str]:
    """The report's media paths, checked: relative, plain names, no ``..`` or hidden parts."""
    media = data.get("media")
    if media is None:
        return []
    evidence = media.get("evidence") if isinstance(media, dict) else None
    if not isinstance(media, dict) or not isinstance(evidence or {}, dict):
        raise StoreError("bad_report")
    files: list[str] = []
    others = media.get("other_videos") or {}
    if not isinstance(others, dict):
        raise StoreError("bad_media")
    for rel in [*(evidence or {}).values(), media.get("video"), media.get("thumbnail"),
                *others.values()]:
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


def _share_options(row: Any) -> ShareOptions | None:
    if row["share_id"] is None:
        return None
    return ShareOptions(
        share_id=row["share_id"],
        blur_faces=bool(row["share_blur"]),
        include_video=bool(row["share_video"]),
        shared_at=datetime.fromisoformat(row["shared_at"]),
    )


def _expired(row: Any, now: datetime) -> bool:
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
    if e.errno in _UNWRITABLE_ERRNOS or isinstance(e, PermissionError):
        return "storage_unwritable"
    if isinstance(e, (ConnectionError, TimeoutError)):
        return "store_unreachable"
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


def _dbapi_error_code(e: sa_exc.DBAPIError) -> str:
    """A friendly code for a driver error (SQLite's or psycopg's, wrapped by SQLAlchemy)."""
    orig = e.orig
    if isinstance(orig, sqlite3.Error):
        return _sqlite_error_code(orig)
    state = getattr(orig, "sqlstate", None) or ""
    if state == "53100":  # disk_full
        return "storage_full"
    if state in ("42501", "25006"):  # insufficient_privilege, read_only_sql_transaction
        return "storage_unwritable"
    if state in ("40001", "40P01", "55P03", "57014"):  # serialization, deadlock, lock, timeout
        return "storage_busy"
    if not state and isinstance(e, sa_exc.OperationalError) or state.startswith("08"):
        return "store_unreachable"  # no connection to the server
    return "storage_failed"


def _is_remote_error(e: Exception) -> bool:
    """An object-store client failure (botocore, aiohttp), for media on S3."""
    return type(e).__module__.split(".")[0] in ("botocore", "aiobotocore", "aiohttp", "s3fs")
