"""Previews on the portal: a table preview (datatables view) for each table loaded into the DataStore, and an
image view for each image, so a person opening a resource sees its content instead of "There are no views
created for this resource yet". Created by `publish` where the portal offers the view plugins; a portal
without them is told once and publishing goes on.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

TABLE_VIEW = "datatables_view"
IMAGE_VIEW = "image_view"


def wanted_view(resource: dict, tabular: bool) -> str | None:
    """The view type a resource should have (None: no preview applies)."""
    if tabular:
        return TABLE_VIEW
    if str(resource.get("mimetype") or "").startswith("image/"):
        return IMAGE_VIEW
    return None


def available_views(client: Any) -> set[str]:
    """The view plugins the portal runs (from status_show's list of extensions)."""
    status = client.action("status_show")
    return {name for name in status.get("extensions") or [] if name in (TABLE_VIEW, IMAGE_VIEW)}


def ensure_views(client: Any, resources: Iterable[tuple[dict, bool]], available: set[str],
                 log: Callable[[str], None] = lambda s: None) -> int:
    """Create the missing preview of each (resource, is-table) pair; returns how many were created."""
    created = 0
    for resource, tabular in resources:
        view = wanted_view(resource, tabular)
        if view is None or view not in available:
            continue
        existing = client.action("resource_view_list", id=resource["id"])
        if any(v.get("view_type") == view for v in existing):
            continue
        fields = {"resource_id": resource["id"], "view_type": view,
                  "title": "Table preview" if view == TABLE_VIEW else "Image"}
        if view == IMAGE_VIEW:
            fields["image_url"] = resource.get("url") or ""
        client.action("resource_view_create", **fields)
        created += 1
        log(f"{resource.get('name')}: {view} created")
    return created
