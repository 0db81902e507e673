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

# The demo catalogue's names in Bulgarian (translations of translatable names: English stays for English users)
CATALOGUE_BG = {
    "demo_category_units": "Превозни средства и машини",
    "demo_category_parts": "Резервни части",
    "demo_category_supplies": "Сервизни консумативи и инструменти",
    "demo_category_services": "Сервизни услуги",
    "demo_product_van": "Нордтрак товарен бус 3,5 т",
    "demo_product_tractor": "Нордтрак компактен трактор 5100",
    "demo_product_chainsaw": "Нордтрак моторен трион MS250",
    "demo_product_extension": "Нордтрак удължена гаранция +24 месеца",
    "demo_product_labour": "Сервизен труд (час)",
    "demo_part_seal": "Заден семеринг на колянов вал",
    "demo_part_injector": "Горивна дюза",
    "demo_material_cleaner": "Спирачен почистващ препарат (500 мл)",
    "demo_tool_tester": "Диагностичен тестер NT-Diag",
    "demo_part_hose": "Хидравличен маркуч за високо налягане (усилен)",
    "demo_defect_engine_oil_leak": "Теч на двигателно масло при семеринга на коляновия вал",
    "demo_defect_injector": "Повреда на горивна дюза",
    "demo_defect_gearbox": "Износване на синхронизаторите на скоростната кутия",
    "demo_defect_alternator": "Алтернаторът не зарежда",
    "demo_defect_hydraulic_pump": "Спад на налягането на хидравличната помпа",
    "demo_labor_seal": "Смяна на задния семеринг на коляновия вал",
    "demo_labor_injector": "Смяна на една горивна дюза",
    "demo_labor_diagnosis": "Диагностика с тестера на производителя",
    "demo_labor_hose": "Смяна на хидравличния маркуч за високо налягане",
}

if LANG == "bg_BG":
    for name, translation in CATALOGUE_BG.items():
        record = env.ref(f"warranty_service.{name}", raise_if_not_found=False)
        if record:
            # product.product's name is its template's
            record = record.product_tmpl_id if record._name == "product.product" else record
            if record._fields["name"].translate:
                record.update_field_translations("name", {LANG: translation})
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
