from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reporting")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from reports.models import ReportingCycle, cycle_changed

        # A cycle's title, dates and existence are in the figures (the trend) like the plan's.
        for signal in (post_save, post_delete):
            signal.connect(cycle_changed, sender=ReportingCycle, dispatch_uid="figures-cycle")
