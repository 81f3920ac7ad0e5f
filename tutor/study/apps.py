from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tutor.study"
    label = "study"
    verbose_name = "Study"
