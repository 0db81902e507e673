from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """What an extended warranty sold on its own extends, and the warranty of a part fitted in a repair."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    warranty_extension_component_ids = fields.Many2many(
        "warranty.coverage.component", "product_template_warranty_extension_component_rel", "product_tmpl_id",
        "component_id", string="Extends Components",
        help="Sold later for a registered unit, this extension adds its months to these coverage components of "
        "the unit. None listed: it extends the unit's basic term (as when sold with the unit).",
    )
    warranty_part_months = fields.Integer(
        string="Parts Warranty (months)",
        help="A part fitted in a repair (paid or under warranty) is warranted this many months from the repair, "
        "at least until the end of the unit's manufacturer's warranty. 0: no parts warranty.",
    )
    warranty_part_km = fields.Integer(
        string="Parts Warranty (km)",
        help="The parts warranty also ends this many km after the odometer reading of the repair that fitted "
        "it. 0: no mileage limit.",
    )

    _sql_constraints = [
        (
            "warranty_part_positive",
            "CHECK((warranty_part_months IS NULL OR warranty_part_months >= 0) "
            "AND (warranty_part_km IS NULL OR warranty_part_km >= 0))",
            "A parts warranty cannot be negative: enter 0 for none.",
        ),
    ]

    @api.constrains("warranty_part_months", "warranty_part_km")
    def _check_part_warranty(self):
        for template in self:
            if template.warranty_part_months < 0 or template.warranty_part_km < 0:
                raise ValidationError(_(
                    "The parts warranty of %(product)s cannot be negative: enter 0 for none.",
                    product=template.display_name,
                ))
