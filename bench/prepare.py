"""Set up one benchmark database and write what the runner needs to a JSON file.

Run as ``python -m bench.prepare OUTPUT`` with the server's environment: creates the benchmark's
users (password ``BENCH_PASSWORD``) and API tokens (``ApiToken.issue``), finds the ids the figures'
paths need through the API, and captures the SELECT statements each floor figure's URL runs.
Everything else is found through URLs, so that it survives changes to the code behind them.
"""

import json
import os
import sys

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

USERS = {
    # name: (username, role, party code)
    "secretariat": ("bench.secretariat", "Secretariat", None),
    "official": ("bench.official", "Official", "ID"),
}
GENERATED_CYCLE = "(load data)"


def users_and_tokens(password):

    from ammtc_tracker.models import ApiToken, User
    from priorities.models import Party

    tokens, usernames = {}, {}
    for name, (username, role, party_code) in USERS.items():
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "party": Party.objects.get(code=party_code) if party_code else None,
                "role": role,
                "email": f"{username}@example.org",
            },
        )
        user.set_password(password)
        user.save()
        ApiToken.objects.filter(user=user, name="bench").delete()
        _token, tokens[name] = ApiToken.issue(user=user, name="bench")
        usernames[name] = username
    return tokens, usernames


def get_json(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:300]}")
    return response.json()


def find_ids(client):
    """The current generated cycle, and an accepted report in it."""
    cycles = get_json(client, "/api/v1/cycles/?page_size=200")["results"]
    generated = [cycle for cycle in cycles if cycle["title"].endswith(GENERATED_CYCLE)]
    cycle = max(generated, key=lambda c: c["period_start"])
    reports = get_json(client, f"/api/v1/reports/?cycle={cycle['id']}&status=accepted")
    return {"cycle": cycle["id"], "report": reports["results"][0]["id"]}


def capture_floor(clients, ids):
    """The SELECTs each floor figure's URL runs, as the floor app will run them."""
    from bench.figures import FIGURES

    floors = {}
    for figure in FIGURES:
        if not figure.floor:
            continue
        path = figure.path.format(**ids)
        with CaptureQueriesContext(connection) as queries:
            response = clients[figure.user].get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        floors[figure.name] = [
            query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("SELECT")
        ]
    return floors


def main(output):
    django.setup()
    tokens, usernames = users_and_tokens(os.environ["BENCH_PASSWORD"])
    clients = {
        name: Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
        for name, key in tokens.items()
    }
    ids = find_ids(clients["secretariat"])
    context = {
        "tokens": tokens,
        "usernames": usernames,
        "ids": ids,
        "floor": capture_floor(clients, ids),
    }
    with open(output, "w", encoding="utf-8") as file:
        json.dump(context, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
