from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

COMPONENT_KIND_SELECTION = [
    ("basic", "Basic"),
    ("powertrain", "Powertrain"),
    ("corrosion", "Corrosion"),
    ("emissions", "Emissions"),
    ("traction_battery", "Traction Battery"),
    ("other", "Other"),
]


class WarrantyCoverageComponent(models.Model):
    """One component of a manufacturer's warranty programme: what it covers and for how long.

    A component applies to the units of a product, of a product category (and its subcategories) or of a
    manufacturer; the scope fields that are set must all match. For one code, the most specific component
    that applies wins (product, then the deepest category, then the manufacturer), so a product can
    override its manufacturer's programme. Its limits run whichever comes first; 0 means no limit.
    """

    _name = "warranty.coverage.component"
    _description = "Warranty Coverage Component"
    _order = "sequence, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True, help="The programme's code of this component, e.g. PT5 or EMIS8.")
    kind = fields.Selection(COMPONENT_KIND_SELECTION, required=True, default="basic")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )
    # Scope: the units it applies to
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", index="btree_not_null", check_company=True, ondelete="cascade",
        domain="[('tracking', '=', 'serial')]",
    )
    product_categ_id = fields.Many2one(
        "product.category", string="Product Category", index="btree_not_null", ondelete="restrict",
        help="Applies to the products of this category and of its subcategories.",
    )
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", index="btree_not_null", check_company=True, ondelete="restrict",
        help="Applies to the products whose warranty manufacturer this is (a manufacturer's programme).",
    )
    # Limits, whichever comes first
    months = fields.Integer(help="Months from delivery. 0 means no time limit.")
    limit_km = fields.Integer(string="Limit (km)", help="Odometer reading it ends at. 0 means no limit.")
    limit_hours = fields.Integer(string="Limit (hours)", help="Engine hours it ends at. 0 means no limit.")
    broken_meter_hours_per_day = fields.Float(
        string="Hours per Day if Meter Broken", digits=(16, 1),
        help="When the hour meter is broken, the engine hours are estimated as this many hours per calendar "
        "day since delivery (e.g. 12). 0: a broken meter gets no estimate.",
    )
    # What it covers: nothing listed means everything
    covered_categ_ids = fields.Many2many(
        "product.category", "warranty_coverage_component_categ_rel", "component_id", "categ_id",
        string="Covered Part Categories",
    )
    covered_product_ids = fields.Many2many(
        "product.product", "warranty_coverage_component_product_rel", "component_id", "product_id",
        string="Covered Parts", check_company=True,
    )
    defect_code_ids = fields.Many2many(
        "warranty.defect.code", "warranty_coverage_component_defect_code_rel", "component_id", "defect_code_id",
        string="Covered Defect Codes", check_company=True,
    )
    # Later owners: a programme may give a second owner less than the first
    later_owner_terms = fields.Boolean(
        string="Other Terms for Later Owners",
        help="After an ownership transfer, the limits for later owners below apply instead of the ones above.",
    )
    later_owner_months = fields.Integer(string="Later Owners: Months", help="0 means no time limit.")
    later_owner_limit_km = fields.Integer(string="Later Owners: Limit (km)", help="0 means no limit.")
    later_owner_limit_hours = fields.Integer(string="Later Owners: Limit (hours)", help="0 means no limit.")

    _sql_constraints = [
        (
            "limits_positive",
            "CHECK(months >= 0 AND limit_km >= 0 AND limit_hours >= 0 AND later_owner_months >= 0 "
            "AND later_owner_limit_km >= 0 AND later_owner_limit_hours >= 0 AND broken_meter_hours_per_day >= 0 "
            "AND broken_meter_hours_per_day <= 24)",
            "A coverage component's limits cannot be negative (enter 0 for no limit), nor its hours per day "
            "above 24.",
        ),
        (
            "scope_set",
            "CHECK(product_tmpl_id IS NOT NULL OR product_categ_id IS NOT NULL OR manufacturer_id IS NOT NULL)",
            "A coverage component applies to a product, a product category or a manufacturer: set at least one.",
        ),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for component in self:
            component.display_name = f"[{component.code}] {component.name}" if component.code else component.name

    @api.constrains(
        "months", "limit_km", "limit_hours", "later_owner_months", "later_owner_limit_km", "later_owner_limit_hours",
        "broken_meter_hours_per_day", "product_tmpl_id", "product_categ_id", "manufacturer_id",
    )
    def _check_limits(self):
        # The SQL constraints say the same, raised before the flush with the component's name
        for component in self:
            limits = (component.months, component.limit_km, component.limit_hours, component.later_owner_months,
                      component.later_owner_limit_km, component.later_owner_limit_hours)
            if any(limit < 0 for limit in limits):
                raise ValidationError(_(
                    "The limits of coverage component %(component)s cannot be negative: enter 0 for no limit.",
                    component=component.display_name,
                ))
            if not 0 <= component.broken_meter_hours_per_day <= 24:
                raise ValidationError(_(
                    "The hours per day of coverage component %(component)s must be between 0 and 24.",
                    component=component.display_name,
                ))
            if not (component.months or component.limit_km or component.limit_hours):
                raise ValidationError(_(
                    "Coverage component %(component)s needs at least one limit: months, kilometres or engine hours.",
                    component=component.display_name,
                ))
            if not (component.product_tmpl_id or component.product_categ_id or component.manufacturer_id):
                raise ValidationError(_(
                    "Coverage component %(component)s applies to a product, a product category or a manufacturer: "
                    "set at least one.",
                    component=component.display_name,
                ))

    @api.constrains("code", "company_id", "product_tmpl_id", "product_categ_id", "manufacturer_id", "active")
    def _check_no_overlap(self):
        active = self.filtered("active")
        if not active:
            return
        # One search for the batch. sudo: another user's components of the company count too
        others = self.sudo().search_fetch(
            [("code", "in", active.mapped("code")), ("company_id", "in", active.company_id.ids)],
            ["code", "company_id", "product_tmpl_id", "product_categ_id", "manufacturer_id", "name"],
        )
        for component in active:
            clash = others.filtered(
                lambda other, c=component: other.id != c.id and other.code == c.code
                and other.company_id == c.company_id and other.product_tmpl_id == c.product_tmpl_id
                and other.product_categ_id == c.product_categ_id and other.manufacturer_id == c.manufacturer_id
            )[:1]
            if clash:
                raise ValidationError(_(
                    "Coverage component %(component)s overlaps %(other)s: both have the code %(code)s for the same "
                    "product, category and manufacturer. Change the code or the scope of one of them.",
                    component=component.name, other=clash.display_name, code=component.code,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        components = super().create(vals_list)
        self.env.registry.clear_cache()
        return components

    def write(self, vals):
        result = super().write(vals)
        if {"active", "company_id", "product_tmpl_id", "product_categ_id", "manufacturer_id", "code"} & vals.keys():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache()
    def _get_scope_index(self):
        """((id, company id, template id, category id, manufacturer id, code), ...) of every active component.

        Cached: a delivery asks which components apply to its units, and a database without any (or with
        few) must not pay a query per delivery for it. Cleared when a component's scope changes.
        """
        # sudo: the index serves every user's deliveries; the record rules apply when the lines are read
        components = self.sudo().with_context(active_test=True).search_fetch(
            [], ["company_id", "product_tmpl_id", "product_categ_id", "manufacturer_id", "code"], order="id",
        )
        return tuple(
            (c.id, c.company_id.id, c.product_tmpl_id.id, c.product_categ_id.id, c.manufacturer_id.id, c.code)
            for c in components
        )

    @api.model
    def _find_for_products(self, products, company):
        """{product: components} of the components that apply to the units of ``products`` in ``company``.

        For one code, only the most specific component applies: the product's, then the deepest
        category's, then the manufacturer's.
        """
        index = [row for row in self._get_scope_index() if row[1] == company.id]
        if not index:
            return {}
        result = {}
        for product in products:
            categ_ids = [int(part) for part in (product.categ_id.parent_path or "").split("/") if part]
            best = {}
            for component_id, _company, tmpl_id, categ_id, manufacturer_id, code in index:
                if tmpl_id and tmpl_id != product.product_tmpl_id.id:
                    continue
                if categ_id and categ_id not in categ_ids:
                    continue
                if manufacturer_id and manufacturer_id != product.warranty_manufacturer_id.id:
                    continue
                rank = (bool(tmpl_id), categ_ids.index(categ_id) + 1 if categ_id else 0, bool(manufacturer_id))
                if code not in best or rank > best[code][0]:
                    best[code] = (rank, component_id)
            if best:
                result[product] = self.browse(component_id for _rank, component_id in best.values())
        return result

    def _covers(self, parts, defect_codes):
        """Whether this component covers the failure of ``parts`` (product.product) or ``defect_codes``."""
        self.ensure_one()
        if not (self.covered_categ_ids or self.covered_product_ids or self.defect_code_ids):
            return True
        if parts & self.covered_product_ids or defect_codes & self.defect_code_ids:
            return True
        covered_categ_ids = set(self.covered_categ_ids.ids)
        return any(
            covered_categ_ids & {int(part) for part in (part_product.categ_id.parent_path or "").split("/") if part}
            for part_product in parts
        )

    def _is_specific(self):
        """Whether the component lists what it covers (a powertrain), rather than covering everything."""
        self.ensure_one()
        return bool(self.covered_categ_ids or self.covered_product_ids or self.defect_code_ids)
