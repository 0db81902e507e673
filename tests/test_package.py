"""The addon as a Python package, the way OCA addons are installed: a wheel built with whool
(warranty_service/pyproject.toml), installed with pip into a throwaway virtual environment, and found
by Odoo there without an addons path entry for this repository.

Needs no server: it builds, installs and asks Odoo's own module loader.
"""
import ast
import json
import os
import pathlib
import subprocess
import sys
import sysconfig
import zipfile

import pytest

ADDON_DIR = pathlib.Path(__file__).resolve().parent.parent / "warranty_service"
ODOO_SRC = pathlib.Path(os.environ.get("ODOO_SRC", "/opt/odoo"))

# Run inside the throwaway environment: Odoo's loader, given only core's addons paths, must find the addon
# where pip put it (odoo/addons/ of the environment's site-packages) and import it.
FIND_ADDON = """
import json, sys
import odoo
from odoo.modules import module
from odoo.tools import config
config.parse_config(["--addons-path=" + sys.argv[1]])
module.initialize_sys_path()
import odoo.addons.warranty_service as addon
manifest = module.get_manifest("warranty_service")
print(json.dumps({
    "path": module.get_module_path("warranty_service"),
    "imported_from": addon.__file__,
    "listed": "warranty_service" in module.get_modules(),
    "version": manifest["version"],
    "depends": manifest["depends"],
}))
"""


def run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # The build backend is the pinned whool of requirements.txt, already in this environment: no download
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out),
        str(ADDON_DIR))
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_is_an_odoo_addon_distribution(wheel):
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_warranty_service-{manifest['version']}")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert "odoo/addons/warranty_service/__manifest__.py" in names
    # Data files, translations and assets travel with the code
    assert "odoo/addons/warranty_service/security/ir.model.access.csv" in names
    assert "odoo/addons/warranty_service/i18n/bg.po" in names
    assert any(n.startswith("odoo/addons/warranty_service/static/src/") for n in names)
    assert "Name: odoo-addon-warranty_service" in metadata
    assert "Requires-Dist: odoo==18.0.*" in metadata


def test_wheel_installs_and_odoo_finds_it(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    # The throwaway environment sees Odoo's source and its requirements (this environment's site-packages)
    # through a .pth file, as a deployment would have them installed; the addon itself only through pip.
    site = pathlib.Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (site / "odoo_host.pth").write_text(f"{ODOO_SRC}\n{sysconfig.get_paths()['purelib']}\n")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel))
    assert (site / "odoo" / "addons" / "warranty_service" / "__manifest__.py").is_file()

    core_paths = f"{ODOO_SRC / 'addons'},{ODOO_SRC / 'odoo' / 'addons'}"
    found = json.loads(run(python, "-c", FIND_ADDON, core_paths, cwd=tmp_path).strip().splitlines()[-1])
    installed = str(site / "odoo" / "addons" / "warranty_service")
    assert found["path"] == installed
    assert found["imported_from"].startswith(installed)
    assert found["listed"]
    assert "repair" in found["depends"]
