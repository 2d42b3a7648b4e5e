from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataassetsConfig(AppConfig):
    name = "dataassets"
    verbose_name = _("数据资源")
