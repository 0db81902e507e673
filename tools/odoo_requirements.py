"""Print Odoo's pinned requirements, resolved for the Python >= 3.12 pin set.

Odoo 18.0 pins, for Python 3.11, versions that no longer build from source
(cryptography 3.4.8, gevent 22.10.2, ...). Its pin set for Python >= 3.12
installs on 3.11 with binary wheels, so the markers are evaluated as if the
interpreter were 3.12 while keeping the real platform.
"""
import sys

from pip._vendor.packaging.markers import default_environment
from pip._vendor.packaging.requirements import Requirement


def resolve(path, python_version="3.12"):
    env = default_environment()
    env.update(python_version=python_version, python_full_version=python_version + ".0")
    pins = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(env):
                continue
            requirement.marker = None
            pins.append(str(requirement))
    return pins


if __name__ == "__main__":
    print("\n".join(resolve(sys.argv[1])))
