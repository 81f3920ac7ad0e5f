from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "tutor.cohorts"
    label = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        from tutor.cohorts import receivers  # noqa: F401  (connects the study loop's signals)
