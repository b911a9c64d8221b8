"""Django settings for avatarapp, read from the environment (see .env.example for every variable).

Defaults run with nothing installed: SQLite, a local media folder, kombu's filesystem broker. Like
healthchecks, DEBUG defaults to on so `manage.py` and the test suite work on a fresh checkout; the
Docker image and docker-compose set DEBUG=False, and then every secret must be given explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from avatarapp.broker_timing import BrokerTiming, check_broker_timing
from avatarapp.csp import NONE, SELF, s3_image_origins
from avatarapp.env import env_bool, env_int, env_list, env_str
from avatarapp.keys.keyring import check_fingerprint_secret, parse_keyring
from avatarapp.ratelimit import Rate, parse_rates
from provenance.certificates import SigningChain, SigningChainError, algorithm

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the app writes locally with embedded defaults (SQLite, media, broker folders).
VAR_DIR = Path(env_str("AVATARAPP_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", True)

# Development only: refused below whenever DEBUG is off.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or _DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is false.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
ADMIN_URL = env_str("ADMIN_URL", "admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "avatarapp.workspaces",
    "avatarapp.keys",
    "personas",
    "generation",
    "gallery",
]

MIDDLEWARE = [
    "avatarapp.csp.ContentSecurityPolicyMiddleware",  # first, so every response has SECURE_CSP
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "avatarapp.caching.NoStoreForUsersMiddleware",  # logged-in pages: Cache-Control: no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    # After it, so its answer is ready before the messages are stored (avatarapp/flash.py).
    "avatarapp.flash.messages_in_place",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "avatarapp.workspaces.middleware.CurrentWorkspaceMiddleware",
]

ROOT_URLCONF = "avatarapp.urls"
WSGI_APPLICATION = "avatarapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "avatarapp.workspaces.context_processors.workspaces",
            ],
            # {% load money %}: amounts as people write them, on every app's pages.
            "libraries": {"money": "avatarapp.money"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
}
# --- SQLite for concurrent use ---
# make run's web server threads and its worker's threads write one SQLite file at once. WAL lets
# readers and one writer work side by side; IMMEDIATE takes the write lock when a transaction
# begins, where the busy timeout waits for it (a deferred transaction that must upgrade its read
# lock to a write lock fails at once with "database is locked", whatever the timeout). sqlite3's
# "timeout" is SQLite's busy timeout. With WAL, synchronous=NORMAL never corrupts the file (a
# power cut may lose the last commits) and spares an fsync per commit.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The cache holds allauth's login rate limits and the TOTP codes already used (below), so it
# must be shared by every web process: Redis in production (gunicorn runs several workers). The
# embedded default keeps it in memory, which holds because `make run` serves from one process.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Embedded default: memory of the one web process (make run). Room for the rate-limit
    # counters: at Django's default of 300 entries, culling would forget them early.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "avatarapp.workspaces.accounts.AccountAdapter"

# --- Accounts: sign-up without enumeration, verified addresses, session limits ---
# Sign-up answers the same for a new and a known address: allauth's enumeration prevention, which
# needs mandatory verification (a known address gets an "account already exists" mail instead of a
# second account). "optional" or "none" bring back "A user is already registered with this email".
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming the address in the browser that signed up logs in and goes on where sign-up was headed
# (an invitation's ?next=). allauth does this only for the session that started the sign-up, so a
# link opened anywhere else confirms the address and asks for the password.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Pages and mails name an account by its email address, not by the username allauth makes up.
ACCOUNT_USER_DISPLAY = "avatarapp.workspaces.accounts.user_display"
# "Where you're signed in" and "sign out everywhere else". Only logins are recorded (no write per
# request): activity tracking stays off.
INSTALLED_APPS += ["allauth.usersessions"]
USERSESSIONS_TRACK_ACTIVITY = False
# A session ends after this long without activity (polls do not count, see session_limits.py) and,
# whatever happens, this long after its login (ASVS v5 7.1.1 asks for both, justified against NIST
# SP 800-63B). 12 hours is NIST's AAL2 limit: one login per working day, and a stolen session
# cookie is no use for longer, even one a script keeps busy. Idle: 2 hours, where AAL2 says 30
# minutes, because people start a batch, go to a meeting and come back to review it; a forgotten
# tab still closes, as its polls are not activity.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 120, minimum=1)
SESSION_ABSOLUTE_TIMEOUT_HOURS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12, minimum=1)
# The cookie and the stored session never outlive the absolute limit either.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
MIDDLEWARE.insert(
    MIDDLEWARE.index("avatarapp.workspaces.middleware.CurrentWorkspaceMiddleware"),
    "avatarapp.workspaces.session_limits.SessionLimitsMiddleware",
)

# --- Two-factor sign-in (allauth.mfa) ----------------------------------------------------------
# An authenticator app (TOTP), passkeys and security keys (WebAuthn, as the second factor after
# the password), and recovery codes. A TOTP code is accepted once: allauth marks each used code
# in the cache above for one period, so replaying it within its window is refused.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "avatarapp"  # the name people see in their authenticator app
MFA_TOTP_PERIOD = 30
# Only the current 30-second code. allauth remembers a used code for one period only, so a
# tolerance of one step would let a code used early in its 90-second life be replayed later.
MFA_TOTP_TOLERANCE = 0
# Refuses removing a member's last authenticator while a workspace of theirs requires 2FA.
MFA_ADAPTER = "avatarapp.workspaces.mfa.MFAAdapter"
# Wrong passwords and wrong 2FA codes share allauth's "login_failed" limit: 5 failures per
# account (the key is the email, or the user for a code) in 5 minutes, then refused until the
# window passes, and 10 a minute from one IP address. Written out here (these are allauth's
# defaults) so the limit a security review asks about is visible; other actions keep theirs.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "avatarapp <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

# User images are private: on S3 they are served through short-lived presigned URLs only.
S3_BUCKET = env_str("S3_BUCKET")
_default_storage: dict[str, Any]
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "avatarapp.s3storage.PublicEndpointS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            # Where browsers fetch presigned URLs when the server reaches S3 by an internal name
            # (compose's http://minio:9000); used only to sign them.
            "public_endpoint_url": env_str("S3_PUBLIC_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("S3_PRESIGNED_URL_SECONDS", 300, minimum=10),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Client address behind a proxy ---
# allauth throttles failed logins per client IP. Behind a proxy every request comes from the
# proxy's address, so everyone would share one bucket. Each of the N proxies in front appends the
# address it saw to X-Forwarded-For, so the client is the Nth entry from the right; anything left
# of it came from the client and is ignored. 0: no proxy, the header is ignored (REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7, minimum=1)

# Share links (gallery/share_links.py): how long a new link works unless its maker picks another
# length, and how long the signed image URLs on a shared page work (the page makes new ones).
SHARE_LINK_DEFAULT_DAYS = env_int("SHARE_LINK_DEFAULT_DAYS", 14, minimum=1)
SHARE_IMAGE_URL_SECONDS = env_int("SHARE_IMAGE_URL_SECONDS", 600, minimum=60)

# Provider keys, AES-256-GCM at rest. "2:<base64 32 bytes>,1:<base64>": the highest version
# encrypts, every listed one decrypts. Parsed here so a malformed value stops start-up.
KEY_ENCRYPTION_KEYS = env_str("KEY_ENCRYPTION_KEYS") or ""
# HMAC secret for key fingerprints (duplicate detection without decrypting); keep it stable.
KEY_FINGERPRINT_SECRET = env_str("KEY_FINGERPRINT_SECRET") or ""
if KEY_ENCRYPTION_KEYS:
    parse_keyring(KEY_ENCRYPTION_KEYS)
if KEY_FINGERPRINT_SECRET:
    check_fingerprint_secret(KEY_FINGERPRINT_SECRET)
if not DEBUG and not (KEY_ENCRYPTION_KEYS and KEY_FINGERPRINT_SECRET):
    raise ImproperlyConfigured(
        "KEY_ENCRYPTION_KEYS and KEY_FINGERPRINT_SECRET (or their _FILE variants) must be set when "
        "DEBUG is false."
    )
# Development only: whatever is missing above comes from this ignored file, made on first use.
KEY_DEV_SECRETS_FILE = VAR_DIR / "dev-keyring.json" if DEBUG else None
# Content Credentials (C2PA) on exported images: the installation's signing certificate chain
# (PEM, signing certificate first) and its private key. Without them in production, exports carry
# the IPTC "made by AI" marking only; in development a test chain is made in var/ on first use.
C2PA_SIGNING_CERT = (env_str("C2PA_SIGNING_CERT") or "").replace("\\n", "\n")
C2PA_SIGNING_KEY = (env_str("C2PA_SIGNING_KEY") or "").replace("\\n", "\n")
if bool(C2PA_SIGNING_CERT) != bool(C2PA_SIGNING_KEY):
    raise ImproperlyConfigured("Set both C2PA_SIGNING_CERT and C2PA_SIGNING_KEY, or neither.")
if C2PA_SIGNING_CERT:
    try:
        algorithm(C2PA_SIGNING_KEY)
        _is_development_chain = SigningChain(C2PA_SIGNING_CERT, C2PA_SIGNING_KEY).is_development
    except SigningChainError as error:
        raise ImproperlyConfigured(str(error)) from None
    if _is_development_chain and not DEBUG:
        raise ImproperlyConfigured(
            "C2PA_SIGNING_CERT is the development-only test chain; it is refused when DEBUG is "
            "false. Configure the installation's own certificate."
        )
# Development only: the test chain, made on first use; never read when DEBUG is off.
C2PA_DEV_CHAIN_FILE = VAR_DIR / "dev-c2pa-chain.json" if DEBUG else None
# Live key checks run while a person waits: the whole check ends within this many seconds.
KEY_CHECK_TIMEOUT_SECONDS = env_int("KEY_CHECK_TIMEOUT_SECONDS", 6, minimum=1)
# OpenAI-compatible base URLs, and the result URLs gateways (hiapi, APIMart) name, on loopback /
# private networks (a self-hosted server on the LAN; the provider emulator in tests).
ALLOW_PRIVATE_PROVIDER_HOSTS = env_bool("ALLOW_PRIVATE_PROVIDER_HOSTS", False)
# Where provider calls go; tests point these at the provider emulator.
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL") or "https://api.openai.com/v1"
BFL_BASE_URLS = {
    "global": env_str("BFL_GLOBAL_BASE_URL") or "https://api.bfl.ai",
    "eu": env_str("BFL_EU_BASE_URL") or "https://api.eu.bfl.ai",
    "us": env_str("BFL_US_BASE_URL") or "https://api.us.bfl.ai",
}
GOOGLE_BASE_URL = env_str("GOOGLE_BASE_URL") or "https://generativelanguage.googleapis.com"
OPENROUTER_BASE_URL = env_str("OPENROUTER_BASE_URL") or "https://openrouter.ai/api/v1"
HIAPI_BASE_URL = env_str("HIAPI_BASE_URL") or "https://api.hiapi.ai"
APIMART_BASE_URL = env_str("APIMART_BASE_URL") or "https://api.apimart.ai"
# Addresses BFL names in its answers: polls (they carry the key) and result downloads go only to
# these hosts (a leading dot: that domain and every name below it), over this scheme
# (a key is sent only to its provider's own hosts, over https). Tests point them at the
# emulator's plain-http aliases.
BFL_POLL_HOSTS = env_list("BFL_POLL_HOSTS", [".bfl.ai"])
BFL_POLL_SCHEME = env_str("BFL_POLL_SCHEME") or "https"
BFL_DELIVERY_HOSTS = env_list("BFL_DELIVERY_HOSTS", [".bfl.ai"])
BFL_DELIVERY_SCHEME = env_str("BFL_DELIVERY_SCHEME") or "https"
if not DEBUG and {BFL_POLL_SCHEME, BFL_DELIVERY_SCHEME} != {"https"}:
    raise ImproperlyConfigured(
        "BFL_POLL_SCHEME and BFL_DELIVERY_SCHEME must be https when DEBUG is false."
    )
# fal.ai: submits go to the queue host; the status, result and cancel URLs fal returns (they
# carry the key) only to FAL_QUEUE_HOSTS over FAL_QUEUE_SCHEME; the key check reads the price
# list on the platform API. Images come only from FAL_DELIVERY_HOSTS (that domain and every name
# below it, https, public addresses only), or from an exact origin in FAL_DELIVERY_ORIGINS,
# trusted as listed (tests point it at the emulator's delivery alias).
FAL_QUEUE_BASE_URL = env_str("FAL_QUEUE_BASE_URL") or "https://queue.fal.run"
FAL_API_BASE_URL = env_str("FAL_API_BASE_URL") or "https://api.fal.ai/v1"
FAL_QUEUE_HOSTS = env_list("FAL_QUEUE_HOSTS", ["queue.fal.run", "queue.falrun.com"])
FAL_QUEUE_SCHEME = env_str("FAL_QUEUE_SCHEME") or "https"
FAL_DELIVERY_HOSTS = env_list("FAL_DELIVERY_HOSTS", ["fal.media"])
FAL_DELIVERY_ORIGINS = env_list("FAL_DELIVERY_ORIGINS", [])
if not DEBUG and (
    FAL_QUEUE_SCHEME != "https" or any(not o.startswith("https://") for o in FAL_DELIVERY_ORIGINS)
):
    raise ImproperlyConfigured(
        "FAL_QUEUE_SCHEME and every FAL_DELIVERY_ORIGINS entry must be https when DEBUG is false."
    )

# --- Rate limits (avatarapp/ratelimit.py) --------------------------------------------------------
# Per action, per user and per workspace: fixed windows, "N/second|minute|hour|day", comma-
# separated (a burst and a sustained rate), or "off". Counted in the cache above: Redis when
# REDIS_URL is set, else the memory of the one web process (so several processes need Redis).
_RATE_LIMIT_DEFAULTS = {
    # One submit is a whole batch (up to 64 images). A person reviews between submits; light
    # use (25 posts in 2.5 s) passes, a runaway script stops within a minute,
    # and the hour caps a stolen session at 5 batches a minute on average.
    "generate": ("30/minute, 300/hour", "60/minute, 1200/hour"),
    # Fires on every change of the Generate form (and on page load): a person clicking tiles
    # makes a few a second at most, so 5 a second for a whole minute never gets in the way.
    "estimate": ("300/minute, 6000/hour", "1200/minute, 30000/hour"),
    # One click per failed card: a failed 64-image batch retried card by card fits a minute.
    "retry": ("60/minute, 600/hour", "120/minute, 2400/hour"),
    # Each is a live request to the provider with the customer's key (adding one, Check now):
    # enough to set up a workspace's keys, too few to use the app to test stolen keys or to get
    # the customer's key throttled by the provider.
    "key_check": ("20/minute, 100/hour", "40/minute, 300/hour"),
    # Add text decodes a whole portrait and encodes a new one inside the web request: a person
    # tries a few wordings a minute, a script looping on it would tie up the web processes.
    "add_text": ("20/minute, 200/hour", "60/minute, 1200/hour"),
    # Passwords typed on a share link: "user" is one client address on one link, "workspace" the
    # link from everywhere. A person mistyping a few times passes; guessing stops at once.
    "share_password": ("5/minute, 20/hour", "20/minute, 100/hour"),
    # Reviews given through a share link, each one an email to the team: "user" is one client
    # address on one link, "workspace" the link from everywhere. A client reviewing a few dozen
    # portraits passes; a script cannot flood the team's inboxes.
    "share_review": ("30/minute, 200/hour", "60/minute, 500/hour"),
}


def _rates(action: str, scope: str, default: str) -> tuple[Rate, ...]:
    name = f"RATE_LIMIT_{action.upper()}_{scope.upper()}"  # e.g. RATE_LIMIT_GENERATE_USER
    return parse_rates(name, env_str(name) or default)


RATE_LIMITS = {
    action: {"user": _rates(action, "user", user), "workspace": _rates(action, "workspace", team)}
    for action, (user, team) in _RATE_LIMIT_DEFAULTS.items()
}

# The sweeper (it re-enqueues what a lost broker message left behind within a minute): how often
# it runs, and how long a row may sit untouched in a non-final state before it acts on it.
GENERATION_SWEEP_SECONDS = env_int("GENERATION_SWEEP_SECONDS", 15, minimum=1)
GENERATION_STALE_SECONDS = env_int("GENERATION_STALE_SECONDS", 45, minimum=1)
# Reference photos dropped on a persona or style form that was never saved are removed after
# this long (personas.uploads; the sweep runs hourly).
PENDING_UPLOAD_HOURS = env_int("PENDING_UPLOAD_HOURS", 24, minimum=1)
# Child processes that check and re-encode generated images off the provider threads
# (generation/image_processes.py); 0 does that work in the calling thread instead. Default: the
# cores this process may run on (a container's cpuset, not the whole host).
GENERATION_IMAGE_PROCESSES = env_int(
    "GENERATION_IMAGE_PROCESSES", len(os.sched_getaffinity(0)), minimum=0
)

# Celery. The Job and Image rows are the truth, not task results: no result backend, JSON only.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    # Embedded default: kombu's filesystem transport, one folder shared by web and worker.
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
# Longest delay a task re-schedules itself with (a BFL poll), and the longest retry backoff.
GENERATION_MAX_COUNTDOWN = env_int("GENERATION_MAX_COUNTDOWN", 10, minimum=1)
GENERATION_MAX_RETRY_BACKOFF = env_int("GENERATION_MAX_RETRY_BACKOFF", 300, minimum=1)
check_broker_timing(
    BrokerTiming(
        visibility_timeout=CELERY_VISIBILITY_TIMEOUT,
        task_time_limit=CELERY_TASK_TIME_LIMIT,
        task_soft_time_limit=CELERY_TASK_SOFT_TIME_LIMIT,
        max_countdown=GENERATION_MAX_COUNTDOWN,
        max_retry_backoff=GENERATION_MAX_RETRY_BACKOFF,
    )
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Named queues: provider I/O (slow, many in flight), image processing (CPU), housekeeping.
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "providers", "maintenance")]
CELERY_TASK_ROUTES = {
    "generation.run_image": {"queue": "providers"},
    "generation.poll_image": {"queue": "providers"},
    "generation.sweep": {"queue": "maintenance"},
    "generation.remove_image_files": {"queue": "maintenance"},
    "generation.refresh_credit_balances": {"queue": "maintenance"},
    "personas.sweep_pending_uploads": {"queue": "maintenance"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep": {"task": "generation.sweep", "schedule": float(GENERATION_SWEEP_SECONDS)},
    "sweep-pending-uploads": {"task": "personas.sweep_pending_uploads", "schedule": 3600.0},
    # Each workspace's provider model lists (generation.catalog_watch): hourly runs, each reading
    # only the lists not tried in the last day.
    "read-model-lists": {"task": "generation.read_model_lists", "schedule": 3600.0},
    # BFL credit balances of keys in use (generation.provider_keys.balances): each run reads
    # only keys used since their last read and not read for 10 minutes.
    "refresh-credit-balances": {"task": "generation.refresh_credit_balances", "schedule": 60.0},
}

# Every record goes through the root handler, whose filter redacts provider keys (Authorization,
# each provider's key header and key shape, from the provider registry). Django's loggers have
# handlers of their own by default; sending them to the root handler instead puts them through
# the same filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "generation.providers.redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}


# --- Content-Security-Policy, sent by avatarapp/csp.py ----------------------------------------
# No inline script, style or event handler anywhere: behaviour lives in static/js, looks in
# static/css, and htmx is told not to inject its indicator <style> (base.html, htmx-config).


def presigned_image_origins() -> list[str]:
    """Where browsers fetch private images from when S3 holds them: the host of the presigned
    URLs, that is the public presigning endpoint where one is set, else the app's own."""
    if not S3_BUCKET:
        return []  # local files come from this site itself
    options = _default_storage["OPTIONS"]
    endpoint = options["public_endpoint_url"] or options["endpoint_url"]
    return s3_image_origins(endpoint, options["region_name"])


SECURE_CSP = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", *presigned_image_origins()],
    "connect-src": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
    "object-src": [NONE],
}
