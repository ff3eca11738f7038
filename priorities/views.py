from django.db.models import Prefetch
from django.shortcuts import render

from priorities.models import Consultation, PriorityArea, WorkPlan


def plan_context():
    """The current work plan, its priority areas with their number of activities, and the
    consultations: a page of bounded length however many activities the plan has."""
    areas = PriorityArea.objects.with_activity_counts().order_by("number")
    plan = (
        WorkPlan.objects.select_related("agreed_at", "adopted_at")
        .prefetch_related(Prefetch("priority_areas", queryset=areas))
        .first()
    )
    consultations = Consultation.objects.select_related("host")
    return {"plan": plan, "consultations": consultations}


def plan(request):
    """The public description of the plan."""
    return render(request, "priorities/plan.html", plan_context())
