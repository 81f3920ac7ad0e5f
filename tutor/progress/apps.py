from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "tutor.progress"
    label = "progress"
    verbose_name = "Progress"
