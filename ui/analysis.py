"""Running the engine for the Analyze page, with a per-clip result cache.

A result is keyed by the SHA-256 of the clip's bytes plus the analysis options, so pressing
"Analyse" again (or any rerun of the page) for the same clip and options never re-runs the
pose model. Results (report + media folder) live in a small in-process LRU shared by all
sessions; an evicted or deleted result's media folder is removed. At most
``FORMCHECK_PARALLEL_ANALYSES`` (default 1) analyses run at once, others wait their turn.

The uploaded clip itself is written to a private temporary folder only for the duration of
the analysis and deleted right after.

Jobs: the Analyze page does not run the engine in the Streamlit server. :func:`submit_upload`
and :func:`submit_sample` store the clip and enqueue a job (:mod:`core.jobs`: an embedded
worker pool beside the app by default, Celery workers with ``FORMCHECK_BROKER_URL``); the
page polls :func:`job_status` for the queue position and stage progress and, when the job is
done, :func:`open_job` opens the report the worker saved for this browser. A result already
in this process's cache (below) is saved directly without a job.

Sessions: :func:`submit_session` queues several clips of one session (a side clip and a
back or front clip) as one job; the worker analyses them one after the other and merges them
(:mod:`core.session`). The report is keyed by every clip's digest in order plus the options
(:func:`session_key`).

Saving: an upload's report is stored for this browser (:func:`ui.session.browser_token`)
with its cache key, so the same clip with the same options in the same browser opens the
existing report instead of adding a copy (:func:`find_saved`, :func:`save`). The sample
clip's report is nobody's run: it is stored once per installation and options as an
unowned, never-listed sample row and opened read-only (:func:`save_sample`).
"""
from __future__ import annotations

import atexit
import dataclasses
import hashlib
import importlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import jobs, pipeline
from core.errors import FormCheckError
from core.pipeline import AnalysisOptions
from core.session import ClipPart, merge_reports
from core.video import probe

from . import session

log = logging.getLogger("formcheck.ui")

MAX_CACHED = 6
SAMPLE_KEEP_DAYS = 30  # a stored sample report is made afresh after this
UPLOAD_TYPES = ["mp4", "mov", "m4v", "webm", "avi"]
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Analysis:
    key: str
    report: dict
    media_dir: Path
    sample: bool = False  # the demo clip's result: not the runner's own run

    @property
    def refused(self) -> bool:
        return self.report.get("status") == "refused"


_CACHE: OrderedDict[str, Analysis] = OrderedDict()
_LOCK = threading.Lock()
_SLOTS = threading.BoundedSemaphore(max(1, int(os.environ.get("FORMCHECK_PARALLEL_ANALYSES", "1"))))
_ROOT = Path(tempfile.mkdtemp(prefix="formcheck-ui-"))
atexit.register(shutil.rmtree, _ROOT, True)


def options_key(options: AnalysisOptions) -> str:
    return json.dumps({"height_cm": options.height_cm, "length_unit": options.length_unit,
                       "view": options.view, "capture_fps": options.capture_fps,
                       **_profile(options)}, sort_keys=True)


def _profile(options: AnalysisOptions) -> dict:
    """The runner's profile fields (only those given, so keys of clips analysed without a
    profile stay what they were)."""
    out = {"speed_mps": options.speed_mps, "sex": options.sex, "experience": options.experience}
    out = {k: v for k, v in out.items() if v is not None}
    if options.speed_mps is not None:
        out["speed_given"] = options.speed_given
    return out


def clip_key(digest: str, options: AnalysisOptions) -> str:
    return hashlib.sha256(f"{digest}|{options_key(options)}".encode()).hexdigest()


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cached(key: str) -> Analysis | None:
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
        return hit


def _put(result: Analysis) -> None:
    with _LOCK:
        _CACHE[result.key] = result
        _CACHE.move_to_end(result.key)
        while len(_CACHE) > MAX_CACHED:
            _, old = _CACHE.popitem(last=False)
            shutil.rmtree(old.media_dir, ignore_errors=True)


def drop(key: str) -> None:
    """Forget a cached result and remove its media (after the runner deleted the report)."""
    with _LOCK:
        old = _CACHE.pop(key, None)
    if old is not None:
        shutil.rmtree(old.media_dir, ignore_errors=True)


def safe_filename(name: str | None) -> str:
    """A harmless file name that keeps the original's look (it is shown in the report)."""
    base = Path(name or "clip.mp4").name
    base = re.sub(r"[^\w .()+-]", "_", base).strip(" .") or "clip.mp4"
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() not in UPLOAD_TYPES:
        base = f"{base}.mp4"
    return base[-120:]


def _run(key: str, clip: Path, options: AnalysisOptions, progress: Progress) -> Analysis:
    """Run the engine on ``clip`` (or return the cached result of ``key``)."""
    hit = cached(key)
    if hit is not None:
        return hit
    if not _SLOTS.acquire(blocking=False):
        progress("Waiting for another analysis to finish", 0.0)
        _SLOTS.acquire()
    try:
        hit = cached(key)  # finished by someone else while we waited
        if hit is not None:
            return hit
        out = Path(tempfile.mkdtemp(prefix=key[:12] + "-", dir=_ROOT))
        try:
            report = pipeline.analyze(clip, options, out, progress)
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
        result = Analysis(key, report, out)
        _put(result)
        return result
    finally:
        _SLOTS.release()


def analyse_upload(data: bytes, filename: str | None, options: AnalysisOptions,
                   progress: Progress) -> Analysis:
    """Analyse uploaded bytes; the clip is kept on disk only while the engine reads it."""
    key = clip_key(digest_bytes(data), options)
    hit = cached(key)
    if hit is not None:
        return hit
    options.validate()
    tmp = Path(tempfile.mkdtemp(prefix="upload-", dir=_ROOT))
    try:
        clip = tmp / safe_filename(filename)
        clip.write_bytes(data)
        return _run(key, clip, options, progress)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def analyse_path(path: Path, options: AnalysisOptions, progress: Progress) -> Analysis:
    """Analyse a clip already on disk (the sample clip)."""
    options.validate()
    return _run(clip_key(digest_file(path), options), path, options, progress)


def _sample_fn() -> Callable[[], object] | None:
    try:
        fn = getattr(importlib.import_module("core.synthetic"), "sample_clip_path", None)
    except Exception:  # noqa: BLE001 - a missing or broken module must not break the page
        log.warning("core.synthetic not importable", exc_info=True)
        return None
    return fn if callable(fn) else None


def sample_available() -> bool:
    """Whether this installation can provide the demo clip (cheap: nothing is rendered)."""
    return _sample_fn() is not None


def sample_clip() -> Path | None:
    """The rendered demo clip of :mod:`core.synthetic` (rendered on first use, which takes a
    while), or None when it cannot be provided."""
    fn = _sample_fn()
    if fn is None:
        return None
    try:
        path = Path(fn())
    except Exception:  # noqa: BLE001
        log.warning("sample clip could not be prepared", exc_info=True)
        return None
    return path if path.is_file() else None


def analyse_sample(options: AnalysisOptions, progress: Progress) -> Analysis:
    progress("Preparing the sample clip", 0.0)
    path = sample_clip()
    if path is None:
        raise FormCheckError("no_sample", "The sample clip could not be prepared.",
                             "Upload a clip of your own instead.")
    return dataclasses.replace(analyse_path(path, options, progress), sample=True)


def find_saved(data: bytes, options: AnalysisOptions) -> str | None:
    """The id of this browser's report of the same clip and options, if it has one."""
    return session.store().find_clip(session.browser_token(),
                                     clip_key(digest_bytes(data), options))


def save(result: Analysis) -> str:
    """Store the result and return the report id: a sample via :func:`save_sample`, an own
    run for this browser, once per clip and options (an earlier report is reused)."""
    if result.sample:
        return save_sample(result)
    store, token = session.store(), session.browser_token()
    rid = store.find_clip(token, result.key)
    if rid is not None:
        return rid
    saved = store.save(result.report, result.media_dir, owner=token, clip_key=result.key)
    session.remember(saved.id, saved.delete_key)
    return saved.id


def save_sample(result: Analysis) -> str:
    """The stored sample report of ``result`` (stored on first use, without an owner)."""
    store = session.store()
    rid = store.find_sample(result.key)
    if rid is None:
        rid = store.save(result.report, result.media_dir, clip_key=result.key, sample=True,
                         expire_days=SAMPLE_KEEP_DAYS).id
    return rid


def open_saved(result: Analysis, report_id: str) -> None:
    """Show the report :func:`save` returned: the sample read-only, an own run as owner."""
    if result.sample:
        session.open_sample(report_id)
    else:
        session.open_report(report_id)


def forget_report(report_id: str, key: str | None) -> None:
    """After a delete: drop the cached analysis (cache key ``key``) that produced it."""
    if key:
        drop(key)
    session.forget(report_id)


# --- jobs --------------------------------------------------------------------------------

def options_dict(options: AnalysisOptions) -> dict:
    return {"height_cm": options.height_cm, "length_unit": options.length_unit,
            "view": options.view, "capture_fps": options.capture_fps,
            "write_video": options.write_video, **_profile(options)}


def submit_upload(data: bytes, filename: str | None, options: AnalysisOptions) -> str:
    """Store the upload and queue its analysis for this browser; returns the job id (the
    same clip with the same options in the same browser gives the same job)."""
    options.validate()
    key = clip_key(digest_bytes(data), options)
    name = safe_filename(filename)
    check = Path(tempfile.mkdtemp(prefix="check-", dir=_ROOT))
    try:  # junk is refused at once, in words, before it queues behind other runners
        (check / name).write_bytes(data)
        probe(check / name)
    finally:
        shutil.rmtree(check, ignore_errors=True)
    return jobs.submit_clip(data, name, options_dict(options), key,
                            owner=session.browser_token()).id


def session_key(digests: list[str], options: AnalysisOptions) -> str:
    """The cache / job key of several clips of one session (in their order) and options."""
    return hashlib.sha256(f"session|{'|'.join(digests)}|{options_key(options)}".encode()).hexdigest()


def find_saved_session(datas: list[bytes], options: AnalysisOptions) -> str | None:
    """The id of this browser's report of the same clips (in the same order) and options."""
    return session.store().find_clip(session.browser_token(),
                                     session_key([digest_bytes(d) for d in datas], options))


def merge_cached(files: list[tuple[bytes, str | None]], options: AnalysisOptions) -> Analysis | None:
    """The merged session report of ``files`` when every clip's own result is already in this
    process's cache (no job, no pose pass: the clips are not analysed again), else None."""
    parts = [cached(clip_key(digest_bytes(d), options)) for d, _ in files]
    if any(p is None for p in parts):
        return None
    key = session_key([digest_bytes(d) for d, _ in files], options)
    hit = cached(key)
    if hit is not None:
        return hit
    out = Path(tempfile.mkdtemp(prefix=key[:12] + "-", dir=_ROOT))
    clip_parts = []
    for i, (part, (_, name)) in enumerate(zip(parts, files), start=1):
        shutil.copytree(part.media_dir, out / f"c{i}")
        rep = json.loads(json.dumps(part.report))
        rep["source"]["filename"] = safe_filename(name)
        clip_parts.append(ClipPart(rep, f"c{i}"))
    result = Analysis(key, merge_reports(clip_parts), out)
    _put(result)
    return result


def submit_session(files: list[tuple[bytes, str | None]], options: AnalysisOptions) -> str:
    """Store several clips of one session (a side clip and a back or front clip) and queue
    one job that analyses them in turn and merges them into one report
    (:func:`core.jobs.submit_session`); each clip is probed first so junk is refused at once,
    naming the clip. Returns the job id."""
    options.validate()
    named: list[tuple[bytes, str]] = []
    for i, (data, filename) in enumerate(files, start=1):
        name = safe_filename(filename)
        if any(name == n for _, n in named):
            name = f"{i}-{name}"
        check = Path(tempfile.mkdtemp(prefix="check-", dir=_ROOT))
        try:
            (check / name).write_bytes(data)
            probe(check / name)
        except FormCheckError as e:
            raise FormCheckError(e.code, f"Clip {i} ({name}): {e.message}", e.hint) from e
        finally:
            shutil.rmtree(check, ignore_errors=True)
        named.append((data, name))
    key = session_key([digest_bytes(d) for d, _ in named], options)
    return jobs.submit_session(named, options_dict(options), key,
                               owner=session.browser_token()).id


def add_clip_cached(report_id: str, stored, data: bytes, filename: str | None) -> Analysis | None:
    """The merged report of this browser's stored report and one more clip, when that clip
    was already analysed in this process with the report's options (no job, no pose pass),
    else None."""
    from core.session import add_clip, options_of

    options = options_of(stored.report)
    hit = cached(clip_key(digest_bytes(data), options))
    if hit is None:
        return None
    key = hashlib.sha256(f"add|{report_id}|{digest_bytes(data)}|{options_key(options)}".encode()
                         ).hexdigest()
    out = Path(tempfile.mkdtemp(prefix=key[:12] + "-", dir=_ROOT))
    merged = add_clip(stored.report, stored.media_file, Path(safe_filename(filename)), options,
                      out, name=safe_filename(filename), analysed=(hit.report, hit.media_dir))
    result = Analysis(key, merged, out)
    _put(result)
    return result


def submit_add_clip(report_id: str, report: dict, data: bytes, filename: str | None) -> str:
    """Queue one more clip (a back or front clip) for this browser's stored one-clip report
    ``report_id``: the worker analyses it with the report's own options and saves the merged
    report as a new report (:func:`core.session.add_clip`; the stored one is not changed).
    Returns the job id."""
    from core.session import can_add_clip, options_of

    if (why := can_add_clip(report)) is not None:
        raise FormCheckError("cannot_add", why, "")
    options = options_of(report)
    options.validate()
    name = safe_filename(filename)
    check = Path(tempfile.mkdtemp(prefix="check-", dir=_ROOT))
    try:
        (check / name).write_bytes(data)
        probe(check / name)
    finally:
        shutil.rmtree(check, ignore_errors=True)
    key = hashlib.sha256(f"add|{report_id}|{digest_bytes(data)}|{options_key(options)}".encode()
                         ).hexdigest()
    return jobs.submit_clip(data, name, {**options_dict(options), jobs.MERGE_INTO: report_id},
                            key, owner=session.browser_token()).id


def submit_sample(options: AnalysisOptions) -> str:
    """Queue the sample clip's analysis (nobody's run: stored as the unowned sample)."""
    options.validate()
    path = sample_clip()
    if path is None:
        raise FormCheckError("no_sample", "The sample clip could not be prepared.",
                             "Upload a clip of your own instead.")
    return jobs.submit_clip(path, path.name, options_dict(options),
                            clip_key(digest_file(path), options), owner=None, sample=True).id


def job_status(job_id: str) -> jobs.Job | None:
    return jobs.status(job_id)


def running_job() -> jobs.Job | None:
    """This browser's analysis still queued or running (a page reloaded mid-analysis, or a
    phone that reloaded the tab, finds it again), or None."""
    try:
        return jobs.active_for(session.browser_token())
    except Exception:  # noqa: BLE001 - the page works without it
        log.warning("job table not readable", exc_info=True)
        return None


def resume_jobs() -> None:
    """Embedded mode: make sure workers run while jobs wait (e.g. after an app restart)."""
    if jobs.broker_url():
        return
    try:
        counts = jobs.table().counts()
    except Exception:  # noqa: BLE001 - the page works without the queue's numbers
        log.warning("job table not readable", exc_info=True)
        return
    if counts.get(jobs.QUEUED) or counts.get(jobs.RUNNING):
        from core.jobs.local import pool

        pool().ensure()


def open_job(job: jobs.Job) -> None:
    """Open the report a finished job saved: the sample read-only, an own run as owner
    (its delete key is handed to this session once)."""
    if job.sample:
        session.open_sample(job.report_id)
        return
    key = jobs.take_delete_key(job.id)
    if key:
        session.remember(job.report_id, key)
    session.open_report(job.report_id)
