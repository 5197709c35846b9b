"""The report store on real databases and media storage: round trips, crashes, concurrency,
security, sharing, expiry, migrations and configuration.

Every test that takes ``store`` runs on each backend: SQLite with a media folder (the
embedded default), PostgreSQL with a media folder, and PostgreSQL with media in S3. The
PostgreSQL and S3 servers are real (a throwaway cluster and moto's S3 server, started by
``scripts/services.sh``); each test gets its own database and S3 prefix.
"""
from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from core import store as store_mod
from core.media import MediaStore
from core.report import REPORT_VERSION
from core.store import Proof, SQLStore, SQLiteStore, StoreError, open_store
from tests.services import SERVERS, service_env

HEAD = (40, 24, 64, 48)  # the runner's head box in every picture and frame
OWNER = store_mod._token()  # the browser token of the runner of these tests
FILES = ("evidence/ic.jpg", "evidence/to.jpg", "thumb.jpg", "annotated.mp4")
# the server backends run in the whole suite, not the quick loop (tests.services.SERVERS)
BACKENDS = ("sqlite", pytest.param("postgres", marks=SERVERS),
            pytest.param("postgres+s3", marks=SERVERS))


def noise_image(seed: int) -> np.ndarray:
    """96 x 128 coarse colour noise: lots of detail for the blur to remove."""
    cells = np.random.default_rng(seed).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    return cv2.resize(cells, (128, 96), interpolation=cv2.INTER_NEAREST)


def head_std(img: np.ndarray) -> float:
    x0, y0, x1, y1 = HEAD
    return float(img[y0:y1, x0:x1].astype(float).std())


def read_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as inp:
        return [f.to_ndarray(format="bgr24") for f in inp.decode(video=0)]


@pytest.fixture(scope="session")
def media_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline media folder: two evidence JPEGs, a thumbnail and a 1 s, 10 fps video."""
    folder = tmp_path_factory.mktemp("pipeline")
    (folder / "evidence").mkdir()
    for seed, rel in enumerate(FILES[:3]):
        cv2.imwrite(str(folder / rel), noise_image(seed), [cv2.IMWRITE_JPEG_QUALITY, 95])
    with av.open(str(folder / FILES[3]), "w") as out:
        stream = out.add_stream("libx264", rate=10, options={"crf": "12", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 128, 96, "yuv420p"
        for i in range(10):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(noise_image(10 + i), format="bgr24")))
        out.mux(stream.encode(None))
    return folder


def make_report(name: str = "run.mp4", score: int | None = 72, fixes: bool = True) -> dict:
    return {
        "version": REPORT_VERSION,
        "created": "2025-03-01T08:30:00+00:00",
        "status": "ok",
        "source": {"filename": name},
        "view": {"view": "side"},
        "findings": {
            "overall_score": score,
            "fixes": [{"title": "Overstriding"}, {"title": "Low cadence"}] if fixes else [],
        },
        "media": {
            "evidence": {"ic": FILES[0], "to": FILES[1]},
            "evidence_frames": {"ic": 2, "to": 7},
            "video": FILES[3],
            "thumbnail": FILES[2],
            "thumbnail_frame": 0,
            "thumbnail_scale": 1.0,  # the thumbnail is the frame at its own size here
            # frames 0-4 only: the rest must borrow the nearest box
            "face_boxes": {str(i): list(HEAD) for i in range(5)},
        },
    }


# --- backends ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    """The PostgreSQL and S3 test servers (started through scripts/services.sh, stopped when
    the test process exits)."""
    return service_env()


@pytest.fixture
def s3_env(services: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in services.items():
        if name.startswith("AWS_") or name == "FORMCHECK_S3_ENDPOINT_URL":
            monkeypatch.setenv(name, value)
    return services


@contextlib.contextmanager
def pg_database(admin_url: str, template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database on the test server (empty, or a copy of ``template``);
    dropped afterwards."""
    name = f"fc_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"'
                             + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def s3_prefix(media_url: str) -> Iterator[str]:
    """A fresh prefix in the test bucket; everything under it is removed afterwards."""
    url = f"{media_url.rstrip('/')}-{uuid.uuid4().hex[:12]}"
    media = MediaStore(url)  # the endpoint as configured now
    yield url
    media.delete("")


@pytest.fixture(scope="session")
def pg_template(services: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[str]:
    """A database migrated to the newest schema once, copied for each test (faster than
    migrating every test's database; the migration tests start from empty ones)."""
    with pg_database(services["FORMCHECK_TEST_DATABASE_URL"]) as url:
        SQLStore(url, MediaStore(tmp_path_factory.mktemp("template-media"))).engine.dispose()
        yield url.rsplit("/", 1)[1]


# tests that must see a database without any schema (migrating concurrently, refusing)
FRESH_DATABASE = {"test_concurrent_saves_lose_nothing",
                  "test_alembic_revision_from_a_newer_version_is_refused"}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], SQLStore]]:
    """``open()``: a new store object on this test's database and media (open it as often
    as you like: all see the same reports)."""
    if request.param == "sqlite":
        yield lambda: SQLiteStore(tmp_path / "data" / "formcheck.db", tmp_path / "data" / "media")
        return
    env = request.getfixturevalue("s3_env")
    fresh = request.node.originalname in FRESH_DATABASE
    template = None if fresh else request.getfixturevalue("pg_template")
    opened: list[SQLStore] = []

    def opener(db: str, media: str) -> Callable[[], SQLStore]:
        def open_() -> SQLStore:
            opened.append(SQLStore(db, media))
            return opened[-1]
        return open_

    with pg_database(env["FORMCHECK_TEST_DATABASE_URL"], template) as db:
        try:
            if request.param == "postgres":
                yield opener(db, str(tmp_path / "data" / "media"))
            else:
                with s3_prefix(env["FORMCHECK_TEST_MEDIA_URL"]) as media:
                    yield opener(db, media)
        finally:
            for s in opened:
                s.engine.dispose()


@pytest.fixture
def store(backend: Callable[[], SQLStore]) -> SQLStore:
    return backend()


def sql(s: SQLStore, query: str, *params: Any) -> list[tuple]:
    """Run one statement on the store's database behind its back (committed); ``?`` marks
    parameters."""
    if s.dialect == "postgresql":
        query = query.replace("?", "%s")
    with s.engine.begin() as conn:
        result = conn.exec_driver_sql(query, tuple(params))
        return [tuple(r) for r in result] if result.returns_rows else []


def rows(s: SQLStore) -> set[str]:
    return {r[0] for r in sql(s, "SELECT id FROM reports")}


def names(s: SQLStore) -> set[str]:
    """The top-level names in the store's media (report ids, leftovers)."""
    return set(s.media.entries())


def present(s: SQLStore, key: str) -> bool:
    """Whether anything (a file or a folder of files) is stored at ``key``."""
    if s.media.local:
        return (s.media.root / key).exists()
    return bool(s.media.fs.find(s.media._path(key)))


def assert_consistent(s: SQLStore) -> None:
    """Every row has its media, all media belong to a row, no temporary leftovers."""
    have = names(s)
    for report_id, text in sql(s, "SELECT id, report_json FROM reports"):
        refs = store_mod._referenced(json.loads(text).get("media"))
        # an S3 prefix exists only while it holds files; a folder exists even when empty
        assert report_id in have or (refs == [] and not s.media.local)
        for rel in refs:
            assert s.media.exists(f"{report_id}/{rel}")
    assert have <= rows(s)


def failing_insert(s: SQLStore, on: bool) -> None:
    """Make every INSERT INTO reports fail (a crash between media and row), or stop that."""
    if s.dialect == "sqlite":
        sql(s, "CREATE TRIGGER crash BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'crash'); END"
            if on else "DROP TRIGGER crash")
    elif on:
        sql(s, "CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'crash'; "
               "END $$ LANGUAGE plpgsql")
        sql(s, "CREATE TRIGGER crash BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION crash()")
    else:
        sql(s, "DROP TRIGGER crash ON reports")


# --- round trip -------------------------------------------------------------------------


def test_save_get_list_delete_round_trip(store: SQLStore, media_src: Path) -> None:
    report = make_report()
    saved = store.save(report, media_src, owner=OWNER)
    assert saved.id != saved.delete_key

    stored = store.get(saved.id, saved.delete_key)
    assert stored is not None and stored.id == saved.id
    assert stored.report == report
    assert stored.created == datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
    assert stored.expires_at is None and not stored.shared and stored.share is None
    assert stored.media_dir == store.media.location(saved.id)
    for rel in FILES:
        path = store.media_path(saved.id, rel, saved.delete_key)
        if store.media.local:
            assert path == store.media_root / saved.id / rel
        assert path.read_bytes() == (media_src / rel).read_bytes()
        assert stored.media_bytes(rel) == (media_src / rel).read_bytes()
    assert stored.media_bytes("evidence/other.jpg") is None
    assert store.media_path(saved.id, "evidence/other.jpg", saved.delete_key) is None

    [summary] = store.list(OWNER)
    assert (summary.id, summary.filename, summary.view) == (saved.id, "run.mp4", "side")
    assert (summary.score, summary.top_finding) == (72, "Overstriding")
    assert (summary.status, summary.shared) == ("ok", False)

    assert store.delete(saved.id, saved.delete_key)
    assert store.get(saved.id, saved.delete_key) is None
    assert store.media_path(saved.id, FILES[0], saved.delete_key) is None
    assert store.list(OWNER) == []
    assert not present(store, saved.id)
    assert not store.delete(saved.id, saved.delete_key)


def test_list_is_newest_first_with_summaries(store: SQLStore, media_src: Path) -> None:
    a = store.save(make_report("a.mp4"), media_src, owner=OWNER)
    b = store.save(make_report("b.mp4", score=None, fixes=False), media_src, owner=OWNER)
    c = store.save({"version": "1.0", "status": "refused", "findings": None}, None, owner=OWNER)
    listed = store.list(OWNER)
    assert [r.id for r in listed] == [c.id, b.id, a.id]
    assert (listed[1].score, listed[1].top_finding) == (None, None)
    assert (listed[0].filename, listed[0].status, listed[0].view) == (None, "refused", None)
    assert [r.id for r in store.list(OWNER, limit=2)] == [c.id, b.id]
    assert store.get(a.id, a.delete_key).report["source"]["filename"] == "a.mp4"
    assert_consistent(store)


def test_generated_ids_are_unique_and_long() -> None:
    ids = [store_mod._token() for _ in range(1000)]
    assert len(set(ids)) == 1000
    for token in ids:
        assert store_mod._is_token(token)
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128


def test_concurrent_saves_lose_nothing(
    backend: Callable[[], SQLStore], media_src: Path
) -> None:
    def save_three(worker: int) -> list[str]:
        own = backend()  # all 8 create (and migrate) the same new database at once
        return [own.save(make_report(f"w{worker}-{i}.mp4"), media_src, owner=OWNER).id
                for i in range(3)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = [i for batch in pool.map(save_three, range(8)) for i in batch]
    assert len(set(ids)) == 24
    store = backend()
    assert {r.id for r in store.list(OWNER, limit=100)} == set(ids)
    assert_consistent(store)


# --- crashes and friendly errors ---------------------------------------------------------


def test_copy_failing_halfway_leaves_store_consistent(
    store: SQLStore, media_src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = store.save(make_report("earlier.mp4"), media_src, owner=OWNER)
    real_copy = store_mod._copy_file
    calls = []

    def copy_then_fill_disk(src: Path, dst: Path) -> None:
        calls.append(dst)
        if len(calls) < 3:
            return real_copy(src, dst)
        dst.write_bytes(src.read_bytes()[:100])  # half-written file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", "/secret/place/annotated.mp4")

    monkeypatch.setattr(store_mod, "_copy_file", copy_then_fill_disk)
    with pytest.raises(StoreError) as caught:
        store.save(make_report("doomed.mp4"), media_src, owner=OWNER)
    assert caught.value.code == "storage_full"
    assert "/" not in caught.value.message + caught.value.hint and "secret" not in str(caught.value)
    assert len(calls) == 3
    assert rows(store) == {earlier.id}
    assert_consistent(store)
    kept = store.media_path(earlier.id, FILES[3], earlier.delete_key)
    assert kept.read_bytes() == (media_src / FILES[3]).read_bytes()


def test_failing_db_insert_removes_the_copied_media(store: SQLStore, media_src: Path) -> None:
    earlier = store.save(make_report("earlier.mp4"), media_src, owner=OWNER)
    failing_insert(store, True)
    with pytest.raises(StoreError) as caught:
        store.save(make_report("doomed.mp4"), media_src, owner=OWNER)
    assert caught.value.code == "storage_failed"
    assert rows(store) == {earlier.id}
    assert_consistent(store)
    failing_insert(store, False)
    again = store.save(make_report(), media_src, owner=OWNER)
    assert store.get(again.id, Proof(owner=OWNER)) is not None
    assert_consistent(store)


def test_purge_sweeps_stale_leftovers_of_hard_crashes(store: SQLStore, media_src: Path) -> None:
    kept = store.save(make_report(), media_src, owner=OWNER)
    stale_tmp = ".tmp-crashed"
    stale_orphan = store_mod._token()  # published, row never written
    fresh_orphan = store_mod._token()  # maybe a save in progress
    for name in (stale_tmp, stale_orphan, fresh_orphan):
        store.media.write_bytes(f"{name}/evidence/ic.jpg", b"half a picture")
    assert store.purge_expired() == 0  # all of them are fresh: a save may be under way
    assert {stale_tmp, stale_orphan, fresh_orphan} <= names(store)
    if store.media.local:  # a folder's age can be set: stale and fresh in one sweep
        two_hours_ago = time.time() - 7200
        for name in (stale_tmp, stale_orphan):
            os.utime(store.media_root / name, (two_hours_ago, two_hours_ago))
        assert store.purge_expired() == 0
        assert names(store) == {kept.id, fresh_orphan}
    # an hour later every leftover is stale; the report with a row stays
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    assert store.purge_expired(now=later) == 0
    assert names(store) == {kept.id}
    assert store.get(kept.id, kept.delete_key).media_file(FILES[0]) is not None
    assert_consistent(store)


def test_bad_reports_are_refused(store: SQLStore) -> None:
    for bad in (["not", "a", "dict"], {"created": object()}, {"media": "evidence/x.jpg"}):
        with pytest.raises(StoreError) as caught:
            store.save(bad, None)  # type: ignore[arg-type]
        assert caught.value.code == "bad_report"
    with pytest.raises(ValueError):
        store.save(make_report(), None, expire_days=0)


# --- security ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    ["/etc/passwd", "../outside.jpg", "evidence/../../x.jpg", ".hidden.jpg", "shared/ic.jpg",
     "evidence//ic.jpg", "evidence\\ic.jpg", "", 5],
)
def test_media_paths_escaping_the_folder_are_refused(
    store: SQLStore, media_src: Path, rel: object
) -> None:
    report = make_report()
    report["media"]["evidence"]["ic"] = rel
    with pytest.raises(StoreError) as caught:
        store.save(report, media_src, owner=OWNER)
    assert caught.value.code == "bad_media"
    assert names(store) == set()


def test_a_sessions_other_videos_are_checked_like_every_media_path(
    store: SQLStore, media_src: Path
) -> None:
    report = make_report()
    report["media"]["other_videos"] = {"c2": "../outside.mp4"}
    with pytest.raises(StoreError) as caught:
        store.save(report, media_src, owner=OWNER)
    assert caught.value.code == "bad_media"
    report["media"]["other_videos"] = ["evidence/ic.jpg"]
    with pytest.raises(StoreError) as caught:
        store.save(report, media_src, owner=OWNER)
    assert caught.value.code == "bad_media"
    assert names(store) == set()


def test_symlinks_and_missing_media_are_refused(
    store: SQLStore, media_src: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pipeline"
    shutil.copytree(media_src, folder)
    outside = tmp_path / "private.txt"
    outside.write_text("not for the report")
    (folder / "evidence" / "ic.jpg").unlink()
    (folder / "evidence" / "ic.jpg").symlink_to(outside)
    with pytest.raises(StoreError) as caught:
        store.save(make_report(), folder)
    assert caught.value.code == "bad_media"

    (folder / "evidence" / "ic.jpg").unlink()
    shutil.move(folder / "evidence", tmp_path / "real-evidence")
    (folder / "evidence").symlink_to(tmp_path / "real-evidence", target_is_directory=True)
    with pytest.raises(StoreError) as caught:
        store.save(make_report(), folder)
    assert caught.value.code == "bad_media"

    with pytest.raises(StoreError) as caught:
        store.save(make_report(), tmp_path / "empty")
    assert caught.value.code == "missing_media"
    assert names(store) == set()


BAD_IDS = [
    "../../etc/passwd",
    "'; DROP TABLE reports; --",
    "",
    "x" * 100_000,
    "ünïcødé-ïd",
    "é" * 32,
    "A" * 31 + "/",
    "A" * 32 + "\n",
    "A" * 32,  # well-formed but unknown
    None,
    42,
]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_unknown_or_malformed_ids_give_none(store: SQLStore, media_src: Path, bad: Any) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    assert store.get(bad, Proof(OWNER, saved.delete_key)) is None
    assert store.get(bad, viewer=True) is None
    assert store.media_path(bad, FILES[0], saved.delete_key) is None
    assert store.media_path(bad, FILES[0], viewer=True) is None
    assert store.delete(bad, saved.delete_key) is False
    assert store.share(bad, saved.delete_key) is None
    assert store.unshare(bad, saved.delete_key) is False
    assert store.delete(saved.id, bad) is False
    assert store.share(saved.id, bad) is None
    assert [r.id for r in store.list(OWNER)] == [saved.id]
    assert_consistent(store)


def test_media_path_serves_only_named_files(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    for rel in ("../../formcheck.db", "/etc/passwd", "evidence/../../x", "", None, "evidence"):
        assert store.media_path(saved.id, rel, saved.delete_key) is None  # type: ignore[arg-type]


def test_delete_keys_belong_to_one_report(store: SQLStore, media_src: Path) -> None:
    a = store.save(make_report("a.mp4"), media_src, owner=OWNER)
    b = store.save(make_report("b.mp4"), media_src, owner=OWNER)
    assert not store.delete(b.id, a.delete_key)
    assert not store.delete(a.id, store_mod._token())
    assert not store.delete(a.id, a.delete_key[:-1] + ("A" if a.delete_key[-1] != "A" else "B"))
    assert not store.share(b.id, a.delete_key)
    assert store.get(a.id, a.delete_key) is not None and store.get(b.id, b.delete_key) is not None
    assert store.delete(a.id, a.delete_key)
    assert store.get(a.id, a.delete_key) is None and store.get(b.id, b.delete_key) is not None
    [(stored_hash,)] = sql(store, "SELECT delete_key_hash FROM reports")
    assert b.delete_key not in stored_hash  # only a hash is kept
    assert store.delete(b.id, b.delete_key)
    assert_consistent(store)


# --- owners: private by default ----------------------------------------------------------


def test_reports_are_private_to_their_browser(store: SQLStore, media_src: Path) -> None:
    other = store_mod._token()  # a second browser
    mine = store.save(make_report("mine.mp4"), media_src, owner=OWNER, clip_key="k" * 64)
    theirs = store.save(make_report("theirs.mp4"), media_src, owner=other)
    assert [r.id for r in store.list(OWNER)] == [mine.id]
    assert [r.id for r in store.list(other)] == [theirs.id]
    assert store.list(store_mod._token()) == [] and store.list("nope") == []
    # the id alone opens nothing; another browser's token or key proves nothing
    with pytest.raises(TypeError):
        store.get(mine.id)
    assert store.get(mine.id, Proof(owner=other)) is None
    assert store.get(mine.id, theirs.delete_key) is None
    assert store.get(mine.id, Proof(owner=mine.delete_key)) is None  # a key is no token
    assert store.get(mine.id, Proof(delete_key=OWNER)) is None  # and a token is no key
    assert store.media_path(mine.id, FILES[0], Proof(owner=other)) is None
    stored = store.get(mine.id, Proof(owner=OWNER))
    assert stored is not None and stored.clip_key == "k" * 64 and not stored.sample
    # changes need proof too; the owner's browser token is enough
    assert store.share(mine.id, Proof(owner=other)) is None
    assert not store.set_expiry(mine.id, Proof(owner=other), 3)
    assert not store.delete(mine.id, Proof(owner=other))
    share_id = store.share(mine.id, Proof(owner=OWNER))
    assert share_id is not None and store.get(share_id, viewer=True) is not None
    assert store.get(share_id, viewer=True).clip_key is None
    assert store.unshare(mine.id, Proof(owner=OWNER))
    assert store.set_expiry(mine.id, Proof(owner=OWNER), 5)
    assert store.delete(mine.id, Proof(owner=OWNER))
    assert store.list(OWNER) == [] and store.get(theirs.id, Proof(owner=other)) is not None
    [(owners,)] = sql(store, "SELECT COUNT(*) FROM report_owners")
    assert owners == 1  # the deleted report's owner rows went with it
    [(owner_hash,)] = sql(store, "SELECT owner_hash FROM report_owners")
    assert other not in owner_hash  # only a hash of the token is kept
    assert_consistent(store)


def test_delete_key_claims_a_report_for_another_browser(
    store: SQLStore, media_src: Path
) -> None:
    other = store_mod._token()
    saved = store.save(make_report(), media_src, owner=OWNER)
    assert store.find_by_key(saved.delete_key) == saved.id
    for bad in (store_mod._token(), saved.id, "", None, "' OR 1=1 --"):
        assert store.find_by_key(bad) is None  # type: ignore[arg-type]
        assert store.claim(bad, other) is None  # type: ignore[arg-type]
    assert store.claim(saved.delete_key, "not a token") is None
    assert store.list(other) == []
    assert store.claim(saved.delete_key, other) == saved.id
    assert store.claim(saved.delete_key, other) == saved.id  # claiming twice is harmless
    assert [r.id for r in store.list(other)] == [saved.id]
    assert [r.id for r in store.list(OWNER)] == [saved.id]  # the first owner keeps it
    assert store.get(saved.id, Proof(owner=other)) is not None
    assert store.delete(saved.id, Proof(owner=other))  # gone for every owner
    assert store.list(OWNER) == [] and store.claim(saved.delete_key, other) is None
    expiring = store.save(make_report(), media_src, owner=OWNER, expire_days=1)
    past = datetime.now(timezone.utc) - timedelta(days=1)
    sql(store, "UPDATE reports SET expires_at = ?", store_mod._iso(past))
    assert store.claim(expiring.delete_key, other) is None  # an expired report is gone


def test_find_clip_is_per_browser_and_clip_key(store: SQLStore, media_src: Path) -> None:
    other = store_mod._token()
    key, key2 = "a" * 64, "b" * 64
    assert store.find_clip(OWNER, key) is None
    saved = store.save(make_report(), media_src, owner=OWNER, clip_key=key)
    assert store.find_clip(OWNER, key) == saved.id
    assert store.find_clip(OWNER, key2) is None
    assert store.find_clip(other, key) is None  # another browser's upload of the same clip
    assert store.find_clip(OWNER, "x") is None and store.find_clip("x", key) is None
    with pytest.raises(ValueError):
        store.save(make_report(), media_src, owner=OWNER, clip_key="not a key!")
    with pytest.raises(ValueError):
        store.save(make_report(), media_src, owner="not a token")
    assert store.delete(saved.id, saved.delete_key)
    assert store.find_clip(OWNER, key) is None


def test_sample_reports_belong_to_nobody(store: SQLStore, media_src: Path) -> None:
    key = "s" * 64
    with pytest.raises(ValueError):
        store.save(make_report(), media_src, owner=OWNER, sample=True)
    assert store.find_sample(key) is None
    sample = store.save(make_report("sample.mp4"), media_src, clip_key=key, sample=True)
    mine = store.save(make_report(), media_src, owner=OWNER, clip_key=key)
    assert store.find_sample(key) == sample.id
    assert store.find_clip(OWNER, key) == mine.id  # an own upload of the same clip is separate
    stored = store.get_sample(sample.id)
    assert stored is not None and stored.sample
    assert stored.report["source"]["filename"] == "sample.mp4"
    assert stored.media_file(FILES[0]) is not None
    assert store.get_sample(mine.id) is None  # a runner's report is never opened as a sample
    assert [r.id for r in store.list(OWNER)] == [mine.id]  # samples are never listed
    # nobody owns a sample: no token, no key, no claim, no changes
    assert store.get(sample.id, Proof(owner=OWNER, delete_key=sample.delete_key)) is None
    assert store.claim(sample.delete_key, OWNER) is None
    assert store.share(sample.id, sample.delete_key) is None
    assert not store.delete(sample.id, sample.delete_key)
    assert_consistent(store)


# --- sharing -----------------------------------------------------------------------------


def test_viewer_sees_nothing_of_an_unshared_report(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    assert store.get(saved.id, viewer=True) is None
    assert store.media_path(saved.id, FILES[0], viewer=True) is None
    share_id = store.share(saved.id, saved.delete_key)
    # the owner's id is no share link, and a share id gives no owner access
    assert store.get(saved.id, viewer=True) is None
    assert store.get(share_id, Proof(OWNER, saved.delete_key)) is None
    assert store.media_path(share_id, FILES[0], Proof(OWNER)) is None


def test_share_blurs_evidence_and_leaves_out_the_video(store: SQLStore, media_src: Path) -> None:
    report = make_report()
    del report["media"]["evidence_frames"]["to"]  # a picture whose frame is unknown
    report["options"] = {"height_cm": 175.0, "length_unit": "cm"}  # the owner's, not shared
    saved = store.save(report, media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    assert share_id is not None and share_id != saved.id

    seen = store.get(share_id, viewer=True)
    assert seen is not None and seen.id == share_id
    assert seen.media_dir == store.media.location(f"{saved.id}/shared")
    assert seen.share.blur_faces and not seen.share.include_video
    media = seen.report["media"]
    assert seen.report["options"]["height_cm"] is None  # core.privacy.shared_report
    assert seen.report["source"]["filename"] is None and "face_boxes" not in media
    assert media["video"] is None
    assert media["evidence"] == {"ic": FILES[0]}  # "to" cannot be blurred, so it is left out
    assert media["thumbnail"] == FILES[2]
    assert store.media_path(share_id, FILES[3], viewer=True) is None
    assert store.media_path(share_id, FILES[1], viewer=True) is None
    assert not present(store, f"{saved.id}/shared/{FILES[3]}")
    assert not present(store, f"{saved.id}/shared/{FILES[1]}")
    for rel in (FILES[0], FILES[2]):
        original = cv2.imread(str(media_src / rel))
        blurred = cv2.imread(str(store.media_path(share_id, rel, viewer=True)))
        assert head_std(blurred) < 0.35 * head_std(original)

    owner = store.get(saved.id, saved.delete_key)
    assert owner.shared and owner.share.share_id == share_id
    assert owner.report == report  # the owner keeps the originals
    original = store.media_path(saved.id, FILES[0], saved.delete_key)
    assert original.read_bytes() == (media_src / FILES[0]).read_bytes()
    assert store.list(OWNER)[0].shared


def test_a_blurred_share_made_before_the_thumbnails_scale_no_longer_serves_it(
        store: SQLStore, media_src: Path) -> None:
    """Shares with faces blurred made before ``thumbnail_scale`` blurred the thumbnail at the
    frame's head box, which missed the face of a portrait clip's smaller thumbnail: such a
    stored share no longer lists (so no longer serves) its thumbnail; a plain share keeps it."""
    from core.store import reports

    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    assert store.get(share_id, viewer=True).report["media"]["thumbnail"] == FILES[2]
    with store._engine().begin() as conn:  # the share's media as stored before the scale
        row = conn.execute(sa.select(reports.c.share_media).where(
            reports.c.share_id == share_id)).first()
        old = json.loads(row[0])
        old.pop("thumbnail_scale")
        conn.execute(sa.update(reports).where(reports.c.share_id == share_id).values(
            share_media=json.dumps(old)))
    seen = store.get(share_id, viewer=True)
    assert seen.report["media"]["thumbnail"] is None
    assert store.media_path(share_id, FILES[2], viewer=True) is None
    assert seen.report["media"]["evidence"] == {"ic": FILES[0], "to": FILES[1]}  # still blurred ones


def test_share_with_blurred_video(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=True)
    seen = store.get(share_id, viewer=True)
    assert seen.report["media"]["video"] == FILES[3]
    before = read_frames(media_src / FILES[3])
    after = read_frames(store.media_path(share_id, FILES[3], viewer=True))
    assert len(after) == len(before) == 10
    for b, a in zip(before, after):  # frames 5-9 have no box of their own
        assert head_std(a) < 0.4 * head_std(b)


def test_share_without_blur_copies_originals(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=False, include_video=True)
    seen = store.get(share_id, viewer=True)
    assert seen.report["media"]["evidence"] == make_report()["media"]["evidence"]
    for rel in FILES:
        shared = store.media_path(share_id, rel, viewer=True)
        assert shared.read_bytes() == (media_src / rel).read_bytes()


def test_owner_sets_and_clears_expiry(store: SQLStore, media_src: Path) -> None:
    from datetime import timedelta

    saved = store.save(make_report(), media_src, owner=OWNER)
    other = store.save(make_report(), media_src, owner=OWNER)
    assert not store.set_expiry(saved.id, other.delete_key, 30)  # another report's key
    assert store.set_expiry(saved.id, saved.delete_key, 30)
    stored = store.get(saved.id, saved.delete_key)
    assert stored.expires_at is not None
    assert store.purge_expired() == 0  # not due yet
    assert store.purge_expired(now=stored.expires_at + timedelta(seconds=1)) == 1
    assert store.get(saved.id, saved.delete_key) is None
    assert store.get(other.id, other.delete_key) is not None
    assert not present(store, saved.id)
    assert store.set_expiry(other.id, other.delete_key, 5)
    assert store.set_expiry(other.id, other.delete_key, None)
    assert store.get(other.id, other.delete_key).expires_at is None


def test_viewer_gets_no_file_name_or_face_positions(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(name="jane_doe_run.mp4"), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    seen = store.get(share_id, viewer=True).report
    assert "jane_doe" not in json.dumps(seen)
    assert "face_boxes" not in seen["media"]
    owner = store.get(saved.id, saved.delete_key).report  # the owner still has everything
    assert owner["source"]["filename"] == "jane_doe_run.mp4" and owner["media"]["face_boxes"]


def test_damaged_video_fails_the_share_cleanly(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    store.media.write_bytes(f"{saved.id}/{FILES[3]}", b"\x00 not a video" * 100)
    with pytest.raises(StoreError) as caught:
        store.share(saved.id, saved.delete_key, blur_faces=True, include_video=True)
    assert caught.value.code == "share_failed"
    assert not store.get(saved.id, saved.delete_key).shared
    assert not present(store, f"{saved.id}/shared")
    assert_consistent(store)


def test_a_damaged_stored_report_says_so_when_shared_or_opened(store: SQLStore,
                                                              media_src: Path) -> None:
    """A row whose JSON is damaged is "this saved report cannot be read", not "a picture or
    the video is damaged" (share) or the page's generic apology (a shared link)."""
    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key)
    sql(store, "UPDATE reports SET share_media = ?", "{not json")
    with pytest.raises(StoreError) as caught:
        store.get(share_id, viewer=True)
    assert caught.value.code == "report_unreadable"
    sql(store, "UPDATE reports SET report_json = ?", "{not json")
    with pytest.raises(StoreError) as caught:
        store.share(saved.id, saved.delete_key)
    assert caught.value.code == "report_unreadable"
    assert not present(store, f"{saved.id}/shared")


def test_reshare_unshare_and_delete_kill_old_links(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    first = store.share(saved.id, saved.delete_key, blur_faces=False, include_video=True)
    second = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    assert first != second
    assert store.get(first, viewer=True) is None
    assert store.get(second, viewer=True).report["media"]["video"] is None

    assert store.unshare(saved.id, saved.delete_key)
    assert store.get(second, viewer=True) is None
    assert not present(store, f"{saved.id}/shared")
    assert not store.get(saved.id, saved.delete_key).shared

    third = store.share(saved.id, saved.delete_key)
    assert store.delete(saved.id, saved.delete_key)
    assert store.get(third, viewer=True) is None
    assert store.media_path(third, FILES[0], viewer=True) is None
    assert_consistent(store)


# --- expiry ------------------------------------------------------------------------------


def test_expired_reports_vanish_and_are_purged(store: SQLStore, media_src: Path) -> None:
    keep = store.save(make_report("keep.mp4"), media_src, owner=OWNER)
    temp = store.save(make_report("temp.mp4"), media_src, owner=OWNER, expire_days=30)
    stored = store.get(temp.id, temp.delete_key)
    assert stored.expires_at - datetime.now(timezone.utc) > timedelta(days=29)
    share_id = store.share(temp.id, temp.delete_key)

    assert store.purge_expired() == 0
    assert store.purge_expired(now=datetime.now(timezone.utc) + timedelta(days=31)) == 1
    assert store.get(temp.id, temp.delete_key) is None and store.get(share_id, viewer=True) is None
    assert not present(store, temp.id)
    assert [r.id for r in store.list(OWNER)] == [keep.id]
    assert_consistent(store)


def test_expired_but_not_yet_purged_is_already_gone(store: SQLStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER, expire_days=1)
    share_id = store.share(saved.id, saved.delete_key)
    sql(store, "UPDATE reports SET expires_at = '2000-01-01T00:00:00.000000+00:00'")
    assert store.get(saved.id, saved.delete_key) is None
    assert store.get(share_id, viewer=True) is None
    assert store.list(OWNER) == []
    assert store.share(saved.id, saved.delete_key) is None
    assert store.delete(saved.id, saved.delete_key)  # the owner can still remove it


# --- report versions ---------------------------------------------------------------------


def test_old_reports_open_and_newer_ones_are_refused(store: SQLStore, media_src: Path) -> None:
    old = make_report()
    del old["version"]  # saved before reports had a version
    legacy = store.save(old, media_src, owner=OWNER)
    opened = store.get(legacy.id, legacy.delete_key).report  # migrated to today's shape
    assert opened["version"] == REPORT_VERSION and opened["source"] == old["source"]
    assert opened["findings"]["fixes"] == old["findings"]["fixes"]
    assert opened["findings"]["more_fixes"] == [] and opened["media"] == old["media"]
    newer = make_report()
    newer["version"] = "2.0"
    saved = store.save(newer, media_src, owner=OWNER)
    for load in (lambda: store.get(saved.id, saved.delete_key),
                 lambda: store.get(store.share(saved.id, saved.delete_key), viewer=True)):
        with pytest.raises(StoreError) as caught:
            load()
        assert caught.value.code == "report_too_new"
        assert "newer version of FormCheck" in caught.value.message
    assert store.delete(saved.id, saved.delete_key)  # it can still be removed
    assert store_mod.check_report_version({"version": "1.7"})["version"] == "1.7"
    for bad in ({"version": "x.y"}, ["not", "a", "report"]):
        with pytest.raises(StoreError) as caught:
            store_mod.check_report_version(bad)
        assert caught.value.code == "report_unreadable"


# --- schema: migrations from before Alembic, newer databases ------------------------------

# Today's SQLite schema as store migrations 1-3 made it before Alembic (core/store.py's
# MIGRATIONS at the last release), with its schema_version table.
LEGACY_MIGRATIONS = (
    """CREATE TABLE reports (
        id TEXT PRIMARY KEY, delete_key_hash TEXT NOT NULL, report_json TEXT NOT NULL,
        created TEXT NOT NULL, saved_at TEXT NOT NULL, filename TEXT, view TEXT,
        overall_score INTEGER, top_finding TEXT, status TEXT);
    CREATE INDEX reports_by_saved_at ON reports (saved_at);""",
    """ALTER TABLE reports ADD COLUMN expires_at TEXT;
    ALTER TABLE reports ADD COLUMN share_id TEXT;
    ALTER TABLE reports ADD COLUMN shared_at TEXT;
    ALTER TABLE reports ADD COLUMN share_blur INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE reports ADD COLUMN share_video INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE reports ADD COLUMN share_media TEXT;
    CREATE UNIQUE INDEX reports_by_share_id ON reports (share_id);
    CREATE INDEX reports_by_expires_at ON reports (expires_at);""",
    """CREATE TABLE report_owners (
        report_id TEXT NOT NULL, owner_hash TEXT NOT NULL, added_at TEXT NOT NULL,
        PRIMARY KEY (report_id, owner_hash));
    CREATE INDEX report_owners_by_owner ON report_owners (owner_hash);
    ALTER TABLE reports ADD COLUMN clip_key TEXT;
    ALTER TABLE reports ADD COLUMN sample INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX reports_by_clip_key ON reports (clip_key);
    CREATE INDEX reports_by_delete_key_hash ON reports (delete_key_hash);""",
)


def legacy_db(db: Path, version: int) -> None:
    """A SQLite file as the store before Alembic left it at ``version`` (WAL, schema_version)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                     "applied_at TEXT NOT NULL)")
        for v in range(1, version + 1):
            conn.executescript(LEGACY_MIGRATIONS[v - 1])
            conn.execute("INSERT INTO schema_version VALUES (?, '2025-01-01T00:00:00.000000+00:00')",
                         (v,))
        conn.commit()


def legacy_sql(db: Path, query: str, *params: Any) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(query, params)


def test_v1_database_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "formcheck.db"
    report_id, key = store_mod._token(), store_mod._token()
    legacy_db(db, 1)
    legacy_sql(db, "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               report_id, hashlib.sha256(key.encode()).hexdigest(), json.dumps({"version": "1.0"}),
               "2025-01-01T00:00:00.000000+00:00", "2025-01-01T00:00:00.000000+00:00",
               "old.mp4", "side", 64, "Overstriding", "ok")
    (tmp_path / "media" / report_id).mkdir(parents=True)

    s = SQLiteStore(db, tmp_path / "media")
    assert sql(s, "SELECT version_num FROM alembic_version") == [("0004_comparisons",)]  # head
    assert sql(s, "PRAGMA journal_mode") == [("wal",)]
    stored = s.get(report_id, key)
    assert stored.report["version"] == REPORT_VERSION  # migrated from 1.0 on load
    assert stored.expires_at is None and not stored.shared
    # an old report has no owner: listed nowhere until its delete key claims it
    assert s.list(OWNER) == [] and s.get(report_id, Proof(owner=OWNER)) is None
    assert s.claim(key, OWNER) == report_id
    assert [(r.filename, r.score) for r in s.list(OWNER)] == [("old.mp4", 64)]
    assert s.share(report_id, key) is not None
    SQLiteStore(db, tmp_path / "media")  # opening again applies nothing
    assert s.delete(report_id, key)


def test_todays_v3_database_and_its_reports_open_with_the_new_store(
    tmp_path: Path, media_src: Path
) -> None:
    """A ./data folder made by the store before Alembic (schema 3): an owned report with a
    clip key, a share link with its blurred copies, and a sample all open as before."""
    data = tmp_path / "data"
    db, media = data / "formcheck.db", data / "media"
    legacy_db(db, 3)
    report = make_report("legacy.mp4")
    rid, key, share_id, sample_id = (store_mod._token() for _ in range(4))
    clip_key = "c" * 64
    shared_media = {**report["media"], "evidence": {"ic": FILES[0]},
                    "evidence_frames": {"ic": 2}, "video": None}
    insert = ("INSERT INTO reports (id, delete_key_hash, report_json, created, saved_at, filename,"
              " view, overall_score, top_finding, status, expires_at, share_id, shared_at,"
              " share_blur, share_video, share_media, clip_key, sample)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    t0 = "2025-03-01T08:30:00.000000+00:00"
    legacy_sql(db, insert, rid, hashlib.sha256(key.encode()).hexdigest(), json.dumps(report), t0,
               t0, "legacy.mp4", "side", 72, "Overstriding", "ok", None, share_id, t0, 1, 0,
               json.dumps(shared_media), clip_key, 0)
    legacy_sql(db, "INSERT INTO report_owners VALUES (?, ?, ?)",
               rid, hashlib.sha256(OWNER.encode()).hexdigest(), t0)
    legacy_sql(db, insert, sample_id, hashlib.sha256(b"x").hexdigest(), json.dumps(report), t0,
               t0, "legacy.mp4", "side", 72, "Overstriding", "ok", None, None, None, 1, 0, None,
               clip_key, 1)
    for report_id in (rid, sample_id):
        shutil.copytree(media_src, media / report_id)
    shutil.copytree(media_src / "evidence", media / rid / "shared" / "evidence")

    with pytest.MonkeyPatch.context() as mp:  # the app's default: ./data in the working folder
        mp.chdir(tmp_path)
        for name in ("FORMCHECK_DATA_DIR", "FORMCHECK_DATABASE_URL", "FORMCHECK_MEDIA_URL"):
            mp.delenv(name, raising=False)
        s = open_store()
        assert s.db_path.resolve() == db.resolve()
    assert sql(s, "SELECT version_num FROM alembic_version") == [("0004_comparisons",)]
    [summary] = s.list(OWNER)
    assert (summary.id, summary.filename, summary.score, summary.shared) == (
        rid, "legacy.mp4", 72, True)
    mine = s.get(rid, Proof(owner=OWNER))
    assert mine.report == report and mine.clip_key == clip_key
    assert mine.media_file(FILES[3]).read_bytes() == (media_src / FILES[3]).read_bytes()
    assert s.find_clip(OWNER, clip_key) == rid and s.find_by_key(key) == rid
    seen = s.get(share_id, viewer=True)
    assert seen.report["media"]["evidence"] == {"ic": FILES[0]}
    assert seen.report["source"]["filename"] is None and seen.media_file(FILES[0]) is not None
    assert s.find_sample(clip_key) == sample_id and s.get_sample(sample_id).sample
    new_share = s.share(rid, key, blur_faces=True, include_video=True)
    assert s.get(share_id, viewer=True) is None and s.get(new_share, viewer=True) is not None
    assert s.delete(rid, Proof(owner=OWNER)) and s.list(OWNER) == []
    assert not (media / rid).exists()
    assert_consistent(s)  # the sample keeps its row and media
    assert names(s) == {sample_id}


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    legacy_db(tmp_path / "old" / "formcheck.db", 3)
    legacy_sql(tmp_path / "old" / "formcheck.db", "INSERT INTO schema_version VALUES (99, 'later')")
    with pytest.raises(StoreError) as caught:
        SQLiteStore(tmp_path / "old" / "formcheck.db", tmp_path / "media")
    assert caught.value.code == "store_too_new"


def test_alembic_revision_from_a_newer_version_is_refused(backend: Callable[[], SQLStore]) -> None:
    s = backend()
    head = sql(s, "SELECT version_num FROM alembic_version")
    assert head == [("0004_comparisons",)]
    sql(s, "UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    with pytest.raises(StoreError) as caught:
        backend()
    assert caught.value.code == "store_too_new"


@SERVERS
def test_alembic_command_line_upgrades_a_server_database(services: dict[str, str]) -> None:
    """``alembic -x url=... upgrade head`` (README) builds the schema on an empty database."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    with pg_database(services["FORMCHECK_TEST_DATABASE_URL"]) as url:
        done = subprocess.run([sys.executable, "-m", "alembic", "-x", f"url={url}", "upgrade",
                               "head"], cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                ("0004_comparisons",)]
            assert sa.inspect(conn).has_table("report_owners")
        engine.dispose()


# --- configuration -----------------------------------------------------------------------


def test_open_store_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORMCHECK_DATABASE_URL", "FORMCHECK_MEDIA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path / "env-data"))
    s = open_store()
    folder = tmp_path / "env-data"
    assert (s.db_path, s.media_root) == (folder / "formcheck.db", folder / "media")
    assert s.db_path.is_file() and s.media_root.is_dir()

    s = open_store(f"sqlite:///{tmp_path}/elsewhere/reports.db")
    folder = tmp_path / "elsewhere"
    assert (s.db_path, s.media_root) == (folder / "reports.db", folder / "media")

    s = open_store(tmp_path / "a", media=tmp_path / "pictures")
    assert (s.db_path, s.media_root) == (tmp_path / "a" / "formcheck.db", tmp_path / "pictures")

    for unsupported in ("mysql://db/formcheck", "redis://localhost/0"):
        with pytest.raises(StoreError) as caught:
            open_store(unsupported)
        assert caught.value.code == "store_unsupported"
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path / "b", media="ftp://host/media")
    assert caught.value.code == "store_unsupported"


@SERVERS
def test_configuration_from_environment_and_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3_env: dict[str, str], media_src: Path
) -> None:
    for name in ("FORMCHECK_DATABASE_URL", "FORMCHECK_MEDIA_URL", "FORMCHECK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    with pg_database(s3_env["FORMCHECK_TEST_DATABASE_URL"]) as db, \
            s3_prefix(s3_env["FORMCHECK_TEST_MEDIA_URL"]) as media:
        # secrets.toml, as on a Streamlit deployment (the S3 endpoint and keys too)
        monkeypatch.delenv("FORMCHECK_S3_ENDPOINT_URL")
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(
            f'FORMCHECK_DATABASE_URL = "{db}"\nFORMCHECK_MEDIA_URL = "{media}"\n'
            f'FORMCHECK_S3_ENDPOINT_URL = "{s3_env["FORMCHECK_S3_ENDPOINT_URL"]}"\n')
        s = open_store()
        assert (s.dialect, s.url, s.media.url, s.media.local) == ("postgresql", db, media, False)
        saved = s.save(make_report(), media_src, owner=OWNER)
        assert s.media.exists(f"{saved.id}/{FILES[0]}")
        s.engine.dispose()
        # the environment wins over secrets.toml
        monkeypatch.setenv("FORMCHECK_MEDIA_URL", str(tmp_path / "local-media"))
        s = open_store()
        assert s.media.local and s.media_root == tmp_path / "local-media"
        assert s.get(saved.id, saved.delete_key).media_file(FILES[0]) is None  # other media
        s.engine.dispose()


def test_unwritable_folder_gives_a_friendly_error(tmp_path: Path) -> None:
    blocker = tmp_path / "secret-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError) as caught:
        open_store(blocker)
    assert caught.value.code == "storage_unwritable"
    assert "secret" not in str(caught.value)
    assert pickle.loads(pickle.dumps(caught.value)).code == "storage_unwritable"


@SERVERS
def test_unreachable_servers_give_a_friendly_error(
    tmp_path: Path, s3_env: dict[str, str]
) -> None:
    with pytest.raises(StoreError) as caught:  # nothing listens on port 9 here
        open_store("postgresql+psycopg://formcheck:s3cret@127.0.0.1:9/formcheck",
                   media=tmp_path / "media")
    assert caught.value.code == "store_unreachable"
    assert "s3cret" not in str(caught.value) + caught.value.hint
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path / "data", media="s3://no-such-bucket-here/media")
    assert caught.value.code in ("store_unreachable", "storage_failed")


@pytest.mark.parametrize("kind", ["folder", pytest.param("s3", marks=SERVERS)])
def test_media_interface_round_trip(
    kind: str, tmp_path: Path, media_src: Path, request: pytest.FixtureRequest
) -> None:
    """The interface the store (and the job queue, for uploaded clips) uses on either kind."""
    if kind == "folder":
        cleanup = contextlib.nullcontext(str(tmp_path / "media"))
    else:
        env = request.getfixturevalue("s3_env")
        cleanup = s3_prefix(env["FORMCHECK_TEST_MEDIA_URL"])
    with cleanup as url:
        media = store_mod.open_media(url)
        assert media.local == (kind == "folder")
        media.put_file(media_src / FILES[3], "clips/abc/clip.mp4")
        assert media.exists("clips/abc/clip.mp4") and not media.exists("clips/abc/other.mp4")
        assert media.read_bytes("clips/abc/clip.mp4") == (media_src / FILES[3]).read_bytes()
        assert media.read_bytes("clips/abc/other.mp4") is None
        local = media.local_path("clips/abc/clip.mp4")
        assert local is not None and local.read_bytes() == (media_src / FILES[3]).read_bytes()
        media.write_bytes("clips/abc/clip.mp4", b"replaced")  # a changed object is fetched anew
        assert media.local_path("clips/abc/clip.mp4").read_bytes() == b"replaced"
        assert set(media.entries()) == {"clips"}
        cached = media.local_path("clips/abc/clip.mp4")
        media.delete("clips")
        assert media.entries() == {} and media.local_path("clips/abc/clip.mp4") is None
        assert not cached.exists()  # no copy of deleted media stays on this machine
        for bad in ("../outside", "/etc/passwd", "a//b", "a/./b"):
            with pytest.raises(ValueError):
                media.exists(bad)
