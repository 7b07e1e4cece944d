"""Settings for every environment, read from the environment (django-environ).

APP_ENV picks the environment: ``production`` (the default, so a forgotten variable fails
safe), ``development`` (the run command) or ``test``. Production refuses to start without
SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

APP_ENV = env.str("APP_ENV", default="production")
if APP_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(f"APP_ENV must be production, development or test, not {APP_ENV!r}")
IS_PRODUCTION = APP_ENV == "production"


def _required_in_production(name: str, development_default: str) -> str:
    """Production has no defaults for secrets and addresses: a missing one stops start-up."""
    if IS_PRODUCTION:
        try:
            return env.str(name)
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured(
                f"{name} must be set when APP_ENV=production (see .env.example)."
            ) from exc
    return env.str(name, default=development_default)


SECRET_KEY = _required_in_production("SECRET_KEY", "insecure-development-key-not-for-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when APP_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    # Login protection: lock-out after repeated failures, every attempt logged.
    "axes",
    "csp",
    "accounts",
    "policies",
    "learners",
    "riskcases",
    "escalation",
    "withdrawals",
    "notifications",
    "reports",
    "dataprotection",
    "audit",
    # The pages over every app above (views, URLs, page templates).
    "web",
    # The demo organisation (seed_demo) and the factories it shares with the tests.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the Content-Security-Policy header too.
    "csp.middleware.CSPMiddleware",
    "config.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Changes the request makes are recorded as the signed-in user's (audit/actor.py).
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    # Last, as axes asks: it turns a login that hit the lock-out into the lock-out page.
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
                "web.navigation.navigation",
                "web.navigation.bell",
                "web.navigation.policy_words",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=_required_in_production(
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'var/dev.sqlite3'}"
        ),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles expressions when a plan's estimated cost is high; the register's
    # many short subqueries look costly and took seconds to compile for milliseconds of work
    # (bench/results/register.md). Web pages are short queries: compile nothing.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (the run command's database) must serve several people at once. Every request is
    # a transaction (ATOMIC_REQUESTS); SQLite's default DEFERRED one reads, then asks for the
    # write lock, and fails at once with "database is locked" if another request holds it, as
    # a read lock cannot wait. IMMEDIATE takes the write lock at BEGIN, so requests queue for
    # it; the timeout is how long one waits; WAL lets reads go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# axes checks the lock-out before any other backend sees the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var/staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by the set-up (package.json); never pasted in by hand.
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the web root and is only ever served through views that check
# access, so there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var/media")
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_FILE_PATH"):
    # filemail:///var/mail is relative to the project (django-environ drops the leading slash);
    # filemail:////srv/mail is absolute.
    EMAIL_FILE_PATH = str(BASE_DIR / EMAIL_CONFIG["EMAIL_FILE_PATH"])
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="learner-support@localhost")
# Seconds to wait on the mail server before an attempt counts as failed (and is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Retries after the first attempt before an e-mail is marked failed and the admins are told;
# they back off exponentially (1, 2, 4, 8, 16 minutes...).
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=5)
# The address people use to reach the app: links in e-mails are built on it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: the broker is Redis in production, docker-compose and the tests. The run command uses
# the filesystem transport so a worker and beat in other processes still receive messages
# (memory:// does not cross processes).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A pathlib.Path: django-environ's own Path type has no "/" operator.
    _broker_folder = Path(env.str("CELERY_FILESYSTEM_FOLDER", default=str(BASE_DIR / "var/broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        # The broadcast (control) exchange's files; by default a "control" folder in the
        # directory the worker started in, which litters the checkout.
        "control_folder": str(_broker_folder / "control"),
    }
else:
    # A task is acknowledged only when it finishes (CELERY_TASK_ACKS_LATE): one taken by a
    # worker that dies stays in Redis's unacked set, and is given to another worker once it has
    # been out this many seconds. It must exceed the longest task and the longest retry
    # countdown (an e-mail's last retry waits 16 minutes), or a live task is handed out twice
    # (harmless, as every task claims its rows, but wasted work). The crash tests shorten it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A pool child killed mid-task (out of memory, SIGKILL) puts its task back on the queue for
# another child, rather than acknowledging it as failed (Celery's default with late acks).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var/celerybeat-schedule")
)
# Every periodic job is declared here and nowhere else. Each entry is a task that is safe to
# run twice at once (it claims its rows before it works on them).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # First the risk triggers are evaluated for every open learner (new risk notifications
    # open or move cases before the overdue sweep looks at them).
    "evaluate-risk-triggers": {
        "task": "escalation.tasks.sweep_triggers",
        "schedule": crontab(hour=6, minute=0),
    },
    # Early, before staff start: cases whose stage deadline passed yesterday move on.
    "advance-overdue-cases": {
        "task": "escalation.tasks.sweep_overdue_cases",
        "schedule": crontab(hour=6, minute=30),
    },
    # Then the working day before a stage is due, the people who act at it are reminded.
    "remind-stages-due-tomorrow": {
        "task": "escalation.tasks.sweep_stage_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Learners past their policy's rating-review days with none recorded (MTT: 6 weeks) are
    # flagged to their tutor, and dated case tasks past due are announced; each once.
    "flag-rating-reviews-and-overdue-tasks": {
        "task": "escalation.tasks.sweep_rating_reviews_and_tasks",
        "schedule": crontab(hour=7, minute=5),
    },
    # Managers' digest of their teams' overdue cases and those due the next working day.
    "send-manager-digests": {
        "task": "escalation.tasks.send_manager_digests",
        "schedule": crontab(hour=7, minute=15),
    },
    # Each digest-mode user's notifications since their last digest, in one e-mail.
    "send-daily-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # The leaver panel's report of the 8-week cycle that ended most recently, built once (a
    # unique constraint per cycle) and the leaver panel told. Daily, so a missed day catches up.
    "build-leaver-panel-report": {
        "task": "reports.tasks.schedule_leaver_reports",
        "schedule": crontab(hour=5, minute=30),
    },
    # Retention (dataprotection/retention.py): lists the learners whose retention period has
    # passed and tells the safeguarding team; anonymises them only when
    # LEARNER_RETENTION_AUTO_ERASE is on. Weekly, Sunday night, when nobody is working.
    "review-learner-retention": {
        "task": "dataprotection.tasks.retention_review",
        "schedule": crontab(hour=4, minute=0, day_of_week="sun"),
    },
}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_RESULT_EXPIRES = 7 * 24 * 60 * 60

# Learner records are kept this many years after the learner's last recorded activity once
# they have left (withdrawn or completed), then anonymised (dataprotection/retention.py). The
# policies say nothing about retention; six years is the limitation period for claims in
# contract (Limitation Act 1980, s.5) and the usual minimum for funded learner records. Check
# the funding agreement: ESFA/ESF-funded provision may require longer.
LEARNER_RETENTION_YEARS = env.int("LEARNER_RETENTION_YEARS", default=6)
# Off: the weekly job only lists who is due and tells the safeguarding team, and a person runs
# ``manage.py apply_retention --erase``. On: the job anonymises them itself.
LEARNER_RETENTION_AUTO_ERASE = env.bool("LEARNER_RETENTION_AUTO_ERASE", default=False)

# The shipped policy (its key) that existing teams follow and new teams get when the database is
# first migrated; afterwards the admin sets each team's policy and the default (Policies).
DEFAULT_POLICY = env.str("DEFAULT_POLICY", default="aspiration")
# The provider's name at the head of stage letters; empty: the policy's own (the policy's name
# before its colon, e.g. "Aspiration Training").
LETTER_PROVIDER_NAME = env.str("LETTER_PROVIDER_NAME", default="")
# The printable PDF of the at-risk register stops at this many rows (a long PDF takes a while
# to lay out and nobody prints it); CSV and Excel exports hold every row.
REGISTER_PDF_MAX_ROWS = env.int("REGISTER_PDF_MAX_ROWS", default=1000)

# Sessions: database rows with the user beside them (accounts.models.UserSession), so
# disabling a user deletes all their sessions in one query.
SESSION_ENGINE = "accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Minutes without a request after which a signed-in user is logged out (accounts.middleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30)
# The cookie's own lifetime, renewed while the user is active; the idle timeout ends it sooner.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline scripts
# or styles, no eval. Bootstrap's CSS draws its icons (select arrows, the menu button) as
# data: SVG images. Templates must not use <script> blocks, on* attributes or style="".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login protection (django-axes). Failures are counted per username *and* client address:
# per username alone would let anyone lock a colleague out by typing their name; per address
# alone would lock a whole office behind one NAT address. Counting the pair stops guessing
# from one place without either. The count lives in the database (axes' database handler),
# so it works with any cache (Redis, locmem or file).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Every failed attempt gets its own row (AccessFailureLog); successes are in AccessLog.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "web.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Reverse proxies in front of the app (each appends to X-Forwarded-For); 0: none.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings are worth reading. Axes
    # logs every login at INFO (each attempt is a database row already); lock-outs are WARNING.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Copies of correspondence attached to contact-log entries.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=10) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# CSV imports (learners, attendance, progress): the largest file accepted.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=20) * 1024 * 1024
