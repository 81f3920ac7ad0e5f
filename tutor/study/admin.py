from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html_join

from tutor.catalog.models import ItemReview
from tutor.catalog.services import clear_item_review
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


@admin.register(ItemReview)
class ItemReviewAdmin(admin.ModelAdmin):
    """The editors' queue: items that may be flawed, with the figures that flagged them and learners' reports.
    An open item counts against no learner; clearing it brings it back."""

    list_display = ("question", "reason_text", "figures", "raised_at", "open_reports", "cleared_at", "cleared_by")
    list_filter = (("cleared_at", admin.EmptyFieldListFilter), "question__module")
    search_fields = ("question__qid", "question__stem")
    readonly_fields = (
        "question",
        "stem",
        "reasons",
        "statistics",
        "raised_at",
        "cleared_at",
        "cleared_by",
        "reports",
    )
    fields = (*readonly_fields, "editor_note")
    actions = ["clear_reviews"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question", "cleared_by")
            .annotate(
                report_count=Count("question__problem_reports", filter=Q(question__problem_reports__resolved=False))
            )
        )

    @admin.display(description="Why")
    def reason_text(self, review: ItemReview) -> str:
        return review.reason_text

    @admin.display(description="Figures")
    def figures(self, review: ItemReview) -> str:
        return ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in review.statistics.items())

    @admin.display(description="Open reports", ordering="report_count")
    def open_reports(self, review: ItemReview) -> int:
        return review.report_count

    @admin.display(description="Stem")
    def stem(self, review: ItemReview) -> str:
        return review.question.stem

    @admin.display(description="Learners' reports")
    def reports(self, review: ItemReview) -> str:
        rows = ProblemReport.objects.filter(question=review.question).order_by("resolved", "-created_at")[:50]
        return (
            format_html_join(
                "",
                "<p>{} (revision {}{}): {}</p>",
                (
                    (f"{r.created_at:%Y-%m-%d}", r.question_revision, ", resolved" if r.resolved else "", r.text)
                    for r in rows
                ),
            )
            or "None"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Clear: the item counts again")
    def clear_reviews(self, request, queryset):
        cleared = 0
        for review in queryset.filter(cleared_at__isnull=True):
            clear_item_review(editor=request.user, review=review, now=timezone.now())
            cleared += 1
        self.message_user(request, f"{cleared} item(s) cleared; they count again for learners.")

    def save_model(self, request, obj, form, change):
        # Only the editor's note is editable; clearing goes through the action, which checks the editor's rights.
        obj.save(update_fields=["editor_note"])
