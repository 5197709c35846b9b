"""Comparison links (core.compare_share): owners only, viewers see the shared copies, and a
link dies with either report's share link."""
from __future__ import annotations

import secrets

from core.compare_share import open_comparison, share_comparison
from core.store import Proof, open_store


def _report(created: str, cadence: float) -> dict:
    return {"version": "1.0", "created": created, "status": "ok",
            "source": {"filename": "my-name.mp4"}, "view": {"view": "side"},
            "metrics": [{"id": "cadence", "value": cadence, "status": "good", "n": 10}],
            "findings": {"overall_score": 80, "areas": []},
            "media": {"evidence": {}, "evidence_frames": {}, "video": None, "thumbnail": None,
                      "face_boxes": {}}}


def test_comparison_link(tmp_path):
    store = open_store(str(tmp_path / "data"))
    owner, stranger = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    a = store.save(_report("2026-01-01T08:00:00+00:00", 158), None, owner=owner)
    b = store.save(_report("2026-01-20T08:00:00+00:00", 176), None, owner=owner)
    mine, theirs = Proof(owner=owner), Proof(owner=stranger)
    assert share_comparison(store, a.id, b.id, theirs, theirs) is None  # not the owner
    assert share_comparison(store, a.id, a.id, mine, mine) is None
    assert store.get(a.id, mine).share is None  # nothing was published by the refusals
    token = share_comparison(store, b.id, a.id, mine, mine)
    assert token and len(token) == 32
    before, after = open_comparison(store, token)
    assert [s.report["metrics"][0]["value"] for s in (before, after)] == [158, 176]
    assert before.id != a.id and before.report["source"]["filename"] is None  # viewer copies
    assert open_comparison(store, "x" * 32) is None and open_comparison(store, a.id) is None
    # unsharing either report withdraws the comparison; so does deleting it
    assert store.unshare(a.id, mine)
    assert open_comparison(store, token) is None
    token2 = share_comparison(store, a.id, b.id, mine, mine)
    assert open_comparison(store, token2) is not None
    assert store.delete(b.id, b.delete_key)
    assert open_comparison(store, token2) is None


def test_deleting_or_expiring_a_report_removes_its_comparisons(tmp_path):
    import sqlalchemy as sa
    from datetime import datetime, timedelta, timezone
    from core.store import comparisons

    store = open_store(str(tmp_path / "data"))
    owner = secrets.token_urlsafe(24)
    mine = Proof(owner=owner)
    a, b, c = (store.save(_report(f"2026-01-0{i}T08:00:00+00:00", 160 + i), None, owner=owner)
               for i in (1, 2, 3))
    ab = share_comparison(store, a.id, b.id, mine, mine)
    bc = share_comparison(store, b.id, c.id, mine, mine)

    def rows():
        with store.engine.connect() as conn:
            return set(conn.execute(sa.select(comparisons.c.id)).scalars())

    assert rows() == {ab, bc}
    assert store.delete(a.id, mine)
    assert rows() == {bc}  # the deleted report's comparison row is gone, the other stays
    assert open_comparison(store, bc) is not None
    assert store.set_expiry(c.id, mine, 1)
    assert store.purge_expired(datetime.now(timezone.utc) + timedelta(days=2)) == 1
    assert rows() == set()


def test_a_new_share_link_ends_the_comparisons_made_before_it(tmp_path):
    """"A new link replaces the old one, which stops working": a comparison link made while
    the old one was out ends with it. It kept working and showed the new link's copies,
    unblurred when the new link was made without blurring (browser review, s20)."""
    store = open_store(str(tmp_path / "data"))
    owner = secrets.token_urlsafe(24)
    mine = Proof(owner=owner)
    a = store.save(_report("2026-01-01T08:00:00+00:00", 158), None, owner=owner)
    b = store.save(_report("2026-01-20T08:00:00+00:00", 176), None, owner=owner)
    token = share_comparison(store, a.id, b.id, mine, mine)
    assert open_comparison(store, token) is not None
    assert store.share(a.id, mine, blur_faces=False)  # "Make a new link", blurring off
    assert open_comparison(store, token) is None
    # a comparison made now shows the link as it is now, and says so (pages/compare.py)
    token2 = share_comparison(store, a.id, b.id, mine, mine)
    before, after = open_comparison(store, token2)
    assert before.share.blur_faces is False and after.share.blur_faces is True


def test_the_share_box_says_which_faces_a_comparison_link_shows(tmp_path):
    """The box said "faces blurred" whatever the reports' own links showed."""
    from ui.compare import share_caption

    store = open_store(str(tmp_path / "data"))
    owner = secrets.token_urlsafe(24)
    mine = Proof(owner=owner)
    a = store.save(_report("2026-01-01T08:00:00+00:00", 158), None, owner=owner)
    b = store.save(_report("2026-01-20T08:00:00+00:00", 176), None, owner=owner)
    caption = lambda: share_caption(store.get(a.id, mine), store.get(b.id, mine))  # noqa: E731
    assert "(faces blurred;" in caption()  # unshared: their links will be made blurred
    store.share(a.id, mine, blur_faces=False)
    assert "faces blurred except on the before report, whose link you made without blurring" \
        in caption()
    store.share(b.id, mine, blur_faces=False)
    assert "faces not blurred: you made both reports' links without blurring" in caption()


def test_a_pairs_link_is_given_again_and_can_be_stopped(tmp_path):
    """Coming back to a shared comparison offered only "Create comparison link", and each
    press made another link that kept working, with no way to stop one (review, 3 Dec): the
    pair's link is found again (one link per pair), and stopping it ends every link of the
    pair while the reports' own links stay."""
    from core.compare_share import comparison_link, stop_comparison

    store = open_store(str(tmp_path / "data"))
    owner, stranger = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    a = store.save(_report("2026-01-01T08:00:00+00:00", 158), None, owner=owner)
    b = store.save(_report("2026-01-20T08:00:00+00:00", 176), None, owner=owner)
    mine, theirs = Proof(owner=owner), Proof(owner=stranger)
    assert comparison_link(store, a.id, b.id, mine, mine) is None  # none yet
    token = share_comparison(store, a.id, b.id, mine, mine)
    assert comparison_link(store, a.id, b.id, mine, mine) == token
    assert comparison_link(store, b.id, a.id, mine, mine) == token  # either order
    assert comparison_link(store, a.id, b.id, theirs, theirs) is None  # not for others
    assert share_comparison(store, b.id, a.id, mine, mine) == token  # not a second link
    assert stop_comparison(store, a.id, b.id, theirs, theirs) is None  # only the owner
    assert open_comparison(store, token) is not None
    assert stop_comparison(store, b.id, a.id, mine, mine) == 1
    assert open_comparison(store, token) is None
    assert comparison_link(store, a.id, b.id, mine, mine) is None
    assert store.get(a.id, mine).share is not None and store.get(b.id, mine).share is not None
    # a new link after that is a new token
    again = share_comparison(store, a.id, b.id, mine, mine)
    assert again and again != token and open_comparison(store, again) is not None
