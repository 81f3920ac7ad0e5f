from django.urls import path

from tutor.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
    path("search/", views.search, name="search"),
    path("sources/", views.source_list, name="source_list"),
    # Keys are review numbers ("16"), review sections ("review:discussion") or updates ("upd-mapp1").
    path("sources/<str:key>/", views.source_detail, name="source_detail"),
]
