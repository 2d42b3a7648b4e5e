"""Settings shared by every mode. Everything that differs between machines comes from the environment.

Embedded defaults (no server to install): SQLite in ``var/`` and Celery on kombu's filesystem transport.
Set ``DATABASE_URL`` / ``CELERY_BROKER_URL`` to run on PostgreSQL and Redis.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SHEQUYUN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key is only ever used with the embedded defaults; production.py refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-development-key-not-for-production-use-0000"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "csp",
    "shequyun",
    "shequyun.notifications",
    "accounts",
    "scenarios",
    "content",
    "security",
    "dataassets",
]

MIDDLEWARE = [
    # First: every log line of the request (and of the Celery tasks it sends) carries its request id.
    "shequyun.middleware.RequestIdMiddleware",
    # A database that is briefly unavailable (restart, fail-over) costs a retry or a 503, never a 500 page.
    "shequyun.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shequyun.middleware.HealthCheckMiddleware",  # /healthz, /readyz: before the Host check, after the headers
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shequyun.middleware.SessionRenewalMiddleware",  # the idle timeout, renewed at most once a minute
    "shequyun.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shequyun.input.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.gate.GateMiddleware",  # second factor and forced password change, every channel (accounts/gate.py)
    # axes must be last: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shequyun.urls"
FORM_RENDERER = "shequyun.forms.PortalFormRenderer"
WSGI_APPLICATION = "shequyun.wsgi.application"
ASGI_APPLICATION = "shequyun.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shequyun.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shequyun.sqlite3'}"
_SQLITE = _DATABASE_URL.startswith("sqlite:")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # Persistent connections, checked before reuse: a connection broken by a database restart is replaced
        # instead of failing the request. SQLite opens files, nothing to keep.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0" if _SQLITE else "60")),
        conn_health_checks=True,
    )
}
if _SQLITE:
    # The embedded database serves several users at once (web threads, the worker, beat): WAL lets readers work
    # beside the writer, the busy timeout makes a writer wait for the lock instead of failing, and IMMEDIATE
    # transactions take the write lock when they begin — so two concurrent workflow actions queue one behind the
    # other and the loser gets the same 409 as on PostgreSQL, never "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
else:
    # Fail fast when the server is down (the request is retried or answered 503, see DatabaseUnavailableMiddleware).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")))
# A read (GET/HEAD) that met an unavailable database is retried this many times, this far apart, before a 503.
DATABASE_RETRY_READS = int(os.environ.get("DATABASE_RETRY_READS", "1"))
DATABASE_RETRY_DELAY = float(os.environ.get("DATABASE_RETRY_DELAY", "0.5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any other backend sees them; then the per-address
    # password-spraying defence.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.SprayGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Sign-in through the unified identity platform (accounts/oidc.py): answers only the platform's callback.
    "accounts.oidc.PlatformBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous object permissions

# --- Cache ----------------------------------------------------------------------------------------------------
# One Redis shared by every web node and worker when CACHE_URL is set (throttling, the working-day calendar's
# invalidation, sessions); a per-process memory cache in the embedded mode.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "shequyun", "TIMEOUT": 300}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shequyun"}}

# Server-side sessions, ended on sign-out and after inactivity: in the database (every node sees them), read
# through the shared Redis cache when there is one.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# The age above is an idle timeout, renewed by shequyun.middleware.SessionRenewalMiddleware at most once a minute
# (not SESSION_SAVE_EVERY_REQUEST, which writes the session back on every request).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock after repeated failures, per account and per address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]  # per account: an office behind one NAT address is never locked as a whole
# Per address only a password-spraying defence (accounts/backends.py): failures against this many different
# accounts from one address within the cool-off time refuse further sign-ins from it.
SPRAY_DISTINCT_USERNAMES = int(os.environ.get("SPRAY_DISTINCT_USERNAMES", "20"))
# axes.W006 asks for ip_address among the lockout parameters: that is exactly the per-office lockout DESIGN §3
# forbids; the address is covered by the spraying defence instead (accounts/backends.py, tests/accounts/test_lockout.py).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.portal.lockout_response"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: downloads go through scoped views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage (S3 API: MinIO, a city cloud's OSS/COS, AWS) for uploaded files when a bucket is named — needed as
# soon as there is more than one web or worker machine. The bucket stays private: no public ACL, and downloads go
# through scoped views (streamed, or a presigned URL that expires within AWS_QUERYSTRING_EXPIRE seconds).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "60"))
MEDIA_PRESIGNED_REDIRECT = env_bool("MEDIA_PRESIGNED_REDIRECT", False)
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": None,  # the bucket's own (private) policy
            "querystring_auth": True,
            "querystring_expire": AWS_QUERYSTRING_EXPIRE,
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE", "path"),  # MinIO wants path-style
            "signature_version": "s3v4",
        },
    }
WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic in the embedded mode
# In the embedded mode STATIC_ROOT need not exist (files come from the finders); silence whitenoise's warning.
warnings.filterwarnings("ignore", message="No directory at")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shequyun-noreply@localhost")

# --- REST -----------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",  # refuses a locked account's tokens
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api.permissions.PortalGate",
    ],
    # orjson for the JSON (shequyun/renderers.py); the browsable API as DRF has it.
    "DEFAULT_RENDERER_CLASSES": ["shequyun.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PAGINATION_CLASS": "shequyun.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "shequyun.filters.PortalFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shequyun.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": os.environ.get("API_AUTH_THROTTLE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社区云运营管理门户 API",
    "DESCRIPTION": "Shanghai community cloud operations management portal — REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # drf-spectacular-sidecar ships Swagger UI / ReDoc as static files: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ScenarioStatusEnum": "scenarios.models.Status",
        "ContentStatusEnum": "content.models.Status",
        "ContentKindEnum": "content.models.Kind",
        "FeedbackStatusEnum": "content.models.FeedbackStatus",
        "FeedbackKindEnum": "content.models.FeedbackKind",
        # data assets: status / kind / frequency choice sets named once
        "DataResourceStatusEnum": "dataassets.models.ResourceStatus",
        "DataSharingStatusEnum": "dataassets.models.SharingStatus",
        "DataObjectionStatusEnum": "dataassets.models.ObjectionStatus",
        "DataObjectionKindEnum": "dataassets.models.ObjectionKind",
        "DataQualityStatusEnum": "dataassets.models.QualityStatus",
        "DataQualityKindEnum": "dataassets.models.QualityKind",
        "DataFrequencyEnum": "dataassets.models.Frequency",
        "EvaluationStatusEnum": "scenarios.models.EvaluationStatus",
        "AnomalyStatusEnum": "accounts.models.AnomalyStatus",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "shequyun.openapi.add_error_responses"],
}

# --- Audit ----------------------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",  # session rows change on every request; sign-in/out is recorded as an AuditEvent
    "contenttypes",
    "axes",  # axes keeps its own access/failure log; lockouts are also AuditEvents
    "django_celery_beat",  # the scheduler rewrites last_run_at every tick
    "shequyun.auditevent",  # the audit trail does not audit itself
    "shequyun.stagedimport",  # transient encrypted rows of an upload; the import itself is an AuditEvent
)
# Password hashes are never copied into the log; password changes are AuditEvents of their own.
# Personal data never enters the audit log, not even masked or encrypted: services record which field changed.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "password", "key", "bin_key", "phone", "id_number", "phone_index")
# Kept at least six months (网络安全法 Art. 21: 184 days covers any six calendar months), pruned daily after that.
# A smaller value is raised to the minimum; the access logs of django-axes follow the same period.
AUDIT_RETENTION_MINIMUM_DAYS = 184
AUDITLOG_RETENTION_DAYS = max(int(os.environ.get("AUDIT_RETENTION_DAYS", "184")), AUDIT_RETENTION_MINIMUM_DAYS)
ACCESS_LOG_RETENTION_DAYS = max(int(os.environ.get("ACCESS_LOG_RETENTION_DAYS", str(AUDITLOG_RETENTION_DAYS))),
                                AUDIT_RETENTION_MINIMUM_DAYS)

# --- Celery ---------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Every task is idempotent (DESIGN §9), so a message is acknowledged only when its task has finished: a worker
# that dies mid-task leaves the message for the next one. A pool process killed under a task (OOM, kill -9) gives
# the message back at once (reject on worker lost); a whole worker that vanishes gives it back after the broker's
# visibility timeout. Tasks that must not run twice at once (the backup) opt out and rely on their next run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below (JSON, with the request id)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Redis gives an unacknowledged message to another worker after this many seconds. It must exceed the longest
# task (the hard time limit below keeps every task under it), and is short enough that a campaign interrupted by
# a dead worker is finished within the hour rather than the next day.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "1800"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", str(max(CELERY_VISIBILITY_TIMEOUT - 120, 60))))
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, 30)
# Two queues: long jobs (campaigns, imports, exports, backups) never hold up reminders and heartbeats. A worker
# started without -Q consumes both (the embedded `make run`); production runs one pool per queue.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("long")]
CELERY_TASK_ROUTES = {
    "*.tasks.open_quarterly_campaigns": {"queue": "long"},
    "*campaign_open*": {"queue": "long"},
    "*import*": {"queue": "long"},
    "*export*": {"queue": "long"},
    "shequyun.tasks.run_backup": {"queue": "long"},
}
# Exactly one beat: django-celery-beat's database schedule behind a lock, so a second beat (a standby on another
# machine) waits until the first is gone. The scheduler also writes the beat heartbeat that /readyz reads.
CELERY_BEAT_SCHEDULER = "shequyun.beat:SingleBeatScheduler"
BEAT_LOCK_TTL = int(os.environ.get("BEAT_LOCK_TTL", "60"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    _control = VAR_DIR / "celery" / "control"
    _results = VAR_DIR / "celery" / "results"
    for _folder in (_queue, _processed, _control, _results):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        "control_folder": str(_control),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", _results.as_uri())
else:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # How often a worker looks for messages whose visibility timeout has passed (kombu: interval × throttle;
        # its default is 100 s): every minute.
        "unacked_restore_interval": int(os.environ.get("CELERY_RESTORE_INTERVAL", "10")),
        "unacked_restore_throttle": int(os.environ.get("CELERY_RESTORE_THROTTLE", "6")),
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_EXPIRES = timedelta(days=1)

# --- Personal data ---------------------------------------------------------------------------------------
# SM4 key for personal fields (phone, ID number): 32 hex characters. Required in production (production.py).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")

# --- Accounts ---------------------------------------------------------------------------------------------
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "30"))
PASSWORD_REMINDER_DAYS = (7, 3, 1)
PASSWORD_HISTORY_DEPTH = 5
# Roles that must sign in with a second factor (TOTP). Empty to turn the requirement off for a deployment.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "account_admin,security_officer")
OTP_TOTP_ISSUER = "上海社区云运营管理门户"
# Sign-ins outside these hours (local time) are flagged to the account's admin.
WORKING_HOURS = (int(os.environ.get("WORKING_HOURS_START", "7")), int(os.environ.get("WORKING_HOURS_END", "21")))
FAILED_SIGN_IN_BURST = int(os.environ.get("FAILED_SIGN_IN_BURST", "10"))  # per account per hour → flagged

# --- Portal ---------------------------------------------------------------------------------------------------
#: Where the portal is reached: links in e-mails are absolute against it (shequyun.notifications.services.absolute_url).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_OPERATOR = os.environ.get("PORTAL_OPERATOR", "上海市社区服务中心（上海市民政局）")
PORTAL_SUPPORT_PHONE = os.environ.get("PORTAL_SUPPORT_PHONE", "021-12345678")
PORTAL_SUPPORT_EMAIL = os.environ.get("PORTAL_SUPPORT_EMAIL", "support@shequyun.example.gov.cn")
DIVISIONS_CSV = BASE_DIR / "data" / "shanghai_divisions.csv"

# --- Content-Security-Policy (django-csp 4) -------------------------------------------------------------------
# Scripts only from our own static files: no inline <script>, no on* attributes, no eval. Styles allow inline
# because htmx injects its indicator style and Swagger UI and ECharts set style attributes; nothing else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "worker-src": ["'self'"],  # PDF.js's worker (static/vendor/pdfjs/), the review desk's report viewer
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],  # documents shown inline: 'self' (InlineDocumentFramingMiddleware)
    },
}

# --- Unified identity (统一身份认证: the city's OpenID Connect platform; accounts/oidc.py, README) ----------
# Off unless an issuer (or a discovery URL) and a client are set: then the sign-in page offers 「统一身份认证登录」.
# Endpoints come from the platform's discovery document; an OIDC_OP_*_ENDPOINT set here replaces the discovered one.
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "").rstrip("/")
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "")  # default: <issuer>/.well-known/openid-configuration
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")  # end_session_endpoint (RP-initiated logout)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)  # client_secret_basic instead of _post
OIDC_IDENTIFIER_CLAIM = os.environ.get("OIDC_IDENTIFIER_CLAIM", "sub")  # the claim an account is linked by
# The ID token's amr / acr values that mean the person signed in with more than one factor: the portal's own second
# factor (TOTP) is then satisfied for this sign-in.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "mfa")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES", "")
OIDC_RP_INITIATED_LOGOUT = env_bool("OIDC_RP_INITIATED_LOGOUT", True)  # sign-out also ends the platform session
OIDC_LEEWAY_SECONDS = int(os.environ.get("OIDC_LEEWAY_SECONDS", "60"))  # clock skew allowed on exp / iat
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))  # seconds, every call to the platform
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_DISCOVERY_CACHE_SECONDS = int(os.environ.get("OIDC_DISCOVERY_CACHE_SECONDS", "3600"))
if OIDC_OP_ISSUER or OIDC_OP_DISCOVERY_URL:
    # Sign-out is a form posted to the portal that redirects to the platform's end-session endpoint: form-action
    # must allow that origin (redirects after a form submission are checked against it).
    from urllib.parse import urlsplit as _urlsplit

    _platform_origins = {f"{_p.scheme}://{_p.netloc}" for _p in map(_urlsplit, [
        OIDC_OP_ISSUER, OIDC_OP_DISCOVERY_URL, OIDC_OP_LOGOUT_ENDPOINT]) if _p.scheme and _p.netloc}
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(_platform_origins)

# --- Operations -------------------------------------------------------------------------------------------------
# Backups (manage.py backup / restore, the daily task): a folder or s3://bucket/prefix, kept this many days.
BACKUP_TARGET = os.environ.get("BACKUP_TARGET", str(VAR_DIR / "backups"))
BACKUP_RETENTION_DAYS = int(os.environ.get("BACKUP_RETENTION_DAYS", "30"))
BACKUP_MAX_AGE_HOURS = int(os.environ.get("BACKUP_MAX_AGE_HOURS", "26"))  # older than this: "late" alert
# /readyz: the beat heartbeat must be younger than this; checks whose failure answers 503 (the others: "degraded").
BEAT_HEARTBEAT_MAX_AGE_MINUTES = int(os.environ.get("BEAT_HEARTBEAT_MAX_AGE_MINUTES", "10"))
READYZ_CRITICAL = env_list("READYZ_CRITICAL", "database,broker,storage")
# Logs: one JSON object per line in production (LOG_FORMAT=json), readable lines in development.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shequyun.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "shequyun.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # kombu warns "No hostname was supplied" for the filesystem broker, which has no host by design.
    "loggers": {"axes": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}},
}
