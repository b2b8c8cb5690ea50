"""Settings for every environment, read from environment variables.

Development needs none of them: SQLite, local-memory cache and DEBUG on. Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: str) -> bool:
    """The variable as a boolean; anything but a clear yes or no is an error."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean such as 1 or 0, not {value!r}")


def env_int(name: str, default: str) -> int:
    """The variable as an integer; a non-number is an error."""
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    """The variable as a comma-separated list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """A DATABASES entry for a postgres:// or sqlite:// URL."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # psycopg 3's pool keeps connections open across requests in each process.
            "OPTIONS": {
                "pool": {
                    "min_size": int(options.pop("pool_min", 2)),
                    "max_size": int(options.pop("pool_max", 10)),
                    "timeout": 10,
                },
                **options,
            },
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)) if parts.path else BASE_DIR / "db.sqlite3")
    raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme {parts.scheme!r}")


def sqlite_database(path: Path) -> dict:
    """SQLite tuned for a web server: WAL, IMMEDIATE writes and a busy timeout."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Reusing the connection skips the open and the PRAGMAs on every request.
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", "600"),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait for the
            # busy timeout instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


DEBUG = env_bool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "development-only-key-never-used-in-production-3f8c1e"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "accounts",
    "lessons",
    "coursework",
    "studio",
    "notifications",
    "lti_tool",
    "lms",
    "sis",
    "cartridge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # LTI: an LMS-launched session's cookies are SameSite=None; Secure (see lms.middleware).
    "lms.middleware.LtiFrameCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # LTI: an LMS-launched session's pages may be framed by that LMS (see lms.middleware).
    "lms.middleware.LtiFrameAncestorsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused login on any form into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(BASE_DIR / "db.sqlite3")
}
# Browser tests serve pages from another thread while the test writes; an in-memory SQLite
# test database can't take concurrent writers, a file in WAL mode can.
TEST_DATABASE_FILE = os.environ.get("TEST_DATABASE_FILE", "")
if TEST_DATABASE_FILE and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE_FILE}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "history"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (roster imports) runs through Django's tasks framework. The database
# backend keeps the queue in the app's own database; `manage.py db_worker` runs it.
# Tests run tasks at once, in the request, with the immediate backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "coursework:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: this many for one username from one address locks that pair out.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", "5")
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", "900")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads beyond this stay on disk rather than in memory; size limits are checked per form.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# Every script and style comes from our own origin, as files: nothing inline, so no nonce,
# and every response's policy (and page) is the same.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Production turns these on by default; each can be switched off, e.g. behind a TLS proxy
# on a private network or for a local load test over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", "0")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Password-reset mail. Development prints it to the console; production sends it by SMTP.
# EMAIL_BACKEND names the backend class; Django 6.1 configures it through MAILERS.
EMAIL_BACKEND_CLASS = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_CLASS}}
if EMAIL_BACKEND_CLASS.endswith(".smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", "25"),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", "0"),
        "timeout": env_int("EMAIL_TIMEOUT", "10"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "History Lessons <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in emails start with (the digest is sent from a worker, not a request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A reset link works for three days and only once (the password change invalidates it).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", "259200")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# With a shared Redis cache, sessions are read from it and written through to the database.
# A local-memory cache is per process, so there the database alone decides: a log-out in one
# worker must end the session in every other.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# django-axes checks every login first, whichever form it comes from (the site's, the
# admin's), and refuses a locked-out one before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins are counted per username and client address in the database, so every app
# process sees the same count with or without a shared cache. A lockout stops only that
# pair: the right password from another address still logs in. Attempts during a lockout
# don't extend it, and a success clears the pair's count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.forms.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# Only failures are kept: no record of every person's logins and addresses.
AXES_DISABLE_ACCESS_LOG = True
# Locks are lifted with `manage.py axes_reset_username`; the admin shows no attempts.
AXES_ENABLE_ADMIN = False
# The client's address: REMOTE_ADDR, unless the documented TLS proxy stands in front. That
# proxy appends the address it saw to X-Forwarded-For; the right-most entry is the one it
# vouches for (anything to its left came from the client), so exactly that one is read.
# Without the proxy a client-sent X-Forwarded-For is ignored.
if BEHIND_TLS_PROXY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = 0
    # Not strict, so a client-sent prefix doesn't make the proxy's entry unreadable.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
