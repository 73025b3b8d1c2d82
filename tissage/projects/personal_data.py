from tissage.accounts.models import User


def collect(user: User) -> dict[str, object]:
    return {
        "projects": [
            {"project": m.project.title, "role": m.role, "since": m.joined_at}
            for m in user.project_memberships.select_related("project")
        ],
        "news_posts": [
            {
                "project": p.project.title,
                "title": p.title,
                "text": p.body,
                "published_at": p.published_at,
                "picture": p.image.name or None,
            }
            for p in user.news_posts.select_related("project")
        ],
    }
