from django.urls import path

from tutor.progress import views

app_name = "progress"

urlpatterns = [
    path("progress/scheduler/", views.scheduler_page, name="scheduler_page"),
    path("progress/scheduler/retention/", views.use_retention, name="use_retention"),
    path("progress/export/reviews.csv", views.export_reviews_csv, name="export_reviews_csv"),
    path("progress/export/my-data.json", views.export_json, name="export_json"),
    path("progress/ideas/<slug:slug>/practise/", views.practise_misconception, name="practise_misconception"),
]
