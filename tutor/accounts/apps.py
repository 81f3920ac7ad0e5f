from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tutor.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from tutor.accounts import receivers  # noqa: F401
