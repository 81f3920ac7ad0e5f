from django.urls import path

import tutor.web.converters  # noqa: F401  (registers the `id` path converter)
from tutor.study import views

app_name = "study"

urlpatterns = [
    path("study/", views.study, name="study"),
    path("study/answer/", views.study_answer, name="study_answer"),
    path("study/answers/<id:log_id>/", views.study_feedback, name="study_feedback"),
    path("study/answers/<id:log_id>/rating/", views.change_rating, name="change_rating"),
    path("study/settings/", views.study_settings, name="study_settings"),
    path("study/settings/new-per-day/", views.raise_new_per_day, name="raise_new_per_day"),
    path("questions/<slug:qid>/", views.question_detail, name="question_detail"),
    path("questions/<slug:qid>/flag/", views.flag_question, name="flag_question"),
    path("questions/<slug:qid>/report/", views.report_problem, name="report_problem"),
    path("flagged/", views.flagged, name="flagged"),
    path("flagged/practise/", views.practise_flagged, name="practise_flagged"),
    path("missed/", views.missed, name="missed"),
    path("missed/practise/", views.practise_missed, name="practise_missed"),
    path("practice/", views.practice, name="practice"),
    path("practice/<id:test_id>/", views.practice_test, name="practice_test"),
    path("practice/<id:test_id>/answer/", views.practice_answer, name="practice_answer"),
    path("practice/<id:test_id>/questions/<id:position>/", views.practice_item, name="practice_item"),
    path("practice/<id:test_id>/finish/", views.practice_finish, name="practice_finish"),
    path("practice/<id:test_id>/results/", views.practice_review, name="practice_review"),
]
