"""What gunicorn serves during a benchmark: the production app, and the floor under /_floor/.

Both run in the same workers of the same server, so a ratio between them is the cost of the
framework and the app's own code, nothing else.
"""

from ammtc_tracker.wsgi import application as app
from bench import floor


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(floor.PREFIX):
        return floor.application(environ, start_response)
    return app(environ, start_response)
