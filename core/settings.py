"""Configuration: one reader for every setting of the app, the workers and the CLI.

Contract:
    setting(name, *aliases) -> str | None
        The environment variable ``name`` if set and non-empty, else the first non-empty
        string under ``name`` (or one of ``aliases``) in a secrets file, else None.

Secrets files, first found wins per key: ``$FORMCHECK_SECRETS`` when set (tests and scripts
point it at a file of their own, or at a missing one for "nothing configured"), else
``.streamlit/secrets.toml`` in the working folder, then in the home folder (Streamlit's own
places). A missing or broken file counts as empty.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

SECRETS_ENV = "FORMCHECK_SECRETS"


def secrets_files() -> tuple[Path, ...]:
    """The secrets files read, in order (module doc)."""
    override = os.environ.get(SECRETS_ENV)
    if override:
        return (Path(override),)
    return (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit/secrets.toml")


def setting(name: str, *aliases: str) -> str | None:
    """A setting from the environment, else from a secrets file (module doc)."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    for path in secrets_files():
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for key in (name, *aliases):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None
