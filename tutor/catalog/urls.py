from django.urls import path

from tutor.catalog import views

urlpatterns = [
    path("", views.home, name="home"),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
]
