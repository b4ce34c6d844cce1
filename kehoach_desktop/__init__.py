"""Kế hoạch Desktop: district propaganda plans for Hanoi's yearly socio-economic plan."""

__version__ = "0.1.0"
APP_NAME = "Kế hoạch Desktop"
APP_ID = "KeHoachDesktop"
