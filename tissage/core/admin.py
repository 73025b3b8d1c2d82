from django.contrib import admin
from django.http import HttpRequest

from .models import OutgoingEmail, SiteIdentity, Worker


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    # Everything but the parts that hold secrets until delivery: the admin shows the stored
    # copy, where a sign-in code or link is hidden, even while the email waits to be sent.
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields if f.name != "unredacted"]


def _superusers_only(request) -> bool:  # type: ignore[no-untyped-def]
    """The Django admin is for superusers; everyone else uses the site's own pages."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.site_header = "Tissage"


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    list_display = ["territory", "tagline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One identity: once it exists, it is edited, not added.
        return not SiteIdentity.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    """The running `tissage worker` processes, as they last said (core.workers): for a
    look, never for editing."""

    list_display = ["id", "host", "pid", "started_at", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
