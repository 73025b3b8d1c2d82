"""Forces vives: one's availability, and the volunteers a facilitator may invite."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views

urlpatterns: list[URLPattern] = [
    path("mes-disponibilites/", views.availability, name="availability"),
    path("<action_slug:slug>/forces-vives/", views.volunteers, name="volunteers"),
    path("<action_slug:slug>/forces-vives/inviter/", views.invite, name="invite_volunteer"),
]
