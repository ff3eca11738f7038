"""gunicorn settings for `make serve` and the systemd unit: `gunicorn -c deploy/gunicorn.conf.py`.

HOST and PORT choose the address; WEB_CONCURRENCY the number of worker processes (default: one
per core, which measured best here: 2 workers on 2 cores). The app logs one line per request
itself (ammtc_tracker/logs.py), so gunicorn writes no access log of its own.
"""

import gc
import os

wsgi_app = "ammtc_tracker.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "sync"
# A request slower than this is killed and logged; evidence uploads are 10 MB at most.
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
