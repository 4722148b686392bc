"""gunicorn settings: no client address, no user agent, no software version.

The access log keeps only what operators need to see the service is healthy:
method, path without query, status, size and duration; the format codes for the
remote address, the request line and the user agent are left out on purpose (DESIGN.md section 5).
"""

import os

import gunicorn.http.wsgi

# gunicorn sends "Server: gunicorn" from a module constant; say nothing.
gunicorn.http.wsgi.SERVER = "lentera"

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WBS_WORKERS", "2"))
# Keep WBS_ARGON2_CONCURRENCY + WBS_ARGON2_QUEUE (config.py) below the threads,
# so that a flood of logins always leaves a thread for every other page.
threads = int(os.environ.get("WBS_THREADS", "4"))
worker_class = "gthread"
timeout = 120
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = ""
proxy_allow_ips = ""
