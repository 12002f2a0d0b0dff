"""Configuration: defaults in code, overridden by CAPINDUSTRIE_* environment variables."""

from datetime import date, timedelta

DEFAULT_SECRET_KEY = "dev-only-change-me"

DEFAULTS = {
    # Environment: "development" or "production". Production refuses the default secret key.
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    # Database: SQLite in the instance folder unless a URL is given (postgresql://… in production).
    "DATABASE_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Sessions and CSRF.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    # Longest URI the app serves (a French 414 beyond); below gunicorn's limit_request_line.
    "MAX_URL_LENGTH": 4096,
    # Rate limits (Flask-Limiter): memory in development, Redis/valkey URL in production.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # Production refuses memory:// (a counter per worker) unless one process serves the site.
    "SINGLE_PROCESS": False,
    "LOGIN_RATE_LIMIT": "10/minute;50/hour",
    # Per client address, all accounts together: a whole class logs in at once behind a school NAT.
    "LOGIN_IP_RATE_LIMIT": "200/minute;2000/hour",
    # Anonymous public search, per client address: each search costs SQL over the whole disc, so
    # a scraper must not be able to loop on it; signed-in users (pupils searching together from
    # one school address) are not counted.
    "PUBLIC_SEARCH_RATE_LIMIT": "300/minute",
    # Failed logins per client address and account: this many are free, then that pair waits
    # 1, 2, 4… seconds (at most LOGIN_THROTTLE_MAX_DELAY_SECONDS) before its next try is even
    # checked; forgotten after LOGIN_THROTTLE_FORGET_SECONDS without a failure, or on success.
    "LOGIN_THROTTLE_FREE_FAILURES": 5,
    "LOGIN_THROTTLE_MAX_DELAY_SECONDS": 900,
    "LOGIN_THROTTLE_FORGET_SECONDS": 24 * 3600,
    # Schools are read once per process and kept this long (refdata/cache.py).
    "SCHOOL_CACHE_SECONDS": 600,
    # Anonymous public pages (search, offer page): browsers and shared caches may keep them
    # this long, then revalidate with their ETag (caching.py).
    "PUBLIC_CACHE_MAX_AGE": 60,
    # Server-side cache of those pages (caching.py, cache_store.py), invalidated by the catalogue
    # version: its store (None: the rate limiter's Redis when it has one, else this process's
    # memory), the lifetime of an entry, and the size of the in-memory store.
    "PAGE_CACHE_ENABLED": True,
    "PAGE_CACHE_URI": None,
    "PAGE_CACHE_SECONDS": 300,
    "PAGE_CACHE_MAX_ENTRIES": 2000,
    # E-mail: sent through SMTP when MAIL_SERVER is set, otherwise only logged.
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "Cap Industrie <no-reply@capindustrie.seine-et-marne.fr>",
    "MAIL_MAX_ATTEMPTS": 5,
    "MAIL_RETRY_MINUTES": 10,
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # Accounts.
    "ACADEMIC_EMAIL_DOMAIN": "ac-creteil.fr",
    "PASSWORD_RESET_MAX_AGE": 3600,
    # Lifetime of the link that confirms the address of a self-registered account (seconds).
    "EMAIL_CONFIRMATION_MAX_AGE": 3 * 24 * 3600,
    # Yearly purge of the finished school year's pupils (Europe/Paris, "MM-DD HH:MM"), read by
    # the scheduler process (capindustrie/scheduler/jobs.py) from CAPINDUSTRIE_PURGE_SCHEDULE.
    "PURGE_SCHEDULE": "07-31 02:00",
    "INVITATION_MAX_AGE": 7 * 24 * 3600,
    # « Voir l'itinéraire » on the offer page (issue 17): a plain link to the regional journey
    # planner, prefilled from the school and the site; {from_lat} {from_lon} {from_label}
    # {to_lat} {to_lon} {to_label} are filled in (URL-encoded). Empty: no link.
    "JOURNEY_PLANNER_URL": (
        "https://www.iledefrance-mobilites.fr/itineraires?from={from_lon}%3B{from_lat}"
        "&fromLabel={from_label}&to={to_lon}%3B{to_lat}&toLabel={to_label}"
    ),
    # Geocoding (BAN through the IGN Géoplateforme); off in tests and offline installs.
    "GEOCODER_ENABLED": False,
    "GEOCODER_DOMAIN": "data.geopf.fr/geocodage",
    "GEOCODER_TIMEOUT": 5,
    "GEOCODER_MIN_DELAY_SECONDS": 0.05,
    # geopy waits 5 s before its retry by default: too long inside a form submission.
    "GEOCODER_ERROR_WAIT_SECONDS": 0.5,
    # Internship rules. The national 2nde fortnight is configuration, keyed by school year start.
    "SECONDE_PERIODS": {
        2023: ("2024-06-17", "2024-06-28"),
        2024: ("2025-06-16", "2025-06-27"),
        2025: ("2026-06-15", "2026-06-26"),
        2026: ("2027-06-14", "2027-06-25"),
    },
    "MAX_SEATS_PER_PERIOD": 20,
    # What a company is told when it registers: how long the Département's check takes (working
    # days) and whom to ask.
    "COMPANY_REVIEW_DAYS": 3,
    "SUPPORT_EMAIL": "cap-industrie@departement77.fr",
    # Applications and their timers (days).
    "MAX_ACTIVE_APPLICATIONS": 5,
    "APPLICATION_EXPIRY_DAYS": 10,
    "APPLICATION_REMINDER_DAYS": 5,
    "ACCEPTANCE_EXPIRY_DAYS": 7,
    "ACCEPTANCE_REMINDER_DAYS": 4,
    # Exports (capindustrie/exports): files for MyStage77, the national partner API, feeds.
    "EXPORT_DIR": None,  # None: <instance>/exports
    "EXPORT_DESCRIPTION_MAX_LENGTH": 500,
    "EXPORT_BATCH_SIZE": 1000,
    "EXPORT_STALE_MINUTES": 15,
    "EXPORT_ASYNC": True,  # staff-triggered runs in a background thread of the web process
    "EXPORT_PARTNER_URL": None,  # e.g. https://1eleve1stage.education.gouv.fr/api/v2
    "EXPORT_PARTNER_EMAIL": None,
    "EXPORT_PARTNER_PASSWORD": None,
    "EXPORT_PARTNER_TIMEOUT": 10,
    "EXPORT_PARTNER_MAX_CALLS_PER_MINUTE": 100,
    "EXPORT_PARTNER_RETRIES": 3,
    "EXPORT_PARTNER_BACKOFF_SECONDS": 2,
    "FEED_MAX_AGE_SECONDS": 900,
    # Placement proposals (issue 15): the longest estimated trip proposed, in minutes (≤ 45).
    "MATCHING_MAX_TRAVEL_MINUTES": 45,
    # Conventions: signing links' lifetime, and the reminder to those who have not signed.
    "SIGNATURE_LINK_DAYS": 14,
    "SIGNATURE_REMINDER_DAYS": 3,
    # Issue 14: « Signaler cette offre » and parents' links, per client address (shared
    # storage: RATELIMIT_STORAGE_URI).
    "REPORT_RATE_LIMIT": "5/hour;20/day",
    "PARENT_VIEW_RATE_LIMIT": "60/hour",
    # Legal pages (capindustrie/legal): « Mentions légales », « Politique de confidentialité »,
    # « Déclaration d'accessibilité ». Each CAPINDUSTRIE_<KEY> environment variable overrides.
    "PUBLISHER_NAME": "Département de Seine-et-Marne",
    "PUBLISHER_ADDRESS": "Hôtel du Département, CS 50377, 77010 Melun Cedex",
    "PUBLISHER_PHONE": "01 64 14 77 77",
    "PUBLICATION_DIRECTOR": "Le président du Conseil départemental de Seine-et-Marne",
    "HOST_NAME": "Département de Seine-et-Marne, direction des systèmes d'information",
    "HOST_ADDRESS": "Hôtel du Département, CS 50377, 77010 Melun Cedex",
    "DPO_EMAIL": "dpo@departement77.fr",
    "DPO_ADDRESS": (
        "Délégué à la protection des données, Département de Seine-et-Marne, "
        "Hôtel du Département, CS 50377, 77010 Melun Cedex"
    ),
    "ACCESSIBILITY_CONTACT_EMAIL": "accessibilite@departement77.fr",
    # The day the accessibility statement was written (ISO date).
    "ACCESSIBILITY_STATEMENT_DATE": "2026-12-01",
    # The share of RGAA 4.1 criteria an audit found respected (0–100), with the audit's date
    # and auditor; None while no audit has been made (the RGAA then says « non conforme »).
    "ACCESSIBILITY_AUDIT_RATE": None,
    "ACCESSIBILITY_AUDIT_DATE": None,
    "ACCESSIBILITY_AUDITOR": None,
    # The Département's logo in the header, a file under static/ (a neutral placeholder by
    # default: the real logo is the Département's to supply), and its text alternative.
    "DEPARTEMENT_LOGO": "img/departement-logo.svg",
    "DEPARTEMENT_LOGO_ALT": "Département de Seine-et-Marne",
    # The home page shows a count (offers, companies, schools) only from this number on.
    "HOME_COUNT_MINIMUM": 10,
}


def seconde_period(config, school_year_start: int) -> tuple[date, date]:
    """The national 2nde fortnight of the school year starting in September `school_year_start`:
    the configured dates when the ministry has published them, otherwise the rule the circulaire
    has followed since 2024 — the two Monday–Friday weeks ending on the last Friday before
    1 July."""
    raw = config["SECONDE_PERIODS"].get(school_year_start) or config["SECONDE_PERIODS"].get(
        str(school_year_start)
    )
    if raw is not None:
        start, end = raw
        return date.fromisoformat(start), date.fromisoformat(end)
    june_30 = date(school_year_start + 1, 6, 30)
    last_friday = june_30 - timedelta(days=(june_30.weekday() - 4) % 7)
    start = last_friday - timedelta(days=11)
    # No sequence on a public holiday (Code du travail L. 3164-6): when the Monday is one (the
    # lundi de Pentecôte falls on 14 June 2038), the fortnight starts the next working day.
    # Imported here: the rules module reads this configuration at import time.
    from capindustrie.offers.rules import french_public_holidays

    while start in french_public_holidays(start.year):
        start += timedelta(days=1)
    return start, last_friday
