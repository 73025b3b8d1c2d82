"""Forces vives: one's availability, and volunteers for an action (see views_volunteers)."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views as views_volunteers

urlpatterns: list[URLPattern] = [
    path("mes-disponibilites/", views_volunteers.availability, name="availability"),
    path("<action_slug:slug>/forces-vives/", views_volunteers.volunteers, name="volunteers"),
    path(
        "<action_slug:slug>/forces-vives/inviter/", views_volunteers.invite, name="invite_volunteer"
    ),
]
