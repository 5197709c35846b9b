"""The report store on a real SQLite file: round trips, crashes, concurrency, security, sharing."""
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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest

from core import store as store_mod
from core.store import Proof, SQLiteStore, StoreError, open_store

HEAD = (40, 24, 64, 48)  # the runner's head box in every picture and frame
OWNER = store_mod._token()  # the browser token of the runner of these tests
FILES = ("evidence/ic.jpg", "evidence/to.jpg", "thumb.jpg", "annotated.mp4")


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
        "version": "1.0",
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
            # frames 0-4 only: the rest must borrow the nearest box
            "face_boxes": {str(i): list(HEAD) for i in range(5)},
        },
    }


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "data" / "formcheck.db", tmp_path / "data" / "media")


def sql(db: Path, query: str, *params: Any) -> list[tuple]:
    """Run one statement on the database file behind the store's back (committed)."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        return conn.execute(query, params).fetchall()


def rows(s: SQLiteStore) -> set[str]:
    return {r[0] for r in sql(s.db_path, "SELECT id FROM reports")}


def assert_consistent(s: SQLiteStore) -> None:
    """Every row has its media folder, every folder its row, no temporary leftovers."""
    assert {p.name for p in s.media_root.iterdir()} == rows(s)
    for report_id, text in sql(s.db_path, "SELECT id, report_json FROM reports"):
        for rel in store_mod._referenced(json.loads(text).get("media")):
            assert (s.media_root / report_id / rel).is_file()


# --- round trip -------------------------------------------------------------------------


def test_save_get_list_delete_round_trip(store: SQLiteStore, media_src: Path) -> None:
    report = make_report()
    saved = store.save(report, media_src, owner=OWNER)
    assert saved.id != saved.delete_key

    stored = store.get(saved.id, saved.delete_key)
    assert stored is not None and stored.id == saved.id
    assert stored.report == report
    assert stored.created == datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
    assert stored.expires_at is None and not stored.shared and stored.share is None
    assert stored.media_dir == store.media_root / saved.id
    for rel in FILES:
        path = store.media_path(saved.id, rel, saved.delete_key)
        assert path == store.media_root / saved.id / rel
        assert path.read_bytes() == (media_src / rel).read_bytes()
    assert store.media_path(saved.id, "evidence/other.jpg", saved.delete_key) is None

    [summary] = store.list(OWNER)
    assert (summary.id, summary.filename, summary.view) == (saved.id, "run.mp4", "side")
    assert (summary.score, summary.top_finding) == (72, "Overstriding")
    assert (summary.status, summary.shared) == ("ok", False)

    assert store.delete(saved.id, saved.delete_key)
    assert store.get(saved.id, saved.delete_key) is None
    assert store.media_path(saved.id, FILES[0], saved.delete_key) is None
    assert store.list(OWNER) == []
    assert not (store.media_root / saved.id).exists()
    assert not store.delete(saved.id, saved.delete_key)


def test_list_is_newest_first_with_summaries(store: SQLiteStore, media_src: Path) -> None:
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


def test_concurrent_saves_lose_nothing(tmp_path: Path, media_src: Path) -> None:
    db, media = tmp_path / "formcheck.db", tmp_path / "media"

    def save_three(worker: int) -> list[str]:
        own = SQLiteStore(db, media)  # all 8 create the same new database at once
        return [own.save(make_report(f"w{worker}-{i}.mp4"), media_src, owner=OWNER).id
                for i in range(3)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = [i for batch in pool.map(save_three, range(8)) for i in batch]
    assert len(set(ids)) == 24
    store = SQLiteStore(db, media)
    assert {r.id for r in store.list(OWNER, limit=100)} == set(ids)
    assert_consistent(store)


# --- crashes and friendly errors ---------------------------------------------------------


def test_copy_failing_halfway_leaves_store_consistent(
    store: SQLiteStore, media_src: Path, monkeypatch: pytest.MonkeyPatch
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


def test_failing_db_insert_removes_the_copied_media(store: SQLiteStore, media_src: Path) -> None:
    earlier = store.save(make_report("earlier.mp4"), media_src, owner=OWNER)
    sql(
        store.db_path,
        "CREATE TRIGGER crash BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'crash'); END",
    )
    with pytest.raises(StoreError) as caught:
        store.save(make_report("doomed.mp4"), media_src, owner=OWNER)
    assert caught.value.code == "storage_failed"
    assert rows(store) == {earlier.id}
    assert_consistent(store)
    sql(store.db_path, "DROP TRIGGER crash")
    again = store.save(make_report(), media_src, owner=OWNER)
    assert store.get(again.id, Proof(owner=OWNER)) is not None
    assert_consistent(store)


def test_unwritable_folder_gives_a_friendly_error(tmp_path: Path) -> None:
    blocker = tmp_path / "secret-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError) as caught:
        open_store(blocker)
    assert caught.value.code == "storage_unwritable"
    assert "secret" not in str(caught.value)
    assert pickle.loads(pickle.dumps(caught.value)).code == "storage_unwritable"


def test_purge_sweeps_stale_leftovers_of_hard_crashes(store: SQLiteStore, media_src: Path) -> None:
    kept = store.save(make_report(), media_src, owner=OWNER)
    stale_tmp = store.media_root / ".tmp-crashed"
    stale_orphan = store.media_root / store_mod._token()  # renamed into place, row never written
    fresh_orphan = store.media_root / store_mod._token()  # maybe a save in progress
    for folder in (stale_tmp, stale_orphan, fresh_orphan):
        (folder / "evidence").mkdir(parents=True)
    two_hours_ago = time.time() - 7200
    for folder in (stale_tmp, stale_orphan):
        os.utime(folder, (two_hours_ago, two_hours_ago))
    assert store.purge_expired() == 0
    assert not stale_tmp.exists() and not stale_orphan.exists()
    assert fresh_orphan.exists() and store.get(kept.id, kept.delete_key) is not None


def test_bad_reports_are_refused(store: SQLiteStore) -> None:
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
    store: SQLiteStore, media_src: Path, rel: object
) -> None:
    report = make_report()
    report["media"]["evidence"]["ic"] = rel
    with pytest.raises(StoreError) as caught:
        store.save(report, media_src, owner=OWNER)
    assert caught.value.code == "bad_media"
    assert list(store.media_root.iterdir()) == []


def test_symlinks_and_missing_media_are_refused(
    store: SQLiteStore, media_src: Path, tmp_path: Path
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
    assert list(store.media_root.iterdir()) == []


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
def test_unknown_or_malformed_ids_give_none(store: SQLiteStore, media_src: Path, bad: Any) -> None:
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


def test_media_path_serves_only_named_files(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    for rel in ("../../formcheck.db", "/etc/passwd", "evidence/../../x", "", None, "evidence"):
        assert store.media_path(saved.id, rel, saved.delete_key) is None  # type: ignore[arg-type]


def test_delete_keys_belong_to_one_report(store: SQLiteStore, media_src: Path) -> None:
    a = store.save(make_report("a.mp4"), media_src, owner=OWNER)
    b = store.save(make_report("b.mp4"), media_src, owner=OWNER)
    assert not store.delete(b.id, a.delete_key)
    assert not store.delete(a.id, store_mod._token())
    assert not store.delete(a.id, a.delete_key[:-1] + ("A" if a.delete_key[-1] != "A" else "B"))
    assert not store.share(b.id, a.delete_key)
    assert store.get(a.id, a.delete_key) is not None and store.get(b.id, b.delete_key) is not None
    assert store.delete(a.id, a.delete_key)
    assert store.get(a.id, a.delete_key) is None and store.get(b.id, b.delete_key) is not None
    [(stored_hash,)] = sql(store.db_path, "SELECT delete_key_hash FROM reports")
    assert b.delete_key not in stored_hash  # only a hash is kept
    assert store.delete(b.id, b.delete_key)
    assert_consistent(store)


# --- owners: private by default ----------------------------------------------------------


def test_reports_are_private_to_their_browser(store: SQLiteStore, media_src: Path) -> None:
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
    [(owners,)] = sql(store.db_path, "SELECT COUNT(*) FROM report_owners")
    assert owners == 1  # the deleted report's owner rows went with it
    [(owner_hash,)] = sql(store.db_path, "SELECT owner_hash FROM report_owners")
    assert other not in owner_hash  # only a hash of the token is kept
    assert_consistent(store)


def test_delete_key_claims_a_report_for_another_browser(
    store: SQLiteStore, media_src: Path
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
    sql(store.db_path, "UPDATE reports SET expires_at = ?", store_mod._iso(past))
    assert store.claim(expiring.delete_key, other) is None  # an expired report is gone


def test_find_clip_is_per_browser_and_clip_key(store: SQLiteStore, media_src: Path) -> None:
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


def test_sample_reports_belong_to_nobody(store: SQLiteStore, media_src: Path) -> None:
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


def test_viewer_sees_nothing_of_an_unshared_report(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    assert store.get(saved.id, viewer=True) is None
    assert store.media_path(saved.id, FILES[0], viewer=True) is None
    share_id = store.share(saved.id, saved.delete_key)
    # the owner's id is no share link, and a share id gives no owner access
    assert store.get(saved.id, viewer=True) is None
    assert store.get(share_id, Proof(OWNER, saved.delete_key)) is None
    assert store.media_path(share_id, FILES[0], Proof(OWNER)) is None


def test_share_blurs_evidence_and_leaves_out_the_video(store: SQLiteStore, media_src: Path) -> None:
    report = make_report()
    del report["media"]["evidence_frames"]["to"]  # a picture whose frame is unknown
    saved = store.save(report, media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    assert share_id is not None and share_id != saved.id

    seen = store.get(share_id, viewer=True)
    assert seen is not None and seen.id == share_id
    assert seen.media_dir == store.media_root / saved.id / "shared"
    assert seen.share.blur_faces and not seen.share.include_video
    media = seen.report["media"]
    assert media["video"] is None
    assert media["evidence"] == {"ic": FILES[0]}  # "to" cannot be blurred, so it is left out
    assert media["thumbnail"] == FILES[2]
    assert store.media_path(share_id, FILES[3], viewer=True) is None
    assert store.media_path(share_id, FILES[1], viewer=True) is None
    assert not (seen.media_dir / FILES[3]).exists() and not (seen.media_dir / FILES[1]).exists()
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


def test_share_with_blurred_video(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=True)
    seen = store.get(share_id, viewer=True)
    assert seen.report["media"]["video"] == FILES[3]
    before = read_frames(media_src / FILES[3])
    after = read_frames(store.media_path(share_id, FILES[3], viewer=True))
    assert len(after) == len(before) == 10
    for b, a in zip(before, after):  # frames 5-9 have no box of their own
        assert head_std(a) < 0.4 * head_std(b)


def test_share_without_blur_copies_originals(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=False, include_video=True)
    seen = store.get(share_id, viewer=True)
    assert seen.report["media"]["evidence"] == make_report()["media"]["evidence"]
    for rel in FILES:
        shared = store.media_path(share_id, rel, viewer=True)
        assert shared.read_bytes() == (media_src / rel).read_bytes()


def test_owner_sets_and_clears_expiry(store: SQLiteStore, media_src: Path) -> None:
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
    assert not (store.media_root / saved.id).exists()
    assert store.set_expiry(other.id, other.delete_key, 5)
    assert store.set_expiry(other.id, other.delete_key, None)
    assert store.get(other.id, other.delete_key).expires_at is None


def test_viewer_gets_no_file_name_or_face_positions(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(name="jane_doe_run.mp4"), media_src, owner=OWNER)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    seen = store.get(share_id, viewer=True).report
    assert "jane_doe" not in json.dumps(seen)
    assert "face_boxes" not in seen["media"]
    owner = store.get(saved.id, saved.delete_key).report  # the owner still has everything
    assert owner["source"]["filename"] == "jane_doe_run.mp4" and owner["media"]["face_boxes"]


def test_damaged_video_fails_the_share_cleanly(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    store.media_path(saved.id, FILES[3], saved.delete_key).write_bytes(b"\x00 not a video" * 100)
    with pytest.raises(StoreError) as caught:
        store.share(saved.id, saved.delete_key, blur_faces=True, include_video=True)
    assert caught.value.code == "share_failed"
    assert not store.get(saved.id, saved.delete_key).shared
    assert not (store.media_root / saved.id / "shared").exists()
    assert_consistent(store)


def test_reshare_unshare_and_delete_kill_old_links(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER)
    first = store.share(saved.id, saved.delete_key, blur_faces=False, include_video=True)
    second = store.share(saved.id, saved.delete_key, blur_faces=True, include_video=False)
    assert first != second
    assert store.get(first, viewer=True) is None
    assert store.get(second, viewer=True).report["media"]["video"] is None

    assert store.unshare(saved.id, saved.delete_key)
    assert store.get(second, viewer=True) is None
    assert not (store.media_root / saved.id / "shared").exists()
    assert not store.get(saved.id, saved.delete_key).shared

    third = store.share(saved.id, saved.delete_key)
    assert store.delete(saved.id, saved.delete_key)
    assert store.get(third, viewer=True) is None
    assert store.media_path(third, FILES[0], viewer=True) is None
    assert_consistent(store)


# --- expiry ------------------------------------------------------------------------------


def test_expired_reports_vanish_and_are_purged(store: SQLiteStore, media_src: Path) -> None:
    keep = store.save(make_report("keep.mp4"), media_src, owner=OWNER)
    temp = store.save(make_report("temp.mp4"), media_src, owner=OWNER, expire_days=30)
    stored = store.get(temp.id, temp.delete_key)
    assert stored.expires_at - datetime.now(timezone.utc) > timedelta(days=29)
    share_id = store.share(temp.id, temp.delete_key)

    assert store.purge_expired() == 0
    assert store.purge_expired(now=datetime.now(timezone.utc) + timedelta(days=31)) == 1
    assert store.get(temp.id, temp.delete_key) is None and store.get(share_id, viewer=True) is None
    assert not (store.media_root / temp.id).exists()
    assert [r.id for r in store.list(OWNER)] == [keep.id]
    assert_consistent(store)


def test_expired_but_not_yet_purged_is_already_gone(store: SQLiteStore, media_src: Path) -> None:
    saved = store.save(make_report(), media_src, owner=OWNER, expire_days=1)
    share_id = store.share(saved.id, saved.delete_key)
    sql(store.db_path, "UPDATE reports SET expires_at = '2000-01-01T00:00:00.000000+00:00'")
    assert store.get(saved.id, saved.delete_key) is None
    assert store.get(share_id, viewer=True) is None
    assert store.list(OWNER) == []
    assert store.share(saved.id, saved.delete_key) is None
    assert store.delete(saved.id, saved.delete_key)  # the owner can still remove it


# --- schema and configuration ------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.000000+00:00');
CREATE TABLE reports (
    id TEXT PRIMARY KEY, delete_key_hash TEXT NOT NULL, report_json TEXT NOT NULL,
    created TEXT NOT NULL, saved_at TEXT NOT NULL, filename TEXT, view TEXT,
    overall_score INTEGER, top_finding TEXT, status TEXT
);
CREATE INDEX reports_by_saved_at ON reports (saved_at);
"""


def test_v1_database_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "formcheck.db"
    report_id, key = store_mod._token(), store_mod._token()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.executescript(V1_SCHEMA)
    sql(db, "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        report_id, hashlib.sha256(key.encode()).hexdigest(), json.dumps({"version": "1.0"}),
        "2025-01-01T00:00:00.000000+00:00", "2025-01-01T00:00:00.000000+00:00",
        "old.mp4", "side", 64, "Overstriding", "ok")
    (tmp_path / "media" / report_id).mkdir(parents=True)

    s = SQLiteStore(db, tmp_path / "media")
    assert sql(db, "SELECT version FROM schema_version ORDER BY version") == [(1,), (2,), (3,)]
    assert sql(db, "PRAGMA journal_mode") == [("wal",)]
    stored = s.get(report_id, key)
    assert stored.report == {"version": "1.0"} and stored.expires_at is None and not stored.shared
    # an old report has no owner: listed nowhere until its delete key claims it
    assert s.list(OWNER) == [] and s.get(report_id, Proof(owner=OWNER)) is None
    assert s.claim(key, OWNER) == report_id
    assert [(r.filename, r.score) for r in s.list(OWNER)] == [("old.mp4", 64)]
    assert s.share(report_id, key) is not None
    SQLiteStore(db, tmp_path / "media")  # opening again applies nothing
    assert s.delete(report_id, key)


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "formcheck.db", tmp_path / "media")
    sql(tmp_path / "formcheck.db", "INSERT INTO schema_version VALUES (99, 'later')")
    with pytest.raises(StoreError) as caught:
        SQLiteStore(tmp_path / "formcheck.db", tmp_path / "media")
    assert caught.value.code == "store_too_new"


def test_open_store_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path / "env-data"))
    s = open_store()
    folder = tmp_path / "env-data"
    assert (s.db_path, s.media_root) == (folder / "formcheck.db", folder / "media")
    assert s.db_path.is_file() and s.media_root.is_dir()

    s = open_store(f"sqlite:///{tmp_path}/elsewhere/reports.db")
    folder = tmp_path / "elsewhere"
    assert (s.db_path, s.media_root) == (folder / "reports.db", folder / "media")

    with pytest.raises(StoreError) as caught:
        open_store("postgresql://db/formcheck")
    assert caught.value.code == "store_unsupported"
