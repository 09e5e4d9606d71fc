"""Django settings, read from environment variables only (see README: Environment)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import envbool, envfloat, envint, envlist, envstr
from core.production import DEV_SECRET_KEY, refusals
from proxy.public import DEFAULT_REDIS_PREFIX, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("TOLLGATE_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
# The demo and the test suite (make up, make test, compose's demo profile) may run on the
# development secrets; anything else is production and refuses to start without its own.
DEMO = envbool("TOLLGATE_DEMO", False)
SECRET_KEY = envstr("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Under /api/ a CSRF refusal answers the REST error envelope.
CSRF_FAILURE_VIEW = "core.api.errors.csrf_failure"
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "core",
    "publisher",
    "devportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.tenancy.TenantMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
ASGI_APPLICATION = "core.asgi.application"
WSGI_APPLICATION = "core.wsgi.application"

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
                "core.tenancy.tenant_context",
                "devportal.portal.portal_context",
            ],
        },
    }
]

DATABASE_URL = envstr("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{DATA_DIR / 'tollgate.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
# Postgres connections from a psycopg pool per process (DB_POOL_MAX_SIZE > 0): no connection
# set-up per request, and a bounded number of connections per process.
DB_POOL_MAX_SIZE = envint("DB_POOL_MAX_SIZE", 0)
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DB_POOL_MIN_SIZE", 1),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": envfloat("DB_POOL_TIMEOUT", 10.0),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and proxy share the file: WAL lets readers run beside the one writer, a
    # writer waits up to `timeout` seconds for the lock, and transactions take the write lock
    # when they begin, so one that read first never fails to upgrade ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so the processes an end-to-end test starts share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: without it the platform runs in the embedded mode of DESIGN.md.
REDIS_URL = envstr("REDIS_URL", "")
EMBEDDED = not REDIS_URL
# Every key and channel this installation uses in Redis starts with this prefix.
TOLLGATE_REDIS_PREFIX = envstr("TOLLGATE_REDIS_PREFIX", DEFAULT_REDIS_PREFIX)

# The control plane's Redis clients give up instead of hanging on a dead or partitioned
# Redis: a request or task fails (and is retried or reconciled) rather than blocking a worker.
REDIS_CLIENT_OPTIONS = {
    "socket_connect_timeout": envfloat("REDIS_CONNECT_TIMEOUT", 5.0),
    "socket_timeout": envfloat("REDIS_SOCKET_TIMEOUT", 10.0),
    "health_check_interval": 30,
}

# Prometheus: the web's /metrics answers only this bearer token (unset: 404); the worker
# serves its metrics on this port (0: off). docs/operations.md, Metrics.
METRICS_TOKEN = envstr("TOLLGATE_METRICS_TOKEN", "")
WORKER_METRICS_PORT = envint("WORKER_METRICS_PORT", 0)
WORKER_METRICS_HOST = envstr("WORKER_METRICS_HOST", "127.0.0.1")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": f"{TOLLGATE_REDIS_PREFIX}:celery:",
    "socket_connect_timeout": REDIS_CLIENT_OPTIONS["socket_connect_timeout"],
    "socket_timeout": envfloat("REDIS_BROKER_SOCKET_TIMEOUT", 30.0),
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
USAGE_ROLLUP_INTERVAL = envfloat("USAGE_ROLLUP_INTERVAL", 10.0)

# Provider credentials: comma-separated Fernet keys, newest first (MultiFernet rotation).
TOLLGATE_FERNET_KEYS = envlist("TOLLGATE_FERNET_KEYS", "")
# API keys are stored as HMACs under this pepper.
TOLLGATE_KEY_PEPPER = envstr("TOLLGATE_KEY_PEPPER", "")
# Without their own values, both are derived from SECRET_KEY: the development default, and an
# explicit opt-in for installations made before they were required (docs/deployment.md).
DERIVE_KEYS_FROM_SECRET_KEY = envbool("TOLLGATE_DERIVE_KEYS_FROM_SECRET_KEY", DEBUG or DEMO)
if DERIVE_KEYS_FROM_SECRET_KEY and not TOLLGATE_KEY_PEPPER:
    TOLLGATE_KEY_PEPPER = SECRET_KEY
if not (DEBUG or DEMO):
    _refused = refusals(
        secret_key=SECRET_KEY,
        fernet_keys=TOLLGATE_FERNET_KEYS,
        key_pepper=TOLLGATE_KEY_PEPPER,
        derive_from_secret=DERIVE_KEYS_FROM_SECRET_KEY,
    )
    if _refused:
        raise ImproperlyConfigured(
            "Tollgate will not start in production with these settings (DEBUG and "
            "TOLLGATE_DEMO are off):\n- " + "\n- ".join(_refused)
        )
# SSRF guard for upstream endpoints.
ALLOW_PRIVATE_UPSTREAMS = envbool("ALLOW_PRIVATE_UPSTREAMS", False)
ALLOW_HTTP_UPSTREAMS = envbool("ALLOW_HTTP_UPSTREAMS", False)
# Where the gateway is reachable, to show URLs in the portals.
GATEWAY_URL = envstr("GATEWAY_URL", "http://127.0.0.1:8080")
DEFAULT_TENANT = envstr("DEFAULT_TENANT", "default")
TEST_KEY_TTL_SECONDS = envint("TEST_KEY_TTL_SECONDS", 3600)
CONSOLE_KEY_TTL_SECONDS = envint("CONSOLE_KEY_TTL_SECONDS", 900)
SIGNUP_DEFAULT = envbool("SIGNUP_DEFAULT", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before any check
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (django-axes, see core/signin.py): the database keeps the attempts in
# both modes, since it is what every web process shares.
LOGIN_FAILURES_ALLOWED = envint("LOGIN_FAILURES_ALLOWED", 10)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURES_ALLOWED + 1  # the failure after the allowed ones locks out
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = "core.signin.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "core.signin.lockout_response"
# A success does not clear the count: it would clear every attempt from the same address, so
# one could guess another user's password between sign-ins to one's own account.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # no write per refused attempt
AXES_VERBOSE = False
# Behind N reverse proxies, the client address is the Nth from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# Personal access tokens always expire.
TOKEN_DEFAULT_DAYS = envint("TOKEN_DEFAULT_DAYS", 90)
TOKEN_MAX_DAYS = envint("TOKEN_MAX_DAYS", 365)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns (an error in tests) when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# HTTPS behind a TLS-terminating proxy or ingress (docs/deployment.md). Health probes stay on
# plain HTTP inside the cluster, so they are never redirected.
if envstr("SECURE_PROXY_SSL_HEADER"):  # e.g. HTTP_X_FORWARDED_PROTO,https
    _header, _, _value = envstr("SECURE_PROXY_SSL_HEADER").partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts only from our own static files (htmx and
# Chart.js are vendored), no inline script. Inline style attributes stay allowed: htmx and
# a few templates set them, and they cannot run code. CSP_MODE: enforce, report-only or off.
CSP_MODE = envstr("CSP_MODE", "enforce")
if CSP_MODE not in ("enforce", "report-only", "off"):
    raise ImproperlyConfigured("CSP_MODE must be enforce, report-only or off.")
_CSP = {
    # Swagger UI's page starts itself with an inline script (drf-spectacular's template).
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if CSP_MODE == "enforce":
    CONTENT_SECURITY_POLICY = _CSP
elif CSP_MODE == "report-only":
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
if CSP_MODE != "off":
    INSTALLED_APPS.append("csp")
    MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "tollgate@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.auth.PersonalAccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.TollgateAutoSchema",
    # JSON bodies only; the one upload (a custom vendor's OpenAPI file) adds multipart itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tollgate REST API",
    "DESCRIPTION": "Control plane of the Tollgate AI gateway: APIs, lifecycle, deployments, "
    "applications, subscriptions, keys, plans, members and analytics.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "endpoint_kind": {"type": "string", "enum": ["production", "sandbox"]},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    },
    # The docs page serves Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LifecycleStateEnum": "core.models.apis.LifecycleState",
        "EndpointKindEnum": "core.models.apis.EndpointKind",
        "LifecycleActionEnum": "core.api.enums.LIFECYCLE_ACTIONS",
        "RoleEnum": "core.api.enums.ROLES",
        "InvitationStateEnum": "core.models.tenants.InvitationState",
        "SubscriptionStatusEnum": "core.models.access.SubscriptionStatus",
        "DocumentStatusEnum": "core.models.knowledge.DocumentStatus",
    },
}

# One JSON line per record on stderr, the same formatter as the proxy's (proxy.jsonlog).
# Django's own loggers lose their plain handlers and reach the root's JSON one instead.
LOGGING = logging_config(envstr("LOG_LEVEL", "INFO"))
LOGGING["loggers"].update(
    {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    }
)
