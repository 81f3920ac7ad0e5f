from django.urls import path

import tutor.web.converters  # noqa: F401  (registers the `id` path converter)
from tutor.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("progress/", views.progress_page, name="progress_dashboard"),
    # Learners (and educators' own list of cohorts)
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/join/", views.cohort_join, name="cohort_join"),
    path("cohorts/<id:cohort_id>/leave/", views.cohort_leave, name="cohort_leave"),
    path("educator/invite/<str:token>/", views.educator_invite, name="educator_invite"),
    # Educators
    path("educator/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("educator/cohorts/<id:cohort_id>/", views.cohort_dashboard, name="cohort_dashboard"),
    path("educator/cohorts/<id:cohort_id>/edit/", views.cohort_edit, name="cohort_edit"),
    path("educator/cohorts/<id:cohort_id>/delete/", views.cohort_delete, name="cohort_delete"),
    path("educator/cohorts/<id:cohort_id>/join-code/", views.cohort_rotate_code, name="cohort_rotate_code"),
    path("educator/cohorts/<id:cohort_id>/learners/<id:learner_id>/", views.cohort_learner, name="cohort_learner"),
    path(
        "educator/cohorts/<id:cohort_id>/learners/<id:learner_id>/remove/",
        views.cohort_remove_learner,
        name="cohort_remove_learner",
    ),
    path("educator/cohorts/<id:cohort_id>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("educator/assignments/<id:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("educator/assignments/<id:assignment_id>/edit/", views.assignment_edit, name="assignment_edit"),
    path("educator/assignments/<id:assignment_id>/delete/", views.assignment_delete, name="assignment_delete"),
    path("educator/assignments/<id:assignment_id>/items/", views.item_analysis, name="item_analysis"),
    path(
        "educator/assignments/<id:assignment_id>/results.csv",
        views.assignment_results_csv,
        name="assignment_results_csv",
    ),
    path(
        "educator/assignments/<id:assignment_id>/ideas/<slug:slug>/assign-practice/",
        views.assign_misconception_practice,
        name="assign_misconception_practice",
    ),
    path("educator/assignments/<id:assignment_id>/items.csv", views.item_analysis_csv, name="item_analysis_csv"),
]
