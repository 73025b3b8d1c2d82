"""The collectives' models, one module per topic; imported here so that
`from tissage.collectives.models import X` and Django find every one of them.

- `collective`: `Collective` (its meetings are actions of its `project`);
- `membership`: `CollectiveMembership` (role, status, how the list is received);
- `lists`: `Thread`, `Message`, `Attachment`, `Report`;
- `mail`: `InboundMail`, every email the lists receive; `MemberBounce`, the delivery
  failures of a member's list mail;
- `wiki`: `WikiPage`, `WikiRevision`;
- `initiatives`: `Initiative`, `InitiativeMember`.
"""

from .collective import PUBLIC_NAME_MAX, Collective
from .initiatives import Initiative, InitiativeMember, InitiativeQuerySet
from .lists import (
    Attachment,
    Message,
    MessageQuerySet,
    Report,
    Thread,
    ThreadQuerySet,
)
from .mail import InboundMail, MemberBounce
from .membership import CollectiveMembership, MembershipQuerySet
from .wiki import WikiPage, WikiRevision

__all__ = [
    "PUBLIC_NAME_MAX",
    "Attachment",
    "Collective",
    "CollectiveMembership",
    "InboundMail",
    "Initiative",
    "InitiativeMember",
    "InitiativeQuerySet",
    "MemberBounce",
    "MembershipQuerySet",
    "Message",
    "MessageQuerySet",
    "Report",
    "Thread",
    "ThreadQuerySet",
    "WikiPage",
    "WikiRevision",
]
