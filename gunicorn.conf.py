"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (README, Production).

Every value can be overridden on the command line (`-w 8`, `-b 0.0.0.0:8000`) or through
GUNICORN_CMD_ARGS. Behind the reverse proxy that terminates TLS (see the README).
"""

import os

from capindustrie.serving import use_french_server_pages

bind = os.environ.get("CAPINDUSTRIE_BIND", "127.0.0.1:8000")
# Sync workers: the app is CPU-bound (templates, SQL) and short; about 2 per core.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (jittered so they do not all restart together):
# bounds the memory any slow leak could take.
max_requests = 5000
max_requests_jitter = 500

# Request limits. The app answers URLs longer than its MAX_URL_LENGTH (4,096) with its own
# French 414 page; gunicorn's ceiling (8,190, its maximum) is above that, so the app's page is
# the one users see. Above it, and for over-large headers, gunicorn answers itself, with the
# French page of capindustrie/serving.py.
limit_request_line = 8190
limit_request_fields = 64
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
# No query strings in the access log (searches carry keywords; `next=` carries paths). The
# password-reset token is in the path: the proxy in front should not log paths either, or keep
# the logs short (the token lives an hour and is single use).
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

use_french_server_pages()
