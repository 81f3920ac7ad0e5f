from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "tutor.cohorts"
    label = "cohorts"
    verbose_name = "Cohorts"
