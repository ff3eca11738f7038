"""`make loadtest`: drive the production server with simulated users, then reconcile.

1. Recreates a scratch PostgreSQL database (LOADTEST_DATABASE_URL; its name must contain
   "loadtest", since it is dropped), migrates it and seeds four parties' officials, the
   secretariat, readers, ten activities and their draft reports.
2. Starts gunicorn as `make serve` does (deploy/gunicorn.conf.py, WEB_CONCURRENCY workers) on
   127.0.0.1:LOADTEST_PORT and runs locust (bench/locustfile.py) headless: LOADTEST_USERS users
   for LOADTEST_SECONDS seconds.
3. Reconciles the journal of 2xx writes against the database: every save is there exactly once,
   on the version its author had read (no silent overwrite); every transition once; versions
   unbroken; no 5xx. Prints p50/p95/p99 and throughput, and exits 1 if any check fails.
"""

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PARTIES = ["ID", "JP", "MY", "PH"]


def main():
    database_url = os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ammtc_loadtest"
    )
    users = int(os.environ.get("LOADTEST_USERS", "20"))
    seconds = int(os.environ.get("LOADTEST_SECONDS", "60"))
    port = int(os.environ.get("LOADTEST_PORT", "8001"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ammtc-loadtest-"))
    env = {
        **os.environ,
        "AMMTC_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",  # plain HTTP on the loopback
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT") or str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        # Throttling is not under test: 20 users from one address would trip it.
        "API_THROTTLE_RATE": "1000000/hour",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    recreate_database(database_url)
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")  # throttles use the database cache without Redis
    manage(env, "load_reference")
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    cast_path, journal_path = scratch / "cast.json", scratch / "journal.json"
    django(env, "seed", cast_path)
    started_at = time.time()
    with (RESULTS / "server.log").open("w") as server_log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            run_locust(env, port, users, seconds, cast_path, journal_path)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    stats = read_stats(RESULTS / "loadtest_stats.csv")
    ok = django(env, "reconcile", journal_path, str(started_at), json.dumps(stats))
    sys.exit(0 if ok else 1)


def recreate_database(url):
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "loadtest" not in name:
        sys.exit(f"LOADTEST_DATABASE_URL must name a scratch database (with 'loadtest'): {name}")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *arguments):
    subprocess.run([BIN / "python", "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def django(env, step, *arguments):
    """Run a step of this script inside the app's Django set-up; True when it succeeded."""
    command = [BIN / "python", __file__, step, *map(str, arguments)]
    env = {**env, "DJANGO_SETTINGS_MODULE": "ammtc_tracker.settings"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode == 0


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server did not answer {url} within {timeout} s")


def run_locust(env, port, users, seconds, cast_path, journal_path):
    command = [
        BIN / "locust",
        *("-f", ROOT / "bench" / "locustfile.py", "--headless", "--only-summary"),
        *("--users", users, "--spawn-rate", users, "--run-time", f"{seconds}s"),
        *("--host", f"http://127.0.0.1:{port}", "--csv", RESULTS / "loadtest"),
        *("--loglevel", "WARNING", "--exit-code-on-error", "0"),
    ]
    subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env={**env, "LOADTEST_CAST": str(cast_path), "LOADTEST_JOURNAL": str(journal_path)},
        check=True,
    )


def read_stats(path):
    with path.open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
    }


# Steps run inside Django (python bench/loadtest.py seed|reconcile ...)


def seed(cast_path):
    from decimal import Decimal

    from django.utils import timezone

    from ammtc_tracker.models import ApiToken, Role, User
    from priorities.models import Activity, Indicator, Party, WorkPlan
    from reports.models import ReportingCycle
    from reports.services import save_report, start_report

    password = secrets.token_urlsafe(12)
    plan = WorkPlan.objects.get(first_year=2023)
    today = timezone.localdate()
    cycle = ReportingCycle.objects.create(
        work_plan=plan,
        title="Load test cycle",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        opens_on=today.replace(month=1, day=1),
        deadline=today.replace(month=12, day=31),
    )

    def account(username, role, party=None):
        user = User.objects.create_user(
            username=username, password=password, party=party, role=role
        )
        return {"username": username, "token": ApiToken.issue(user=user, name="load")[1]}, user

    parties = {code: Party.objects.get(code=code) for code in PARTIES}
    cast = {"password": password, "cycle": cycle.pk, "officials": [], "secretariat": []}
    cast["readers"] = [account(f"reader.{n}", Role.READER)[0] for n in range(3)]
    cast["secretariat"] = [account(f"secretariat.{n}", Role.SECRETARIAT)[0] for n in range(2)]
    officials = {}
    for code, party in parties.items():
        for n in range(2):
            details, user = account(f"official.{code.lower()}.{n}", Role.OFFICIAL, party)
            cast["officials"].append({**details, "party": code})
            officials.setdefault(code, user)
    cast["reports"] = {code: [] for code in PARTIES}
    for number in range(1, 11):
        activity = Activity.objects.create(
            priority_area=plan.priority_areas.get(number=(number - 1) % 5 + 1),
            code=f"L.{number}",
            title=f"Load test activity {number}",
            is_sample=True,
        )
        activity.lead_parties.set(parties.values())
        indicator = Indicator.objects.create(activity=activity, name="Count", unit="people")
        for code, user in officials.items():
            report = start_report(user=user, activity=activity, cycle=cycle)
            save_report(
                report=report,
                user=user,
                content={
                    "implementation_status": "in_progress",
                    "percent_complete": 10,
                    "achievements": "Seeded.",
                },
                indicator_values={indicator.pk: (Decimal(1), "")},
                expected_version=report.version,
            )
            cast["reports"][code].append({"id": report.pk, "indicators": [indicator.pk]})
    Path(cast_path).write_text(json.dumps(cast))


def reconcile(journal_path, started_at, stats):
    """Check the journal of 2xx writes against the database; print the verdict."""
    import datetime

    from reports.models import ProgressReport, ReportTransition

    journal = json.loads(Path(journal_path).read_text())
    stats = json.loads(stats)
    since = datetime.datetime.fromtimestamp(float(started_at), tz=datetime.UTC)
    statuses = Counter(journal["statuses"])
    saves = [w for w in journal["writes"] if w["kind"] == "save"]
    steps = [w for w in journal["writes"] if w["kind"] == "transition"]
    transitions = [t for t in steps if t["ok"]]
    steps_in_flight = Counter((t["report"], t["action"]) for t in steps if t["ok"] is None)
    history = ProgressReport.history.model.objects
    written = _saves_in_history(history)  # marker -> versions of the rows that wrote it
    refused = {s["marker"] for s in saves if s["ok"] is False}
    saves = [s for s in saves if s["ok"]]
    lost = [s for s in saves if s["marker"] not in written]
    duplicated = [s for s in saves if len(written.get(s["marker"], [])) > 1]
    overwrites = [s for s in saves if written.get(s["marker"]) not in (None, [s["expected"] + 1])]
    refused_but_written = refused & set(written)
    # Requests still in flight when locust stopped have no answer; either outcome is right.
    in_flight = set(written) - refused - {s["marker"] for s in saves}
    broken = [
        pk
        for pk, versions, current in _versions_per_report(history, ProgressReport)
        if sorted(versions) != list(range(1, current + 1))
    ]
    expected = Counter((t["report"], t["action"]) for t in transitions)
    recorded = Counter(
        ReportTransition.objects.filter(at__gte=since)
        .exclude(action="create")
        .values_list("report_id", "action")
    )
    comments = Counter(
        ReportTransition.objects.filter(comment__startswith="load ").values_list(
            "comment", flat=True
        )
    )
    duplicated_comments = [c for c, n in comments.items() if n != 1]
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    checks = {
        "5xx responses": server_errors,
        "saves answered 2xx but lost": len(lost),
        "saves written more than once": len(duplicated),
        "silent overwrites (saved on another version than read)": len(overwrites),
        "saves refused (409) but written": len(refused_but_written),
        "reports whose versions are not 1..N without gaps": len(broken),
        "transitions answered 2xx but not recorded once": sum((expected - recorded).values()),
        "transitions recorded without a 2xx answer": sum(
            (recorded - expected - steps_in_flight).values()
        ),
        "return/reopen comments not recorded exactly once": len(duplicated_comments),
    }
    report = {
        "requests": stats["requests"],
        "throughput (requests/s)": stats["rps"],
        "latency ms p50 / p95 / p99": f"{stats['p50']} / {stats['p95']} / {stats['p99']}",
        "statuses": dict(sorted(statuses.items())),
        "saves answered 2xx": len(saves),
        "saves refused (stale version)": len(refused),
        "saves in flight at the stop, written": len(in_flight),
        "transitions answered 2xx": len(transitions),
        "by action": dict(Counter(t["action"] for t in transitions)),
        "transitions in flight at the stop": sum(steps_in_flight.values()),
        "locust failures (unexpected statuses)": stats["failures"],
        **checks,
    }
    width = max(map(len, report))
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    (RESULTS / "loadtest-summary.json").write_text(json.dumps(report, indent=1))
    failed = [name for name, count in checks.items() if count]
    print("RECONCILED: every check passed" if not failed else f"FAILED: {', '.join(failed)}")
    return not failed and stats["failures"] == 0


def _saves_in_history(history):
    """The history rows in which a report's text changed to a load-test marker.

    Later rows (a submit, a review) copy the text unchanged; only the row where it first
    appears is the save that wrote it.
    """
    written, previous = {}, {}
    rows = history.order_by("id", "version", "history_id").values_list(
        "id", "version", "achievements"
    )
    for pk, version, text in rows:
        if text.startswith("load ") and previous.get(pk) != text:
            written.setdefault(text, []).append(version)
        previous[pk] = text
    return written


def _versions_per_report(history, model):
    versions = {}
    for pk, version in history.values_list("id", "version"):
        versions.setdefault(pk, []).append(version)
    for pk, current in model.objects.values_list("pk", "version"):
        yield pk, versions.get(pk, []), current


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("seed", "reconcile"):
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        if sys.argv[1] == "seed":
            seed(*sys.argv[2:])
        else:
            sys.exit(0 if reconcile(*sys.argv[2:]) else 1)
    else:
        main()
