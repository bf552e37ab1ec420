import pytest

import config


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY"):
        config.load("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(config.ConfigurationError, match="at least 32"):
        config.load("production")


def test_production_starts_with_a_long_random_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    settings = config.load("production")
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_environment_overrides_are_typed_like_the_defaults(monkeypatch):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1024")
    monkeypatch.setenv("SEED_DEMO", "0")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = config.load("development")
    assert settings["MAX_CONTENT_LENGTH"] == 1024
    assert settings["SEED_DEMO"] is False
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(config.ConfigurationError, match="ECOREG_ENV"):
        config.load("staging")


def test_the_app_refuses_to_start_in_production_without_a_secret(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ECOREG_ENV", "production")
    with pytest.raises(config.ConfigurationError):
        create_app()
