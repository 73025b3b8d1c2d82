from django.contrib import admin

from .models import (
    Collective,
    CollectiveMembership,
    InboundMail,
    Initiative,
    MemberBounce,
    Message,
    Thread,
    WikiPage,
)


class MembershipInline(admin.TabularInline):
    model = CollectiveMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "status", "delivery", "delivery_suspended_at", "trusted", "joined_at"]
    readonly_fields = ["joined_at", "delivery_suspended_at"]


@admin.register(Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation", "admission", "archive_visibility"]
    list_filter = ["admission", "archive_visibility"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["organisation", "project"]
    filter_horizontal = ["communes"]
    inlines = [MembershipInline]
    # Shown, not taken: a cover comes through the site's edit form (core.covers).
    readonly_fields = ["cover"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["subject", "collective", "published_count", "last_message_at"]
    search_fields = ["subject"]
    list_select_related = ["collective"]
    raw_id_fields = ["collective", "started_by"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "collective", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["author_name", "thread__subject"]
    list_select_related = ["thread", "collective"]
    raw_id_fields = ["thread", "collective", "parent", "author", "moderated_by"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "sender",
        "recipient",
        "status",
        "reason",
        "verification",
        "received_at",
    ]
    list_filter = ["status", "reason", "verification"]
    search_fields = ["subject", "sender", "recipient"]
    list_select_related = ["collective"]

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False


@admin.register(MemberBounce)
class MemberBounceAdmin(admin.ModelAdmin):
    """Delivery failures of members' list mail (read-only: the member resumes on the
    site, which forgets them)."""

    list_display = ["membership", "permanent", "status", "diagnostic", "received_at"]
    list_filter = ["permanent"]
    list_select_related = ["membership__user", "membership__collective"]
    raw_id_fields = ["membership", "mail"]

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False


@admin.register(WikiPage)
class WikiPageAdmin(admin.ModelAdmin):
    list_display = ["title", "collective", "is_hub", "revision_count", "updated_at"]
    search_fields = ["title"]
    list_select_related = ["collective", "current"]
    raw_id_fields = ["collective", "current"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "collective", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["collective"]
    raw_id_fields = ["collective", "commune", "proposed_by", "thread", "project"]
