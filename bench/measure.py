"""Timing at one scale: memory of an export on fresh workers, then rounds over every figure.

Each round takes a block of requests for every figure in turn (app then floor, or floor then app
on alternate rounds), so that whatever else the machine is doing falls on all figures alike; a
figure's value is the median of its samples, and a ratio to the floor is the median of the
blocks' ratios.
"""

import statistics
import threading
from dataclasses import dataclass, field

from bench.client import Client, log_in, requests_per_second
from bench.figures import FIGURES, THROUGHPUT
from bench.server import worker_rss

MB = 1024 * 1024


@dataclass
class Timing:
    """What one figure measured at one scale (seconds, bytes)."""

    figure: object
    app: list = field(default_factory=list)
    floor: list = field(default_factory=list)
    first_byte: list = field(default_factory=list)
    ratios: list = field(default_factory=list)
    rss_growth: float | None = None
    probe: float = 0.0  # seconds the first request took
    missing: str = ""  # why the figure is n/a
    error: str = ""

    @property
    def median(self):
        return statistics.median(self.app) if self.app else None


@dataclass
class Settings:
    rounds: int
    budget: float  # seconds of requests per figure and scale, after the first block
    throughput_seconds: float


class Measurer:
    def __init__(self, server, port, context, password, settings, say):
        self.server, self.port, self.settings, self.say = server, port, settings, say
        self.context, self.password = context, password
        self.ids = context["ids"]
        self._clients = {}

    def client(self, figure):
        key = (figure.user, figure.auth)
        if key not in self._clients:
            if figure.auth == "token":
                token = self.context["tokens"][figure.user]
                self._clients[key] = Client(self.port, {"Authorization": f"Token {token}"})
            elif figure.auth == "session":
                username = self.context["usernames"][figure.user]
                self._clients[key] = log_in(self.port, username, self.password)
            else:
                self._clients[key] = Client(self.port)
        return self._clients[key]

    def path(self, figure):
        return figure.path.format(**self.ids)

    def run(self):
        timings = {figure.name: Timing(figure) for figure in FIGURES}
        exports = [t for t in timings.values() if t.figure.kind == "export" and t.figure.path]
        self._warm_up()
        for timing in exports:
            self._export_memory(timing)
        active = [t for t in timings.values() if self._probe(t)]
        for round_number in range(self.settings.rounds):
            self.say(f"    round {round_number + 1}/{self.settings.rounds}")
            for timing in active:
                if not timing.error and sum(timing.app) + sum(timing.floor) < self.settings.budget:
                    self._block(timing, floor_first=round_number % 2 == 1)
        return timings, self._throughput()

    def _warm_up(self):
        """Every worker has imported the app and opened its connection before memory is read."""
        client = self.client(FIGURES[0])
        threads = [
            threading.Thread(target=client.fetch, args=("/api/v1/parties/",)) for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _export_memory(self, timing):
        """Worker memory growth over two exports, on workers that have served nothing big."""
        before = worker_rss(self.server)
        for _ in range(2):
            if not self._sample(timing):
                return
        after = worker_rss(self.server)
        timing.rss_growth = max(after.get(pid, 0) - size for pid, size in before.items())

    def _probe(self, timing):
        """One request: n/a when the URL does not exist yet, an error when it fails."""
        figure = timing.figure
        if figure.path is None:
            timing.missing = figure.note or "no URL yet"
            return False
        if timing.app or timing.error:
            return not timing.error
        sample = self.client(figure).fetch(self.path(figure))
        timing.probe = sample.total
        if sample.status == 404:
            timing.missing = f"{figure.path} does not exist yet"
            return False
        if sample.status != 200:
            timing.error = _describe(sample)
            return False
        return True

    def _block(self, timing, floor_first):
        size = _block_size(timing)
        client, path = self.client(timing.figure), self.path(timing.figure)
        if not timing.figure.floor:
            for _ in range(size):
                if not self._sample(timing):
                    return
            return
        floor_path = f"/_floor/{timing.figure.name}"
        block = {}
        for run_path in (floor_path, path) if floor_first else (path, floor_path):
            block[run_path] = [client.fetch(run_path) for _ in range(size)]
        failed = [s for samples in block.values() for s in samples if s.status != 200]
        if failed:
            timing.error = _describe(failed[0])
            return
        app = [s.total for s in block[path]]
        floor = [s.total for s in block[floor_path]]
        timing.app += app
        timing.floor += floor
        timing.ratios.append(statistics.median(app) / statistics.median(floor))

    def _sample(self, timing):
        sample = self.client(timing.figure).fetch(self.path(timing.figure))
        if sample.status != 200:
            timing.error = _describe(sample)
            return False
        timing.app.append(sample.total)
        timing.first_byte.append(sample.first_byte)
        return True

    def _throughput(self):
        """Requests per second of each throughput figure, in alternating blocks."""
        rates = {figure.name: [] for figure in THROUGHPUT}
        missing = {}
        for figure in THROUGHPUT:
            status = self.client(figure).fetch(figure.path).status
            if status != 200:
                missing[figure.name] = (
                    f"{figure.path} does not exist yet" if status == 404 else f"HTTP {status}"
                )
        live = [figure for figure in THROUGHPUT if figure.name not in missing]
        for block in range(2):
            for figure in live if block == 0 else reversed(live):
                rates[figure.name].append(
                    requests_per_second(
                        self.client(figure), figure.path, self.settings.throughput_seconds / 2
                    )
                )
        return {
            name: (statistics.median(values) if values else None, missing.get(name, ""))
            for name, values in rates.items()
        }


def _block_size(timing):
    last = timing.app[-1] if timing.app else timing.probe
    return 3 if last < 0.3 else 2 if last < 1.5 else 1


def _describe(sample):
    if sample.status == 0:
        return f"no response after {sample.total:.0f} s (worker killed by gunicorn's timeout?)"
    return f"HTTP {sample.status} after {sample.total:.1f} s"
