"""gunicorn's settings for every way the portal is served (Procfile, Dockerfile, ``make bench``): gunicorn reads
this file from the working directory; command-line flags override it.

Sync workers by default: the portal's requests are short and spend most of their time in Python, where threads of
one process take turns on the GIL (measured with ``make bench``, P7: 2 sync workers served the 50-row list and the
detail faster than 3 workers × 4 threads). Sync workers need a buffering proxy in front (the load balancer in
README "Scale out" reads whole requests before passing them on), so that a slow client never holds a worker;
without one, set ``WEB_THREADS`` to 2–4 (the gthread worker, with keep-alive).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so that they are not all replaced at once).
max_requests = 2000
max_requests_jitter = 200
# TLS ends at the load balancer, which sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER in production settings).
forwarded_allow_ips = "*"
# Access lines come from the portal itself (JSON, with the request id): gunicorn's own access log stays off.
accesslog = None
