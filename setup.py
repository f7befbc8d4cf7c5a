"""Build hook: ship the top-level templates/ and static/ inside the package, with compiled catalogues.

The design card keeps ``templates/`` and ``static/`` at the top of the repository; an installed
package (``pip install .`` outside the checkout) must still serve pages, so the wheel carries copies
of both under ``conference/`` and the Latvian/English/... catalogues compiled to ``.mo`` files.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithAssets(build_py):
    """Copy templates/ and static/ into the built package and compile the gettext catalogues."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "conference"
        for folder in ("templates", "static"):
            source = ROOT / folder
            if source.is_dir():
                shutil.copytree(source, target / folder, dirs_exist_ok=True)
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in (target / "translations").glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithAssets})
