"""Read-mostly admin: the files under content/ are the source of truth, so catalog rows are browsed, not edited."""

from django.contrib import admin

from tutor.catalog.models import ContentLoad, Misconception, Module, Option, Question, Section, Source


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("order", "anchor", "title", "retired")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OptionInline(admin.TabularInline):
    model = Option
    fields = ("key", "text", "match_text", "numeric_value", "is_correct", "rationale", "misconception")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "order", "retired")
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("qid", "module", "type", "difficulty", "bloom", "vignette", "revision", "retired")
    list_filter = ("module", "type", "difficulty", "bloom", "vignette", "retired")
    search_fields = ("qid", "stem")
    inlines = [OptionInline]


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "title", "certainty")
    list_filter = ("kind", "certainty")
    search_fields = ("key", "title", "note")


@admin.register(Misconception)
class MisconceptionAdmin(ReadOnlyAdmin):
    list_display = ("slug", "label", "module", "corrects", "retired")
    list_filter = ("module", "retired")
    search_fields = ("slug", "label")


@admin.register(ContentLoad)
class ContentLoadAdmin(ReadOnlyAdmin):
    list_display = ("loaded_at", "fingerprint")
