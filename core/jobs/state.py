"""Job state every worker and the app can see: a ``jobs`` table (SQLAlchemy Core).

Database: ``FORMCHECK_DATABASE_URL`` (the report store's URL, e.g. PostgreSQL; read like every
setting by :func:`core.settings.setting`: environment, else secrets file) or
``sqlite:///$FORMCHECK_DATA_DIR/jobs.db`` (default ``./data``). The
table is created on first use; it lives in its own module so the store's schema and
migrations stay the store's.

A job's life: ``queued`` -> ``running`` (stage, fraction, heartbeat) -> ``done`` (report id)
or ``failed`` (the friendly message and hint of :class:`core.errors.FormCheckError`). The
uploaded clip is kept in the job folder until the job ends. The owner's browser token
travels with the job only until the report is saved for it; the delete key waits in the row
until the app that submitted the job has taken it (:func:`JobTable.take_delete_key`).

Embedded mode (no broker) uses the table as the queue too: :meth:`JobTable.claim` takes the
oldest queued job atomically, and :meth:`JobTable.requeue_stale` gives a running job whose
worker stopped sending heartbeats (killed) to the next worker.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..settings import setting

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DB_URL_ENV = "FORMCHECK_DATABASE_URL"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
LEASE_S = float(os.environ.get("FORMCHECK_JOB_LEASE_S", "30"))  # heartbeat older: worker gone
MAX_ATTEMPTS = 3  # a job whose workers died this often is failed (it may be what kills them)

metadata = sa.MetaData()
jobs = sa.Table(
    "formcheck_jobs", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Float, nullable=False),  # queue order (submit time)
    sa.Column("state", sa.String(12), nullable=False, index=True),
    sa.Column("stage", sa.String(80), nullable=False, default=""),
    sa.Column("fraction", sa.Float, nullable=False, default=0.0),
    sa.Column("clip_key", sa.String(128), nullable=False),
    sa.Column("clip_path", sa.Text),  # the stored upload, removed when the job ends
    sa.Column("filename", sa.String(200)),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("owner", sa.String(64)),  # browser token, only until the report is saved
    sa.Column("sample", sa.Boolean, nullable=False, default=False),
    sa.Column("report_id", sa.String(64)),
    sa.Column("delete_key", sa.String(64)),  # until the submitting session takes it
    sa.Column("code", sa.String(40)),
    sa.Column("message", sa.Text),
    sa.Column("hint", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("worker", sa.String(120)),
    sa.Column("heartbeat", sa.Float),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("finished", sa.Float),
)


# What an ended job (done or failed) no longer keeps: its owner's browser token, the stored
# upload, and what describes the runner (the clip's file name, which often holds a name, and
# the options with their height). The report carries those for as long as the runner keeps
# it, so "deleted for good" leaves nothing of them in the job table (fresh-eyes review: a
# deleted report's file name and height were still there).
_ENDED = dict(owner=None, clip_path=None, filename=None, options="{}")


@dataclass(frozen=True)
class Job:
    id: str
    state: str
    stage: str
    fraction: float
    clip_key: str
    clip_path: str | None
    filename: str | None
    options: dict
    owner: str | None
    sample: bool
    report_id: str | None
    delete_key: str | None
    code: str | None
    message: str | None
    hint: str | None
    attempts: int
    worker: str | None
    heartbeat: float | None
    created: float
    finished: float | None
    position: int = 0  # jobs ahead of this one (queued: waiting or running before it)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def data_dir() -> Path:
    return Path(setting(DATA_DIR_ENV) or "data")


def database_url() -> str:
    url = setting(DB_URL_ENV)
    if url:
        return url
    # embedded default: the jobs table in its own SQLite file beside the report store's
    return f"sqlite:///{(data_dir() / 'jobs.db').resolve()}"


def _now() -> float:
    return _dt.datetime.now(_dt.timezone.utc).timestamp()


_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(url: str) -> sa.Engine:
    with _ENGINES_LOCK:
        eng = _ENGINES.get(url)
        if eng is None:
            if url.startswith("sqlite:///"):
                Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
                eng = sa.create_engine(url, connect_args={"timeout": 30})

                @sa.event.listens_for(eng, "connect")
                def _wal(dbapi_conn, _rec):  # readers never wait for the writer
                    dbapi_conn.execute("PRAGMA journal_mode=WAL")
                    dbapi_conn.execute("PRAGMA busy_timeout=30000")
            else:
                eng = sa.create_engine(url, pool_pre_ping=True)
            metadata.create_all(eng)
            with eng.begin() as c:  # rows that ended before ended jobs dropped these
                c.execute(jobs.update().where(jobs.c.state.in_((DONE, FAILED)),
                                              jobs.c.filename.is_not(None)).values(**_ENDED))
            _ENGINES[url] = eng
        return eng


class JobTable:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine = _engine(self.url)
        self.ended_clips: list[str | None] = []  # clips of jobs failed by requeue_stale

    # --- app side ------------------------------------------------------------------------
    def submit(self, job_id: str, *, clip_key: str, clip_path: str | None, filename: str | None,
               options: dict, owner: str | None, sample: bool) -> tuple[Job, bool]:
        """Add a queued job, or return the existing one of ``job_id``: (job, added). A job
        that failed or whose report is gone may be submitted again (it is queued afresh)."""
        try:
            return self._submit(job_id, clip_key, clip_path, filename, options, owner, sample)
        except sa.exc.IntegrityError:  # the same job submitted at the same moment elsewhere
            return self.get(job_id), False

    def _submit(self, job_id, clip_key, clip_path, filename, options, owner, sample):
        now = _now()
        with self.engine.begin() as c:
            row = c.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
            if row is not None and row["state"] in ACTIVE:
                return self._job(c, row), False
            values = dict(state=QUEUED, stage="Waiting in the queue", fraction=0.0,
                          clip_key=clip_key, clip_path=clip_path, filename=filename,
                          options=json.dumps(options, sort_keys=True), owner=owner,
                          sample=sample, report_id=None, delete_key=None, code=None,
                          message=None, hint=None, attempts=0, worker=None, heartbeat=None,
                          created=now, finished=None, seq=now)
            if row is None:
                c.execute(jobs.insert().values(id=job_id, **values))
            else:
                c.execute(jobs.update().where(jobs.c.id == job_id).values(**values))
            return self._job(c, c.execute(sa.select(jobs).where(jobs.c.id == job_id))
                             .mappings().one()), True

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
            return None if row is None else self._job(c, row)

    def active_for(self, owner: str) -> Job | None:
        """The newest queued or running job of browser ``owner`` (None if none): a page
        reloaded during an analysis finds it again."""
        if not owner:
            return None
        with self.engine.connect() as c:
            row = c.execute(sa.select(jobs).where(jobs.c.owner == owner,
                                                  jobs.c.state.in_(ACTIVE))
                            .order_by(jobs.c.seq.desc()).limit(1)).mappings().first()
            return None if row is None else self._job(c, row)

    def take_delete_key(self, job_id: str) -> str | None:
        """The delete key of a finished job's report, once (it is cleared from the row)."""
        with self.engine.begin() as c:
            key = c.execute(sa.select(jobs.c.delete_key).where(jobs.c.id == job_id)).scalar()
            if key:
                c.execute(jobs.update().where(jobs.c.id == job_id).values(delete_key=None))
            return key

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as c:
            rows = c.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state))
            return {s: n for s, n in rows}

    def _job(self, c, row) -> Job:
        d = dict(row)
        d["options"] = json.loads(d["options"] or "{}")
        d["sample"] = bool(d["sample"])
        d.pop("seq", None)
        pos = 0
        if row["state"] == QUEUED:
            pos = c.execute(sa.select(sa.func.count()).select_from(jobs).where(
                sa.or_(jobs.c.state == RUNNING,
                       sa.and_(jobs.c.state == QUEUED, jobs.c.seq < row["seq"])))).scalar() or 0
        return Job(position=int(pos), **d)

    # --- worker side ---------------------------------------------------------------------
    def claim(self, worker: str, job_id: str | None = None) -> Job | None:
        """Mark a queued job running for ``worker``: ``job_id`` (Celery delivered it), or the
        oldest queued one (embedded queue). None when there is nothing to do."""
        now = _now()
        with self.engine.begin() as c:
            q = sa.select(jobs.c.id).where(jobs.c.state == QUEUED)
            if job_id is not None:
                # a redelivered job may still say "running" for the killed worker
                q = sa.select(jobs.c.id).where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE))
            jid = c.execute(q.order_by(jobs.c.seq).limit(1)).scalar()
            if jid is None:
                return None
            res = c.execute(jobs.update().where(jobs.c.id == jid, jobs.c.state.in_(ACTIVE),
                                                sa.or_(jobs.c.worker.is_(None),
                                                       jobs.c.worker != worker,
                                                       jobs.c.state == QUEUED))
                            .values(state=RUNNING, worker=worker, heartbeat=now,
                                    attempts=jobs.c.attempts + 1, stage="Starting",
                                    fraction=0.0))
            if res.rowcount != 1:
                return None
            return self._job(c, c.execute(sa.select(jobs).where(jobs.c.id == jid))
                             .mappings().one())

    def progress(self, job_id: str, worker: str, stage: str, fraction: float) -> None:
        with self.engine.begin() as c:
            c.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.worker == worker,
                                          jobs.c.state == RUNNING)
                      .values(stage=stage[:80], fraction=float(fraction), heartbeat=_now()))

    def finish(self, job_id: str, *, report_id: str, delete_key: str | None) -> None:
        with self.engine.begin() as c:
            c.execute(jobs.update().where(jobs.c.id == job_id).values(
                state=DONE, stage="Done", fraction=1.0, report_id=report_id,
                delete_key=delete_key, finished=_now(), **_ENDED))

    def fail(self, job_id: str, code: str, message: str, hint: str = "") -> None:
        with self.engine.begin() as c:
            c.execute(jobs.update().where(jobs.c.id == job_id).values(
                state=FAILED, code=code, message=message, hint=hint, finished=_now(),
                **_ENDED))

    def requeue_stale(self, lease_s: float = LEASE_S) -> list[str]:
        """Running jobs whose worker has been silent for ``lease_s`` go back in the queue
        (or fail after :data:`MAX_ATTEMPTS`). Returns the ids requeued."""
        cutoff = _now() - lease_s
        with self.engine.begin() as c:
            stale = c.execute(sa.select(jobs.c.id, jobs.c.attempts, jobs.c.clip_path).where(
                jobs.c.state == RUNNING, jobs.c.heartbeat < cutoff)).all()
            back = []
            for jid, attempts, clip_path in stale:
                if attempts >= MAX_ATTEMPTS:
                    self.ended_clips.append(clip_path)
                    c.execute(jobs.update().where(jobs.c.id == jid).values(
                        state=FAILED, code="worker_lost",
                        message="The analysis stopped several times on our side.",
                        hint="Please try again later, or with a shorter clip.",
                        finished=_now(), **_ENDED))
                else:
                    c.execute(jobs.update().where(jobs.c.id == jid, jobs.c.state == RUNNING,
                                                  jobs.c.heartbeat < cutoff)
                              .values(state=QUEUED, stage="Waiting in the queue", worker=None,
                                      fraction=0.0))
                    back.append(jid)
            return back
