from django.urls import path

from tutor.cohorts import views

urlpatterns = [
    path("progress/", views.progress_page, name="progress_dashboard"),
    # Learners (and educators' own list of cohorts)
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/join/", views.cohort_join, name="cohort_join"),
    path("cohorts/<int:cohort_id>/leave/", views.cohort_leave, name="cohort_leave"),
    path("educator/invite/<str:token>/", views.educator_invite, name="educator_invite"),
    # Educators
    path("educator/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("educator/cohorts/<int:cohort_id>/", views.cohort_dashboard, name="cohort_dashboard"),
    path("educator/cohorts/<int:cohort_id>/edit/", views.cohort_edit, name="cohort_edit"),
    path("educator/cohorts/<int:cohort_id>/delete/", views.cohort_delete, name="cohort_delete"),
    path("educator/cohorts/<int:cohort_id>/join-code/", views.cohort_rotate_code, name="cohort_rotate_code"),
    path("educator/cohorts/<int:cohort_id>/learners/<int:learner_id>/", views.cohort_learner, name="cohort_learner"),
    path(
        "educator/cohorts/<int:cohort_id>/learners/<int:learner_id>/remove/",
        views.cohort_remove_learner,
        name="cohort_remove_learner",
    ),
    path("educator/cohorts/<int:cohort_id>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("educator/assignments/<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("educator/assignments/<int:assignment_id>/edit/", views.assignment_edit, name="assignment_edit"),
    path("educator/assignments/<int:assignment_id>/delete/", views.assignment_delete, name="assignment_delete"),
    path("educator/assignments/<int:assignment_id>/items/", views.item_analysis, name="item_analysis"),
    path(
        "educator/assignments/<int:assignment_id>/results.csv",
        views.assignment_results_csv,
        name="assignment_results_csv",
    ),
    path(
        "educator/assignments/<int:assignment_id>/ideas/<slug:slug>/assign-practice/",
        views.assign_misconception_practice,
        name="assign_misconception_practice",
    ),
    path("educator/assignments/<int:assignment_id>/items.csv", views.item_analysis_csv, name="item_analysis_csv"),
]
