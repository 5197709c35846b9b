"""Analysis jobs through real worker processes (``python -m core worker``), no mocks.

Embedded queue (jobs table in a fresh data folder): bad input fails with the same friendly
message as the engine gives directly and is not retried; queued jobs and their order survive
a restart of the app; a worker SIGKILLed mid-job leaves its job to the next worker, which
saves the report (with its media) for the owner and deletes the stored clip. With Redis
installed, the same bad-input rule is checked through Celery.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, SIDE_CLIP
from tests.services import SERVERS, WORKERS

from core import jobs
from core.errors import FormCheckError
from core.jobs import state
from core.video import probe

OWNER = "A" * 32  # a browser token (32 url-safe characters)


@pytest.fixture
def jobs_env(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMCHECK_WORKERS", "0")  # workers are started by the test
    monkeypatch.delenv("FORMCHECK_BROKER_URL", raising=False)
    monkeypatch.setenv("FORMCHECK_SECRETS", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("FORMCHECK_JOB_LEASE_S", "4")
    return tmp_path


def worker(env_extra: dict | None = None, *args: str) -> subprocess.Popen:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "core", "worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for(pred, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def friendly(path: Path) -> FormCheckError:
    with pytest.raises(FormCheckError) as e:
        probe(path)
    return e.value


@WORKERS
def test_bad_input_fails_with_the_friendly_message_and_is_not_retried(jobs_env):
    junk = b"this is not a video at all" * 40
    job = jobs.submit_clip(junk, "holiday.mp4", {}, "k" * 64, owner=OWNER)
    assert job.state == jobs.QUEUED and Path(job.clip_path).is_file()
    expected = friendly(Path(job.clip_path))
    proc = worker(None, "--embedded", "--once")
    out = proc.communicate(timeout=120)[0].decode(errors="replace")
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    done = jobs.status(job.id)
    assert done.state == jobs.FAILED
    assert (done.code, done.message, done.hint) == (expected.code, expected.message, expected.hint)
    assert done.attempts == 1 and done.owner is None
    assert not Path(job.clip_path).exists()  # the clip is kept only until its job ends


@WORKERS
def test_queued_jobs_and_their_order_survive_an_app_restart(jobs_env):
    ids = [jobs.submit_clip(f"not a video {i}".encode() * 50, f"c{i}.mp4", {}, f"{i}" * 64,
                            owner=OWNER).id for i in range(3)]
    again = jobs.submit_clip(b"not a video 0" * 50, "c0.mp4", {}, "0" * 64, owner=OWNER)
    assert again.id == ids[0]  # the same clip and options: the same job, not a second one
    state._ENGINES.clear()  # a fresh app process: nothing but the database
    fresh = state.JobTable()
    assert [fresh.get(i).position for i in ids] == [0, 1, 2]
    assert all(fresh.get(i).state == state.QUEUED for i in ids)
    proc = worker(None, "--embedded", "--once")
    proc.communicate(timeout=180)
    assert [jobs.status(i).state for i in ids] == [jobs.FAILED] * 3


def test_a_job_whose_workers_keep_dying_is_failed_in_words_and_its_clip_removed(jobs_env):
    job = jobs.submit_clip(b"whatever kills workers" * 40, "k.mp4", {}, "d" * 64, owner=OWNER)
    tab = jobs.table()
    for attempt in range(1, state.MAX_ATTEMPTS + 1):
        claimed = tab.claim(f"host:{1000 + attempt}")  # a worker takes it, then goes silent
        assert claimed.id == job.id and claimed.attempts == attempt
        jobs.requeue_stale(tab, lease_s=-1)  # its lease has run out
    ended = jobs.status(job.id)
    assert ended.state == jobs.FAILED and ended.code == "worker_lost"
    assert ended.message and ended.hint and ended.owner is None
    assert not Path(job.clip_path).exists()


@pytest.mark.slow
def test_a_store_that_cannot_save_fails_the_job_in_words(jobs_env, monkeypatch):
    """The analysis is done but the store cannot take the report (here its media folder
    would have to be made inside a file): the job ends failed with the store's own friendly
    message and the clip is removed, the worker goes on (it escaped before, leaving the page
    at "Saving your report")."""
    job = jobs.submit_clip(SIDE_CLIP.read_bytes(), SIDE_CLIP.name, {"write_video": False},
                           "m" * 64, owner=OWNER)
    blocker = jobs_env / "not-a-folder"  # after the upload: the store breaks while it runs
    blocker.write_text("a file where the media folder should go")
    monkeypatch.setenv("FORMCHECK_MEDIA_URL", str(blocker / "media"))
    tab = jobs.table()
    claimed = tab.claim("test-worker")
    assert claimed is not None and claimed.id == job.id
    assert jobs.run_job(claimed, "test-worker", tab) == jobs.FAILED
    ended = jobs.status(job.id)
    assert ended.state == jobs.FAILED and ended.code != "engine_error", ended
    assert ended.message and "Traceback" not in ended.message and "/" not in ended.message
    assert ended.hint
    assert not Path(job.clip_path).exists()


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_it_to_the_next(jobs_env):
    if not SIDE_CLIP.is_file():
        pytest.skip("shared clip missing")
    from core.store import open_store

    job = jobs.submit_clip(SIDE_CLIP.read_bytes(), SIDE_CLIP.name, {"write_video": True},
                           "s" * 64, owner=OWNER)
    first = worker(None, "--embedded")
    try:
        wait_for(lambda: (j := jobs.status(job.id)).state == jobs.RUNNING and j.fraction > 0.1,
                 180, "the first worker to be mid-job")
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pose helpers
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert jobs.status(job.id).state == jobs.RUNNING  # nobody has it now: lease runs out
    second = worker(None, "--embedded", "--once")
    out = second.communicate(timeout=300)[0].decode(errors="replace")
    done = jobs.status(job.id)
    assert done.state == jobs.DONE, (done, out[-2000:])
    assert done.attempts == 2
    assert not Path(job.clip_path).exists()
    store = open_store()
    stored = store.get(done.report_id, jobs.take_delete_key(job.id))
    assert stored is not None and stored.report["status"] in ("ok", "limited")
    assert store.find_clip(OWNER, "s" * 64) == done.report_id  # saved for the owner
    assert stored.media_file(stored.report["media"]["video"]) is not None
    assert jobs.take_delete_key(job.id) is None  # handed over once
    # A re-upload of the same clip with the same options in the same browser reuses it.
    again = jobs.submit_clip(SIDE_CLIP.read_bytes(), SIDE_CLIP.name, {"write_video": True},
                             "s" * 64, owner=OWNER)
    assert (again.id, again.state, again.report_id) == (job.id, jobs.DONE, done.report_id)
    assert not Path(job.clip_path).exists()  # nothing stored again for it


@pytest.fixture
def redis_url(jobs_env):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server not installed (scripts/services.sh redis installs it)")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    wait_for(lambda: _ping(redis, url), 20, "redis")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _ping(redis, url) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except Exception:  # noqa: BLE001
        return False


@SERVERS
def test_bad_input_through_celery_is_failed_friendly_and_not_retried(redis_url, monkeypatch):
    monkeypatch.setenv("FORMCHECK_BROKER_URL", redis_url)
    for mod in [m for m in sys.modules if m.startswith("core.jobs.celery_app")]:
        del sys.modules[mod]
    job = jobs.submit_clip(b"RIFF....AVI not really" * 30, "x.avi", {}, "c" * 64, owner=OWNER)
    expected = friendly(Path(job.clip_path))
    proc = worker({"FORMCHECK_BROKER_URL": redis_url})
    try:
        done = wait_for(lambda: (j := jobs.status(job.id)).state == jobs.FAILED and j, 120,
                        "the Celery worker to fail the job")
        assert (done.message, done.hint) == (expected.message, expected.hint)
        time.sleep(2)  # a retry would show as a second attempt
        assert jobs.status(job.id).attempts == 1
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    for mod in [m for m in sys.modules if m.startswith("core.jobs.celery_app")]:
        del sys.modules[mod]


def test_an_ended_job_keeps_nothing_that_describes_the_runner(jobs_env):
    """Done or failed, a job row drops the clip's file name, the options (the height), the
    owner's token and the upload: the report carries them while the runner keeps it, so
    deleting the report leaves none of them behind (real SQLite job table)."""
    tab = state.JobTable()
    opts = {"height_cm": 175.0, "length_unit": "cm"}
    for jid, end in (("j-done", "finish"), ("j-failed", "fail")):
        job, added = tab.submit(jid, clip_key="k-" + jid, clip_path=None,
                                filename="Jane Doe 5k.mp4", options=opts, owner=OWNER,
                                sample=False)
        assert added and job.filename == "Jane Doe 5k.mp4" and job.options == opts
        if end == "finish":
            tab.finish(jid, report_id="r" * 32, delete_key=None)
        else:
            tab.fail(jid, "not_video", "This file is not a video we can read.")
        ended = tab.get(jid)
        assert ended.state in (state.DONE, state.FAILED)
        assert ended.filename is None and ended.options == {} and ended.owner is None


def test_jobs_that_ended_before_are_cleared_when_the_table_opens(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    eng = sa.create_engine(url)
    state.metadata.create_all(eng)
    row = dict(seq=1.0, stage="Done", fraction=1.0, clip_key="k", clip_path=None,
               options='{"height_cm": 175.0}', owner=None, sample=False, attempts=1,
               created=1.0, finished=2.0)
    with eng.begin() as c:  # as the code before left them
        c.execute(state.jobs.insert().values(id="old-done", state=state.DONE,
                                             filename="Jane Doe 5k.mp4", **row))
        c.execute(state.jobs.insert().values(id="old-queued", state=state.QUEUED,
                                             filename="waiting.mp4", **row))
    eng.dispose()
    tab = state.JobTable(url)
    done, queued = tab.get("old-done"), tab.get("old-queued")
    assert done.filename is None and done.options == {}
    assert queued.filename == "waiting.mp4" and queued.options == {"height_cm": 175.0}


def test_output_folders_of_killed_workers_are_swept(tmp_path, monkeypatch):
    """A SIGKILLed worker's output folder (its stills and video) is removed once it is older
    than any analysis; a running job's fresh one, and anything not a job's, is left alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh = tmp_path / "job-abc-old1", tmp_path / "job-def-new1"
    other = tmp_path / "jobless-folder"
    for d in (old, fresh, other):
        d.mkdir()
        (d / "annotated.mp4").write_bytes(b"x")
    stale = time.time() - jobs.STALE_OUTPUT_S - 60
    os.utime(old, (stale, stale))
    os.utime(other, (stale, stale))
    assert jobs.sweep_stale_outputs() == 1
    assert not old.exists() and fresh.is_dir() and other.is_dir()
