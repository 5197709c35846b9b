"""The Celery side of :mod:`core.jobs` (only imported when a broker is configured).

Only the job id travels through the broker; the clip, options and owner are in the jobs
table. ``acks_late`` + ``reject_on_worker_lost``: a job whose worker process is killed goes
back to the queue at once and another worker finishes it; a whole worker host that vanishes
leaves its message unacknowledged, and Redis hands it out again after the visibility timeout
(``FORMCHECK_VISIBILITY_TIMEOUT``, default 3600 s). Bad input is not an exception here: the
job is marked failed with the friendly message and the task ends normally, so it is never
retried.
"""
from __future__ import annotations

import logging
import os
import time

from celery import Celery
from celery.signals import worker_process_init

from . import broker_url, requeue_stale, run_job, table, worker_name
from .state import DONE, FAILED, LEASE_S, RUNNING

log = logging.getLogger("formcheck.jobs")

app = Celery("formcheck", broker=broker_url() or "redis://127.0.0.1:6379/0")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": int(os.environ.get("FORMCHECK_VISIBILITY_TIMEOUT", "3600"))},
    worker_hijack_root_logger=False,
)


@worker_process_init.connect
def _warm(**_kw) -> None:
    os.environ.setdefault("GLOG_minloglevel", "2")


@app.task(name="formcheck.analyse", bind=True, acks_late=True, reject_on_worker_lost=True)
def analyse_task(self, job_id: str) -> str:
    tab = table()
    me = worker_name()
    deadline = time.monotonic() + 6 * 3600
    while True:
        job = tab.get(job_id)
        if job is None or job.state in (DONE, FAILED):
            return job.state if job else "gone"
        if job.state == RUNNING and job.worker != me and job.heartbeat is not None \
                and time.time() - job.heartbeat < LEASE_S and time.monotonic() < deadline:
            time.sleep(1.0)  # another worker holds it (a duplicate delivery): wait for its
            continue         # result, or for its lease to run out if it was killed
        if job.state == RUNNING:
            requeue_stale(tab)
        claimed = tab.claim(me, job_id)
        if claimed is None:
            time.sleep(0.5)
            continue
        return run_job(claimed, me, tab)
