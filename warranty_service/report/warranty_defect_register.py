from odoo import fields, models, tools

from ..models.repair_order import REPAIR_COVERAGE_SELECTION


class WarrantyDefectRegister(models.Model):
    """Every diagnosed failure: one row per repair and defect code, computed from the repairs."""

    _name = "warranty.defect.register"
    _description = "Defect Register"
    _auto = False
    _order = "date desc"
    _depends = {
        "repair.order": ["product_id", "lot_id", "company_id", "schedule_date", "odometer_km", "warranty_coverage",
                         "is_factory_defect", "causal_part_id", "defect_code_ids", "warranty_registration_id",
                         "labor_line_ids", "state"],
        "warranty.repair.labor": ["hours", "operation_id"],
        "warranty.registration": ["date_start", "manufacturer_id"],
        "stock.valuation.layer": ["value", "stock_move_id"],
        "product.product": ["standard_price", "product_tmpl_id"],
        "stock.move": ["repair_id", "repair_line_type", "state", "product_id"],
        "stock.move.line": ["lot_id", "move_id"],
        "warranty.defect.code": ["category"],
    }

    repair_id = fields.Many2one("repair.order", string="Repair", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", string="Unit", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Model", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Serial Number", readonly=True)
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", readonly=True)
    defect_code_id = fields.Many2one("warranty.defect.code", string="Defect Code", readonly=True)
    defect_category = fields.Selection(
        [
            ("engine", "Engine"),
            ("transmission", "Transmission / Drivetrain"),
            ("electrical", "Electrical / Electronics"),
            ("hydraulic", "Hydraulics"),
            ("chassis", "Chassis / Suspension / Brakes"),
            ("body", "Body / Paint / Trim"),
            ("other", "Other"),
        ],
        string="Category",
        readonly=True,
    )
    causal_part_id = fields.Many2one("product.product", string="Causal Part", readonly=True)
    causal_lot_id = fields.Many2one("stock.lot", string="Causal Part Batch", readonly=True,
                                    help="The lot or serial of the replaced causal part, where it is tracked.")
    is_factory_defect = fields.Boolean(string="Factory Defect", readonly=True)
    coverage = fields.Selection(REPAIR_COVERAGE_SELECTION, readonly=True)
    days_in_service = fields.Integer(string="Days Since Warranty Start", readonly=True, aggregator="avg")
    odometer_km = fields.Integer(string="Odometer (km)", readonly=True, aggregator="avg")
    cost_parts = fields.Monetary(string="Parts Cost", readonly=True)
    cost_labor = fields.Monetary(string="Labour Cost", readonly=True)
    cost_total = fields.Monetary(string="Cost", readonly=True)
    failure_count = fields.Integer(string="Failures", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Costs are shared evenly among the defect codes of a repair so that sums stay right
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW warranty_defect_register AS (
                WITH parts AS (
                    SELECT move.repair_id, -SUM(layer.value) AS cost
                      FROM stock_move move
                      JOIN stock_valuation_layer layer ON layer.stock_move_id = move.id
                     WHERE move.repair_id IS NOT NULL AND move.repair_line_type = 'add' AND move.state = 'done'
                     GROUP BY move.repair_id
                ), labor AS (
                    SELECT line.repair_id,
                           SUM(line.hours
                               * COALESCE((labour.standard_price ->> repair.company_id::text)::numeric, 0)) AS cost
                      FROM warranty_repair_labor line
                      JOIN repair_order repair ON repair.id = line.repair_id
                      JOIN warranty_labor_operation operation ON operation.id = line.operation_id
                      JOIN product_product labour ON labour.id = operation.product_id
                     GROUP BY line.repair_id
                ), codes AS (
                    SELECT repair_order_id AS repair_id, COUNT(*) AS n
                      FROM repair_order_warranty_defect_code_rel GROUP BY repair_order_id
                ), causal_lots AS (
                    SELECT move.repair_id, MIN(ml.lot_id) AS lot_id
                      FROM stock_move move
                      JOIN repair_order repair ON repair.id = move.repair_id AND repair.causal_part_id = move.product_id
                      JOIN stock_move_line ml ON ml.move_id = move.id
                     WHERE ml.lot_id IS NOT NULL
                     GROUP BY move.repair_id
                )
                -- A stable id: the same repair and defect code always give the same row
                SELECT repair.id::bigint * 1000000 + rel.warranty_defect_code_id AS id,
                       repair.id AS repair_id,
                       repair.company_id,
                       company.currency_id,
                       repair.schedule_date::date AS date,
                       repair.product_id,
                       product.product_tmpl_id,
                       repair.lot_id,
                       COALESCE(registration.manufacturer_id, template.warranty_manufacturer_id) AS manufacturer_id,
                       rel.warranty_defect_code_id AS defect_code_id,
                       defect.category AS defect_category,
                       repair.causal_part_id,
                       causal_lots.lot_id AS causal_lot_id,
                       COALESCE(repair.is_factory_defect, false) AS is_factory_defect,
                       repair.warranty_coverage AS coverage,
                       (repair.schedule_date::date - registration.date_start) AS days_in_service,
                       repair.odometer_km,
                       COALESCE(parts.cost, 0) / codes.n AS cost_parts,
                       COALESCE(labor.cost, 0) / codes.n AS cost_labor,
                       (COALESCE(parts.cost, 0) + COALESCE(labor.cost, 0)) / codes.n AS cost_total,
                       1 AS failure_count
                  FROM repair_order repair
                  JOIN repair_order_warranty_defect_code_rel rel ON rel.repair_order_id = repair.id
                  JOIN warranty_defect_code defect ON defect.id = rel.warranty_defect_code_id
                  JOIN codes ON codes.repair_id = repair.id
                  JOIN res_company company ON company.id = repair.company_id
                  LEFT JOIN product_product product ON product.id = repair.product_id
                  LEFT JOIN product_template template ON template.id = product.product_tmpl_id
                  LEFT JOIN warranty_registration registration ON registration.id = repair.warranty_registration_id
                  LEFT JOIN parts ON parts.repair_id = repair.id
                  LEFT JOIN labor ON labor.repair_id = repair.id
                  LEFT JOIN causal_lots ON causal_lots.repair_id = repair.id
                 WHERE repair.state != 'cancel'
            )
        """)
