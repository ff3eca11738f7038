"""A plain HTTP client for timing: one connection per request, as browsers and scripts do with
gunicorn's sync workers (which close the connection after each response)."""

import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie


@dataclass
class Sample:
    status: int
    first_byte: float  # seconds until the status line and headers arrived
    total: float  # seconds until the last byte of the body
    size: int


class Client:
    """Requests to one server as one user: a token header, a session cookie, or nothing."""

    def __init__(self, port, headers=None, timeout=120):
        self.port, self.headers, self.timeout = port, dict(headers or {}), timeout

    def fetch(self, path):
        """Time one GET; a dropped connection (a worker killed by its timeout) is status 0."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            first_byte = time.perf_counter() - started
            size = 0
            while chunk := response.read(65536):
                size += len(chunk)
            return Sample(response.status, first_byte, time.perf_counter() - started, size)
        except (ConnectionError, http.client.HTTPException):
            elapsed = time.perf_counter() - started
            return Sample(0, elapsed, elapsed, 0)
        finally:
            connection.close()

    def page(self, path):
        """The status and text of a page (for forms), not timed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            return response.status, response.read().decode(), _cookies(response)
        finally:
            connection.close()


def _cookies(response):
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(port, username, password):
    """A client with the session cookie of ``username``, logged in through the login form."""
    anonymous = Client(port)
    status, text, cookies = anonymous.page("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise RuntimeError(f"the login page answered {status} without a CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
            },
        )
        response = connection.getresponse()
        response.read()
        session = _cookies(response).get("sessionid")
    finally:
        connection.close()
    if response.status != 302 or not session:
        raise RuntimeError(f"logging in as {username} answered {response.status}")
    return Client(port, {"Cookie": f"sessionid={session}; csrftoken={cookies['csrftoken']}"})


def requests_per_second(client, path, seconds, concurrency=4):
    """Completed 2xx responses per second with ``concurrency`` clients in a closed loop."""
    done, failed = [0], [0]
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def loop():
        while time.perf_counter() < deadline:
            ok = 200 <= client.fetch(path).status < 300
            with lock:
                done[0] += ok
                failed[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed[0]:
        raise RuntimeError(f"{failed[0]} requests to {path} failed")
    return done[0] / (time.perf_counter() - started)
