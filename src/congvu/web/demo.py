"""Demo data loaders of every installed app, run by ``congvu demo`` in this order."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

LOADERS: list[str] = [
    "congvu.org.demo.load",
    "congvu.signing.demo.load",  # before documents: the demo documents are approved and issued with signatures
    "congvu.documents.demo.load",
    "congvu.directives.demo.load",
    "congvu.workforce.demo.load",
]


def load_all(stdout=None) -> dict[str, dict]:
    results = {}
    for dotted in LOADERS:
        module_name, func_name = dotted.rsplit(".", 1)
        app = ".".join(module_name.split(".")[:2])
        if not apps.is_installed(app):
            continue
        try:
            func = getattr(import_module(module_name), func_name)
        except (ImportError, AttributeError):
            continue
        results[app] = func() or {}
        if stdout is not None:
            stdout.write(f"  {app}: {results[app]}")
    return results
