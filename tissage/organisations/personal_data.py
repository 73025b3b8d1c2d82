from tissage.accounts.models import User


def collect(user: User) -> dict[str, object]:
    return {
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role, "since": m.joined_at}
            for m in user.organisation_memberships.select_related("organisation")
        ]
    }
