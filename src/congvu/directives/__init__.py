"""Directives: read administrative documents (metadata and assigned tasks).

The reader itself is pure Python (:mod:`congvu.directives.extract` and the
:mod:`congvu.directives.reader` package); the CLI and the API wrap it.
"""
