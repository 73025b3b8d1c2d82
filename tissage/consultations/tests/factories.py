"""factory_boy factories of the consultations' tests."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tissage.consultations.models import Category, Comment, Consultation, Proposal, Support
from tissage.core.tests.factories import ProjectFactory, UserFactory


def _today() -> datetime.date:
    return timezone.localdate()


class ConsultationFactory(DjangoModelFactory):
    """A published consultation, open today, of a published project."""

    class Meta:
        model = Consultation

    project = factory.SubFactory(ProjectFactory)
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    title = factory.Sequence(lambda n: f"Consultation {n}")
    text = "Où planter l'hiver prochain ?"
    published = True
    opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=21))
    proposals_enabled = True
    map_enabled = True


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    consultation = factory.SubFactory(ConsultationFactory)
    part = Category.Part.IDEAS
    name = factory.Sequence(lambda n: f"Thème {n}")


class ProposalFactory(DjangoModelFactory):
    """A published idea by a person with an account."""

    class Meta:
        model = Proposal

    consultation = factory.SubFactory(ConsultationFactory)
    part = Proposal.Part.IDEAS
    title = factory.Sequence(lambda n: f"Proposition {n}")
    text = "Planter une haie le long du chemin."
    author = factory.SubFactory(UserFactory)
    status = Proposal.Status.PUBLISHED


class SupportFactory(DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)
    confirmed_at = factory.LazyFunction(timezone.now)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    text = "Bonne idée, je peux aider."
