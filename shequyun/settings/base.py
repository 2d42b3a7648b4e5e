"""Settings shared by every mode. Everything that differs between machines comes from the environment.

Embedded defaults (no server to install): SQLite in ``var/`` and Celery on kombu's filesystem transport.
Set ``DATABASE_URL`` / ``CELERY_BROKER_URL`` to run on PostgreSQL and Redis.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url

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
    "django.contrib.humanize",
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
    "shequyun",
    "shequyun.notifications",
    "accounts",
    "scenarios",
    "content",
    "security",
    "dataassets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shequyun.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
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
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shequyun.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process, the worker and beat share the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any other backend sees them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
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

# Server-side sessions (database), ended on sign-out and after inactivity.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, renewed on every request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock after repeated failures, per account and per address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
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
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api.permissions.PasswordIsCurrent",
    ],
    "DEFAULT_PAGINATION_CLASS": "shequyun.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
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
        # data assets: status / kind / frequency choice sets named once
        "DataResourceStatusEnum": "dataassets.models.ResourceStatus",
        "DataSharingStatusEnum": "dataassets.models.SharingStatus",
        "DataObjectionStatusEnum": "dataassets.models.ObjectionStatus",
        "DataObjectionKindEnum": "dataassets.models.ObjectionKind",
        "DataQualityStatusEnum": "dataassets.models.QualityStatus",
        "DataQualityKindEnum": "dataassets.models.QualityKind",
        "DataFrequencyEnum": "dataassets.models.Frequency",
    },
}

# --- Audit ----------------------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",  # session rows change on every request; sign-in/out is recorded as an AuditEvent
    "contenttypes",
    "axes",  # axes keeps its own access/failure log; lockouts are also AuditEvents
    "django_celery_beat",  # the scheduler rewrites last_run_at every tick
    "shequyun.auditevent",  # the audit trail does not audit itself
)
# Password hashes are never copied into the log; password changes are AuditEvents of their own.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "password", "key", "bin_key")
AUDITLOG_MASK_TRACKING_FIELDS = ("phone_encrypted", "id_number_encrypted", "phone_index")
AUDITLOG_RETENTION_DAYS = 180

# --- Celery ---------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message for the next one
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
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
PORTAL_OPERATOR = os.environ.get("PORTAL_OPERATOR", "上海市社区服务中心（上海市民政局）")
PORTAL_SUPPORT_PHONE = os.environ.get("PORTAL_SUPPORT_PHONE", "021-12345678")
PORTAL_SUPPORT_EMAIL = os.environ.get("PORTAL_SUPPORT_EMAIL", "support@shequyun.example.gov.cn")
DIVISIONS_CSV = BASE_DIR / "data" / "shanghai_divisions.csv"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # kombu warns "No hostname was supplied" for the filesystem broker, which has no host by design.
    "loggers": {"axes": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}},
}
