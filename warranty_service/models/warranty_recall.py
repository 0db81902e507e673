from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


def _check_recall_manager(env, message):
    if not env.su and not env.user.has_group("warranty_service.group_warranty_manager"):
        raise AccessError(message)


class WarrantyRecall(models.Model):
    _name = "warranty.recall"
    _description = "Recall Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Campaign", required=True, tracking=True)
    campaign_code = fields.Char(required=True, tracking=True,
                                help="The manufacturer's reference of the campaign.")
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    description = fields.Html(help="What is wrong and what the workshop does.")
    product_ids = fields.Many2many("product.product", string="Affected Products", check_company=True)
    operation_id = fields.Many2one("warranty.labor.operation", string="Labour Operation", check_company=True)
    part_ids = fields.One2many("warranty.recall.part", "recall_id", string="Parts Kit", copy=True)
    # Terms of the campaign's claims: the manufacturer pays the campaign work at these, whatever the unit's warranty
    defect_code_id = fields.Many2one(
        "warranty.defect.code", string="Campaign Defect Code", check_company=True,
        help="The manufacturer's code for the campaign: its claims carry it when the repair had no covered fault.",
    )
    claim_labor_rate = fields.Float(
        string="Claim Labour Rate",
        digits="Product Price",
        compute="_compute_claim_labor_rate",
        store=True,
        readonly=False,
        help="What the manufacturer pays per hour of campaign work; the manufacturer's warranty rate unless the "
        "campaign says otherwise.",
    )
    claim_parts_markup_percent = fields.Float(
        string="Claim Parts Markup (%)", compute="_compute_claim_parts_markup_percent", store=True, readonly=False,
        help="Added to the dealer's cost of the campaign's parts; the manufacturer's warranty markup unless the "
        "campaign says otherwise.",
    )
    claim_ids = fields.One2many("warranty.claim", "recall_id", string="Campaign Claims")
    date_start = fields.Date(string="Start", required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="End")
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Running"), ("closed", "Closed")],
        default="draft", required=True, readonly=True, tracking=True,
        help="Draft: the affected serials are being listed.\nRunning: every affected unit that comes in gets the "
        "campaign work.\nClosed: the campaign is over.",
    )
    line_ids = fields.One2many("warranty.recall.line", "recall_id", string="Affected Units")
    count_open = fields.Integer(string="Open", compute="_compute_progress")
    count_done = fields.Integer(string="Done", compute="_compute_progress")
    count_not_applicable = fields.Integer(string="Not Applicable", compute="_compute_progress")
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")

    _sql_constraints = [
        ("code_manufacturer_uniq", "UNIQUE(campaign_code, manufacturer_id, company_id)",
         "A campaign code must be unique per manufacturer."),
    ]

    # One compute per term: a campaign created with its own labour rate still takes the manufacturer's markup
    @api.depends("manufacturer_id")
    def _compute_claim_labor_rate(self):
        for recall in self:
            recall.claim_labor_rate = recall.manufacturer_id.warranty_labor_rate

    @api.depends("manufacturer_id")
    def _compute_claim_parts_markup_percent(self):
        for recall in self:
            recall.claim_parts_markup_percent = recall.manufacturer_id.warranty_parts_markup_percent

    @api.depends("line_ids.state")
    def _compute_progress(self):
        counts = {
            (recall, state): count for recall, state, count in self.env["warranty.recall.line"]._read_group(
                [("recall_id", "in", self.ids)], ["recall_id", "state"], ["__count"],
            )
        }
        for recall in self:
            recall.count_open = counts.get((recall, "open"), 0)
            recall.count_done = counts.get((recall, "done"), 0)
            recall.count_not_applicable = counts.get((recall, "not_applicable"), 0)
            relevant = recall.count_open + recall.count_done
            recall.progress = 100.0 * recall.count_done / relevant if relevant else 0.0

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(_("A campaign moves on with its buttons (Start, Close), not by editing its status."))
        return super().write(vals)

    def action_add_serials_from_products(self):
        """List every serial of the affected products that the dealer sold (has a registration)."""
        _check_recall_manager(self.env, _("Only a Warranty Manager lists the units of a recall campaign."))
        for recall in self:
            if recall.state == "closed":
                raise UserError(_("Campaign %(name)s is closed: no unit can be added.", name=recall.name))
            if not recall.product_ids:
                raise UserError(_("Choose the affected products of campaign %(name)s first.", name=recall.name))
            registrations = self.env["warranty.registration"].search([
                ("product_id", "in", recall.product_ids.ids), ("is_void", "=", False),
                ("company_id", "=", recall.company_id.id),
            ])
            recall._add_lots(registrations.lot_id)
        return True

    def action_import_serials(self):
        """Add the affected units from the manufacturer's list of serials (CSV), previewed first."""
        return self._open_serials_wizard("warranty.recall.import", _("Import Affected Serials"))

    def action_select_serials(self):
        """Add the affected units of a serial range or of a production batch."""
        return self._open_serials_wizard("warranty.recall.select", _("Select Affected Serials"))

    def action_open(self):
        """Start the campaign: its units are flagged wherever they show up."""
        _check_recall_manager(self.env, _("Only a Warranty Manager starts a recall campaign."))
        started = self.filtered(lambda recall: recall.state != "draft")
        if started:
            raise UserError(_(
                "Campaign %(name)s is not a draft: it was already started.", name=started[0].name,
            ))
        if any(not recall.line_ids for recall in self):
            raise UserError(_("A campaign without affected units cannot start."))
        # sudo: the status is written only by these actions (write() refuses it otherwise); the
        # caller's group and the step were checked above
        self.sudo().write({"state": "open"})
        return True

    def action_notify_owners(self):
        """Send each owner of an affected unit the campaign's notice, in the owner's language."""
        _check_recall_manager(self.env, _("Only a Warranty Manager informs the owners of a recall campaign."))
        not_running = self.filtered(lambda recall: recall.state != "open")
        if not_running:
            raise UserError(_(
                "Campaign %(name)s is not running: owners are informed of a started campaign only.",
                name=not_running[0].name,
            ))
        template = self.env.ref("warranty_service.mail_template_recall_owner")
        lines = self.line_ids.filtered(
            lambda line: line.state == "open" and not line.notified and line.partner_id.email
        )
        if not lines:
            raise UserError(_("No owner with an e-mail address is left to inform."))
        template.send_mail_batch(lines.ids)
        lines.write({"notified": True})
        self.message_post(body=_("%(count)s owner(s) informed of the campaign.", count=len(lines)))
        return True

    def action_close(self):
        """End the campaign."""
        _check_recall_manager(self.env, _("Only a Warranty Manager closes a recall campaign."))
        for recall in self.filtered(lambda recall: recall.state != "open"):
            if recall.state == "closed":
                raise UserError(_("Campaign %(name)s is already closed.", name=recall.name))
            raise UserError(
                _("Campaign %(name)s has not started: only a running campaign is closed.", name=recall.name)
            )
        # sudo: as in action_open
        self.sudo().write({"state": "closed"})
        return True

    def _open_serials_wizard(self, model, title):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": model, "name": title, "views": [(False, "form")],
            "target": "new", "context": {"default_recall_id": self.id},
        }

    def _add_lots(self, lots):
        """Add ``lots`` to the campaign, once each, matched to their owners."""
        self.ensure_one()
        new_lots = lots - self.line_ids.lot_id
        # The owners known to the campaign's company: another company's registration of a shared serial is not its
        owners = {lot: lot.warranty_registration_id.partner_id
                  for lot in new_lots.with_context(allowed_company_ids=self.company_id.ids)}
        self.env["warranty.recall.line"].create([
            {"recall_id": self.id, "lot_id": lot.id, "partner_id": owners[lot].id} for lot in new_lots
        ])


class WarrantyRecallPart(models.Model):
    _name = "warranty.recall.part"
    _description = "Recall Campaign Part"
    _check_company_auto = True

    recall_id = fields.Many2one("warranty.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True, precompute=True)
    product_id = fields.Many2one(
        "product.product", string="Part", required=True, check_company=True, domain="[('type', '=', 'consu')]",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")

    _sql_constraints = [("quantity_positive", "CHECK(quantity > 0)", "A kit part needs a positive quantity.")]


class WarrantyRecallLine(models.Model):
    _name = "warranty.recall.line"
    _description = "Recall Campaign Unit"
    _order = "recall_id, lot_id"
    _check_company_auto = True

    recall_id = fields.Many2one("warranty.recall", string="Campaign", required=True, ondelete="cascade", index=True)
    recall_state = fields.Selection(related="recall_id.state", store=True, string="Campaign Status")
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True, precompute=True)
    lot_id = fields.Many2one("stock.lot", string="Serial Number", required=True, index=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Owner", check_company=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("not_applicable", "Not Applicable")],
        default="open", required=True, readonly=True,
    )
    repair_id = fields.Many2one(
        "repair.order", string="Campaign Repair", readonly=True, index="btree_not_null", check_company=True,
    )
    notified = fields.Boolean(string="Owner Informed", readonly=True, copy=False)

    _rec_name = "recall_id"

    _sql_constraints = [
        ("lot_recall_uniq", "UNIQUE(recall_id, lot_id)", "A unit is listed once per campaign."),
    ]

    def write(self, vals):
        # The workshop writes lines (the repair doing the campaign work), not their outcome
        if "state" in vals and not self.env.su:
            raise UserError(_(
                "A campaign unit is done by the repair that does the work, or marked Not Applicable with its "
                "button, not by editing its status."
            ))
        if "repair_id" in vals and not self.env.su:
            raise UserError(_(
                "A campaign unit is taken by a repair with its Add Campaign Work button, not by editing it."
            ))
        return super().write(vals)

    def _lock_for_campaign_work(self):
        """Lock the lines until the transaction ends, and return them as they are now.

        Two repairs of one unit taking its campaign work at once: the second waits here until the
        first commits; the database then refuses it (the lines changed after it read them) and the
        RPC layer retries it from the start, when it sees the lines taken and is refused in words.
        """
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM warranty_recall_line WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", tuple(self.ids),
            ))
            self.invalidate_recordset(["repair_id", "state"])
        return self

    def action_not_applicable(self):
        """This unit does not need the campaign work (already fixed, scrapped, exported...)."""
        _check_recall_manager(
            self.env, _("Only a Warranty Manager decides that a unit does not need the campaign work.")
        )
        for line in self:
            if line.recall_state == "closed":
                raise UserError(
                    _("Campaign %(name)s is closed: its units can no longer change.", name=line.recall_id.name)
                )
            if line.state != "open":
                raise UserError(_(
                    "Unit %(serial)s of campaign %(name)s is no longer open (%(state)s).", serial=line.lot_id.name,
                    name=line.recall_id.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[line.state],
                ))
        # sudo: as in WarrantyRecall.action_open
        self.sudo().write({"state": "not_applicable"})
        return True
