"""Tissage settings: one file, read from environment variables with safe defaults.

Every variable is documented in README.md ("Configuration").
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class ConfigurationError(ImproperlyConfigured):
    """A setting that cannot work, said in one line, in French then in English.

    `tissage` prints this line alone on stderr, without a traceback (tissage/cli.py).
    """

    bilingual = True

    def __init__(self, french: str, english: str) -> None:
        super().__init__(f"Erreur de configuration : {french} / Configuration error: {english}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(
            f"{name} doit être un nombre entier (reçu « {value} »).",
            f'{name} must be a whole number (got "{value}").',
        ) from None


def env_seconds(name: str, default: float) -> float:
    """A duration in seconds, more than zero (decimals allowed)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(
            f"{name} doit être une durée en secondes plus grande que zéro (reçu « {value} »).",
            f'{name} must be a duration in seconds greater than zero (got "{value}").',
        )
    return seconds


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in choices:
        french = ", ".join(choices[:-1]) + " ou " + choices[-1]
        english = ", ".join(choices[:-1]) + " or " + choices[-1]
        raise ConfigurationError(
            f"{name} doit valoir {french} (reçu « {value} »).",
            f'{name} must be {english} (got "{value}").',
        )
    return value


DATA_DIR = Path(os.environ.get("TISSAGE_DATA_DIR", "var")).resolve()

# `tissage serve` (gunicorn) defaults; its options override them.
WEB_BIND = os.environ.get("TISSAGE_BIND", "127.0.0.1:8000")
WEB_WORKERS = env_int("TISSAGE_WEB_WORKERS", 3)
WEB_THREADS = env_int("TISSAGE_WEB_THREADS", 1)
WEB_FORWARDED_ALLOW_IPS = os.environ.get("TISSAGE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError(
            "SECRET_KEY n'est pas défini : donnez-lui une longue chaîne aléatoire, "
            "ou lancez « tissage demo » pour essayer Tissage.",
            "SECRET_KEY is not set: set it to a long random string, "
            'or run "tissage demo" to try Tissage.',
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS: on by default in production. The demo and local runs over plain HTTP set
# TISSAGE_HTTPS=0 (the demo command does it for you).
HTTPS = env_bool("TISSAGE_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("TISSAGE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("TISSAGE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TISSAGE_HSTS_PRELOAD", True)


def env_proxy_count(name: str, default: int) -> int:
    """How many reverse proxies stand in front: a number, or on (1) / off (0)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"on", "true", "yes"}:
        return 1
    if value in {"off", "false", "no"}:
        return 0
    if value.isdecimal():
        return int(value)
    raise ConfigurationError(
        f"{name} doit dire combien de serveurs mandataires précèdent Tissage : 0, 1, 2… "
        f"(reçu « {value} »).",
        f"{name} must say how many reverse proxies stand in front of Tissage: 0, 1, 2… "
        f'(got "{value}").',
    )


# Reverse proxies in front of the app (0 for the demo, which nothing stands in front of).
# Only then are their X-Forwarded-* headers believed: the client's address is the one
# the nearest proxy saw (per-address sign-in limits), and the proxy says it took HTTPS.
PROXY_COUNT = env_proxy_count("TISSAGE_BEHIND_PROXY", 1)
if PROXY_COUNT:
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

MAP_TILE_URL = os.environ.get(
    "TISSAGE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = os.environ.get(
    "TISSAGE_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
_tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "a")))

# Strict Content-Security-Policy: no inline script or style anywhere.
SECURE_CSP: dict[str, list[Any]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", _tile_origin.replace("://a.", "://*.")],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "tissage.core",
    "tissage.accounts",
    "tissage.territories",
    "tissage.engagement",
    "tissage.organisations",
    "tissage.projects",
    "tissage.inventories",
    "tissage.actions",
    "tissage.collectives",
    "tissage.consultations",
    "tissage.dashboard",
    "tissage.api",
    "tissage.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_htmx",
    # Its system check warns if another compressing middleware (GZipMiddleware) is added.
    "django_http_compression",
    # django-ninja: the API's Swagger UI page and its static files (tissage/api).
    "ninja",
]

MIDDLEWARE = [
    # Outermost: it sees every answer, errors included (core/logs.py).
    "tissage.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tissage.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Text answers in zstd, brotli or gzip as the client accepts (core/compression.py).
    # Below WhiteNoise, which answers static files before it with their precompressed
    # .br/.gz and their ranges: those never pass here. Above every middleware that makes
    # or changes a body (CSP and the rest only set headers; ApiMiddleware, the sign-in
    # and storage middleware answer pages), so each body is compressed once, last; the
    # request log above it sees the compressed answer.
    "tissage.core.compression.CompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tissage.core.middleware.FrenchUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # CORS for reading /api/v1/, JSON for its unknown addresses (api/middleware.py).
    "tissage.api.middleware.ApiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tissage.core.middleware.SignInRequiredMiddleware",
    "tissage.core.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "tissage.urls"
WSGI_APPLICATION = "tissage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tissage.core.context_processors.platform",
                "tissage.dashboard.workspace.context_processors.workspace",
                "tissage.engagement.context_processors.notifications",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    """Translate DATABASE_URL into Django's DATABASES["default"]."""
    conn_max_age = env_int("TISSAGE_DB_CONN_MAX_AGE", 60)
    try:
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    except dj_database_url.UnknownSchemeError:
        # Never the URL itself: it may hold a password.
        scheme = url.partition("://")[0] if "://" in url else ""
        french, english = (
            (f"« {scheme}:// » inconnu", f'unknown "{scheme}://"')
            if scheme
            else ("pas une adresse", "not an address")
        )
    except ValueError:
        french, english = "adresse mal formée", "malformed address"
    raise ConfigurationError(
        f"DATABASE_URL n'est pas compris ({french}) : écrivez "
        "postgres://utilisateur:mot-de-passe@hôte:5432/nom, ou ne le définissez pas "
        "pour une base SQLite dans TISSAGE_DATA_DIR.",
        f"DATABASE_URL is not understood ({english}): write "
        "postgres://user:password@host:5432/name, or leave it unset for a SQLite "
        "database in TISSAGE_DATA_DIR.",
    )


DATABASES = {
    "default": _database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tissage.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_folder = Path(DATABASES["default"]["NAME"]).parent
    try:
        _sqlite_folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"le dossier de la base SQLite ne peut pas être créé ({_sqlite_folder} : "
            f"{error.strerror}) : donnez à TISSAGE_DATA_DIR un dossier où écrire.",
            f"the SQLite database's folder cannot be created ({_sqlite_folder}: "
            f"{error.strerror}): set TISSAGE_DATA_DIR to a folder that can be written.",
        ) from None
    # WAL and a busy timeout let the web server and the worker share the file. The
    # connection is kept between requests like PostgreSQL's (TISSAGE_DB_CONN_MAX_AGE): a
    # new one reads the schema of every table again, 4 ms of a 7 ms page (issue #20).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests get a file, not shared-cache memory: concurrency tests need several
    # connections that wait for each other's locks as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-tissage.sqlite3")}
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("TISSAGE_DB_PREPARE", True):
    # The few hot queries compiled once (`core.compiled`: the action page's read, the
    # registration's) are prepared on the server, which then plans them once per
    # connection. psycopg prepares a statement only when asked (this threshold is never
    # reached): every other query is planned with its values, as Django's default. Off
    # for a pooler in transaction mode that cannot keep prepared statements (PgBouncer
    # before 1.21): TISSAGE_DB_PREPARE=0 (docs/decisions.md).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:account"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "assets"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Files only the app may hand out, after its access check (tissage/core/files.py): never
# under MEDIA_ROOT or STATIC_ROOT, which a web server serves to anyone.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("TISSAGE_PRIVATE_MEDIA_ROOT", DATA_DIR / "private"))
for _public_name, _public_root in (("MEDIA_ROOT", MEDIA_ROOT), ("STATIC_ROOT", STATIC_ROOT)):
    if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(_public_root.resolve()):
        raise ConfigurationError(
            f"TISSAGE_PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) est dans {_public_name} "
            f"({_public_root}), que tout le monde peut lire : choisissez un dossier à part.",
            f"TISSAGE_PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) is inside {_public_name} "
            f"({_public_root}), which anyone may read: choose a folder of its own.",
        )


def _https_address(name: str, value: str) -> str:
    """An http(s)://host[:port][/path] address without a trailing slash, or an error."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        raise ConfigurationError(
            f"{name} doit être une adresse http:// ou https:// (reçu « {value} »).",
            f'{name} must be an http:// or https:// address (got "{value}").',
        )
    return value.rstrip("/")


def media_store_from_url(url: str, name: str = "TISSAGE_MEDIA_URL") -> tuple[str, str]:
    """TISSAGE_MEDIA_URL (or `media-move --to`): ("", "") for the local folders, else
    (bucket, prefix)."""
    if not url:
        return "", ""
    parts = urlsplit(url)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if (
        parts.scheme != "s3"
        or not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket)
        or parts.query
        or "//" in prefix
    ):
        unset = name == "TISSAGE_MEDIA_URL"
        raise ConfigurationError(
            f"{name} n'est pas compris (reçu « {url} ») : écrivez s3://nom-du-seau/préfixe"
            + (
                ", ou ne le définissez pas pour garder les fichiers dans les dossiers locaux."
                if unset
                else "."
            ),
            f'{name} is not understood (got "{url}"): write s3://bucket/prefix'
            + (", or leave it unset to keep files in the local folders." if unset else "."),
        )
    return bucket, prefix


# Files on an S3-compatible object store (README, "Files on an object store"):
# TISSAGE_MEDIA_URL=s3://bucket/prefix puts public files under <prefix>/public/ (readable
# by anyone through the bucket's policy) and private ones under <prefix>/private/ (never).
MEDIA_S3_BUCKET, MEDIA_S3_PREFIX = media_store_from_url(
    os.environ.get("TISSAGE_MEDIA_URL", "").strip()
)
# Unset: Amazon S3 itself; else the store's address (MinIO, Garage, Scaleway, OVH…).
MEDIA_S3_ENDPOINT_URL = os.environ.get("TISSAGE_S3_ENDPOINT_URL", "").strip()
if MEDIA_S3_ENDPOINT_URL:
    MEDIA_S3_ENDPOINT_URL = _https_address("TISSAGE_S3_ENDPOINT_URL", MEDIA_S3_ENDPOINT_URL)
MEDIA_S3_REGION = os.environ.get("TISSAGE_S3_REGION", "").strip()
# The standard variables of every S3 client; unset, boto3 looks further (an instance role).
MEDIA_S3_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID", "")
MEDIA_S3_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
# Where public files are read from, when not from the store's own address (a CDN, a
# domain of the territory's): the address of the bucket's root.
MEDIA_S3_PUBLIC_URL = os.environ.get("TISSAGE_S3_PUBLIC_URL", "").strip()
if MEDIA_S3_PUBLIC_URL:
    MEDIA_S3_PUBLIC_URL = _https_address("TISSAGE_S3_PUBLIC_URL", MEDIA_S3_PUBLIC_URL)
# How long a signed address to a private file works once the app has handed it out.
MEDIA_S3_SIGNED_URL_SECONDS = env_int("TISSAGE_S3_SIGNED_URL_SECONDS", 300)
if not 1 <= MEDIA_S3_SIGNED_URL_SECONDS <= 7 * 24 * 3600:
    raise ConfigurationError(
        "TISSAGE_S3_SIGNED_URL_SECONDS doit être compris entre 1 et 604800 secondes "
        f"(reçu {MEDIA_S3_SIGNED_URL_SECONDS}).",
        "TISSAGE_S3_SIGNED_URL_SECONDS must be between 1 and 604800 seconds "
        f"(got {MEDIA_S3_SIGNED_URL_SECONDS}).",
    )
# An unreachable store must fail a request within seconds, not hang it.
MEDIA_S3_CONNECT_TIMEOUT = env_int("TISSAGE_S3_CONNECT_TIMEOUT", 3)
MEDIA_S3_READ_TIMEOUT = env_int("TISSAGE_S3_READ_TIMEOUT", 5)

# Who sends private files once the app has said yes: the app itself ("app"), or the
# reverse proxy, told by a header: "nginx" (X-Accel-Redirect to the internal location
# below) or "apache" (X-Sendfile, mod_xsendfile); with an object store, "signed" (a
# redirect to a short-lived signed address of the store, the default there) or "app".
# README.md, "Production".
PRIVATE_MEDIA_SERVER = env_choice(
    "TISSAGE_PRIVATE_MEDIA_SERVER",
    ("app", "nginx", "apache", "signed"),
    "signed" if MEDIA_S3_BUCKET else "app",
)
if MEDIA_S3_BUCKET and PRIVATE_MEDIA_SERVER in {"nginx", "apache"}:
    raise ConfigurationError(
        f"TISSAGE_PRIVATE_MEDIA_SERVER={PRIVATE_MEDIA_SERVER} lit les fichiers sur le disque, "
        "or TISSAGE_MEDIA_URL les met dans un stockage objet : écrivez signed ou app.",
        f"TISSAGE_PRIVATE_MEDIA_SERVER={PRIVATE_MEDIA_SERVER} reads files from the disk, but "
        "TISSAGE_MEDIA_URL puts them on an object store: write signed or app.",
    )
if not MEDIA_S3_BUCKET and PRIVATE_MEDIA_SERVER == "signed":
    raise ConfigurationError(
        "TISSAGE_PRIVATE_MEDIA_SERVER=signed demande un stockage objet : définissez "
        "TISSAGE_MEDIA_URL=s3://…, ou écrivez app, nginx ou apache.",
        "TISSAGE_PRIVATE_MEDIA_SERVER=signed needs an object store: set "
        "TISSAGE_MEDIA_URL=s3://…, or write app, nginx or apache.",
    )


def _media_store_origins() -> list[str]:
    """Where pages' pictures come from with an object store: the public files' address,
    and the store's own (signed addresses of private pictures)."""
    if MEDIA_S3_ENDPOINT_URL:
        store = ["{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_S3_ENDPOINT_URL))]
    else:
        store = [f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"]
        if MEDIA_S3_REGION:
            store.append(f"https://{MEDIA_S3_BUCKET}.s3.{MEDIA_S3_REGION}.amazonaws.com")
    if MEDIA_S3_PUBLIC_URL:
        store.append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_S3_PUBLIC_URL)))
    return list(dict.fromkeys(store))


if MEDIA_S3_BUCKET:
    SECURE_CSP["img-src"] += _media_store_origins()

PRIVATE_MEDIA_INTERNAL_URL = os.environ.get("TISSAGE_PRIVATE_MEDIA_INTERNAL_URL", "/_private/")
if not (PRIVATE_MEDIA_INTERNAL_URL.startswith("/") and PRIVATE_MEDIA_INTERNAL_URL.endswith("/")):
    raise ConfigurationError(
        "TISSAGE_PRIVATE_MEDIA_INTERNAL_URL doit commencer et finir par « / » "
        f"(reçu « {PRIVATE_MEDIA_INTERNAL_URL} »).",
        "TISSAGE_PRIVATE_MEDIA_INTERNAL_URL must start and end with a slash "
        f'(got "{PRIVATE_MEDIA_INTERNAL_URL}").',
    )
STORAGES = {
    # Public and private files in one storage: a name under private/ is private.
    "default": {"BACKEND": "tissage.core.files.MediaStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "TISSAGE_STATICFILES_STORAGE",
            "tissage.core.staticfiles.StaticFilesStorage",
        )
    },
}
# Uploads: refuse huge bodies early; files above this size go to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Two caches (docs/architecture.md, "State shared between processes"):
# - "shared": what every process must see alike (form rate limits, the request id handed
#   to a task, anything invalidated on write): Redis when REDIS_URL is set, else a table
#   of the database (created by `tissage migrate`, core/apps.py);
# - "default": derived values that only expire (commune outlines, the home page's parts,
#   figures): Redis when REDIS_URL is set, else each process's memory, so that a page
#   reading them pays no query.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and urlsplit(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ConfigurationError(
        "REDIS_URL doit commencer par redis://, rediss:// ou unix:// "
        "(par exemple redis://127.0.0.1:6379/0).",
        "REDIS_URL must start with redis://, rediss:// or unix:// "
        "(for example redis://127.0.0.1:6379/0).",
    )
CACHE_TABLE = "tissage_cache"
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"tissage:{alias}",
        }
        for alias in ("default", "shared")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tissage",
            # Django's 300 would be a dozen list pages of cards (core.cards): beyond it, a
            # third of everything kept (cards, feeds' answers, the home page's parts) is
            # dropped at once. A card is about 1 KB: a few MB per process.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        },
    }

# Guests' forms that send an email or keep something for someone not signed in: how many
# one connection may send per hour and form (core/ratelimit.py); 0 lifts the limit.
FORM_RATE_LIMIT = env_int("TISSAGE_FORM_RATE_LIMIT", 60)
# Writes through the API with a personal token (tissage/api): how many per hour and token;
# 0 lifts the limit. Reads are not counted.
API_WRITE_RATE_LIMIT = env_int("TISSAGE_API_WRITE_RATE_LIMIT", 300)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TISSAGE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}


def _mailer(url: str) -> dict[str, object]:
    """Translate EMAIL_URL into Django's MAILERS["default"]."""
    backends = "django.core.mail.backends."
    if url in {"console:", "console://"}:
        return {"BACKEND": "tissage.core.mail_console.EmailBackend"}
    if url in {"memory:", "locmem:"}:
        return {"BACKEND": backends + "locmem.EmailBackend"}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _email_url_error("adresse mal formée", "malformed address") from None
    if parts.scheme == "file":
        return {
            "BACKEND": backends + "filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if parts.scheme in {"smtp", "smtps", "submission"}:
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": port or {"smtp": 25, "smtps": 465, "submission": 587}[parts.scheme],
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "submission" or "tls=1" in parts.query,
                "timeout": 30,
            },
        }
    if not parts.scheme:
        raise _email_url_error("pas une adresse", "not an address")
    raise _email_url_error(f"« {parts.scheme}: » inconnu", f'unknown "{parts.scheme}:"')


def _email_url_error(french: str, english: str) -> ConfigurationError:
    # Never the URL itself: it may hold a password.
    return ConfigurationError(
        f"EMAIL_URL n'est pas compris ({french}) : écrivez "
        "smtp://utilisateur:mot-de-passe@hôte:port, smtps://…, submission://…, console: "
        "ou file:///un/dossier.",
        f"EMAIL_URL is not understood ({english}): write smtp://user:password@host:port, "
        "smtps://…, submission://…, console: or file:///a/folder.",
    )


MAILERS = {"default": _mailer(os.environ.get("EMAIL_URL", "smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tissage <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Attempts at delivering one email, the n-th after 2^(n-2) minutes (1, 2, 4… at most six
# hours apart): ten attempts span 8.5 hours, a mail server down for a night
# (docs/operations.md, "Faults").
EMAIL_MAX_ATTEMPTS = env_int("TISSAGE_EMAIL_MAX_ATTEMPTS", 10)
# The length of the retries' "minute". Only tests shorten it, to play an outage of the
# mail server in seconds.
EMAIL_RETRY_UNIT_SECONDS = env_seconds("TISSAGE_EMAIL_RETRY_UNIT_SECONDS", 60)

# Each `tissage worker` says it is alive every WORKER_HEARTBEAT_SECONDS; the tasks of a
# worker silent for WORKER_DEAD_AFTER_SECONDS (killed, its machine gone) are run again by
# another (core/workers.py).
WORKER_HEARTBEAT_SECONDS = env_seconds("TISSAGE_WORKER_HEARTBEAT_SECONDS", 10)
WORKER_DEAD_AFTER_SECONDS = env_seconds("TISSAGE_WORKER_DEAD_AFTER_SECONDS", 60)
if WORKER_DEAD_AFTER_SECONDS < 3 * WORKER_HEARTBEAT_SECONDS:
    raise ConfigurationError(
        "TISSAGE_WORKER_DEAD_AFTER_SECONDS doit valoir au moins trois fois "
        "TISSAGE_WORKER_HEARTBEAT_SECONDS, sinon un processus vivant mais lent serait "
        "déclaré mort.",
        "TISSAGE_WORKER_DEAD_AFTER_SECONDS must be at least three times "
        "TISSAGE_WORKER_HEARTBEAT_SECONDS, or a live but slow worker would be declared dead.",
    )

# Collectives' discussion lists: each collective receives mail at <slug>@LIST_DOMAIN
# (the mail server pipes it to `tissage mail-in`, or `tissage fetch-mail` polls IMAP).
# By default, the domain of the platform's sender address.
LIST_DOMAIN = os.environ.get(
    "TISSAGE_LIST_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
)
# Largest incoming email and largest attachment accepted on a list, in bytes.
LIST_MAX_MESSAGE_BYTES = env_int("TISSAGE_LIST_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
LIST_MAX_ATTACHMENT_BYTES = env_int("TISSAGE_LIST_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# Bounces (docs/mailing-lists.md, "Delivery failures"): a member's delivery is suspended
# when their copies failed LIST_BOUNCE_LIMIT times (a temporary failure counts half)
# within LIST_BOUNCE_DAYS days; 0 never suspends.
LIST_BOUNCE_LIMIT = env_int("TISSAGE_LIST_BOUNCE_LIMIT", 3)
LIST_BOUNCE_DAYS = env_int("TISSAGE_LIST_BOUNCE_DAYS", 14)
# fetch-mail: an IMAP mailbox that receives every list's mail (imaps://user:pass@host:993/INBOX).
LIST_IMAP_URL = os.environ.get("TISSAGE_LIST_IMAP_URL", "")
# Who sent a member's email is checked before it is posted (docs/mailing-lists.md,
# "Who sent it"): a DKIM signature of the From's domain, or the Authentication-Results
# header that our own mail server adds, when it names itself with this authserv-id.
LIST_TRUST_AUTH_RESULTS = os.environ.get("TISSAGE_LIST_TRUST_AUTH_RESULTS", "").strip().lower()
# A member's email from a domain that signs nothing (no DKIM signature, no DMARC policy):
# hold-members-only (held, except on lists that anyone may join and read), hold, accept.
LIST_UNVERIFIED = env_choice(
    "TISSAGE_LIST_UNVERIFIED", ("hold-members-only", "hold", "accept"), "hold-members-only"
)
# What answers the DNS TXT queries of those checks (DKIM keys, DMARC records): None for
# the system's resolver; tests put an in-memory zone here, so that none reaches the network.
LIST_DNS_RESOLVER: Any = None

PLATFORM_NAME = os.environ.get("TISSAGE_PLATFORM_NAME", "Tissage")
# Absolute address used in emails (magic links); falls back to the request's host.
SITE_URL = os.environ.get("TISSAGE_SITE_URL", "").rstrip("/")
LEGAL_PUBLISHER = os.environ.get("TISSAGE_LEGAL_PUBLISHER", "")
LEGAL_CONTACT = os.environ.get("TISSAGE_LEGAL_CONTACT", "")
LEGAL_HOST = os.environ.get("TISSAGE_LEGAL_HOST", "")
# The licence of the platform's public data in the open API (organisations, projects,
# actions, campaigns, initiatives, consultations): a code of the inventories' licences.
# Inventory items keep their campaign's own licence.
DATA_LICENCE = env_choice(
    "TISSAGE_DATA_LICENCE", ("etalab-2.0", "cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0"), "etalab-2.0"
)

# Logs (core/logs.py): one JSON object per line in production, readable lines with DEBUG
# and in the demo (which sets TISSAGE_LOG_FORMAT=plain). Every line written while serving
# a request, or running a task it queued, carries the request's id.
LOG_FORMAT = env_choice("TISSAGE_LOG_FORMAT", ("json", "plain"), "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tissage.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "tissage.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Errors of requests are logged once, with their request id, by core/logs.py's
        # middleware and by Django's own logger for their traceback.
        "django.request": {"level": "ERROR"},
        # Django's own lines per task are noise; core/logs.py writes one line per task.
        "django.tasks": {"level": os.environ.get("TISSAGE_TASKS_LOG_LEVEL", "WARNING")},
        # dkimpy logs every forged or broken signature of others' mail as an error; the
        # lists' sender check says what it concluded itself (at INFO).
        "dkimpy": {"level": "CRITICAL"},
    },
}

# Prometheus metrics at /metrics (core/metrics.py), for whoever holds the token (a
# Bearer token) or calls from an allowed network; neither set, /metrics does not exist.
METRICS_TOKEN = os.environ.get("TISSAGE_METRICS_TOKEN", "")
METRICS_ALLOW = env_list("TISSAGE_METRICS_ALLOW")
for _network in METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ConfigurationError(
            f"TISSAGE_METRICS_ALLOW contient « {_network} », qui n'est pas un réseau : "
            "écrivez par exemple 10.0.0.0/8,127.0.0.1.",
            f'TISSAGE_METRICS_ALLOW holds "{_network}", which is not a network: '
            "write for example 10.0.0.0/8,127.0.0.1.",
        ) from None

# Optional error reports to Sentry (or a compatible service): only when SENTRY_DSN is set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from tissage.core.sentry import sentry_init

    sentry_init(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
    )

CSRF_FAILURE_VIEW = "tissage.core.views.csrf_failure"
