"""Uploads waiting for their user's confirmation, kept in the session between the preview and
the confirmation (the offline workbook, the work-plan import).

The session lives in the database (or Redis with it), so every worker and server sees the
same pending upload, and nobody else does. What is kept is the parsed content, not the file.
Each upload has its own random key, named in the preview's address and in the confirm form:
a user with two tabs confirms what each tab showed, never the other tab's file. Old entries
expire, and a session keeps only a few.
"""

import secrets
import time

MAX_PENDING = 3
MAX_AGE_SECONDS = 2 * 60 * 60


def _key(kind):
    return f"pending_uploads:{kind}"


def keep(request, kind, data):
    """Keep ``data`` (JSON-serialisable) for ``request``'s user; return its key."""
    now = time.time()
    pending = {
        token: entry
        for token, entry in request.session.get(_key(kind), {}).items()
        if now - entry["at"] < MAX_AGE_SECONDS
    }
    for token in sorted(pending, key=lambda t: pending[t]["at"])[: -MAX_PENDING + 1]:
        del pending[token]
    token = secrets.token_urlsafe(16)
    pending[token] = {"at": now, "data": data}
    request.session[_key(kind)] = pending
    return token


def get(request, kind, token):
    """The data kept under ``token``, or None when it is unknown, expired or confirmed."""
    entry = request.session.get(_key(kind), {}).get(token or "")
    if entry is None or time.time() - entry["at"] >= MAX_AGE_SECONDS:
        return None
    return entry["data"]


def discard(request, kind, token):
    pending = request.session.get(_key(kind), {})
    if pending.pop(token, None) is not None:
        request.session[_key(kind)] = pending


def update(request, kind, token, data):
    """Replace what is kept under ``token`` (keeping its age), if it is still there."""
    pending = request.session.get(_key(kind), {})
    if token in pending:
        pending[token] = {**pending[token], "data": data}
        request.session[_key(kind)] = pending
