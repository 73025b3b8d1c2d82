from django.db.models.fields.files import FieldFile

from tissage.accounts.models import User

from .models import NewsPost


def files(user: User) -> list[FieldFile]:
    """Files the person uploaded: the pictures of their news posts."""
    return [post.image for post in NewsPost.objects.filter(author=user).exclude(image="")]


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
