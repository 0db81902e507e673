from odoo import api, fields, models


class WarrantyRepairLabor(models.Model):
    """The manufacturer's flat-rate hours of each labour line, from its time guide."""

    _inherit = "warranty.repair.labor"

    guide_hours = fields.Float(
        string="Flat-Rate Hours", digits=(16, 2), compute="_compute_guide_hours", store=True,
        help="What the manufacturer pays for this operation on this unit: its labour time guide for the unit's "
        "VIN and the repair's date, else the operation's standard time.",
    )

    # Not on the operation's standard time nor on the guide: done work keeps the hours it was priced with
    @api.depends(
        "operation_id", "repair_id.lot_id", "repair_id.product_id", "repair_id.schedule_date",
        "repair_id.date_done",
    )
    def _compute_guide_hours(self):
        questions = {line: line._get_guide_question() for line in self}
        answers = self.env["warranty.labor.time.guide"]._find_guides(list(set(questions.values())))
        for line, question in questions.items():
            guide = answers.get(question)
            line.guide_hours = guide.hours if guide else line.operation_id.standard_hours

    def _get_guide_question(self):
        self.ensure_one()
        repair = self.repair_id
        # The day of the work, as the claim states it (its repair date): the guide in force then applies
        when = repair.date_done or repair.schedule_date
        day = fields.Datetime.context_timestamp(self, when).date() if when else False
        return (self.operation_id._origin, repair.lot_id.name or "", day, repair.product_id.product_tmpl_id._origin)
