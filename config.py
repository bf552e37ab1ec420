"""Configuration classes for ecoreg.

Pick one with ``ECOREG_ENV`` (``development`` by default, ``testing``, ``production``); any setting
below can then be overridden from the environment with the same name (``DATABASE_URL``,
``SECRET_KEY``, ``MAX_CONTENT_LENGTH``, ...). The embedded SQLite database lives under ``instance/``
unless ``DATABASE_URL`` points elsewhere (``postgresql+psycopg://user:pass@host/db``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("ECOREG_INSTANCE", ROOT / "instance"))

#: The value shipped in development; production refuses to run with it.
DEVELOPMENT_SECRET = "ecoreg-development-only-not-secret"


class ConfigurationError(RuntimeError):
    """The operator must change the configuration before ecoreg can start."""


class Config:
    ENV_NAME = "base"
    SECRET_KEY = DEVELOPMENT_SECRET
    DATABASE_URL = f"sqlite:///{INSTANCE / 'ecoreg.sqlite3'}"
    # A read replica for the read-only pages (the resolver); empty: the main database.
    READ_DATABASE_URL = ""
    # Public base URL of the registry: printed in QR codes and links.
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    SEED_DEMO = True
    # Private signing keys are stored encrypted with this passphrase (or the first line of the file
    # named by ECOREG_KEY_PASSPHRASE_FILE). Development and tests use a fixed, public one; production
    # has none until the operator sets it, and refuses to sign until then.
    ECOREG_KEY_PASSPHRASE = "ecoreg-development-key-passphrase"
    ECOREG_KEY_PASSPHRASE_FILE = ""
    # The transparency log's origin line in checkpoints; default: the public host + "/log".
    LOG_ORIGIN = ""

    # Serial issuance (docs/api.md#serial-jobs): a request for at most SERIAL_SYNC_LIMIT serials is issued
    # within the request; a bigger one becomes a job that a background thread of the worker signs in
    # chunks of SERIAL_JOB_CHUNK, each its own short transaction, pausing SERIAL_JOB_PAUSE_MS between
    # chunks (to leave CPU to requests on a small server). A running job with no progress for
    # SERIAL_JOB_STALLED_AFTER seconds lost its worker, and is failed.
    SERIAL_SYNC_LIMIT = 1000
    SERIAL_JOB_CHUNK = 1000
    SERIAL_JOB_PAUSE_MS = 0
    SERIAL_JOB_STALLED_AFTER = 600

    # Watchlist webhooks (docs/retailers.md): a background thread in each worker (when
    # WEBHOOK_DISPATCHER_THREAD is on; else run `ecoreg webhooks deliver`) POSTs each due delivery with a
    # timeout of WEBHOOK_TIMEOUT_SECONDS. A failed attempt is retried after WEBHOOK_BACKOFF_BASE_MS,
    # doubled each time up to WEBHOOK_BACKOFF_MAX_MS, with jitter, until WEBHOOK_MAX_ATTEMPTS (the
    # defaults retry for about half a day). Labels that expired are looked for every
    # WEBHOOK_SWEEP_SECONDS. Endpoints that resolve to loopback, private or link-local addresses are
    # refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS: the registry must not be made to probe its own network.
    WEBHOOK_DISPATCHER_THREAD = True
    WEBHOOK_MAX_ATTEMPTS = 12
    WEBHOOK_BACKOFF_BASE_MS = 30_000
    WEBHOOK_BACKOFF_MAX_MS = 6 * 3600 * 1000
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOK_SWEEP_SECONDS = 60
    WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    # Uploads and request bodies: 16 MiB, a 413 problem beyond; evidence files 10 MiB each.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    EVIDENCE_DIR = str(INSTANCE / "evidence")
    # The scan log (app/scan_log.py): buffered scans are stored every SCAN_FLUSH_SECONDS (0: at once, in
    # the request). Signals: a serial scanned more than SIGNAL_SERIAL_LIMIT times, or a lot's serials more
    # than SIGNAL_LOT_FACTOR times its size, is flagged; SIGNAL_DAYS is the default window.
    SCAN_FLUSH_SECONDS = 1.0
    # POST /api/v1/verify for callers without a retailer's token.
    VERIFY_RATE_LIMIT = "30 per minute"
    SIGNAL_SERIAL_LIMIT = 20
    SIGNAL_LOT_FACTOR = 3
    SIGNAL_DAYS = 30

    # EPCIS capture: events per document and bytes per document (advertised by OPTIONS /epcis/capture).
    EPCIS_CAPTURE_LIMIT = 10_000
    EPCIS_CAPTURE_FILE_SIZE_LIMIT = 16 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    API_TITLE = "ecoreg API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served from the swagger-ui-bundle wheel: the docs page needs no internet.
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"

    # How many reverse proxies (load balancer, nginx) stand in front of the app; their
    # X-Forwarded-For/-Proto headers are trusted that many hops deep, so rate limits see clients.
    PROXY_COUNT = 0

    # Flask-Limiter: in-memory per worker by default; point at Redis when scaled out.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    API_ANONYMOUS_RATE_LIMIT = "600 per minute"

    @classmethod
    def from_environment(cls) -> dict:
        """The class's settings, with environment overrides applied and typed like the defaults."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key, default in list(settings.items()):
            raw = os.environ.get(key)
            if raw is None:
                continue
            settings[key] = _coerce(raw, default)
        return settings

    @classmethod
    def check(cls, settings: dict) -> None:
        """Refuse settings that cannot run safely; a no-op outside production."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # a receiver on the developer's own machine


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = "sqlite://"
    SEED_DEMO = False
    WTF_CSRF_ENABLED = False
    LOGIN_RATE_LIMIT = "1000 per minute"
    API_ANONYMOUS_RATE_LIMIT = "100000 per minute"
    VERIFY_RATE_LIMIT = "100000 per minute"
    PUBLIC_BASE_URL = "http://localhost"
    # The suite's tests share one connection: no thread of the app's own may use it behind their back.
    WEBHOOK_DISPATCHER_THREAD = False
    SCAN_FLUSH_SECONDS = 0  # scans stored as each request ends, on the request's (the test's) connection
    WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the tests' receivers listen on 127.0.0.1


class ProductionConfig(Config):
    ENV_NAME = "production"
    ECOREG_KEY_PASSPHRASE = ""
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SEED_DEMO = False

    @classmethod
    def check(cls, settings: dict) -> None:
        secret = settings.get("SECRET_KEY") or ""
        if secret == DEVELOPMENT_SECRET or len(secret) < 32:
            raise ConfigurationError(
                "SECRET_KEY is missing or weak. Production signs session cookies and CSRF tokens "
                "with it, so a known or short key lets anyone forge a login. Set SECRET_KEY to at "
                "least 32 random characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )


def key_passphrase(settings: dict) -> str | None:
    """The key passphrase: from its file when one is named, else the setting; None when there is none."""
    path = settings.get("ECOREG_KEY_PASSPHRASE_FILE")
    if path:
        try:
            # A file whose first line is blank is as empty as one of no bytes: both are refused.
            passphrase = Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError, UnicodeDecodeError):
            passphrase = ""
        if not passphrase:
            raise ConfigurationError(
                f"ECOREG_KEY_PASSPHRASE_FILE={path} cannot be read (as UTF-8) or its first line is empty"
            )
        return passphrase
    return settings.get("ECOREG_KEY_PASSPHRASE") or None


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def load(env_name: str | None = None) -> dict:
    """Settings for ``env_name`` (default ``$ECOREG_ENV`` or development), checked."""
    name = env_name or os.environ.get("ECOREG_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(f"ECOREG_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}") from None
    settings = cls.from_environment()
    cls.check(settings)
    return settings


def _coerce(raw: str, default):
    if default is None:
        return int(raw) if raw.strip().isdigit() else raw
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
