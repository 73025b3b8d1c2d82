"""A project's news post is news for the project's followers (not for its author);
joining a project follows it."""

from __future__ import annotations

import pytest
from django.test import Client

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory, UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event, Follow
from tissage.engagement.services import follow_set
from tissage.engagement.tests.producers import (
    follower,
    former_follower,
    notified,
    text,
    the_event,
)
from tissage.projects.models import NewsPost, Project, ProjectMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(title="Haies du Diois")


@pytest.fixture
def facilitator_client(project, committed):
    author = ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user
    client = committed(Client())
    client.force_login(author)
    return client, author


def post_news(client, project):
    return client.post(
        f"/projets/{project.slug}/actualites/nouvelle/",
        {"title": "Bilan de l’hiver", "body": "Nous avons planté 300 arbres."},
    )


def test_the_followers_of_the_project_are_told_of_its_news(project, facilitator_client):
    client, author = facilitator_client
    someone = follower(project)
    stopped = former_follower(project)
    follower(ProjectFactory())
    follow_set(user=author, target=project, following=True)

    response = post_news(client, project)

    assert response.status_code == 302
    assert NewsPost.objects.get().author == author
    assert notified(Kind.NEWS_POST) == {someone}
    assert stopped not in notified(Kind.NEWS_POST)
    event = the_event(Kind.NEWS_POST)
    assert event.url == f"/projets/{project.slug}/actualites/"
    assert text(event) == "News from Haies du Diois: “Bilan de l’hiver”."


def test_the_news_of_a_draft_project_stays_with_its_team(project, facilitator_client):
    client, _author = facilitator_client
    project.status = Project.Status.DRAFT
    project.save(update_fields=["status"])
    follower(project)

    post_news(client, project)

    assert NewsPost.objects.exists()
    assert not Event.objects.exists()


def test_a_refused_news_post_notifies_nobody(project, facilitator_client):
    client, _author = facilitator_client
    follower(project)

    response = client.post(f"/projets/{project.slug}/actualites/nouvelle/", {"title": ""})

    assert response.status_code == 200
    assert not NewsPost.objects.exists()
    assert not Event.objects.exists()


def test_joining_a_project_follows_it_unless_one_stopped(project):
    project.status = Project.Status.PUBLISHED
    project.save(update_fields=["status"])
    joiner, stopped = UserFactory(), UserFactory()
    follow_set(user=stopped, target=project, following=False)
    follow_set(user=stopped, target=project, following=True)
    follow_set(user=stopped, target=project, following=False)
    client = Client()
    for person in (joiner, stopped):
        client.force_login(person)
        assert client.post(f"/projets/{project.slug}/rejoindre/").status_code == 302

    assert Follow.objects.active().of(project).filter(user=joiner, automatic=True).exists()
    assert not Follow.objects.active().of(project).filter(user=stopped).exists()
