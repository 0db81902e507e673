"""The documentation stays in step: the generated OCA readme matches its fragments, README.md stays short.

Needs no server: `make test` collects it with the end-to-end tests of this folder.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_readme_is_current():
    # The Python running the tests is Odoo's environment, which has docutils
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_readme.py"), "--check"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"run `make readme` and commit the result:\n{result.stdout}{result.stderr}"


def test_readme_md_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 150, f"README.md has {len(lines)} lines: move the details to a page of docs/"
    assert "make test" in "\n".join(lines)
