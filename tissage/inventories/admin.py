from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Campaign, CampaignField, Category, Contribution, ContributionEvent, Photo


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class FieldInline(admin.StackedInline):
    model = CampaignField
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "starts_on", "ends_on", "licence"]
    list_select_related = ["project"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["communes"]
    inlines = [CategoryInline, FieldInline]
    # Shown, not taken: a cover comes through the site's edit form (core.covers).
    readonly_fields = ["cover"]


class PhotoInline(admin.TabularInline):
    """An item's photos, shown; their credit and order may change, a photo may go. No file
    is taken here: every photo comes through the contribution forms, which make it and its
    thumbnail from the pixels alone (core.photos) — a file sent here would have kept its
    GPS position and its full size, beside a thumbnail of another picture."""

    model = Photo
    extra = 0
    fields = ["picture", "width", "height", "credit", "position"]
    readonly_fields = ["picture", "width", "height"]

    def has_add_permission(self, request: HttpRequest, obj: Contribution | None = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def picture(self, photo: Photo) -> str:
        # Through `image_url`: an unpublished item's photo is a private file, which only
        # the app's view serves (core/files.py).
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="120"></a>',
            photo.image_url,
            photo.thumbnail_url,
        )


class EventInline(admin.TabularInline):
    model = ContributionEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "actor",
        "actor_name",
        "from_status",
        "to_status",
        "message",
        "created_at",
    ]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "category", "commune", "status", "created_at"]
    list_filter = ["status", "campaign"]
    list_select_related = ["campaign", "category", "commune"]
    search_fields = ["title", "contributor_name", "contributor_email"]
    raw_id_fields = ["contributor", "entered_by", "commune"]
    inlines = [PhotoInline, EventInline]
