from django.urls import path

from priorities import views

urlpatterns = [
    path("plan/", views.plan, name="plan"),
]
