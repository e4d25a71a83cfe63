"""Build hook: the wheel carries the bundled definitions, datasets and manifests.

Why: `stoke-opendata` installed from a wheel (not this checkout) must still find schemas/, datasets/,
publish/ and docs/disagreements.md, which live at the repository root beside the package (where stewards
edit them). A regular build copies them into stoke_opendata/_home/ inside the wheel; catalogue/paths.py
looks there when the package is not running from a checkout. An editable install copies nothing: the
checkout itself is the home. STOKE_OPENDATA_HOME overrides both.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("schemas", "datasets", "publish", "docs/disagreements.md")


class BuildWithHome(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        home = Path(self.build_lib) / "stoke_opendata" / "_home"
        shutil.rmtree(home, ignore_errors=True)
        for part in BUNDLED:
            source, target = ROOT / part, home / part
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
            else:
                shutil.copyfile(source, target)


setup(cmdclass={"build_py": BuildWithHome})
