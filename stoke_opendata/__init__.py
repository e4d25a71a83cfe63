"""stoke-opendata: publish the data that shows where Stoke-on-Trent starts from and whether it is making progress.

The Python API (docs/python.md): validate_data, accept_submission, build_packages, publish_packages, download_dataset,
pandera_schema, problems_from_pandera, Report, Problem. They are loaded on first use (module __getattr__), so `import stoke_opendata` imports no
polars, pandas, pandera or matplotlib, and the CLI's start-up does not pay for them.
"""

__version__ = "0.1.0"

_API = ("validate_data", "accept_submission", "build_packages", "publish_packages", "download_dataset", "pandera_schema", "problems_from_pandera", "Report", "Problem")
__all__ = ["__version__", *_API]


def __getattr__(name):
    if name in _API:
        # by name, at first use: every layer imports this module (for __version__), and the API sits above
        # them all (cli > api > portal ...), so a static import here would read as a cycle to the contract
        import importlib

        return getattr(importlib.import_module("stoke_opendata.api"), name)
    raise AttributeError(f"module 'stoke_opendata' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_API])
