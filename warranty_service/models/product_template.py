from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Manufacturer's warranty carried by each serial-numbered unit sold
    warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Manufacturer's warranty term, in whole months from delivery to the customer. "
        "Serial-tracked units of a product with a term get a warranty registration when delivered.",
    )
    warranty_mileage_km = fields.Integer(
        string="Warranty Mileage Limit (km)",
        help="Coverage ends when the unit has run more than this distance. 0 means no mileage limit. "
        "On an extended warranty product, 0 keeps the manufacturer's limit.",
    )
    warranty_usage_unit = fields.Selection(
        [("km", "Kilometres"), ("hours", "Engine Hours")], string="Usage Measured In", default="km",
        help="What the unit's meter counts: kilometres (an odometer) or engine hours (an hour meter). "
        "The repairs record the reading at intake in this unit.",
    )
    warranty_manufacturer_id = fields.Many2one(
        "res.partner",
        string="Warranty Manufacturer",
        help="The partner that warranty claims for this product are sent to.",
    )
    warranty_pdi_amount = fields.Float(
        string="PDI Flat Amount", digits="Product Price",
        help="What the manufacturer pays for the pre-delivery inspection of a unit of this model.",
    )
    # Extended warranty sold (or granted) as a service
    is_extended_warranty = fields.Boolean(
        string="Is an Extended Warranty",
        help="Selling this service on a sale order extends the warranty of the order's units.",
    )
    warranty_extension_months = fields.Integer(
        string="Extension (months)",
        help="Months added after the end of the manufacturer's term.",
    )

    _sql_constraints = [
        (
            "warranty_months_positive",
            "CHECK(warranty_months IS NULL OR warranty_months >= 0)",
            "The warranty term cannot be negative: enter a number of months of 0 or more.",
        ),
        (
            "warranty_mileage_km_positive",
            "CHECK(warranty_mileage_km IS NULL OR warranty_mileage_km >= 0)",
            "The warranty mileage limit cannot be negative: enter 0 for no limit.",
        ),
        (
            "warranty_extension_months_set",
            "CHECK(NOT is_extended_warranty OR warranty_extension_months > 0)",
            "An extended warranty must add at least one month.",
        ),
    ]

    @api.constrains(
        "warranty_months", "warranty_mileage_km", "is_extended_warranty", "warranty_extension_months", "type"
    )
    def _check_warranty_terms(self):
        # Same rules as the SQL constraints, raised before the flush so the user
        # gets the product's name in the message.
        for template in self:
            if template.warranty_months < 0:
                raise ValidationError(_(
                    "The warranty term of %(product)s cannot be negative (%(months)s months).",
                    product=template.display_name, months=template.warranty_months,
                ))
            if template.warranty_mileage_km < 0:
                raise ValidationError(_(
                    "The warranty mileage limit of %(product)s cannot be negative: enter 0 for no limit.",
                    product=template.display_name,
                ))
            if template.is_extended_warranty:
                if template.warranty_extension_months <= 0:
                    raise ValidationError(_(
                        "The extended warranty %(product)s must add at least one month.",
                        product=template.display_name,
                    ))
                if template.type != "service":
                    raise ValidationError(_(
                        "The extended warranty %(product)s must be a service product.",
                        product=template.display_name,
                    ))
