"""Serializer pieces that name regions the way other government systems know them: by official code, with the
name and the path of names added on read (DESIGN §10). The names come from the per-process region directory
(``accounts.selectors.region_directory``): no query per page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

from accounts.models import Region


def region_path_names(regions: Iterable[Region]) -> dict[str, str]:
    """``{path: "上海市 / 浦东新区 / 东明路街道"}`` for the given regions, from the per-process region directory
    (no query)."""
    from accounts.selectors import region_directory

    names = region_directory().names
    return {r.path: " / ".join(names.get(code, code) for code in r.ancestor_codes) for r in regions if r is not None}


class RegionCodeField(serializers.SlugRelatedField):
    """Takes and returns a region's 12-digit code. Writes are limited to regions visible to the caller."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": "区划代码 {value} 不存在或不在您的管辖范围内。", "invalid": "区划代码无效。"},
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user) if request is not None else queryset.none()


class PathNamesListSerializer(serializers.ListSerializer):
    """Computes the path of names of every region on the page (no query) before rendering the items."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["region_path_names"] = region_path_names(self.child.regions_of(items))
        return super().to_representation(items)


class RegionNamingMixin(serializers.Serializer):
    """For a serializer of objects owned by a region: adds ``region_name`` and ``region_path``.

    ``region_attr`` names the attribute that holds the owning region (``"region"`` by default, ``None`` for the
    Region serializer itself)."""

    region_attr: str | None = "region"

    region_name = serializers.SerializerMethodField()
    region_path = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = PathNamesListSerializer

    def regions_of(self, items: Iterable[Any]) -> list[Region]:
        return [self._region(item) for item in items]

    def _region(self, obj: Any) -> Region:
        return obj if self.region_attr is None else getattr(obj, self.region_attr)

    def get_region_name(self, obj: Any) -> str | None:
        region = self._region(obj)
        return region.name if region is not None else None

    def get_region_path(self, obj: Any) -> str | None:
        region = self._region(obj)
        if region is None:
            return None
        names = self.context.get("region_path_names")
        if names is None or region.path not in names:
            names = self.context["region_path_names"] = {**(names or {}), **region_path_names([region])}
        return names[region.path]
