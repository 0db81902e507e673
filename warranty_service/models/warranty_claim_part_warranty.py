from odoo import fields, models


class WarrantyClaim(models.Model):
    """A claim under a parts warranty names the repair that fitted the part, its date, reading and invoice."""

    _inherit = "warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    parts_warranty_id = fields.Many2one(
        "warranty.part.warranty", string="Parts Warranty", readonly=True, index="btree_not_null",
        help="The claim is made under the warranty of a part an earlier repair fitted.",
    )
    parts_warranty_repair_id = fields.Many2one(
        related="parts_warranty_id.repair_id", string="Part Fitted By",
    )
    parts_warranty_date = fields.Date(related="parts_warranty_id.date_start", string="Part Fitted On")
    parts_warranty_odometer_km = fields.Integer(
        related="parts_warranty_id.odometer_km", string="Odometer at Fitting (km)",
    )
    parts_warranty_invoice_id = fields.Many2one(
        related="parts_warranty_id.invoice_id", string="Invoice of the Part",
    )


class WarrantyClaimLine(models.Model):
    _inherit = "warranty.claim.line"  # pylint: disable=consider-merging-classes-inherited

    part_warranty_id = fields.Many2one(
        "warranty.part.warranty", string="Parts Warranty", readonly=True, index="btree_not_null",
        help="The line is claimed under the warranty of a part an earlier repair fitted.",
    )
