from django.urls import path

from tutor.interop import views

app_name = "interop"

urlpatterns = [
    path("export/anki/", views.anki_export, name="anki_export"),
    path("educator/export/bank/", views.bank_export, name="bank_export"),
    path("educator/cohorts/<int:cohort_id>/import/", views.member_import, name="member_import"),
    path("lti/jwks/", views.lti_jwks, name="lti_jwks"),
    path("lti/login/", views.lti_login, name="lti_login"),
    path("lti/launch/", views.lti_launch, name="lti_launch"),
    path("lti/deep-link/<str:launch_id>/", views.lti_deep_link, name="lti_deep_link"),
]
