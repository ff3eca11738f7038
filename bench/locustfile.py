"""The simulated users of `make loadtest` (bench/loadtest.py starts locust with this file).

Officials save drafts (through the web form and through the API) and submit them; the
secretariat accepts, returns and reopens through the API; readers browse pages and API clients
read lists and summaries. Every answered save goes into the journal (LOADTEST_JOURNAL) with the
unique marker it wrote and whether it succeeded, and every transition answered 2xx too, so that
the reconciliation finds each successful save exactly once and each refused one nowhere. A
refusal the workflow is designed to give (409 stale version or wrong state, 403 not editable)
is an expected outcome, not a failure.
"""

import itertools
import json
import os
import random
import re
import uuid
from collections import Counter

from locust import HttpUser, between, events, task

CAST = json.loads(open(os.environ["LOADTEST_CAST"]).read())  # noqa: SIM115 - read once
JOURNAL = []
STATUSES = Counter()
_accounts = {role: itertools.cycle(CAST[role]) for role in ("officials", "secretariat", "readers")}
EXPECTED_REFUSALS = (403, 409)


@events.request.add_listener
def count_status(response=None, exception=None, **kwargs):
    STATUSES[str(response.status_code) if response is not None else "error"] += 1


@events.quitting.add_listener
def write_journal(**kwargs):
    with open(os.environ["LOADTEST_JOURNAL"], "w") as journal:
        json.dump({"writes": JOURNAL, "statuses": STATUSES}, journal)


def journal(kind, **fields):
    """Note a write before it is sent; ``ok`` is filled in when it is answered, so a write still
    in flight when locust stops (``ok`` None) is told apart from a refused one."""
    entry = {"kind": kind, "ok": None, **fields}
    JOURNAL.append(entry)
    return entry


def marker():
    return f"load {uuid.uuid4().hex}"


def field(html, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


class Official(HttpUser):
    """Edits its party's reports through the web form, and submits them."""

    weight = 8
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.account = next(_accounts["officials"])
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": CAST["password"],
                "csrfmiddlewaretoken": field(page.text, "csrfmiddlewaretoken"),
            },
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            name="/accounts/login/",
        )

    @property
    def report(self):
        return random.choice(CAST["reports"][self.account["party"]])

    @task(5)
    def save_draft(self):
        report = self.report
        with self.client.get(
            f"/reports/{report['id']}/edit/", name="/reports/[id]/edit/", catch_response=True
        ) as page:
            if page.status_code in EXPECTED_REFUSALS:
                page.success()
                return
        version = field(page.text, "version")
        text = marker()
        data = {
            "csrfmiddlewaretoken": field(page.text, "csrfmiddlewaretoken"),
            "version": version,
            "implementation_status": "in_progress",
            "percent_complete": str(random.randint(0, 100)),
            "achievements": text,
            "challenges": "",
            "next_steps": "",
            "save": "1",
        }
        for indicator in report["indicators"]:
            data[f"indicator_{indicator}_value"] = str(random.randint(0, 50))
            data[f"indicator_{indicator}_note"] = ""
        entry = journal("save", report=report["id"], marker=text, expected=int(version))
        with self.client.post(
            f"/reports/{report['id']}/edit/",
            data,
            name="/reports/[id]/edit/ (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            entry["ok"] = response.status_code == 302
            if response.status_code in EXPECTED_REFUSALS:
                response.success()

    @task(1)
    def submit(self):
        report = self.report
        page = self.client.get(f"/reports/{report['id']}/", name="/reports/[id]/")
        token = field(page.text, "csrfmiddlewaretoken")
        if token is None or f"/reports/{report['id']}/submit/" not in page.text:
            return
        entry = journal("transition", report=report["id"], action="submit")
        with self.client.post(
            f"/reports/{report['id']}/submit/",
            {"csrfmiddlewaretoken": token},
            name="/reports/[id]/submit/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            entry["ok"] = response.status_code == 302
            if response.status_code in EXPECTED_REFUSALS:
                response.success()


class ApiOfficial(HttpUser):
    """Edits its party's reports through the API with the version it read, and submits them."""

    weight = 4
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.account = next(_accounts["officials"])
        self.client.headers["Authorization"] = f"Token {self.account['token']}"

    @task(5)
    def save_draft(self):
        report = random.choice(CAST["reports"][self.account["party"]])
        read = self.client.get(f"/api/v1/reports/{report['id']}/", name="/api/v1/reports/[id]/")
        if read.status_code != 200 or read.json()["status"] not in ("draft", "returned"):
            return
        version, text = read.json()["version"], marker()
        entry = journal("save", report=report["id"], marker=text, expected=version)
        with self.client.patch(
            f"/api/v1/reports/{report['id']}/",
            json={"achievements": text, "version": version},
            name="/api/v1/reports/[id]/ (PATCH)",
            catch_response=True,
        ) as response:
            entry["ok"] = response.status_code == 200
            if response.status_code in EXPECTED_REFUSALS:
                response.success()

    @task(1)
    def submit(self):
        report = random.choice(CAST["reports"][self.account["party"]])
        entry = journal("transition", report=report["id"], action="submit")
        with self.client.post(
            f"/api/v1/reports/{report['id']}/submit/",
            name="/api/v1/reports/[id]/submit/",
            catch_response=True,
        ) as response:
            entry["ok"] = response.status_code == 200
            if response.status_code in EXPECTED_REFUSALS:
                response.success()


class Secretariat(HttpUser):
    """Reviews submitted reports through the API; reopens some accepted ones."""

    weight = 3
    wait_time = between(0.3, 1.5)

    def on_start(self):
        account = next(_accounts["secretariat"])
        self.client.headers["Authorization"] = f"Token {account['token']}"

    @task
    def review(self):
        status, actions = random.choice(
            [("submitted", ["accept", "accept", "return"]), ("accepted", ["reopen"])]
        )
        listed = self.client.get(
            f"/api/v1/reports/?status={status}&page_size=20", name="/api/v1/reports/?status="
        )
        if listed.status_code != 200 or not listed.json()["results"]:
            return
        report = random.choice(listed.json()["results"])["id"]
        action = random.choice(actions)
        comment = marker() if action != "accept" else ""
        entry = journal("transition", report=report, action=action, comment=comment)
        with self.client.post(
            f"/api/v1/reports/{report}/{action}/",
            json={"comment": comment} if comment else None,
            name=f"/api/v1/reports/[id]/{action}/",
            catch_response=True,
        ) as response:
            entry["ok"] = response.status_code == 200
            if response.status_code in EXPECTED_REFUSALS:
                response.success()


class Reader(HttpUser):
    """Browses the pages."""

    weight = 2
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.account = next(_accounts["readers"])
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": CAST["password"],
                "csrfmiddlewaretoken": field(page.text, "csrfmiddlewaretoken"),
            },
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            name="/accounts/login/",
        )

    @task(3)
    def reports(self):
        self.client.get("/reports/?status=accepted", name="/reports/")

    @task(1)
    def home(self):
        self.client.get("/", name="/")


class ApiClient(HttpUser):
    """A dashboard or researcher reading lists and summaries with a reader's token."""

    weight = 3
    wait_time = between(0.2, 1.0)

    def on_start(self):
        account = next(_accounts["readers"])
        self.client.headers["Authorization"] = f"Token {account['token']}"

    @task(3)
    def reports(self):
        self.client.get("/api/v1/reports/?page_size=50", name="/api/v1/reports/")

    @task(2)
    def status(self):
        self.client.get(f"/api/v1/status/?cycle={CAST['cycle']}", name="/api/v1/status/")

    @task(1)
    def compliance(self):
        self.client.get(
            f"/api/v1/cycles/{CAST['cycle']}/compliance/", name="/api/v1/cycles/[id]/compliance/"
        )

    @task(1)
    def csv(self):
        self.client.get("/api/v1/reports/?format=csv", name="/api/v1/reports/?format=csv")
