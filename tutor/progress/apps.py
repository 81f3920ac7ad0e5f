from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "tutor.progress"
    label = "progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from tutor.progress import receivers  # noqa: F401  (connects the study loop's signals)
