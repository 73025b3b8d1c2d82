from django.db.models.fields.files import FieldFile
from django.utils import timezone

from tissage.accounts.models import User

from .models import Contribution, Photo


def collect(user: User) -> dict[str, object]:
    return {
        "inventory_contributions": [
            {
                "campaign": item.campaign.title,
                "category": item.category.name,
                "title": item.title,
                "description": item.description,
                "answers": item.values,
                "longitude": item.longitude,
                "latitude": item.latitude,
                "status": item.status,
                "licence": item.licence,
                "created_at": item.created_at,
                "photos": [photo.image.name for photo in item.photos.all()],
            }
            for item in Contribution.objects.filter(contributor=user)
            .select_related("campaign", "category")
            .prefetch_related("photos")
        ]
    }


def files(user: User) -> list[FieldFile]:
    """The photos of the person's contributions."""
    return [photo.image for photo in Photo.objects.filter(contribution__contributor=user)]


def forget(user: User) -> None:
    """Before the account is deleted: the items stay (credited to "a former
    participant"), without the name and address given with them. Their public credit
    changes: `updated_at` says so to the open API's pollers (`updated_since`)."""
    Contribution.objects.filter(contributor=user).update(
        contributor_name="", contributor_email="", updated_at=timezone.now()
    )
