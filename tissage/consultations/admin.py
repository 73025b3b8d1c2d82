from django.contrib import admin

from .models import Category, Comment, Consultation, Proposal


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "opens_on", "closes_on", "published"]
    list_select_related = ["project"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CategoryInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "consultation", "part", "status", "answer_status", "support_count"]
    list_select_related = ["consultation"]
    list_filter = ["part", "status", "answer_status"]
    search_fields = ["title"]
    raw_id_fields = ["author", "entered_by", "answered_by", "commune", "category"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["proposal", "author", "status", "created_at", "report_count"]
    list_select_related = ["proposal", "author"]
    raw_id_fields = ["proposal", "parent", "author"]
