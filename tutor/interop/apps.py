from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "tutor.interop"
    label = "interop"
    verbose_name = "Interoperability (Anki, LMS exports, LTI)"

    def ready(self) -> None:
        # The grade passback listens for completions recorded by the cohorts app.
        from tutor.interop import receivers  # noqa: F401
