import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# A serial of a series: a prefix, then the number that runs (VIN-2026-00017 -> "VIN-2026-", 17)
SERIAL_NUMBER = re.compile(r"^(.*?)(\d+)$")


class WarrantyRecallSelect(models.TransientModel):
    _name = "warranty.recall.select"
    _description = "Select the Affected Serials of a Recall Campaign"

    recall_id = fields.Many2one("warranty.recall", string="Campaign", required=True, ondelete="cascade")
    mode = fields.Selection(
        [("range", "Serial Range"), ("batch", "Production Batch")], string="Select By",
        default="range", required=True,
        help="Serial Range: every serial of the campaign's products from the first to the last of a series.\n"
        "Production Batch: every unit whose internal reference names the batch.",
    )
    serial_from = fields.Char(string="From Serial")
    serial_to = fields.Char(string="To Serial")
    batch = fields.Char(help="The production batch, as recorded in the units' internal reference.")
    lot_ids = fields.Many2many("stock.lot", string="Units Found", compute="_compute_selection")
    problem = fields.Char(compute="_compute_selection")

    @api.depends("recall_id", "mode", "serial_from", "serial_to", "batch")
    def _compute_selection(self):
        for wizard in self:
            wizard.lot_ids, wizard.problem = wizard._find_lots()

    def action_apply(self):
        """Add the units found to the campaign, each once, with their owners."""
        self.ensure_one()
        if self.recall_id.state == "closed":
            raise UserError(_("Campaign %(name)s is closed: no unit can be added.", name=self.recall_id.name))
        lots, problem = self._find_lots()
        if problem:
            raise UserError(problem)
        self.recall_id._add_lots(lots)
        return {"type": "ir.actions.act_window_close"}

    def _find_lots(self):
        """(the matching units of the campaign's products, False) or (no units, what is wrong)."""
        self.ensure_one()
        Lot = self.env["stock.lot"]
        recall = self.recall_id
        if not recall.product_ids:
            return Lot, _("Choose the affected products of campaign %(name)s first.", name=recall.name)
        domain = [("product_id", "in", recall.product_ids.ids), ("company_id", "in", [recall.company_id.id, False])]
        if self.mode == "batch":
            batch = (self.batch or "").strip()
            if not batch:
                return Lot, _("Enter the production batch.")
            lots = Lot.search(domain + [("ref", "=", batch)])
            if not lots:
                return Lot, _("No unit of the campaign's products belongs to batch %(batch)s.", batch=batch)
            return lots, False
        first, last = (self.serial_from or "").strip(), (self.serial_to or "").strip()
        if not first or not last:
            return Lot, _("Enter the first and the last serial of the range.")
        first_match, last_match = SERIAL_NUMBER.match(first), SERIAL_NUMBER.match(last)
        for serial, match in ((first, first_match), (last, last_match)):
            if not match:
                return Lot, _("Serial %(serial)s does not end in a number: a range runs between two serials "
                              "that end in digits.", serial=serial)
        prefix = first_match.group(1)
        if last_match.group(1) != prefix:
            return Lot, _("%(first)s and %(last)s are not of the same series: a range runs between serials "
                          "with the same prefix.", first=first, last=last)
        low, high = int(first_match.group(2)), int(last_match.group(2))
        if low > high:
            return Lot, _("The range runs backwards: %(first)s comes after %(last)s.", first=first, last=last)
        # The prefix narrows the search in the database; the number is compared here, as a number
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        candidates = Lot.search(domain + [("name", "=like", escaped + "%")])
        lots = candidates.filtered(lambda lot: self._in_range(lot.name, prefix, low, high))
        if not lots:
            return Lot, _("No unit of the campaign's products has a serial from %(first)s to %(last)s.",
                          first=first, last=last)
        return lots, False

    @staticmethod
    def _in_range(name, prefix, low, high):
        match = SERIAL_NUMBER.match(name)
        return bool(match) and match.group(1) == prefix and low <= int(match.group(2)) <= high
