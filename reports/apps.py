from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reporting")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from priorities.models import Consultation
        from reports.models import ReportingCycle, consultations_changed, cycle_changed

        # A cycle's title, dates and existence are in the figures (the trend) like the plan's.
        for signal in (post_save, post_delete):
            signal.connect(cycle_changed, sender=ReportingCycle, dispatch_uid="figures-cycle")
        through = ReportingCycle.consultations.through
        m2m_changed.connect(consultations_changed, sender=through, dispatch_uid="figures-feeds")
        post_delete.connect(
            consultations_changed, sender=Consultation, dispatch_uid="figures-consultation"
        )
