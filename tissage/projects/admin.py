from django.contrib import admin

from .models import NewsPost, Project, ProjectMembership


class TeamInline(admin.TabularInline):
    model = ProjectMembership
    raw_id_fields = ["user"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "updated_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["communes"]
    inlines = [TeamInline]


@admin.register(NewsPost)
class NewsPostAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "author", "published_at"]
    list_select_related = ["project", "author"]
    raw_id_fields = ["author"]
    search_fields = ["title"]
