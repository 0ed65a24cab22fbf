"""Configuration, read from the environment once (nothing else reads os.environ)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    """Development only: a random key kept in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _development_credential_keys() -> Path:
    """Development only: a signing key made once and kept in instance/ (never in git)."""
    from training.credentials.keys import new_key_set

    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "credential_keys.json"
    if not key_file.exists():
        key_file.write_text(new_key_set())
        key_file.chmod(0o600)
    return key_file


def _normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use psycopg 3 for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def trusted_hosts(public_base_url: str, development: bool) -> list[str]:
    """The Host names the service answers: PUBLIC_BASE_URL's (plus this machine's in development)."""
    hosts = [urlsplit(public_base_url).hostname or "localhost"]
    if development:
        hosts += ["127.0.0.1", "localhost"]
    return list(dict.fromkeys(hosts))


class Config:
    """Settings for running the service; every value comes from the environment."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ if env is None else env)
        self._service(env)
        self._database_and_jobs(env)
        self._mail(env)
        self._sessions(env)
        self._sign_in_limits(env)
        self._tokens(env)
        self._recruitment(env)
        self._public_address(env)
        self._training_and_retention(env)
        self._credentials(env)
        self._voice(env)

    def _service(self, env: dict[str, str]) -> None:
        self.ENV_NAME = env.get("GOODCARE_ENV", "development")
        self.DEVELOPMENT = self.ENV_NAME == "development"
        self.TESTING = False
        self.SERVICE_NAME = env.get("SERVICE_NAME", "Good Care")
        secret = env.get("SECRET_KEY")
        if not secret:
            if not self.DEVELOPMENT:
                raise RuntimeError("SECRET_KEY must be set outside development")
            secret = _development_secret_key()
        self.SECRET_KEY = secret

    def _database_and_jobs(self, env: dict[str, str]) -> None:
        INSTANCE_DIR.mkdir(exist_ok=True)
        default_db = f"sqlite:///{INSTANCE_DIR / 'goodcare.db'}"
        self.SQLALCHEMY_DATABASE_URI = _normalise_database_url(env.get("DATABASE_URL", default_db))
        # Outside development, a failed query's error (and so the log) never carries the values bound to it.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": not self.DEVELOPMENT}
        self.REDIS_URL = env.get("REDIS_URL") or None
        # Jobs go to Redis and a worker when REDIS_URL is set; otherwise they run inline.
        self.JOBS_ASYNC = _bool(env.get("JOBS_ASYNC"), default=bool(self.REDIS_URL))
        self.STORAGE_DIR = Path(env.get("STORAGE_DIR", INSTANCE_DIR / "storage"))
        self.GOVUK_FRONTEND_DIR = Path(
            env.get("GOVUK_FRONTEND_DIR", PROJECT_ROOT / "node_modules/govuk-frontend/dist/govuk")
        )

    def _mail(self, env: dict[str, str]) -> None:
        """Development writes mail to the log; production sends through SMTP."""
        self.MAIL_SENDER = env.get("MAIL_SENDER") or "Good Care <no-reply@goodcare.example>"
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"), default=True)
        # Outside development there must be a MAIL_SERVER unless this says mail is only to be logged
        # (then only each message's purpose and the recipient's domain are, never a body).
        self.MAIL_LOG_ONLY = _bool(env.get("MAIL_LOG_ONLY"), default=False)
        if not self.DEVELOPMENT and not self.MAIL_SERVER and not self.MAIL_LOG_ONLY:
            raise RuntimeError("MAIL_SERVER must be set outside development (or MAIL_LOG_ONLY=on to only log mail)")

    def _sessions(self, env: dict[str, str]) -> None:
        """Sessions, cookies, two-step sign-in, CSRF, upload size and the reverse proxy."""
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), default=not self.DEVELOPMENT)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
        # A sign-in lasts at most SESSION_ABSOLUTE_LIFETIME however active, and ends after
        # SESSION_IDLE_TIMEOUT without a request (SESSION_IDLE_TIMEOUT_STAFF for HCPA staff and admins).
        self.SESSION_ABSOLUTE_LIFETIME = int(env.get("SESSION_ABSOLUTE_LIFETIME", str(12 * 3600)))
        self.SESSION_IDLE_TIMEOUT = int(env.get("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
        self.SESSION_IDLE_TIMEOUT_STAFF = int(env.get("SESSION_IDLE_TIMEOUT_STAFF", str(30 * 60)))
        # Two-step sign-in: wrong codes allowed per password sign-in, and per account in a window.
        self.TWO_STEP_TRIES_PER_SIGN_IN = int(env.get("TWO_STEP_TRIES_PER_SIGN_IN", "5"))
        self.TWO_STEP_LIMIT_PER_ACCOUNT = env.get("TWO_STEP_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
        self.WTF_CSRF_TIME_LIMIT = 60 * 60 * 4
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
        # Behind one reverse proxy: trust its X-Forwarded-For and -Proto; X-Forwarded-Host only if
        # PROXY_FIX_HOST says the proxy sets it (otherwise a client could choose the host we see).
        self.PROXY_FIX = _bool(env.get("PROXY_FIX"), default=False)
        self.PROXY_FIX_HOST = _bool(env.get("PROXY_FIX_HOST"), default=False)

    def _sign_in_limits(self, env: dict[str, str]) -> None:
        """Rate limits (Flask-Limiter): storage in Redis when there is one."""
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # Redis down: count in this process's memory until it is back, rather than refuse every request.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
        self.RATELIMIT_HEADERS_ENABLED = True
        self.SIGN_IN_LIMIT_PER_ADDRESS = env.get("SIGN_IN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
        # Wrong passwords for one account from one address: after this many, that address waits
        # before trying that account again, a wait doubling each failure up to the maximum.
        # Nobody else is slowed, and a burst of failures from any addresses emails the owner.
        self.SIGN_IN_FAILURES_BEFORE_WAIT = int(env.get("SIGN_IN_FAILURES_BEFORE_WAIT", "5"))
        self.SIGN_IN_FIRST_WAIT_SECONDS = int(env.get("SIGN_IN_FIRST_WAIT_SECONDS", "30"))
        self.SIGN_IN_MAX_WAIT_SECONDS = int(env.get("SIGN_IN_MAX_WAIT_SECONDS", "900"))
        self.SIGN_IN_ALERT_PER_ACCOUNT = env.get("SIGN_IN_ALERT_PER_ACCOUNT", "10 per 15 minutes")
        self.SIGN_UP_LIMIT_PER_ADDRESS = env.get("SIGN_UP_LIMIT_PER_ADDRESS", "10 per hour")

    def _tokens(self, env: dict[str, str]) -> None:
        """Token lifetimes (seconds, or days for invitations) and the list page size."""
        self.CONFIRM_EMAIL_MAX_AGE = int(env.get("CONFIRM_EMAIL_MAX_AGE", str(3 * 24 * 3600)))
        self.PASSWORD_RESET_MAX_AGE = int(env.get("PASSWORD_RESET_MAX_AGE", str(3600)))
        self.INVITATION_MAX_AGE_DAYS = int(env.get("INVITATION_MAX_AGE_DAYS", "7"))
        self.PAGE_SIZE = int(env.get("PAGE_SIZE", "25"))

    def _recruitment(self, env: dict[str, str]) -> None:
        """Good Care Recruitment: the values-assessment pass rule (DOMAIN.md, 6 Cs scored 1-4),
        the word limit on each values answer, and the CV upload limit."""
        self.VALUES_PASS_MIN_EACH = int(env.get("VALUES_PASS_MIN_EACH", "2"))
        self.VALUES_PASS_MIN_TOTAL = int(env.get("VALUES_PASS_MIN_TOTAL", "16"))
        self.VALUES_ANSWER_MAX_WORDS = int(env.get("VALUES_ANSWER_MAX_WORDS", "250"))
        self.CV_MAX_BYTES = int(env.get("CV_MAX_BYTES", str(5 * 1024 * 1024)))

    def _public_address(self, env: dict[str, str]) -> None:
        """The site's address: every link in an email is built on it (never on a request's Host),
        and requests for any other host are refused (TRUSTED_HOSTS). https outside development."""
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL") or ("http://127.0.0.1:5000" if self.DEVELOPMENT else "")
        public = urlsplit(self.PUBLIC_BASE_URL)
        if not self.DEVELOPMENT and (public.scheme != "https" or not public.hostname):
            raise RuntimeError("PUBLIC_BASE_URL must be set to the site's https:// address outside development")
        self.TRUSTED_HOSTS = trusted_hosts(self.PUBLIC_BASE_URL, self.DEVELOPMENT)

    def _training_and_retention(self, env: dict[str, str]) -> None:
        # Training certificates workers upload (PDF, Word or image), checked by content.
        self.CERTIFICATE_MAX_BYTES = int(env.get("CERTIFICATE_MAX_BYTES", str(5 * 1024 * 1024)))
        # Career tiers: a tier lapses (after a notice) once mandatory training has been expired this many days.
        self.TIER_LAPSE_GRACE_DAYS = int(env.get("TIER_LAPSE_GRACE_DAYS", "60"))
        # Privacy: unsuccessful or withdrawn applications are anonymised this many months after
        # their last activity (the monthly retention job); the privacy notice states the period.
        self.APPLICATION_RETENTION_MONTHS = int(env.get("APPLICATION_RETENTION_MONTHS", "6"))
        # Unsent drafts are deleted after the same period. A placed person's recruitment record follows
        # the employment record: anonymised this many years after the employment's leaving date.
        self.EMPLOYMENT_RECORD_RETENTION_YEARS = int(env.get("EMPLOYMENT_RECORD_RETENTION_YEARS", "6"))
        # An unsent draft is deleted only once its owner was emailed at least this many days before.
        self.DRAFT_DELETION_NOTICE_DAYS = int(env.get("DRAFT_DELETION_NOTICE_DAYS", "14"))

    def _credentials(self, env: dict[str, str]) -> None:
        """Open Badges credentials are signed with the keys in CREDENTIAL_SIGNING_KEYS: a JSON Web Key
        Set (a file's path, or the JSON itself), the first key signing and every key verifying, so
        credentials signed by an older key still verify after a new one is put first. Never in git.
        Outside development the service refuses to start without it; development makes one in instance/."""
        value = env.get("CREDENTIAL_SIGNING_KEYS") or ""
        if not value:
            if not self.DEVELOPMENT:
                raise RuntimeError("CREDENTIAL_SIGNING_KEYS must be set outside development "
                                   "(make one with `flask credentials new-key`)")
            value = str(_development_credential_keys())
        self.CREDENTIAL_SIGNING_KEYS = value

    def _voice(self, env: dict[str, str]) -> None:
        # Staff voice (academy/voice): poll results are shown only for groups of at least this many answers.
        self.VOICE_MIN_GROUP = max(2, int(env.get("VOICE_MIN_GROUP", "5")))

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Settings for the test suite: its own database, CSRF on, jobs inline unless asked."""

    def __init__(self, database_url: str, redis_url: str | None = None, **overrides) -> None:

        super().__init__({"GOODCARE_ENV": "test", "SECRET_KEY": "test-secret-key-not-for-use",
                          "PUBLIC_BASE_URL": "https://localhost", "MAIL_LOG_ONLY": "on",
                          "CREDENTIAL_SIGNING_KEYS": overrides.pop("CREDENTIAL_SIGNING_KEYS", None) or _test_key_set()})
        self.TESTING = True
        # The test client asks for http://localhost, the browser tests' live server 127.0.0.1.
        self.PUBLIC_BASE_URL = "http://localhost"
        self.SQLALCHEMY_DATABASE_URI = _normalise_database_url(database_url)
        self.REDIS_URL = redis_url
        self.JOBS_ASYNC = False
        self.RATELIMIT_STORAGE_URI = redis_url or "memory://"
        self.SESSION_COOKIE_SECURE = False
        self.MAIL_SERVER = None
        for key, value in overrides.items():
            setattr(self, key, value)
        if "TRUSTED_HOSTS" not in overrides:
            self.TRUSTED_HOSTS = trusted_hosts(self.PUBLIC_BASE_URL, development=True)


_TEST_KEY_SET: list[str] = []


def _test_key_set() -> str:
    """One generated key set for the whole test run (making a key per app would be wasted work)."""
    from training.credentials.keys import new_key_set

    if not _TEST_KEY_SET:
        _TEST_KEY_SET.append(new_key_set())
    return _TEST_KEY_SET[0]
