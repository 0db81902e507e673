{
    "name": "Warranty Service",
    "summary": "Warranty terms, registrations and coverage for serial-numbered units "
    "sold and serviced by vehicle and equipment dealers",
    "version": "18.0.1.0.0",
    "category": "Inventory/Repair",
    "license": "LGPL-3",
    "author": "warranty_service developers",
    "depends": ["repair", "sale_stock", "purchase_stock", "account", "mail"],
    "data": [
        "security/warranty_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "report/warranty_certificate_report.xml",
        "report/repair_act_report.xml",
        "report/loan_agreement_report.xml",
        "views/warranty_registration_views.xml",
        "views/warranty_catalog_views.xml",
        "views/repair_order_views.xml",
        "views/product_template_views.xml",
        "views/stock_lot_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/warranty_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "warranty_service/static/src/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
