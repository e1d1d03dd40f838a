"""The staff home page is a work queue.  Apps contribute panels here.

A provider is a dotted path to ``f(request) -> dict | None`` returning
``{"title": str, "items": [{"label", "url", "due": date|None, "overdue": bool, "marks": [str]}],
"more_url": str|None, "due_label": str (optional: the date column's header, default "Hạn xử lý")}``.
Providers of apps that are not installed are skipped.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

PROVIDERS: list[str] = [
    "congvu.documents.selectors.workqueue_panel",
    "congvu.directives.selectors.workqueue_panel",
    "congvu.workforce.selectors.workqueue_panel",
]


def panels(request) -> list[dict]:
    out = []
    for dotted in PROVIDERS:
        module_name, func_name = dotted.rsplit(".", 1)
        app_label = module_name.split(".")[1]
        if not apps.is_installed(f"congvu.{app_label}"):
            continue
        try:
            func = getattr(import_module(module_name), func_name)
        except (ImportError, AttributeError):
            continue
        panel = func(request)
        if panel:
            out.append(panel)
    return out
