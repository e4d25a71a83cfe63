"""Packaging: validated datasets built into reproducible Frictionless Data Packages.

Publication manifests (`manifests`), the package build (`build`), the derived progress table
(`progress`, `progress_inputs`) and the charts (`charts`); `templates/` holds the package README.

May import: `validate`, `safety`, `catalogue`, `errors`, `settings`.
"""
