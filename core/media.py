"""Where a stored report's media live: one interface over a local folder and S3 (fsspec).

:class:`MediaStore` names every file by a *key* ``<report id>/<relative path>`` under its
root URL: a folder (``/srv/formcheck/media``, ``file:///...``) or an S3 prefix
(``s3://bucket/prefix``, through s3fs; the endpoint for an S3-compatible server comes from
``FORMCHECK_S3_ENDPOINT_URL``, keys from the usual ``AWS_*`` variables). The store writes,
reads and deletes media only through it, and the UI reads them as bytes or as a local path
(:meth:`MediaStore.local_path`: the file itself in a folder, a private cached copy for S3).

Crash safety (the store's rule: media first, row after, sweep orphans): :meth:`publish`
writes a whole folder of files under one prefix. In a folder it is written into a ``.tmp-*``
folder, flushed to disk and renamed into place, so it appears whole or not at all; on S3 the
objects are uploaded under the final prefix (S3 has no rename) and a prefix whose row never
appeared is swept later (:meth:`entries` gives every top-level name with its age).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import fsspec

S3_ENDPOINT_ENV = "FORMCHECK_S3_ENDPOINT_URL"
TMP_PREFIX = ".tmp-"
_CACHE_ENV = "FORMCHECK_MEDIA_CACHE"
_CACHE_MAX_AGE_S = 24 * 3600.0
_SAFE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")
_evicted: set[str] = set()


class MediaStore:
    """Media files under one root URL (a folder or ``s3://bucket/prefix``)."""

    def __init__(self, url: str | os.PathLike[str], *, endpoint_url: str | None = None,
                 key: str | None = None, secret: str | None = None,
                 cache_dir: str | Path | None = None) -> None:
        text = os.fspath(url)
        self.url = text
        self.local = "://" not in text or text.startswith("file://")
        if self.local:
            # absolute: a later change of the working folder must not move the media
            self.root = Path(text[len("file://"):] if text.startswith("file://") else text).absolute()
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.fs = fsspec.filesystem("file")
            self._base = str(self.root)
        else:
            protocol, _, rest = text.partition("://")
            if protocol not in ("s3", "s3a"):
                raise ValueError(f"unsupported media URL scheme: {protocol}")
            endpoint = endpoint_url or os.environ.get(S3_ENDPOINT_ENV) or None
            options: dict[str, Any] = {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}
            if key and secret:  # else botocore's own chain (AWS_* variables, profiles, roles)
                options.update(key=key, secret=secret)
            # no listing cache: another process may add or remove reports at any time (the
            # filesystem object itself is shared per process and settings: it is costly)
            self.fs = fsspec.filesystem("s3", use_listings_cache=False, **options)
            self._base = rest.strip("/")
            if not self._base:
                raise ValueError("an S3 media URL needs a bucket: s3://bucket/prefix")
            self.root = None
            self.fs.info(self._base.split("/")[0])  # the bucket must exist (fails early)
        cache = cache_dir or os.environ.get(_CACHE_ENV)
        self._cache = Path(cache) if cache else None

    # --- names -----------------------------------------------------------------------------

    def _path(self, key: str) -> str:
        return f"{self._base}/{_checked(key)}" if key else self._base

    def _local(self, key: str) -> Path:
        return self.root / _checked(key) if key else self.root

    def location(self, prefix: str) -> Path | str:
        """Where a report's media live: a Path in a folder, else an ``s3://`` URL."""
        return self._local(prefix) if self.local else f"s3://{self._path(prefix)}"

    # --- reading ---------------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        if self.local:
            return (self._local(key)).is_file()
        return self.fs.isfile(self._path(key))

    def any_under(self, prefix: str) -> bool:
        """Whether any file is stored under ``prefix`` (e.g. a job's uploaded clip)."""
        if self.local:
            folder = self._local(prefix)
            return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))
        try:
            return bool(self.fs.find(self._path(prefix)))
        except FileNotFoundError:
            return False

    def read_bytes(self, key: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""
        try:
            if self.local:
                return (self._local(key)).read_bytes()
            return self.fs.cat_file(self._path(key))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def local_path(self, key: str) -> Path | None:
        """A local file with the key's content, or None when there is no such file.

        In a folder this is the stored file itself. On S3 it is a private cached copy named
        after the object's ETag, so a rewritten object (a new share variant) is fetched anew.
        """
        if self.local:
            path = self._local(key)
            return path if path.is_file() else None
        try:
            info = self.fs.info(self._path(key))
        except FileNotFoundError:
            return None
        if info.get("type") != "file":
            return None
        tag = hashlib.sha256(f"{info.get('ETag') or info.get('size')}\0{info.get('LastModified')}"
                             .encode()).hexdigest()[:16]
        cached = self._cache_of(key) / tag / Path(key).name
        if not cached.is_file():
            cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = cached.with_name(f"{TMP_PREFIX}{os.getpid()}-{cached.name}")
            try:
                self.fs.get_file(self._path(key), str(tmp))
            except FileNotFoundError:
                return None
            os.replace(tmp, cached)
        return cached

    def _cache_of(self, key: str) -> Path:
        """The private local cache folder of one key or prefix (S3), so deleting a prefix
        drops this machine's cached copies too. Copies fetched over a day ago are removed
        when a process first uses the cache (they are fetched again when needed)."""
        if self._cache is None:
            self._cache = Path(tempfile.gettempdir()) / f"formcheck-media-cache-{os.getuid()}"
        root = self._cache / hashlib.sha256(self.url.encode()).hexdigest()[:16]
        if not root.is_dir():
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        _evict_once(self._cache)
        if not key:
            return root
        parts = key.split("/")
        if all(_SAFE_PART.fullmatch(p) for p in parts):
            return root.joinpath(*parts)
        return root / "_" / hashlib.sha256(key.encode()).hexdigest()

    # --- writing ---------------------------------------------------------------------------

    def staging(self) -> Path:
        """A fresh local folder to assemble files in before :meth:`publish` (inside the
        media root for a folder, so the publish is a rename on the same disk)."""
        base = self.root if self.local else None
        return Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=base))

    def publish(self, folder: Path, prefix: str) -> None:
        """Move the files of the local ``folder`` (from :meth:`staging`) to ``prefix``, which
        must not exist yet; ``folder`` is gone afterwards, also on failure."""
        try:
            if self.local:
                _fsync_tree(folder)
                os.rename(folder, self._local(prefix))
                _fsync(self._local(prefix).parent)
                return
            files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
            if files:
                self.fs.put([str(p) for p in files],
                            [self._path(f"{prefix}/{p.relative_to(folder).as_posix()}")
                             for p in files])
        except BaseException:
            if not self.local:
                self.delete(prefix)
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def put_file(self, src: str | Path, key: str) -> None:
        """Store the local file ``src`` at ``key`` (e.g. an uploaded clip for a worker),
        replacing what was there; in a folder the file appears whole or not at all."""
        if self.local:
            dst = self._local(key)
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_name(f"{TMP_PREFIX}{os.getpid()}-{dst.name}")
            shutil.copyfile(src, tmp)
            _fsync(tmp)
            os.replace(tmp, dst)
        else:
            self.fs.put_file(str(src), self._path(key))

    def write_bytes(self, key: str, data: bytes) -> None:
        """Overwrite one file (maintenance and tests; reports are written by :meth:`publish`)."""
        if self.local:
            (self._local(key)).parent.mkdir(parents=True, exist_ok=True)
            (self._local(key)).write_bytes(data)
        else:
            self.fs.pipe_file(self._path(key), data)

    def delete(self, prefix: str) -> None:
        """Remove everything under ``prefix`` (a report or its shared copies; ``""``: all of
        the root, for tests); missing is fine."""
        if self.local:
            shutil.rmtree(self._local(prefix), ignore_errors=True)
            return
        with contextlib.suppress(FileNotFoundError):
            paths = self.fs.find(self._path(prefix))
            if paths:
                self.fs.rm(paths)
        shutil.rmtree(self._cache_of(prefix), ignore_errors=True)  # this machine's copies too

    # --- listing ---------------------------------------------------------------------------

    def entries(self) -> dict[str, float]:
        """Every top-level name under the root with the time (epoch s) of its newest change."""
        if self.local:
            found: dict[str, float] = {}
            with os.scandir(self.root) as it:
                for entry in it:
                    with contextlib.suppress(FileNotFoundError):
                        found[entry.name] = entry.stat(follow_symlinks=False).st_mtime
            return found
        found = {}
        try:
            listing: Iterable[dict[str, Any]] = self.fs.find(self._base, detail=True).values()
        except FileNotFoundError:
            return found
        for info in listing:
            rel = info["name"][len(self._base) + 1:]
            top = rel.split("/", 1)[0]
            modified = info.get("LastModified")
            when = modified.timestamp() if modified is not None else time.time()
            found[top] = max(found.get(top, 0.0), when)
        return found


def _checked(key: str) -> str:
    """``key`` if it is a plain relative name (``a/b.jpg``): no ``..``, no absolute path."""
    parts = key.split("/")
    if key.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"not a plain media key: {key!r}")
    return key


def _evict_once(cache: Path) -> None:
    """Remove cached copies not fetched for a day (once per process and cache folder)."""
    if str(cache) in _evicted:
        return
    _evicted.add(str(cache))
    cutoff = time.time() - _CACHE_MAX_AGE_S
    for path in list(cache.rglob("*")):
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()


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
