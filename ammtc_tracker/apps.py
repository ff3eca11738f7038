from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AmmtcTrackerConfig(AppConfig):
    name = "ammtc_tracker"
    verbose_name = "Accounts"

    def ready(self):
        from ammtc_tracker.roles import sync_role_groups

        # Permissions exist only after post_migrate, so the role groups are kept in step there.
        post_migrate.connect(sync_role_groups, dispatch_uid="ammtc_tracker.sync_role_groups")
