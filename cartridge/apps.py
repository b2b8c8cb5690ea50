from django.apps import AppConfig


class CartridgeConfig(AppConfig):
    name = "cartridge"
    verbose_name = "Common Cartridge export"
