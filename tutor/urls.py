from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "MDMA-AT Tutor administration"
admin.site.site_title = "MDMA-AT Tutor admin"

urlpatterns = [
    path("", include("tutor.catalog.urls")),
    path("", include("tutor.study.urls")),
    path("", include("tutor.progress.urls")),
    path("", include("tutor.cohorts.urls")),
    path("", include("tutor.interop.urls")),
    path("account/", include("tutor.accounts.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "tutor.web.errors.bad_request"
handler403 = "tutor.web.errors.permission_denied"
handler404 = "tutor.web.errors.page_not_found"
handler500 = "tutor.web.errors.server_error"
