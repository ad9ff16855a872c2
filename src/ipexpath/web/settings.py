"""Django settings of the web application: the registry's settings plus sessions, accounts, CSRF and headers.

Environment (see docs/web.md for a production deployment):
- `IPEXPATH_DATABASE_URL`: the database (PostgreSQL in production; default: the embedded SQLite file).
- `IPEXPATH_SECRET_KEY`: signs sessions and CSRF tokens. Without it a random key is made once and kept in
  the data folder (`secret_key`, mode 0600), so sessions survive a restart of the embedded default.
- `IPEXPATH_ALLOWED_HOSTS`: comma-separated host names (default: localhost, 127.0.0.1, [::1]).
- `IPEXPATH_HTTPS=1`: behind a TLS-terminating proxy — secure `__Host-` cookies, HSTS (1 year, subdomains),
  HTTPS redirect and the proxy's X-Forwarded-Proto trusted. Off on loopback, where there is no TLS.
- `IPEXPATH_SESSION_MINUTES`: idle session expiry (default 30; OWASP ASVS 3.3.2 asks for re-authentication
  after a period of inactivity) — the session also ends when the browser closes.
- `IPEXPATH_MAX_UPLOAD_MB`: largest VCF accepted (default 100 MB); uploads are streamed to disk.
- `IPEXPATH_MAX_VCF_DECOMPRESSED_MB` (2000) and `IPEXPATH_MAX_VCF_LINES` (10 million): limits on a VCF once
  decompressed (a small .vcf.gz can expand enormously).
- `IPEXPATH_TRUSTED_PROXIES`: comma-separated addresses of the reverse proxies in front (e.g. 127.0.0.1);
  only requests arriving from one of them have their client address taken from X-Forwarded-For (audit).
"""

from __future__ import annotations

import os
import secrets

from ipexpath.registry.settings import *  # noqa: F403
from ipexpath.registry.settings import data_dir


def _secret_key() -> str:
    """IPEXPATH_SECRET_KEY, else a random key kept (0600) in the data folder across restarts."""
    explicit = os.environ.get("IPEXPATH_SECRET_KEY")
    if explicit:
        return explicit
    path = data_dir() / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = _secret_key()

# The embedded SQLite default under many concurrent page views: write-ahead logging lets readers go on while
# one request writes (a session or an audit row), and synchronous=NORMAL is the setting SQLite documents as
# safe with WAL (a power cut may lose the last transactions, never corrupt the file). PostgreSQL: unchanged.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEBUG = False
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("IPEXPATH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ipexpath.registry",
    "ipexpath.web",
]
MIDDLEWARE = [
    "ipexpath.web.server_errors.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ipexpath.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ipexpath.web.middleware.AuditActorMiddleware",
]
ROOT_URLCONF = "ipexpath.web.urls"
WSGI_APPLICATION = "ipexpath.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipexpath.web.context.navigation",
            ],
        },
    }
]

# Passwords: argon2id first (OWASP ASVS 2.4.1/2.4.4 — a memory-hard, salted hash); ASVS 2.1.1 at least 12
# characters, 2.1.2 up to at least 64 (no maximum below 128 here), 2.1.7 checked against common passwords.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ipexpath.web.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "/signin/"
LOGIN_REDIRECT_URL = "/"

# Sessions (ASVS 3.3.1/3.3.2, 3.4.1-3.4.3): idle expiry, ended with the browser, HttpOnly, SameSite=Lax.
SESSION_COOKIE_AGE = int(os.environ.get("IPEXPATH_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the expiry counts from the last request (an idle timeout)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "ipexpath_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "ipexpath_csrf"
CSRF_FAILURE_VIEW = "ipexpath.web.views.csrf_failure"

# Headers. HSTS and secure cookies only when TLS is in front (IPEXPATH_HTTPS=1); see docs/web.md.
HTTPS = _flag("IPEXPATH_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # the report and leaflet are framed by the assessment page (same origin only)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# ASVS 3.4.4: over HTTPS the cookies carry the `__Host-` prefix (the browser then accepts them only when
# Secure, for Path=/ and without a Domain, so a sibling subdomain cannot plant or overwrite them). On
# plain-HTTP loopback (local use, no TLS) the browser would refuse such cookies: the names stay unprefixed.
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-" + SESSION_COOKIE_NAME
    CSRF_COOKIE_NAME = "__Host-" + CSRF_COOKIE_NAME
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
TRUSTED_PROXIES = frozenset(
    p.strip() for p in os.environ.get("IPEXPATH_TRUSTED_PROXIES", "").split(",") if p.strip()
)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("IPEXPATH_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Uploads: every file goes straight to a temporary file on disk (never held in memory), and a VCF larger
# than the limit is refused while it streams (ipexpath.web.uploads.LimitedUploadHandler).
MAX_UPLOAD_MB = int(os.environ.get("IPEXPATH_MAX_UPLOAD_MB", "100"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_HANDLERS = ["ipexpath.web.uploads.LimitedUploadHandler"]
# A .vcf.gz is also checked once decompressed (streamed; ASVS 12.1.2): at most MAX_VCF_DECOMPRESSED_MB and
# MAX_VCF_LINES lines (an exome VCF has ~100,000 lines, a genome's ~5 million; uncompressed, about 1 GB).
MAX_VCF_DECOMPRESSED_MB = int(os.environ.get("IPEXPATH_MAX_VCF_DECOMPRESSED_MB", "2000"))
MAX_VCF_LINES = int(os.environ.get("IPEXPATH_MAX_VCF_LINES", "10000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files: 2.5 MB (Django's default)

STATIC_URL = "/static/"
# Static files are served by whitenoise straight from the package (finders): no collectstatic step is needed.
# A deployment that prefers collectstatic (or a proxy serving /static/) sets IPEXPATH_STATIC_ROOT.
STATIC_ROOT = os.environ.get("IPEXPATH_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True  # serve the package's static files without a collectstatic step
WHITENOISE_AUTOREFRESH = False

# Failed sign-ins: after LOCKOUT_FAILURES failures within LOCKOUT_MINUTES the account is locked for
# LOCKOUT_MINUTES (ASVS 2.2.1: anti-automation against credential stuffing and brute force).
LOCKOUT_FAILURES = int(os.environ.get("IPEXPATH_LOCKOUT_FAILURES", "5"))
LOCKOUT_MINUTES = int(os.environ.get("IPEXPATH_LOCKOUT_MINUTES", "15"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Logging: unexpected server errors only, to standard error (gunicorn passes it on), by
# `ipexpath.web.server_errors` — request id, view name, exception type and traceback frames, never URLs,
# bodies or messages (no patient data in logs). Django's own `django.request` records name the URL (which
# carries pseudonyms), so they are dropped.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "drop": {"class": "logging.NullHandler"},
    },
    "loggers": {
        "ipexpath.web.errors": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["drop"], "propagate": False},
    },
}

# Second sign-in factor (ipexpath.web.second_factor): the roles that must use one (comma-separated role names,
# default administrators), the minutes within which a sensitive action needs no new password
# (re-authentication, ASVS 3.7.1), and the issuer shown in the authenticator app.
MFA_ROLES = [
    r.strip().lower().replace("-", "_")
    for r in os.environ.get("IPEXPATH_MFA_ROLES", "administrator").split(",")
    if r.strip()
]
REAUTH_MINUTES = int(os.environ.get("IPEXPATH_REAUTH_MINUTES", "5"))
# API bearer tokens expire: 90 days unless `users token --days N` says otherwise (at most 365)
API_TOKEN_DAYS = int(os.environ.get("IPEXPATH_API_TOKEN_DAYS", "90"))
OTP_TOTP_ISSUER = "ipexpath"
