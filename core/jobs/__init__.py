"""Analysis jobs: the app stores the clip and enqueues a job; a worker runs it and saves the
report for its owner. One client API for both set-ups:

    submit_clip(data | path, filename, options, clip_key, owner=..., sample=...) -> Job
    submit_session([(data, filename), ...], options, clip_key, owner=...) -> Job
                                             several clips of one session, one job: analysed
                                             one after the other, merged into one report
    status(job_id) -> Job | None             state, stage, fraction, queue position, result
    take_delete_key(job_id) -> str | None    the new report's delete key, once

* **Embedded** (default, no service): the jobs table (:mod:`core.jobs.state`, SQLite in the
  data folder) is the queue, and :class:`core.jobs.local.EmbeddedPool` runs one
  ``python -m core worker`` process per core beside the app.
* **Scaled**: with ``FORMCHECK_BROKER_URL`` (environment, or ``broker_url`` in
  ``.streamlit/secrets.toml``) each job id goes to Celery on that broker (Redis) and
  ``python -m core worker`` / ``celery -A core.jobs worker`` on any machine runs it; the app
  never runs pose itself then. Job state stays in the jobs table, which every worker reaches
  through ``FORMCHECK_DATABASE_URL``.

Semantics: a worker killed mid-job -> the job is handed to another worker (Celery: acks_late
+ reject_on_worker_lost; embedded: its heartbeat lease runs out); bad input
(:class:`core.errors.FormCheckError`) -> ``failed`` with the friendly message, never retried;
queued jobs are rows (and broker messages), so they survive an app restart; the stored clip
is deleted when its job ends.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

from ..errors import FormCheckError
from ..settings import setting
from .state import ACTIVE, DONE, FAILED, QUEUED, RUNNING, Job, JobTable, data_dir  # noqa: F401

log = logging.getLogger("formcheck.jobs")

BROKER_ENV = "FORMCHECK_BROKER_URL"
SAMPLE_KEEP_DAYS = 30
HEARTBEAT_S = 3.0


def broker_url() -> str | None:
    """The Celery broker URL when jobs go to a queue service, else None (embedded)."""
    return setting(BROKER_ENV, "broker_url")


def table() -> JobTable:
    return JobTable()


def clips_dir() -> Path:
    """Where uploaded clips wait for their job when media are kept in a local folder (workers
    on this machine). With media in S3 the clip goes there instead (:func:`_clip_ref`), so a
    worker on any machine can fetch it."""
    return data_dir() / "jobs" / "clips"


MEDIA_CLIP = "media:"  # a job's clip_path with this prefix names a key of the media store
CLIPS_KEY = "_jobclips"  # media prefix of waiting clips (never a report id, never swept as one)
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")


def _remote_media():
    """The configured media store when it is remote (S3), else None."""
    from ..store import open_media

    media = open_media()
    return None if media.local else media


def _clip_ref(clip: Path, jid: str, filename: str | None) -> str:
    """What the job records as its clip: the local path, or (media in S3) the media key the
    clip was uploaded to, under its own name so the report keeps the file name."""
    remote = _remote_media()
    if remote is None:
        return str(clip.resolve())
    name = filename if filename and _SAFE_NAME.fullmatch(filename) else "clip" + (
        clip.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", clip.suffix.lower()) else ".mp4")
    key = f"{CLIPS_KEY}/{jid}/{name}"
    remote.put_file(clip, key)
    shutil.rmtree(clip.parent, ignore_errors=True)  # the bytes live in the object store now
    return MEDIA_CLIP + key


def _clip_file(clip_path: str | None) -> Path | None:
    """A local file with the job's clip (fetched from the media store when it lives there)."""
    if not clip_path:
        return None
    if clip_path.startswith(MEDIA_CLIP):
        from ..store import open_media

        return open_media().local_path(clip_path[len(MEDIA_CLIP):])
    path = Path(clip_path)
    return path if path.is_file() else None


def job_id_for(clip_key: str, owner: str | None, sample: bool = False) -> str:
    """Same clip + options (+ same browser) -> same job: a re-upload reuses its result."""
    import hashlib

    who = "sample" if sample else (owner or "")
    return hashlib.sha256(f"{clip_key}|{who}".encode()).hexdigest()[:40]


def submit_clip(source: bytes | Path, filename: str | None, options: dict, clip_key: str, *,
                owner: str | None, sample: bool = False) -> Job:
    """Store the clip (bytes are written into the job folder; a path is used as it is) and
    queue its job, unless the same job is already queued or running."""
    jid = job_id_for(clip_key, owner, sample)
    tab = table()
    existing = tab.get(jid)
    if existing is not None and (existing.active or _still_stored(existing, owner)):
        return existing  # queued, running, or done with its report still in the store
    if isinstance(source, (bytes, bytearray)):
        folder = clips_dir() / jid
        folder.mkdir(parents=True, exist_ok=True)
        clip = folder / (filename or "clip.mp4")
        tmp = folder / f".{clip.name}.part"
        tmp.write_bytes(source)
        os.replace(tmp, clip)
        ref = _clip_ref(clip, jid, filename)
    else:
        ref = str(Path(source).resolve())  # a file the workers can read (the sample)
    job, added = tab.submit(jid, clip_key=clip_key, clip_path=ref,
                            filename=filename, options=options, owner=owner, sample=sample)
    if added:
        _dispatch(jid)
    return job


SESSION_CLIPS = "session_clips"  # job option: the other clips of a session (refs, as clip_path)
SESSION_NAMES = "session_names"  # job option: every clip's file name, in order
MERGE_INTO = "merge_into"  # job option: id of the owner's stored report the clip is added to


def submit_session(sources: list[tuple[bytes, str]], options: dict, clip_key: str, *,
                   owner: str | None) -> Job:
    """Queue one job for several clips of one session (a side clip and a back or front
    clip): the first is the job's clip, the others are stored beside it and named in its
    options (:data:`SESSION_CLIPS`); the worker analyses them one after the other and merges
    the reports (:func:`core.session.analyze_session`)."""
    if len(sources) < 2:
        data, name = sources[0]
        return submit_clip(data, name, options, clip_key, owner=owner)
    jid = job_id_for(clip_key, owner)
    tab = table()
    existing = tab.get(jid)
    if existing is not None and (existing.active or _still_stored(existing, owner)):
        return existing
    folder = clips_dir() / jid
    refs: list[str] = []
    for i, (data, name) in enumerate(sources[1:], start=2):
        sub = folder / f"x{i}"
        sub.mkdir(parents=True, exist_ok=True)
        clip = sub / name
        clip.write_bytes(data)
        refs.append(_clip_ref(clip, jid, f"{i}-{name}"))
    data, name = sources[0]
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / name
    tmp = folder / f".{clip.name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, clip)
    ref = _clip_ref(clip, jid, name)  # last: with media in S3 this removes the local folder
    opts = {**options, SESSION_CLIPS: refs, SESSION_NAMES: [n for _, n in sources]}
    job, added = tab.submit(jid, clip_key=clip_key, clip_path=ref, filename=name,
                            options=opts, owner=owner, sample=False)
    if added:
        _dispatch(jid)
    return job


def _still_stored(job: Job, owner: str | None) -> bool:
    if job.state != DONE or not job.report_id:
        return False
    from ..store import open_store

    try:
        store = open_store()
        if job.sample:
            return store.find_sample(job.clip_key) == job.report_id
        return bool(owner) and store.find_clip(owner, job.clip_key) == job.report_id
    except Exception:  # noqa: BLE001 - when in doubt, analyse again
        return False


def _dispatch(jid: str) -> None:
    if broker_url():
        from .celery_app import analyse_task

        analyse_task.delay(jid)
    else:
        from .local import pool

        pool().ensure()


def status(job_id: str) -> Job | None:
    return table().get(job_id)


def active_for(owner: str) -> Job | None:
    """The newest queued or running job of browser ``owner``, or None."""
    return table().active_for(owner)


def take_delete_key(job_id: str) -> str | None:
    return table().take_delete_key(job_id)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def requeue_stale(tab: JobTable, lease_s: float | None = None) -> list[str]:
    """Hand jobs of silent (killed) workers on; remove the clips of those given up on."""
    back = tab.requeue_stale() if lease_s is None else tab.requeue_stale(lease_s)
    while tab.ended_clips:
        _remove_clip_path(tab.ended_clips.pop())
    return back


def _remove_clip(job: Job) -> None:
    _remove_clip_path(job.clip_path)


def _remove_clip_path(path: str | None) -> None:
    if not path:
        return
    if path.startswith(MEDIA_CLIP):  # uploaded to the media store: remove it there
        from ..store import open_media

        key = path[len(MEDIA_CLIP):]
        if key.startswith(CLIPS_KEY + "/"):
            with contextlib.suppress(Exception):  # a sweep may come later; never fail a job
                open_media().delete(key.rsplit("/", 1)[0])
        return
    clip = Path(path)
    try:
        inside = clip.resolve().is_relative_to(clips_dir().resolve())
    except OSError:
        inside = False
    if inside:  # only clips we stored (never the shipped sample clip)
        shutil.rmtree(clip.parent, ignore_errors=True)


class _Heartbeat:
    """Keeps the job's lease while the engine works (a killed worker stops renewing it)."""

    def __init__(self, tab: JobTable, job_id: str, worker: str) -> None:
        self.tab, self.job_id, self.worker = tab, job_id, worker
        self.stage, self.fraction = "Starting", 0.0
        self._last = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)
        self._thread.start()

    def update(self, stage: str, fraction: float) -> None:
        self.stage, self.fraction = stage, fraction
        now = time.monotonic()
        if now - self._last > 0.4 or fraction >= 1.0:
            self._last = now
            self.tab.progress(self.job_id, self.worker, stage, fraction)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                self.tab.progress(self.job_id, self.worker, self.stage, self.fraction)
            except Exception:  # noqa: BLE001 - try again on the next beat
                log.warning("heartbeat failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()


def _add_to_stored(report_id: str, job: Job, clip: Path, opts, out: Path, progress) -> dict:
    """The owner's stored report ``report_id`` merged with ``clip`` (core.session.add_clip)."""
    from ..session import add_clip
    from ..store import Proof, open_store

    stored = open_store().get(report_id, Proof(owner=job.owner)) if job.owner else None
    if stored is None:
        raise FormCheckError("missing", "The report to add this clip to is no longer there.",
                             "Analyse both clips together on the Analyze page.")
    return add_clip(stored.report, stored.media_file, clip, opts, out, progress,
                    name=job.filename)


OUTPUT_PREFIX = "job-"  # a running job's output folder in the temp folder: job-<id>-XXXX
STALE_OUTPUT_S = 6 * 3600  # one this old is a killed worker's (an analysis takes minutes)
_swept = False


def sweep_stale_outputs(now: float | None = None) -> int:
    """Remove job output folders (evidence stills, the annotated video) left in the temp
    folder by workers killed mid-job (SIGKILL, a machine's reboot skips no ``finally``): those
    untouched for :data:`STALE_OUTPUT_S`. Returns how many were removed."""
    cutoff = (time.time() if now is None else now) - STALE_OUTPUT_S
    removed = 0
    for p in Path(tempfile.gettempdir()).glob(f"{OUTPUT_PREFIX}*"):
        try:
            if p.is_dir() and not p.is_symlink() and p.stat().st_mtime < cutoff:
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _save(report: dict, out: Path, job: Job) -> tuple[str, str | None]:
    """Store the job's report (the sample once for everyone; a runner's once per clip and
    options): its id and the delete key of a new one."""
    from ..store import open_store

    store = open_store()
    if job.sample:
        return store.find_sample(job.clip_key) or store.save(
            report, out, clip_key=job.clip_key, sample=True, expire_days=SAMPLE_KEEP_DAYS).id, None
    rid = store.find_clip(job.owner, job.clip_key) if job.owner else None
    if rid is not None:
        return rid, None
    saved = store.save(report, out, owner=job.owner, clip_key=job.clip_key)
    return saved.id, saved.delete_key


def run_job(job: Job, worker: str, tab: JobTable | None = None) -> str:
    """Run a claimed job to its end: analyse, save the report for its owner (or as the
    unowned sample), mark it done; bad input marks it failed with the friendly message."""
    from ..pipeline import AnalysisOptions, analyze
    from ..session import analyze_session
    from ..store import StoreError

    global _swept
    if not _swept:  # once per worker process
        _swept = True
        if n := sweep_stale_outputs():
            log.info("removed %d output folders of jobs whose workers were killed", n)
    tab = tab or table()
    beat = _Heartbeat(tab, job.id, worker)
    out = Path(tempfile.mkdtemp(prefix=f"{OUTPUT_PREFIX}{job.id[:10]}-"))
    try:
        try:
            options = dict(job.options)
            others = options.pop(SESSION_CLIPS, None) or []
            names = options.pop(SESSION_NAMES, None)
            merge_into = options.pop(MERGE_INTO, None)
            opts = AnalysisOptions(**options)
            clips = [_clip_file(ref) for ref in [job.clip_path, *others]]
            if any(c is None for c in clips):
                raise FormCheckError("missing", "The uploaded clip is no longer there.",
                                     "Upload it again.")
            if merge_into:  # one more clip for a stored report: a new, merged report
                report = _add_to_stored(merge_into, job, clips[0], opts, out, beat.update)
            elif others:  # a session: each clip in turn, then one merged report
                report = analyze_session(clips, opts, out, beat.update, names=names)
            else:
                report = analyze(clips[0], opts, out, beat.update)
        except FormCheckError as e:
            tab.fail(job.id, e.code, e.message, e.hint)
            _remove_clip(job)
            return FAILED
        except Exception as e:  # noqa: BLE001 - an engine bug must not loop through workers
            log.exception("job %s failed", job.id)
            tab.fail(job.id, "engine_error",
                     f"Something went wrong on our side ({type(e).__name__}).",
                     "Please try again, or report it.")
            _remove_clip(job)
            return FAILED
        beat.update("Saving your report", 0.99)
        try:
            rid, delete_key = _save(report, out, job)
        except StoreError as e:
            # the store is full, locked or unreachable: the job ends with that reason (it
            # escaped before, ending the worker and leaving the page at "Saving your report"
            # until a restart failed the job as "stopped several times": review, 4 Dec)
            log.exception("job %s: the report could not be saved", job.id)
            tab.fail(job.id, e.code, e.message, e.hint)
            _remove_clip(job)
            return FAILED
        tab.finish(job.id, report_id=rid, delete_key=delete_key)
        _remove_clip(job)
        return DONE
    finally:
        beat.stop()
        shutil.rmtree(out, ignore_errors=True)


def __getattr__(name: str):
    """``celery -A core.jobs worker`` finds the Celery app here (made on first use)."""
    if name in ("app", "celery"):
        from .celery_app import app

        return app
    raise AttributeError(name)
