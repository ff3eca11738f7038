"""gunicorn settings for `make serve` and the systemd unit: `gunicorn -c deploy/gunicorn.conf.py`.

HOST and PORT choose the address; WEB_CONCURRENCY the number of worker processes (default: one
per core, which measured best here: 2 workers on 2 cores); GUNICORN_THREADS the requests each
worker serves at once (default 2). The app logs one line per request itself
(ammtc_tracker/logs.py), so gunicorn writes no access log of its own.
"""

import gc
import os

wsgi_app = "ammtc_tracker.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
# gthread: each worker serves `threads` requests at once, and its main thread keeps telling the
# arbiter it is alive while they run. So `timeout` restarts a worker that hangs, and no longer
# kills a long request: a sync worker's timeout covered the whole request, and cut a streamed CSV
# export of a large cycle off in the middle (issue 14). Each thread keeps its own database
# connection (CONN_MAX_AGE): workers x threads connections per server.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# A worker silent for this long is killed and restarted.
timeout = 30
graceful_timeout = 20
# Restart workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
# gunicorn 25+ opens a control socket in $HOME; several servers on one machine (and systemd's
# ProtectHome) make that a shared, or read-only, path. Workers come from WEB_CONCURRENCY instead.
control_socket_disable = True
# Trust X-Forwarded-* only from the front proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """The app is loaded: its modules, settings and classes live as long as the worker, so take
    them out of the garbage collector's sight (gc.freeze). A full collection then walks only
    what requests made; walking the whole app as well made the slowest tenth of list requests
    about three times slower than the median (issue 14)."""
    gc.freeze()
