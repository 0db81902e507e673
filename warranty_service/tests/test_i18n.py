import re
from collections import Counter

from babel.messages.pofile import read_po
from lxml import etree

from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import TranslationModuleReader

MODULE = "warranty_service"
# What a translation must keep as it is: %(name)s / %s placeholders, {{ expressions }}, {name} fields, XML tags
PLACEHOLDER = re.compile(r"%\([a-zA-Z_0-9]+\)[sdfr]|%[sdfr]|\{\{.*?\}\}|\{[a-z_0-9]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9_\-]*)")


def _read_po(name):
    with file_open(f"{MODULE}/i18n/{name}", "rb") as po_file:
        return read_po(po_file)


def _demo_xmlids():
    """The xml ids the demo files define: their records are examples, not terms of the addon."""
    names = set()
    path = get_module_path(MODULE)
    for demo_file in get_manifest(MODULE).get("demo", []):
        for node in etree.parse(f"{path}/{demo_file}").iter():
            if isinstance(node.tag, str) and node.get("id"):
                xmlid = node.get("id")
                names.add(xmlid if "." in xmlid else f"{MODULE}.{xmlid}")
    return names


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The template is the code's, and Bulgarian translates every term of it."""

    def _code_terms(self):
        """The terms Odoo exports for the addon (what `make i18n` writes into the template), without demo data."""
        demo = _demo_xmlids()
        sources = set()
        for _module, ttype, _name, res_id, source, _value, _comments in TranslationModuleReader(
            self.env.cr, modules=[MODULE]
        ):
            # A demo product.product's template gets the xml id <demo id>_product_template (_inherits)
            if ttype in ("model", "model_terms") and (
                res_id in demo or any(res_id.startswith(f"{xmlid}_") for xmlid in demo)
            ):
                continue
            sources.add(source)
        return sources

    def test_template_up_to_date(self):
        in_code = self._code_terms()
        in_pot = {message.id for message in _read_po(f"{MODULE}.pot") if message.id}
        self.assertGreater(len(in_code), 1000, "the export found the addon's terms")
        missing = "\n  ".join(repr(term) for term in sorted(in_code - in_pot))
        stale = "\n  ".join(repr(term) for term in sorted(in_pot - in_code))
        self.assertFalse(
            missing or stale,
            "warranty_service/i18n/warranty_service.pot is out of date with the code: run `make i18n` and "
            f"translate the new terms.\nNot in the template:\n  {missing}\n"
            f"In the template, not in the code:\n  {stale}",
        )

    def test_bulgarian_complete(self):
        template = [message.id for message in _read_po(f"{MODULE}.pot") if message.id]
        translations = {message.id: message.string for message in _read_po("bg.po") if message.id}
        problems = []
        for msgid in template:
            msgstr = translations.get(msgid)
            if not msgstr or not msgstr.strip():
                problems.append(f"not translated: {msgid!r}")
            elif Counter(PLACEHOLDER.findall(msgid)) != Counter(PLACEHOLDER.findall(msgstr)):
                problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
            elif Counter(TAG.findall(msgid)) != Counter(TAG.findall(msgstr)):
                problems.append(f"tags differ: {msgid!r} -> {msgstr!r}")
        self.assertGreater(len(template), 1000)
        self.assertFalse(problems, "bg.po does not translate the template (run `make i18n`, then translate):\n"
                         + "\n".join(problems))
