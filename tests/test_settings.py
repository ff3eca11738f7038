"""Settings come from the environment and fail loudly on a bad value."""

import os
import subprocess
import sys

from django.conf import settings


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("AMMTC_ENV", "SECRET_KEY")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_a_malformed_boolean_stops_the_process():
    result = run_check(AMMTC_ENV="development", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean (true/false/1/0), not 'maybe'." in result.stderr


def test_production_with_a_secret_key_starts_with_debug_off():
    result = run_check(SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode == 0, result.stderr


def test_an_unknown_environment_name_stops_the_process():
    result = run_check(AMMTC_ENV="staging")
    assert "AMMTC_ENV must be production, development or test, not 'staging'." in result.stderr


def test_object_storage_without_a_bucket_stops_the_process():
    result = run_check(AMMTC_ENV="development", STORAGE_BACKEND="s3")
    assert result.returncode != 0
    assert "STORAGE_BACKEND=s3 needs S3_BUCKET." in result.stderr


def test_an_unknown_storage_backend_or_log_format_stops_the_process():
    storage = run_check(AMMTC_ENV="development", STORAGE_BACKEND="ftp")
    assert "STORAGE_BACKEND must be filesystem or s3, not 'ftp'." in storage.stderr
    log_format = run_check(AMMTC_ENV="development", LOG_FORMAT="xml")
    assert "LOG_FORMAT must be text or json, not 'xml'." in log_format.stderr


def test_malformed_dashboard_and_email_settings_stop_the_process():
    for variable, value, message in [
        ("REMINDER_DAYS_BEFORE", "30,soon", "REMINDER_DAYS_BEFORE must be whole days of 1 or more"),
        ("REMINDER_DAYS_BEFORE", "7,0", "REMINDER_DAYS_BEFORE must be whole days of 1 or more"),
        ("SITE_URL", "tracker.example.org", "SITE_URL must be an http(s) address"),
        ("SUBMISSION_NOTICES", "weekly", "SUBMISSION_NOTICES must be each, daily or off"),
        ("PUBLIC_DASHBOARD", "perhaps", "PUBLIC_DASHBOARD must be a boolean"),
    ]:
        result = run_check(AMMTC_ENV="development", **{variable: value})
        assert result.returncode != 0, variable
        assert message in result.stderr, result.stderr


def test_site_url_defaults_to_the_first_allowed_host_in_production():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    environment = {k: v for k, v in os.environ.items() if k not in ("AMMTC_ENV", "SITE_URL")}
    environment.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org,.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.stdout.splitlines()[-1] == "https://tracker.example.org", result.stderr
