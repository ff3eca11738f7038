from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmmtcTrackerConfig(AppConfig):
    name = "ammtc_tracker"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from ammtc_tracker import authentication, lookups  # noqa: F401 (lookups: registers any_of)
        from ammtc_tracker.accounts import record_last_login

        # Django's receiver saves the user, which would add a history row at every login.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="ammtc_tracker.record_last_login")
        authentication.connect()
