"""Settings for dangjian, one module configured by environment variables.

Defaults give a working single-machine platform (SQLite in the data directory, local-memory
cache, tasks in the database); DATABASE_URL and REDIS_URL move it to PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import secrets
import sys
import warnings
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.utils.translation import gettext_lazy as _

from dangjian.core.data_dir import DIRECTORY_MODE, FILE_MODE, owner_only_directory, write_owner_only


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("DANGJIAN_DATA_DIR", "dangjian-data")).resolve()
# Owner-only: it holds the keys, the SQLite file and uploads with personal data (core/data_dir.py).
owner_only_directory(DATA_DIR)


def _key_from_file(filename: str, make, consequence: str) -> str:
    """Read a key kept in the data directory, creating it on first run.

    A generated key is created with mode 0600 (never briefly readable by others) and announced
    once, because losing the encryption key makes every stored ID number and phone unreadable.
    """
    path = DATA_DIR / filename
    if path.exists():
        return path.read_text().strip()
    key = make()
    write_owner_only(path, (key + "\n").encode())
    if "pytest" not in sys.modules:
        warnings.warn(
            f"已生成新密钥 {path}，请妥善备份：{consequence}",
            stacklevel=2,
        )
    return key


SECRET_KEY = env_str("DANGJIAN_SECRET_KEY") or _key_from_file(
    "secret_key", lambda: secrets.token_urlsafe(50), "更换后所有登录会话失效。"
)
# Fernet keys for personal information; several comma-separated keys allow rotation (first encrypts).
ENCRYPTION_KEYS = env_list("DANGJIAN_ENCRYPTION_KEY", []) or [
    _key_from_file(
        "encryption_key", lambda: Fernet.generate_key().decode(), "丢失后已加密的身份证号和手机号将无法解密。"
    )
]
# Key of the keyed hashes beside encrypted values (exact lookup, duplicate detection). Kept apart
# from the encryption keys so those can rotate without re-hashing; it must never change.
LOOKUP_KEY = env_str("DANGJIAN_LOOKUP_KEY") or _key_from_file(
    "lookup_key", lambda: secrets.token_urlsafe(32), "丢失后将无法按身份证号或手机号查找人员。"
)

DEBUG = env_bool("DANGJIAN_DEBUG", False)
ALLOWED_HOSTS = env_list("DANGJIAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DANGJIAN_CSRF_TRUSTED_ORIGINS", [])

# Map tiles: empty means grids are drawn on a blank canvas (government intranets have no internet).
TILE_URL = env_str("DANGJIAN_TILE_URL", "")
# Trust X-Forwarded-For for the client address (only behind your own reverse proxy).
TRUST_PROXY = env_bool("DANGJIAN_TRUST_PROXY", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",  # serves Swagger UI from its bundled static files instead of a CDN
    "treebeard",
    "django_tasks",
    "dangjian.core.task_queue_app.TasksDatabaseConfig",  # django_tasks_db, named in Chinese
    "csp",  # its system check catches a policy written in django-csp 3's old settings
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.life",
    "dangjian.development",
    "dangjian.dues",
    "dangjian.dual_reporting",
    "dangjian.elections",
    "dangjian.service",
    "dangjian.portal",
    "dangjian.mine",
    "dangjian.volunteering",
    "dangjian.service_posts",
    "dangjian.publicity",
    "dangjian.proposals",
    "dangjian.mailbox",
    "dangjian.activities",
    "dangjian.help_pairs",
    "dangjian.jobs",
    "dangjian.member_points",
    "dangjian.demonstration",
    "dangjian.learning",
    "dangjian.deliberation",
    "dangjian.evaluation",
    "dangjian.privacy",
    "dangjian.dashboard",
    "dangjian.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so the policy also covers static files (an SVG opened on its own).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangjian.accounts.middleware.IdleSessionMiddleware",
    "dangjian.accounts.middleware.TotpEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangjian.core.middleware.NoStoreMiddleware",
    "dangjian.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"
ASGI_APPLICATION = "dangjian.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dangjian.sqlite3'}")
# Connections are kept for a minute between requests; the health check (one round trip at the
# start of a request that reuses one) replaces a connection the database closed meanwhile — a
# restarted PostgreSQL, a failover, an idle timeout — so the first request after a restart
# succeeds instead of failing on the dead connection (docs/operations.md, "Faults").
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DANGJIAN_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web process reads; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs ~20 ms on the short indexed queries pages make and never pays back
    # (measured on the district data, docs/performance.md); DANGJIAN_PG_JIT=1 turns it back on.
    # Parallel workers cost about 20 ms to start on a 2-core server, more than most page
    # queries take, and the planner underrates that; the aggregates that gain from them (a
    # district's year of requests) ask for them with ``core.planner.parallel_plans``.
    # PG_PARALLEL_WORKERS (below) is how many they may use.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
        [
            *([] if env_bool("DANGJIAN_PG_JIT", False) else ["-c jit=off"]),
            "-c max_parallel_workers_per_gather=0",
        ]
    )
# Threads (each with its own database connection) asking the search box's sources side by side
# (``search.selectors``); 1 asks them one after another.
SEARCH_THREADS = env_int("DANGJIAN_SEARCH_THREADS", 4)
# Workers per gather for ``core.planner.parallel_plans`` (PostgreSQL; 0: never parallel).
PG_PARALLEL_WORKERS = env_int("DANGJIAN_PG_PARALLEL_WORKERS", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, tasks ---------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if REDIS_URL:
    # Background tasks on RQ: ``dangjian worker`` then runs an RQ worker (docs/operations.md).
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["dangjian.accounts.backends.UsernameOrMobileBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Reveals of personal data and exports ask for the password again when the last sign-in or
# confirmation is older than this (core/reauth.py); the page that asks:
REAUTH_MINUTES = env_int("DANGJIAN_REAUTH_MINUTES", 15)
REAUTH_URL = "accounts:reauth"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("DANGJIAN_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Three of four kinds of characters (lowercase, uppercase, digits, symbols): accounts/passwords.py.
    {"NAME": "dangjian.accounts.passwords.CharacterKindsValidator", "OPTIONS": {"min_kinds": 3}},
]
# Failed sign-ins per client address (all accounts together) before every sign-in from that
# address answers 429 until the window ends (accounts/throttle.py); the per-account lockout is apart.
SIGNIN_FAILURES_PER_IP = env_int("DANGJIAN_SIGNIN_FAILURES_PER_IP", 30)
SIGNIN_IP_WINDOW_MINUTES = env_int("DANGJIAN_SIGNIN_IP_WINDOW_MINUTES", 15)
# A signed-in session ends after this long without a request (accounts/middleware.py slides it).
SESSION_IDLE_MINUTES = env_int("DANGJIAN_SESSION_IDLE_MINUTES", 8 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Built-in role codes (comma-separated, e.g. "system_admin,org_secretary") whose holders are sent
# to enrol an authenticator app after signing in until they do (accounts/totp.py). Empty by
# default: two-step sign-in stays optional and the demo's logins work as they are.
TOTP_REQUIRED_FOR = frozenset(env_list("DANGJIAN_TOTP_REQUIRED_FOR", []))
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS and response headers (docs/security.md, "Headers") -------------------------------
# DANGJIAN_HTTPS: the platform is reached over HTTPS through the reverse proxy of
# docs/deployment.md, which terminates TLS and sets X-Forwarded-Proto (overwriting whatever the
# client sent). Only then may the proto header be trusted, cookies be Secure and HSTS be sent.
# DANGJIAN_SECURE_COOKIES, the older name for the cookies alone, still turns them on.
HTTPS = env_bool("DANGJIAN_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS or env_bool("DANGJIAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# One year, the usual HSTS lifetime; no includeSubDomains or preload by default, since other
# hosts of a government domain may still be served over plain HTTP.
SECURE_HSTS_SECONDS = env_int("DANGJIAN_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# Off by default: the proxy already redirects port 80, and a proxy that forgets the proto header
# would otherwise send every request round a redirect loop.
SECURE_SSL_REDIRECT = HTTPS and env_bool("DANGJIAN_HTTPS_REDIRECT", False)
# same-origin, not strict-origin-when-cross-origin: the portal's tracking pages carry a
# resident's tracking code in the URL, and no part of the URL may reach another site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _tile_source(url: str) -> list[str]:
    """The CSP source of the map tile server, so tiles may load as images.

    Leaflet's ``{s}`` subdomain placeholder (``https://t{s}.tianditu.gov.cn/…``) becomes the
    wildcard label ``*.tianditu.gov.cn``.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    port = f":{port}" if port and "{" not in port else ""
    return [f"{parts.scheme}://{'.'.join(labels)}{port}"]


# Content-Security-Policy (django-csp): scripts only from our own static files, never inline,
# so a value that slipped through escaping cannot run. Inline style attributes are common in
# the templates and htmx adds its indicator <style>, so styles allow 'unsafe-inline' (a style
# cannot run code). data: images are the icons inside Bootstrap's CSS (select arrow, close
# button, menu toggler); the tile server of DANGJIAN_TILE_URL, when set, serves the map tiles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_tile_source(env_str("DANGJIAN_TILE_URL"))],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("DANGJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
owner_only_directory(STATIC_ROOT)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads (meeting attachments, request and wish photos) and collected static files are written
# owner-only whatever the process's umask: the application reads them itself, nginx never does.
FILE_UPLOAD_PERMISSIONS = FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = DIRECTORY_MODE
# An upload up to the largest accepted (10 MB: workbooks, photos, attachments) stays in memory;
# above Django's 2.5 MB default it went to a temporary file in /tmp, in clear, for the request.
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
STORAGES = {
    # Writes an upload under a temporary name and gives it its name only once complete, so a full
    # disk leaves no partial file (core/storage.py).
    "default": {"BACKEND": "dangjian.core.storage.WholeFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Refused requests (4xx) log one line, without the traceback Django attaches (core/log_filters.py).
    "filters": {"refusals": {"()": "dangjian.core.log_filters.NoTracebackForRefusals"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals"]}
    },
    "root": {"handlers": ["console"], "level": env_str("DANGJIAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Platform -------------------------------------------------------------------------------
PLATFORM_NAME = _("dangjian")
PAGE_SIZE = env_int("DANGJIAN_PAGE_SIZE", 50)
# How long a transfer letter (组织关系介绍信) stays valid; three months is the common practice.
TRANSFER_VALID_DAYS = env_int("DANGJIAN_TRANSFER_VALID_DAYS", 90)

# --- Service requests (为民服务) -------------------------------------------------------------
# Office hours of a working day (local time) in which deadlines counted in working hours run.
SERVICE_OFFICE_HOURS = (
    env_int("DANGJIAN_SERVICE_OFFICE_START_HOUR", 9),
    env_int("DANGJIAN_SERVICE_OFFICE_END_HOUR", 17),
)
# 提前办结率: resolved at least this many hours before the deadline counts as early.
SERVICE_EARLY_MARGIN_HOURS = env_int("DANGJIAN_SERVICE_EARLY_MARGIN_HOURS", 24)
# Reminder to the handler this many hours before the deadline.
SERVICE_REMIND_BEFORE_HOURS = env_int("DANGJIAN_SERVICE_REMIND_BEFORE_HOURS", 24)
# The resident is invited to rate this many days after 办结 (DOMAIN: default 3).
SERVICE_RATING_INVITE_DAYS = env_int("DANGJIAN_SERVICE_RATING_INVITE_DAYS", 3)
# A resolved request nobody rated is archived this many days after 办结.
SERVICE_ARCHIVE_AFTER_DAYS = env_int("DANGJIAN_SERVICE_ARCHIVE_AFTER_DAYS", 30)
# Retention of personal data (个人信息保护法): days after which the nightly purge anonymizes a
# record type's personal data, by personal-data source key; a source not named keeps its
# documented default (docs/privacy.md, "Retention"). Example:
# DANGJIAN_PRIVACY_RETENTION_DAYS="service.requests=1095,portal.verifications=30".
PRIVACY_RETENTION_DAYS: dict[str, int] = {
    key.strip(): int(days)
    for key, _sep, days in (
        item.partition("=") for item in env_list("DANGJIAN_PRIVACY_RETENTION_DAYS", []) if "=" in item
    )
}
# Photos: the largest upload accepted and the longest side kept after resizing.
SERVICE_PHOTO_MAX_BYTES = env_int("DANGJIAN_SERVICE_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
SERVICE_PHOTO_MAX_SIDE = env_int("DANGJIAN_SERVICE_PHOTO_MAX_SIDE", 1600)
# Open311: requests one api_key may submit per clock hour (a shared cache counts them).
SERVICE_OPEN311_POSTS_PER_HOUR = env_int("DANGJIAN_SERVICE_OPEN311_POSTS_PER_HOUR", 120)
# Text messages (verification codes, rating invitations): a callable send(phone, text); the
# default writes them to the log (logger dangjian.sms). Point it at your SMS gateway's adapter.
SMS_BACKEND = env_str("DANGJIAN_SMS_BACKEND", "dangjian.core.sms.log_backend")
# E-mail of notices (core.notice_channels): Django's SMTP backend once a host is set; without
# one, e-mails go to the log with the address masked (logger dangjian.mail).
EMAIL_HOST = env_str("DANGJIAN_EMAIL_HOST")
EMAIL_PORT = env_int("DANGJIAN_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DANGJIAN_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("DANGJIAN_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("DANGJIAN_EMAIL_TLS", True) and not env_bool("DANGJIAN_EMAIL_SSL")
EMAIL_USE_SSL = env_bool("DANGJIAN_EMAIL_SSL")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DANGJIAN_EMAIL_FROM", "dangjian@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "dangjian.core.notice_channels.LogEmailBackend"
)

# --- Residents' portal (docs/portal.md) -------------------------------------------------------
# Verification codes: minutes valid, and wrong entries allowed per code.
PORTAL_CODE_VALID_MINUTES = env_int("DANGJIAN_PORTAL_CODE_VALID_MINUTES", 10)
PORTAL_CODE_MAX_ATTEMPTS = env_int("DANGJIAN_PORTAL_CODE_MAX_ATTEMPTS", 5)
# Limits against abuse, counted in the cache; beyond them the page answers 429.
PORTAL_CODES_PER_PHONE_HOUR = env_int("DANGJIAN_PORTAL_CODES_PER_PHONE_HOUR", 5)
PORTAL_CODES_PER_IP_HOUR = env_int("DANGJIAN_PORTAL_CODES_PER_IP_HOUR", 20)
PORTAL_SUBMISSIONS_PER_IP_DAY = env_int("DANGJIAN_PORTAL_SUBMISSIONS_PER_IP_DAY", 20)
# Lookups of tracking codes that do not exist (guessing), per address and hour.
PORTAL_LOOKUPS_PER_IP_HOUR = env_int("DANGJIAN_PORTAL_LOOKUPS_PER_IP_HOUR", 30)
# Wrong rating links or codes, per request and hour and per client address and hour (counted
# in the database, so that every app process holds the same limit).
PORTAL_RATE_ATTEMPTS_PER_HOUR = env_int("DANGJIAN_PORTAL_RATE_ATTEMPTS_PER_HOUR", 5)
PORTAL_RATE_ATTEMPTS_PER_IP_HOUR = env_int("DANGJIAN_PORTAL_RATE_ATTEMPTS_PER_IP_HOUR", 20)
# Map tiles (天地图 or an intranet tile server), e.g. https://tiles.example/{z}/{x}/{y}.png;
# empty: grids are drawn on a blank canvas (no request leaves the intranet).
TILE_URL = env_str("DANGJIAN_TILE_URL")
# The address residents reach the platform at (for links in text messages such as the rating
# invitation), e.g. https://dangjian.example.gov.cn; without it messages carry a path only.
PUBLIC_URL = env_str("DANGJIAN_PUBLIC_URL").rstrip("/")
