from odoo import Command, _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare


class RepairOrder(models.Model):
    """Recall and service campaign work done on the unit."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Recall campaigns: whatever brought the unit in, its open campaigns are shown and can be done
    recall_line_ids = fields.One2many(related="lot_id.warranty_recall_line_ids", string="Open Recall Campaigns")
    recall_done_line_ids = fields.One2many("warranty.recall.line", "repair_id", string="Campaign Work")

    def action_add_campaign_work(self):
        """Add the open campaigns' labour operation and parts kit to this repair."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop adds campaign work to a repair."))
        if self.state in ("done", "cancel"):
            raise UserError(_("Repair %(repair)s is closed.", repair=self.name))
        # The unit's open campaign lines are locked before they are checked: of two repairs of the unit
        # taking the work at once, one gets it and the other is refused below
        lines = self.recall_line_ids._lock_for_campaign_work()
        if not lines:
            done = (
                self.env["warranty.recall.line"].search(
                    [("lot_id", "=", self.lot_id.id), ("state", "=", "done"), ("recall_state", "=", "open")],
                    limit=1,
                )
                if self.lot_id
                else False
            )
            if done:
                raise UserError(
                    _(
                        "Unit %(serial)s already received the work of campaign %(campaign)s on repair %(repair)s: "
                        "it is not done twice.",
                        serial=self.lot_id.name,
                        campaign=done.recall_id.campaign_code,
                        repair=done.repair_id.name or "-",
                    )
                )
            raise UserError(_("Unit %(serial)s has no open recall campaign.", serial=self.lot_id.name or "-"))
        # One repair carries a unit's campaign work: a second one would do it, and claim it, twice
        taken = lines.filtered(lambda line: line.repair_id and line.repair_id.state != "cancel")[:1]
        if taken:
            raise UserError(
                _(
                    "The work of campaign %(campaign)s on unit %(serial)s is already on repair %(repair)s: complete it "
                    "there, or cancel that repair first.",
                    campaign=taken.recall_id.campaign_code,
                    serial=self.lot_id.name,
                    repair=taken.repair_id.name,
                )
            )
        if self.job_ids:
            # A visit organised in jobs takes each campaign's work as a campaign job of its own
            self.write({
                "job_ids": [
                    Command.create({
                        "complaint": _(
                            "Recall campaign %(campaign)s: %(name)s",
                            campaign=line.recall_id.campaign_code,
                            name=line.recall_id.name,
                        ),
                        "pay_type": "campaign",
                        "recall_id": line.recall_id.id,
                        "defect_code_ids": [Command.set(line.recall_id.defect_code_id.ids)],
                        "labor_line_ids": [
                            Command.create({
                                "repair_id": self.id,
                                "operation_id": line.recall_id.operation_id.id,
                                "recall_id": line.recall_id.id,
                            })
                        ] if line.recall_id.operation_id else [],
                        "move_ids": [
                            Command.create({
                                "repair_id": self.id,
                                "product_id": part.product_id.id,
                                "product_uom_qty": part.quantity,
                                "repair_line_type": "add",
                                "warranty_recall_id": line.recall_id.id,
                            })
                            for part in line.recall_id.part_ids
                        ],
                    })
                    for line in lines
                ],
            })
        else:
            self._add_campaign_lines(lines)
        # sudo: a campaign line is linked to its repair by this action only, under the lock taken above
        lines.sudo().write({"repair_id": self.id})
        self.message_post(
            body=_("Campaign work added: %(campaigns)s", campaigns=", ".join(lines.recall_id.mapped("campaign_code")))
        )
        return True

    def _add_campaign_lines(self, lines):
        """The campaigns' labour and kit on a repair without jobs."""
        # Tagged with their campaign: the claim charges them at the campaign's terms
        self.write(
            {
                "labor_line_ids": [
                    Command.create({"operation_id": line.recall_id.operation_id.id, "recall_id": line.recall_id.id})
                    for line in lines
                    if line.recall_id.operation_id
                ],
                "move_ids": [
                    Command.create(
                        {
                            "product_id": part.product_id.id,
                            "product_uom_qty": part.quantity,
                            "repair_line_type": "add",
                            "warranty_recall_id": line.recall_id.id,
                        }
                    )
                    for line in lines
                    for part in line.recall_id.part_ids
                ],
            }
        )

    def _check_campaign_parts_consumed(self):
        # Core cancels the part moves with nothing used when the repair ends: a campaign kit part missing
        # from stock would silently drop out of the repair and of the manufacturer's claim
        for repair in self:
            for move in repair.move_ids.filtered(
                lambda m: m.warranty_recall_id and m.repair_line_type == "add" and m.state != "cancel"
            ):
                if float_compare(move.quantity, move.product_uom_qty, precision_rounding=move.product_uom.rounding) < 0:
                    raise UserError(
                        _(
                            "Repair %(repair)s: the campaign part %(part)s is not there (%(used)s of %(needed)s "
                            "%(uom)s). Get it from the parts department (Request Parts) and set the used "
                            "quantity before ending the repair: the campaign's claim needs its kit.",
                            repair=repair.name,
                            part=move.product_id.display_name,
                            used=move.quantity,
                            needed=move.product_uom_qty,
                            uom=move.product_uom.name,
                        )
                    )

    def _get_claimable_recalls(self):
        """The campaigns whose work this repair did: the manufacturer pays it."""
        self.ensure_one()
        return self.recall_done_line_ids.filtered(lambda line: line.state == "done").recall_id
