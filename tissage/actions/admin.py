from django.contrib import admin

from .models import Action, ActionSeries, Registration, Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "starts_at", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RoleInline]
    # Shown, not taken: a cover comes through the site's edit form (core.covers).
    readonly_fields = ["cover"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "action", "role", "status", "companions", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "action__title"]
    raw_id_fields = ["action", "role", "user", "entered_by"]


admin.site.register(ActionSeries)
