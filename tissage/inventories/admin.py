from django.contrib import admin

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


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    readonly_fields = ["width", "height"]


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
