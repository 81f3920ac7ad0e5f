from django.contrib import admin

from tutor.study.models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Learners' reports of problems with questions, for content admins to read and resolve."""

    list_display = ("question", "question_revision", "short_text", "learner", "created_at", "resolved")
    list_filter = ("resolved", "question__module")
    search_fields = ("question__qid", "text")
    readonly_fields = ("learner", "question", "question_revision", "text", "created_at")
    list_editable = ("resolved",)

    @admin.display(description="Report")
    def short_text(self, report: ProblemReport) -> str:
        return report.text[:80] + ("…" if len(report.text) > 80 else "")

    def has_add_permission(self, request):
        return False
