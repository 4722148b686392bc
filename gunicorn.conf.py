"""gunicorn settings: no client address, no user agent, no software version.

The access log keeps only what operators need to see the service is healthy:
on the staff side the method and the route's template (no ids, no query), on
every other page nothing but status and duration (issue 18); the format codes
for the remote address, the request line, the path, the size and the user
agent are left out on purpose (DESIGN.md section 5).
"""

import ipaddress
import logging
import os
import re

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

from config import DEFAULT_THREADS

# gunicorn sends "Server: gunicorn" from a module constant; say nothing.
gunicorn.http.wsgi.SERVER = "lentera"

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WBS_WORKERS", "2"))
# Keep 3 x (WBS_ARGON2_CONCURRENCY + WBS_ARGON2_QUEUE) (config.py: three Argon2
# lanes) plus the send lanes (SEND_CONCURRENCY + both SEND_*_QUEUE) below the
# threads (config.lane_threads, checked at start), so that floods of logins or
# sends always leave threads for every other page. A thread waiting its turn
# only sleeps: no transaction, no Argon2 memory (the Argon2 lanes bound the
# runs themselves).
threads = int(os.environ.get("WBS_THREADS", str(DEFAULT_THREADS)))
worker_class = "gthread"
timeout = 120
# An idle kept-alive connection is closed after this many seconds. gunicorn's
# default (2 s) is shorter than the pause between a person's clicks; a request
# sent just as the server closes the connection is reset (the load test saw
# "connection reset" on GET /), so idle connections are kept a little longer.
keepalive = 5
accesslog = "-"
# The request part comes from the app (wbs_app/security/access_log.py): a staff
# route's method and template, "-" for every other page; then status and duration.
access_log_format = "%({lentera.access}e)s %(s)s %(M)sms"
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = ""
proxy_allow_ips = ""
# gunicorn 25+ opens a control socket at one fixed path ($XDG_RUNTIME_DIR or
# $HOME/.gunicorn/gunicorn.ctl): a second instance on the host would take it
# over. Lentera is managed by signals and systemd, never through it.
control_socket_disable = True

# Address candidates; ``ipaddress`` decides what really is one.
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?")


def _replace_valid(pattern, text):
    def scrub(match):
        try:
            ipaddress.ip_address(match.group(0).split("%")[0])
        except ValueError:
            return match.group(0)
        return "-"

    return pattern.sub(scrub, text)


def _without_addresses(text):
    return _replace_valid(_IPV6, _replace_valid(_IPV4, text))


class _NoAddresses(logging.Filter):
    """Rewrites every error-log record without IP addresses (DESIGN.md section 5).

    gunicorn writes the peer's address into some messages of its own
    ("Invalid request from ip=..."); the access log's format already leaves it
    out. The record is formatted first, so an address in an argument goes too,
    and so is a traceback or stack it carries (an exception's text can quote one).
    """

    def filter(self, record):
        message = record.getMessage()
        if message.startswith("Listening at: "):  # the server's own bind, said at start
            return True
        cleaned = _without_addresses(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _without_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = _without_addresses(record.stack_info)
        return True


class AddresslessLogger(Logger):
    """gunicorn's logger with ``_NoAddresses`` on both of its logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, _NoAddresses) for f in log.filters):
                log.addFilter(_NoAddresses())


logger_class = AddresslessLogger


def when_ready(server):
    """Sweep the attachment store once per start, before any worker serves a request.

    A crash (power cut, OOM kill, kill -9) can leave a committed case whose
    files still wait in pending/, or ciphertext of an upload that was cut off.
    Every deployment starts gunicorn, so the start-up sweep lives here rather
    than only in `make run`: it finishes the moves (the case is then whole)
    and quarantines what the database does not know. When it refuses (too
    many unknown files: the wrong database), the server does not start. It
    is safe beside other servers on the same database. It runs after the sockets
    are bound (a second server on the same address fails before this point)
    and before the workers start, in a child process, so that the master
    imports none of the app and a reload (HUP) still loads new code.
    """
    import subprocess
    import sys
    from pathlib import Path

    command = [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "sweep", "--at-start"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        command, cwd=Path(__file__).resolve().parent, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        server.log.error("start-up sweep failed:\n%s", done.stderr[-4000:])
        raise SystemExit(1)
    server.log.info("%s", done.stdout.strip())
    _start_scheduled_worker(server)


# The scheduled worker (`flask wbs worker`) this master started, if any.
_scheduled = {}


def _start_scheduled_worker(server):
    """Start `wbs worker` beside the server's workers; ``on_exit`` stops it.

    Every server starts one (WBS_WORKER=false leaves it out, for a server
    whose worker runs elsewhere); with several servers on one database each
    job still runs once per interval, whichever worker claims it. It is a
    child of the master, not a gunicorn worker: gunicorn does not restart it
    if it dies (administrators see its jobs fall late), and a master killed
    without its exit hook leaves it to ``--exit-with-parent``.
    """
    import subprocess
    import sys
    from pathlib import Path

    if os.environ.get("WBS_WORKER", "true").strip().lower() in ("0", "false", "no", "off"):
        server.log.info("scheduled worker not started here (WBS_WORKER is off)")
        return
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "worker"]
    command.append("--exit-with-parent")
    _scheduled["worker"] = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        command, cwd=Path(__file__).resolve().parent
    )
    server.log.info("scheduled worker started (pid %s)", _scheduled["worker"].pid)


def on_exit(server):
    """Stop the scheduled worker with the server: it finishes the job in hand first."""
    import subprocess

    process = _scheduled.pop("worker", None)
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    server.log.info("scheduled worker stopped")


def post_worker_init(worker):
    """Say when a worker has loaded the app and takes requests.

    The socket answers as soon as the master binds it, seconds before a worker
    has imported the app; operators and the benchmarks wait for this line.
    """
    worker.log.info("worker %s ready", worker.pid)
