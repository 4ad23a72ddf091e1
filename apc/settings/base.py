"""Everything configurable comes from the environment, with defaults that run the embedded
default (a SQLite file and a Celery broker that needs no server)."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Runtime files of the embedded default (SQLite file, broker folders, mail files).
VAR_DIR = Path(env("APC_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base for links in e-mail (a notification e-mail carries only a link and a subject).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "apc.admin_site.APCAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "axes",
    "csp",
    "django_celery_beat",
    "apc",
    "watchlist",
    "plans",
    "afteraction",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apc.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apc.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apc.core.middleware.DomainErrorMiddleware",
    # AxesMiddleware last, as django-axes documents.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "apc.urls"
WSGI_APPLICATION = "apc.wsgi.application"
AUTH_USER_MODEL = "apc.User"

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
                "apc.core.context_processors.apc",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'apc.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and IMMEDIATE transactions let the web process and the embedded worker share the
    # file without "database is locked" on concurrent writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker --------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "apc",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The embedded default uses kombu's filesystem transport: a real Celery worker (with beat
# embedded, -B) consumes it, so scheduled work keeps firing with no server installed.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "UTC"
# Defaults every task inherits: acknowledge after the work is done, so a worker that dies
# mid-task leaves the message for another; one message at a time per process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The outbox (apc/core/outbox.py): a message not published within this many seconds of its
# commit is republished by the sweeper; one published but not done after the second delay is
# taken as lost and republished too (running it twice does nothing more).
OUTBOX_REPUBLISH_AFTER_SECONDS = env.int("OUTBOX_REPUBLISH_AFTER_SECONDS", default=10)
OUTBOX_LOST_AFTER_SECONDS = env.int("OUTBOX_LOST_AFTER_SECONDS", default=300)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "notifications-email-sweep": {
        "task": "apc.tasks.notification_email_sweep",
        "schedule": timedelta(minutes=5),
    },
    "outbox-sweep": {
        "task": "apc.tasks.outbox_sweep",
        "schedule": timedelta(seconds=OUTBOX_SWEEP_SECONDS),
    },
}
# Publishing gives up quickly when the broker is down: the work is kept in the database and
# the sweepers republish it, so a request never hangs on a dead broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}

# --- Auth, sessions -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# NIST SP 800-63B favours length over composition rules: 14 characters, not common, not
# numeric, not like the user's name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 14},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database only: a warning must be fileable while Redis (the cache and
# broker) is down, and cached_db fails a request when its cache write fails.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True  # each request pushes the idle deadline forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous users get nothing

# --- REST -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with a Token challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apc.core.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["apc.core.throttling.FailOpenUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_USER_RATE", default="600/minute")},
}
SPECTACULAR_SETTINGS = {
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "MarkingEnum": "apc.core.markings.Marking",
        "ReportStatusEnum": "afteraction.models.Report.Status",
        "LessonOutcomeEnum": "afteraction.models.Lesson.Outcome",
        "TierEnum": "watchlist.models.Tier",
        "WarningStatusEnum": "watchlist.models.Warning.Status",
        "PolicyReviewStatusEnum": "watchlist.models.PolicyReview.Status",
        "EmergencyRequestStatusEnum": "apc.models.EmergencyRequest.Status",
        "EmergencyLevelEnum": "apc.models.EmergencyRequest.Level",
        "MeetingKindEnum": "apc.meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "apc.meetings.models.Meeting.Status",
        "AttendanceStatusEnum": "apc.meetings.models.Attendance.Status",
        "DecisionKindEnum": "apc.meetings.models.Decision.Kind",
        "ActionItemStatusEnum": "apc.meetings.models.ActionItem.Status",
        "PlanStatusEnum": "plans.models.Plan.Status",
        "PlanKindEnum": "plans.models.Plan.Kind",
        "PlanSectionStatusEnum": "plans.models.PlanSection.Status",
    },
    # The docs page loads Swagger UI from our own static files (CSP 'self', no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "APC case management API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- E-mail ---------------------------------------------------------------------------------
# Default: files under var/mail (readable by a newcomer); SMTP by EMAIL_URL=smtp://...
_email = env.email_url("EMAIL_URL", default="filemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
else:
    vars().update(_email)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="APC <apc-noreply@localhost>")

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Product settings -----------------------------------------------------------------------
# Page size of HTML lists.
APC_PAGE_SIZE = env.int("APC_PAGE_SIZE", default=25)

# --- Watchlist ------------------------------------------------------------------------------
# Until APC meetings exist, a country's next review is this many days after its last review
# (the APC meets "every other month": seeds/000, "Crisis Response Structure and Process").
WATCHLIST_REVIEW_CADENCE_DAYS = env.int("WATCHLIST_REVIEW_CADENCE_DAYS", default=61)
# Days the Intelligence Community has to answer a request for heightened surveillance.
WATCHLIST_SURVEILLANCE_DUE_DAYS = env.int("WATCHLIST_SURVEILLANCE_DUE_DAYS", default=14)
# A country this high in the latest risk vintage that is not listed is flagged for the agenda.
WATCHLIST_FLAG_TOP_N = env.int("WATCHLIST_FLAG_TOP_N", default=30)
# Who `import_risk_scores` records as the importer when --user is not given (a directorate
# account; the embedded default uses the demo account "directorate").
WATCHLIST_IMPORT_USER = env("WATCHLIST_IMPORT_USER", default="")

# --- Alert channel deadlines (seconds; each a JSON object by severity in the environment) --
# Acknowledgement by the directorate (issue 4: acute 2 h, elevated 24 h, routine 72 h).
ALERT_ACK_SECONDS = env.json(
    "ALERT_ACK_SECONDS", default={"acute": 2 * 3600, "elevated": 24 * 3600, "routine": 72 * 3600}
)
# Policy review (acute 48 h, elevated 7 days, routine 30 days until meetings set it).
ALERT_REVIEW_SECONDS = env.json(
    "ALERT_REVIEW_SECONDS",
    default={"acute": 48 * 3600, "elevated": 7 * 86400, "routine": 30 * 86400},
)
# How long after a missed deadline the co-chairs hear of it if still unanswered (the directorate
# lead hears at the deadline itself).
ALERT_SECOND_LEVEL_SECONDS = env.json(
    "ALERT_SECOND_LEVEL_SECONDS", default={"acute": 3600, "elevated": 12 * 3600, "routine": 86400}
)
# A co-chair answers an emergency meeting request within this time, or it rises to Deputies level.
EMERGENCY_REQUEST_ANSWER_SECONDS = env.int("EMERGENCY_REQUEST_ANSWER_SECONDS", default=12 * 3600)
# How often the deadlines are checked (from database state: a restart loses nothing).
ALERT_CHECK_SECONDS = env.int("ALERT_CHECK_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["alerts-deadlines"] = {
    "task": "watchlist.tasks.alert_deadlines_check",
    "schedule": timedelta(seconds=ALERT_CHECK_SECONDS),
}
CELERY_BEAT_SCHEDULE["emergency-request-deadlines"] = {
    "task": "apc.tasks.emergency_request_deadlines_check",
    "schedule": timedelta(seconds=ALERT_CHECK_SECONDS),
}

# --- APC meetings (seeds/000, recommendation 4-1: the APC "would meet every other month") ----
# The regular cycle: every MEETING_CADENCE_MONTHS months counted from MEETING_FIRST_MONTH, on the
# MEETING_WEEK_OF_MONTH-th MEETING_WEEKDAY (0 = Monday) at MEETING_TIME in MEETING_TIMEZONE.
MEETING_CADENCE_MONTHS = env.int("MEETING_CADENCE_MONTHS", default=2)
MEETING_FIRST_MONTH = env.int("MEETING_FIRST_MONTH", default=1)
MEETING_WEEKDAY = env.int("MEETING_WEEKDAY", default=2)
MEETING_WEEK_OF_MONTH = env.int("MEETING_WEEK_OF_MONTH", default=2)
MEETING_TIME = env("MEETING_TIME", default="10:00")
MEETING_TIMEZONE = env("MEETING_TIMEZONE", default="America/New_York")
MEETING_DURATION_MINUTES = env.int("MEETING_DURATION_MINUTES", default=120)
MEETING_LOCATION = env("MEETING_LOCATION", default="Eisenhower Executive Office Building")
# The next regular meeting always exists at least this many days ahead.
MEETING_LEAD_DAYS = env.int("MEETING_LEAD_DAYS", default=28)
# Quorum: at least this many co-chairs present, and more than this share of the member agencies
# represented (a majority). A meeting without quorum may be held; its decisions are flagged.
MEETING_QUORUM = env.json("MEETING_QUORUM", default={"co_chairs": 1, "agency_share": 0.5})
# Members hear of a meeting this many hours before it starts.
MEETING_REMINDER_HOURS = env.int("MEETING_REMINDER_HOURS", default=24)
# An agency hears of its action items this many days before they fall due (and once overdue).
ACTION_ITEM_DUE_NOTICE_DAYS = env.int("ACTION_ITEM_DUE_NOTICE_DAYS", default=3)
# How often the schedule and the reminders are checked (both driven by database state).
MEETING_CHECK_SECONDS = env.int("MEETING_CHECK_SECONDS", default=900)
CELERY_BEAT_SCHEDULE["meetings-schedule"] = {
    "task": "apc.tasks.meetings_schedule",
    "schedule": timedelta(seconds=MEETING_CHECK_SECONDS),
}
CELERY_BEAT_SCHEDULE["meetings-reminders"] = {
    "task": "apc.tasks.meetings_reminders",
    "schedule": timedelta(seconds=MEETING_CHECK_SECONDS),
}

# --- The after-action repository (seeds/000, "Crisis Response Structure and Process") --------
# The author team and the commissioner hear of a commission this many days before it falls due
# (and once overdue); checked with the meeting reminders' period, from database state.
AFTERACTION_DUE_NOTICE_DAYS = env.int("AFTERACTION_DUE_NOTICE_DAYS", default=7)
# Lessons shown on a plan's panel, and how many of them the guideline check asks to consider.
AFTERACTION_PLAN_PANEL_SIZE = env.int("AFTERACTION_PLAN_PANEL_SIZE", default=8)
AFTERACTION_LESSONS_TO_CONSIDER = env.int("AFTERACTION_LESSONS_TO_CONSIDER", default=3)
# The archive names the installation it came from.
AFTERACTION_INSTALLATION_NAME = env(
    "AFTERACTION_INSTALLATION_NAME", default="APC case-management system"
)
CELERY_BEAT_SCHEDULE["afteraction-reminders"] = {
    "task": "afteraction.tasks.commission_reminders",
    "schedule": timedelta(seconds=MEETING_CHECK_SECONDS),
}
