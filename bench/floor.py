"""The floor: a bare WSGI app that runs the SQL an endpoint ran and encodes the rows with orjson.

``BENCH_FLOOR_FILE`` names a JSON file mapping a figure's name to the SELECT statements the app
issued for that URL (captured by ``bench/prepare.py``). ``GET /_floor/<name>`` runs them on one
persistent connection per worker, as the app does, and answers every row as JSON: what the
endpoint would cost with no framework at all.
"""

import json
import os

import orjson
import psycopg

PREFIX = "/_floor/"
_statements = {}
_connection = None


def _load():
    if not _statements:
        with open(os.environ["BENCH_FLOOR_FILE"], encoding="utf-8") as file:
            _statements.update(json.load(file))
    return _statements


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_FLOOR_DSN"], autocommit=True)
    return _connection.cursor()


def _rows(cursor, sql):
    cursor.execute(sql.encode())
    columns = [column.name for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def application(environ, start_response):
    statements = _load().get(environ["PATH_INFO"][len(PREFIX) :])
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such floor"]
    with _cursor() as cursor:
        body = orjson.dumps({"results": [_rows(cursor, sql) for sql in statements]}, default=str)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
