import re
from fnmatch import fnmatchcase

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# A VIN mask: the VIN's characters, * for any run of characters (WVWZZZ1K*)
VIN_MASK = re.compile(r"^[A-Z0-9*-]+$")


class WarrantyLaborTimeGuide(models.Model):
    """The manufacturer's flat-rate hours of an operation, per model (VIN mask), from a date on."""

    _name = "warranty.labor.time.guide"
    _description = "Labour Time Guide"
    _order = "operation_id, date_from desc, vin_mask"
    _check_company_auto = True

    operation_id = fields.Many2one(
        "warranty.labor.operation", string="Operation", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    manufacturer_id = fields.Many2one(related="operation_id.manufacturer_id", store=True, index=True)
    company_id = fields.Many2one(related="operation_id.company_id", store=True, index=True, precompute=True)
    vin_mask = fields.Char(
        string="VIN Mask", required=True, default="*",
        help="The units this time applies to: their VIN with * for any characters, e.g. WVWZZZ1K*. When several "
        "masks match a VIN, the most specific one (the most characters given) wins.",
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Unit Model", check_company=True,
        help="Only for units of this model; empty: any model whose VIN matches.",
    )
    hours = fields.Float(string="Flat-Rate Hours", required=True, digits=(16, 2))
    date_from = fields.Date(string="Valid From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="Valid Until", help="Empty: until a newer version replaces it.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("hours_positive", "CHECK(hours >= 0)", "Flat-rate hours cannot be negative."),
        ("dates_ordered", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "A time guide entry ends on or after the day it starts."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("vin_mask"):
                vals["vin_mask"] = vals["vin_mask"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("vin_mask"):
            vals = {**vals, "vin_mask": vals["vin_mask"].strip().upper()}
        return super().write(vals)

    @api.constrains("vin_mask")
    def _check_vin_mask(self):
        for guide in self:
            if not VIN_MASK.match(guide.vin_mask or ""):
                raise ValidationError(_(
                    "VIN mask %(mask)s of operation %(operation)s: use the VIN's letters and digits and * for any "
                    "characters, e.g. WVWZZZ1K*.",
                    mask=guide.vin_mask, operation=guide.operation_id.display_name,
                ))

    @api.constrains("operation_id", "vin_mask", "product_tmpl_id", "date_from", "date_to", "active")
    def _check_overlap(self):
        for guide in self.filtered("active"):
            domain = [
                ("id", "!=", guide.id), ("operation_id", "=", guide.operation_id.id),
                ("vin_mask", "=", guide.vin_mask), ("product_tmpl_id", "=", guide.product_tmpl_id.id),
                "|", ("date_to", "=", False), ("date_to", ">=", guide.date_from),
            ]
            if guide.date_to:
                domain.append(("date_from", "<=", guide.date_to))
            if self.search_count(domain, limit=1):
                raise ValidationError(_(
                    "Operation %(operation)s already has flat-rate hours for %(mask)s on these dates: end the "
                    "current version (Valid Until) before the new one starts.",
                    operation=guide.operation_id.display_name, mask=guide.vin_mask,
                ))

    def _specificity(self):
        self.ensure_one()
        return (bool(self.product_tmpl_id), len(self.vin_mask.replace("*", "")), self.date_from)

    @api.model
    def _find_guides(self, questions):
        """The guide entry answering each question ``(operation, vin, day, product template)``, in one search.

        Returns {question: guide or an empty recordset}. The entry valid on the day whose mask matches the VIN
        (and whose model, if any, is the unit's) wins; among several, the most specific mask.
        """
        questions = [question for question in questions if question[0]]
        if not questions:
            return {}
        days = [question[2] or fields.Date.context_today(self) for question in questions]
        # sudo: the flat-rate hours are the manufacturer's terms; whoever claims the work reads them
        guides = self.sudo().search_fetch(
            [
                ("operation_id", "in", list({question[0].id for question in questions})),
                ("date_from", "<=", max(days)),
                "|", ("date_to", "=", False), ("date_to", ">=", min(days)),
            ],
            ["operation_id", "vin_mask", "product_tmpl_id", "hours", "date_from", "date_to"],
        )
        by_operation = {}
        for guide in guides:
            by_operation.setdefault(guide.operation_id.id, []).append(guide)
        answers = {}
        for question, day in zip(questions, days, strict=True):
            operation, vin, _day, template = question
            vin = (vin or "").upper()
            matches = [
                guide for guide in by_operation.get(operation.id, ())
                if guide.date_from <= day and (not guide.date_to or guide.date_to >= day)
                and (not guide.product_tmpl_id or guide.product_tmpl_id == template)
                and fnmatchcase(vin, guide.vin_mask)
            ]
            answers[question] = max(matches, key=lambda guide: guide._specificity()) if matches else self.browse()
        return answers
