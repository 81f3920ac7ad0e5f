from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "tutor.study"
    label = "study"
    verbose_name = "Study"

    def ready(self) -> None:
        from tutor.study import receivers  # noqa: F401  (connects the catalog's and its own signals)
