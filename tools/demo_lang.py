"""Post-demo step of `WARRANTY_LANG=bg_BG make run`, run by `odoo-bin shell` on the demo database (``env`` given).

The demo dealer as a Bulgarian one: its users work in Bulgarian, its customers are Bulgarian and read their
documents in Bulgarian, it claims from the manufacturer's Bulgarian importer. Safe to run again.
"""
# ruff: noqa: F821  (env is the shell's)
import os

LANG = os.environ.get("WARRANTY_LANG", "bg_BG")

# The demo customers (Odoo's demo companies) renamed to Bulgarian ones
CUSTOMERS = {
    "base.res_partner_2": ("Агрофарм Тракия ООД", "Пловдив"),
    "base.res_partner_3": ("Иван Петров", "Стара Загора"),
    "base.res_partner_4": ("Стройтех Добруджа ЕООД", "Добрич"),
    "base.res_partner_10": ("Мария Георгиева", "Пазарджик"),
    "base.res_partner_12": ("Земеделска кооперация „Изгрев“", "Хасково"),
}
# In Bulgaria the dealer claims from the manufacturer's importer, and buys its parts from it
IMPORTER = {
    "warranty_service.demo_manufacturer": {
        "name": "Нордтрак България ЕООД", "city": "София", "street": "бул. „Цариградско шосе“ 115",
        "email": "garancii@nordtrak.example.bg",
    },
    "warranty_service.demo_vendor_parts": {"name": "Нордтрак България – резервни части", "city": "София"},
}

if LANG == "bg_BG":
    bulgaria = env.ref("base.bg")
    for xmlid, (name, city) in CUSTOMERS.items():
        env.ref(xmlid).write({"name": name, "city": city, "country_id": bulgaria.id, "lang": LANG})
    for xmlid, values in IMPORTER.items():
        env.ref(xmlid).write({**values, "country_id": bulgaria.id, "lang": LANG})
    company = env.ref("base.main_company")
    company.write({"name": "Агромашини Пловдив ООД", "city": "Пловдив", "country_id": bulgaria.id})
    company.partner_id.lang = LANG
# Everyone who logs in works in the language
env["res.users"].with_context(active_test=False).search([("share", "=", False)]).write({"lang": LANG})
env.cr.commit()
print(f"warranty_service: demo set to {LANG}: users, customers and importer; currency {env.company.currency_id.name}")
