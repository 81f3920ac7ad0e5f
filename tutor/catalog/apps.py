from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tutor.catalog"
    label = "catalog"
    verbose_name = "Catalog"
