"""Settings of Công Vụ, read from the environment.

Server settings live here and come from environment variables (typed with
django-environ); per-agency options are database rows.  Without any variable set
the platform runs embedded: SQLite under ``var/``, tasks executed eagerly, a
secret key generated once into ``var/secret_key``.  ``CONGVU_PRODUCTION=1``
switches to production mode, which refuses unsafe values (no SECRET_KEY, no
ALLOWED_HOSTS, DEBUG on).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
DATA_DIR = Path(env.str("CONGVU_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()

PRODUCTION = env.bool("CONGVU_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CONGVU_PRODUCTION=1.")
    # Embedded mode: generate once and keep it beside the database.
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when CONGVU_PRODUCTION=1.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when CONGVU_PRODUCTION=1.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "congvu.core",
    "congvu.accounts",
    "congvu.org",
    "congvu.workforce",
    "congvu.signing",
    "congvu.documents",
    "congvu.directives",
    "congvu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "congvu.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congvu.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "congvu.accounts.middleware.EnforceSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "congvu.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congvu.urls"
WSGI_APPLICATION = "congvu.wsgi.application"
ASGI_APPLICATION = "congvu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congvu.web.context_processors.workspace",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'congvu.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the web process and a worker share the file.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": env.cache_url_config(CACHE_URL) if CACHE_URL else {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "congvu"}}

# --- Authentication and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login rate limiting (django-axes): lock a username+IP pair after N failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Roles whose members must use a second factor (TOTP) — comma-separated role codes.
CONGVU_REQUIRE_2FA_ROLES = env.list("CONGVU_REQUIRE_2FA_ROLES", default=["admin"])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Công Vụ")

# --- E-mail -----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="congvu@localhost")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files and storage ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env.str("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Content-addressed store (core.files): limits enforced on the way in.
CONGVU_MAX_UPLOAD_BYTES = env.int("CONGVU_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Document search on PostgreSQL ranks at most this many matches (docs/decisions/0041-document-search.md).
CONGVU_SEARCH_CANDIDATES = env.int("CONGVU_SEARCH_CANDIDATES", default=1000)
CONGVU_ALLOWED_CONTENT_TYPES = env.list("CONGVU_ALLOWED_CONTENT_TYPES", default=[
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/xml", "text/xml", "text/plain", "text/csv",
    "image/png", "image/jpeg", "image/tiff", "application/zip",
])
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Working-day calendar ------------------------------------------------------------------------
# Office hours as "HH:MM-HH:MM" blocks; unconfirmed per province, so configurable.
CONGVU_OFFICE_HOURS = env.list("CONGVU_OFFICE_HOURS", default=["07:30-11:30", "13:30-17:00"])

# --- Digital signatures (congvu.signing) ------------------------------------------------------------
# PEM files of the CAs whose certificates are trusted when verifying (e.g. the Government Cipher Committee's).
CONGVU_TRUST_ROOTS = env.list("CONGVU_TRUST_ROOTS", default=[])
# CRL files (DER or PEM) consulted as revocation data in addition to what a document carries.
CONGVU_SIGNING_CRLS = env.list("CONGVU_SIGNING_CRLS", default=[])
# RFC 3161 timestamp authority; empty = signatures without timestamp.
CONGVU_TSA_URL = env.str("CONGVU_TSA_URL", default="")
CONGVU_TSA_TIMEOUT = env.int("CONGVU_TSA_TIMEOUT", default=10)
# PKCS#11 modules (token/HSM libraries) a credential may name; nothing else is ever loaded.
CONGVU_PKCS11_MODULES = env.list("CONGVU_PKCS11_MODULES", default=[
    "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"])
# Demo mode: trust the demo CA made by `congvu demo`, and let demo credentials sign without a password.
CONGVU_SIGNING_DEMO = env.bool("CONGVU_SIGNING_DEMO", default=not PRODUCTION)
# Approval needs the leader's signature and issuance the organisation's (documents + signing). Off only for a
# transition period: a missing credential then means an unsigned step instead of a refusal.
CONGVU_REQUIRE_SIGNATURES = env.bool("CONGVU_REQUIRE_SIGNATURES", default=True)
# Fallback boxes (page, x1, y1, x2, y2 in PDF points; negative page counts from the end) when the text
# layer does not show where the number, the date and the signature block are.
CONGVU_SIGNING_NUMBER_BOX = env.list("CONGVU_SIGNING_NUMBER_BOX", cast=float, default=[0, 90, 730, 300, 750])
CONGVU_SIGNING_DATE_BOX = env.list("CONGVU_SIGNING_DATE_BOX", cast=float, default=[0, 300, 705, 560, 725])
CONGVU_SIGNING_SIGNATURE_BOX = env.list("CONGVU_SIGNING_SIGNATURE_BOX", cast=float,
                                        default=[-1, 360, 150, 490, 225])

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_ROUTES = {"congvu.*.tasks.slow_*": {"queue": "slow"}}
CELERY_BEAT_SCHEDULE = {
    "core-purge-expired-sessions-and-tokens": {
        "task": "congvu.core.tasks.housekeeping",
        "schedule": 3600.0,
    },
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "congvu.core.logging.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- API -------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
