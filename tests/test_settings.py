"""One settings reader (core.settings) for the store, the jobs table and the broker."""
from __future__ import annotations

from core import jobs, store
from core.jobs import state
from core.settings import setting


def test_environment_then_secrets_file_then_none(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('FORMCHECK_DATABASE_URL = "postgresql://db/x"\n'
                       'broker_url = "redis://queue:6379/0"\nFORMCHECK_MEDIA_URL = "  "\n')
    monkeypatch.setenv("FORMCHECK_SECRETS", str(secrets))
    for name in ("FORMCHECK_DATABASE_URL", "FORMCHECK_BROKER_URL", "FORMCHECK_MEDIA_URL"):
        monkeypatch.delenv(name, raising=False)
    # the store and the jobs table read the same database setting from the secrets file
    assert store.database_url() == state.database_url() == "postgresql://db/x"
    assert jobs.broker_url() == "redis://queue:6379/0"  # README's lower-case key
    assert setting("FORMCHECK_MEDIA_URL") is None  # blank counts as unset
    monkeypatch.setenv("FORMCHECK_DATABASE_URL", "sqlite:///elsewhere.db")  # env wins
    assert store.database_url() == state.database_url() == "sqlite:///elsewhere.db"
    monkeypatch.setenv("FORMCHECK_SECRETS", str(tmp_path / "missing.toml"))
    secrets.write_text("not toml [")
    assert jobs.broker_url() is None


def test_broken_secrets_file_counts_as_empty(tmp_path, monkeypatch):
    bad = tmp_path / "secrets.toml"
    bad.write_text("this is = not [ toml")
    monkeypatch.setenv("FORMCHECK_SECRETS", str(bad))
    monkeypatch.delenv("FORMCHECK_BROKER_URL", raising=False)
    assert jobs.broker_url() is None
