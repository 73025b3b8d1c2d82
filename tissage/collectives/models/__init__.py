"""The collectives' models, one module per topic; imported here so that
`from tissage.collectives.models import X` and Django find every one of them."""

from .collective import (
    PUBLIC_NAME_MAX,
    Attachment,
    Collective,
    CollectiveMembership,
    InboundMail,
    Initiative,
    InitiativeMember,
    MembershipQuerySet,
    Message,
    MessageQuerySet,
    Report,
    Thread,
    ThreadQuerySet,
    WikiPage,
    WikiRevision,
    search_normalise,
)

__all__ = [
    "PUBLIC_NAME_MAX",
    "Attachment",
    "Collective",
    "CollectiveMembership",
    "InboundMail",
    "Initiative",
    "InitiativeMember",
    "MembershipQuerySet",
    "Message",
    "MessageQuerySet",
    "Report",
    "Thread",
    "ThreadQuerySet",
    "WikiPage",
    "WikiRevision",
    "search_normalise",
]
