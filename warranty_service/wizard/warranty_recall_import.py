from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WarrantyRecallImport(models.TransientModel):
    _name = "warranty.recall.import"
    _inherit = "warranty.csv.import.mixin"
    _description = "Import the Affected Serials of a Recall Campaign"
    # The manufacturer's list of affected units: a serial per row, optionally the product's
    # internal reference when the same serial exists for several products; docs/admin.md documents it
    _csv_columns = ["serial"]
    _csv_label = "serial list"

    recall_id = fields.Many2one("warranty.recall", string="Campaign", required=True, ondelete="cascade")
    manufacturer_id = fields.Many2one(related="recall_id.manufacturer_id", required=False)
    row_ids = fields.One2many("warranty.recall.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_counts")
    unit_count = fields.Integer(string="Units to Add", compute="_compute_counts")

    @api.depends("row_ids.status", "row_ids.lot_id", "row_ids.already_listed")
    def _compute_counts(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))
            wizard.unit_count = len(wizard.row_ids.filtered(lambda row: not row.already_listed).lot_id)

    def action_apply(self):
        """Add the listed units to the campaign: every row or none."""
        self._check_campaign_editable()
        self._check_rows_applicable()
        self.recall_id._add_lots(self.row_ids.lot_id)
        self.recall_id.message_post(body=_(
            "%(count)s unit(s) added from the serial list %(file)s.",
            count=self.unit_count, file=self.filename or "",
        ))
        self._mark_applied()
        return {"type": "ir.actions.act_window_close"}

    def action_preview(self):
        self._check_campaign_editable()
        return super().action_preview()

    def _check_campaign_editable(self):
        self.ensure_one()
        if self.recall_id.state == "closed":
            raise UserError(_("Campaign %(name)s is closed: no unit can be added.", name=self.recall_id.name))
        if not self.recall_id.product_ids:
            raise UserError(_("Choose the affected products of campaign %(name)s first.", name=self.recall_id.name))

    def _preview_rows(self, rows):
        recall = self.recall_id
        serials = {(row.get("serial") or "").strip() for row in rows} - {""}
        # One search for the whole file, over every product: a known serial of another product is
        # reported as such rather than as unknown
        found = self.env["stock.lot"].search([
            ("name", "in", list(serials)), ("company_id", "in", [recall.company_id.id, False]),
        ])
        lots_by_name = defaultdict(lambda: self.env["stock.lot"])
        owners = {}
        # The owners known to the campaign's company: another company's registration of a shared serial is not its
        for lot in found.with_context(allowed_company_ids=recall.company_id.ids):  # the whole file's owners at once
            lots_by_name[lot.name] |= lot
            owners[lot] = lot.warranty_registration_id
        listed = recall.line_ids.lot_id
        seen = set()
        row_values = []
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            serial = (row.get("serial") or "").strip()
            code = (row.get("default_code") or "").strip()
            vals = {"row_number": number, "serial": serial, "default_code": code, "status": "ok"}
            lot, problem = self._match_lot(serial, code, lots_by_name[serial])
            if lot:
                vals.update(lot_id=lot.id, product_id=lot.product_id.id, partner_id=owners[lot].partner_id.id)
                if lot in listed:
                    vals.update(already_listed=True, message=_("Already listed on the campaign."))
                elif lot.id in seen:
                    vals.update(already_listed=True, message=_("Repeated in the file: added once."))
                elif not owners[lot]:
                    vals["message"] = _("No registration: the unit has no known owner to inform.")
                seen.add(lot.id)
            if problem:
                vals.update(status="error", message=problem)
            row_values.append(vals)
        return row_values

    def _match_lot(self, serial, code, lots):
        """(the campaign's unit of this row, False) or (False, what is wrong with the row)."""
        products = self.recall_id.product_ids
        if not serial:
            return False, _("The row has no serial number.")
        if code:
            lots = lots.filtered(lambda lot: lot.product_id.default_code == code)
        if not lots:
            if code:
                return False, _("Unknown serial %(serial)s of product %(code)s.", serial=serial, code=code)
            return False, _("Unknown serial %(serial)s.", serial=serial)
        in_campaign = lots.filtered(lambda lot: lot.product_id in products)
        if not in_campaign:
            return False, _(
                "Serial %(serial)s is a %(product)s, which is not a product of campaign %(campaign)s.",
                serial=serial, product=lots[0].product_id.display_name, campaign=self.recall_id.campaign_code,
            )
        if len(in_campaign) > 1:
            return False, _(
                "Serial %(serial)s exists for several products of the campaign (%(products)s): "
                "add their internal reference in the default_code column.",
                serial=serial, products=", ".join(sorted(in_campaign.product_id.mapped("display_name"))),
            )
        return in_campaign, False


class WarrantyRecallImportRow(models.TransientModel):
    _name = "warranty.recall.import.row"
    _inherit = "warranty.csv.import.row.mixin"
    _description = "Row of a Recall Serial List"

    wizard_id = fields.Many2one("warranty.recall.import", required=True, ondelete="cascade")
    serial = fields.Char()
    default_code = fields.Char(string="Product Code")
    lot_id = fields.Many2one("stock.lot", string="Unit")
    product_id = fields.Many2one("product.product", string="Product")
    partner_id = fields.Many2one("res.partner", string="Owner")
    already_listed = fields.Boolean()
    message = fields.Char(string="Note")  # not always a problem: "already listed"
