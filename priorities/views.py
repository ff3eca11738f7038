from django.db.models import Prefetch
from django.shortcuts import render

from priorities.models import Activity, Consultation, PriorityArea, WorkPlan


def home(request):
    """The current work plan, its priority areas and their activities, and the consultations."""
    activities = Activity.objects.prefetch_related("lead_parties")
    areas = PriorityArea.objects.prefetch_related(Prefetch("activities", queryset=activities))
    plan = (
        WorkPlan.objects.select_related("agreed_at", "adopted_at")
        .prefetch_related(Prefetch("priority_areas", queryset=areas))
        .first()
    )
    consultations = Consultation.objects.select_related("host")
    return render(request, "priorities/home.html", {"plan": plan, "consultations": consultations})
