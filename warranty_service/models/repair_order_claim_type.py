from odoo import Command, _, fields, models
from odoo.exceptions import UserError

# Claims the manufacturer pays whatever the unit's warranty: the inspection before delivery, the carrier's damage
UNCOVERED_CLAIM_TYPES = ("pdi", "transport_damage")


class RepairOrder(models.Model):
    """What kind of claim the repair makes: a warranty repair, a pre-delivery inspection, transport damage, or a
    part fitted earlier that failed again."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    warranty_claim_type = fields.Selection(
        [
            ("warranty", "Warranty Repair"),
            ("pdi", "Pre-Delivery Inspection"),
            ("transport_damage", "Transport Damage"),
            ("parts_warranty", "Parts Warranty"),
        ],
        string="Claim Type", default="warranty", required=True,
        help="Pre-Delivery Inspection: the manufacturer pays the model's flat PDI amount.\nTransport Damage: found "
        "at delivery from the carrier; claimed with photos and the letter to the carrier.\nParts Warranty: a part "
        "fitted earlier fails again; the claim names the earlier claim.",
    )
    transport_carrier_id = fields.Many2one("res.partner", string="Carrier", check_company=True)
    transport_damage_date = fields.Datetime(string="Damage Found On", help="When the damage was found at delivery.")
    transport_letter_date = fields.Datetime(string="Letter to Carrier On", help="When the letter to the carrier went.")

    def _check_warranty_claim_type(self):
        for repair in self.filtered(lambda r: r.warranty_claim_type in UNCOVERED_CLAIM_TYPES):
            if not repair.product_id.warranty_manufacturer_id:
                raise UserError(_(
                    "Repair %(repair)s has no manufacturer to claim from: set it on the product.", repair=repair.name,
                ))
            if repair.warranty_claim_type == "pdi" and not repair.product_id.warranty_pdi_amount:
                raise UserError(_(
                    "%(model)s has no PDI flat amount: set it on the product before claiming the inspection.",
                    model=repair.product_id.display_name,
                ))

    def action_create_warranty_claim(self):
        special = self.filtered(lambda r: r.warranty_claim_type in UNCOVERED_CLAIM_TYPES)
        if not special:
            return super().action_create_warranty_claim()
        if special != self:
            raise UserError(_(
                "Claim pre-delivery inspections and transport damage apart from warranty repairs (%(repair)s).",
                repair=special[0].name,
            ))
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            return super().action_create_warranty_claim()  # refuses with its message
        for repair in self:
            if repair.state != "done":
                raise UserError(_("Repair %(repair)s is not done: claim it once the work is finished.",
                                  repair=repair.name))
            if repair.claim_ids.filtered(lambda claim: claim.state != "cancel"):
                raise UserError(_("Repair %(repair)s already has a warranty claim.", repair=repair.name))
        self._check_warranty_claim_type()
        self.env["warranty.claim"].flush_model(["state"])
        claims = self.env["warranty.claim"].create([repair._prepare_warranty_claim_vals() for repair in self])
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        if len(claims) == 1:
            return {"type": "ir.actions.act_window", "res_model": "warranty.claim", "res_id": claims.id,
                    "views": [(False, "form")]}
        action["domain"] = [("id", "in", claims.ids)]
        return action

    def _prepare_warranty_claim_vals(self):
        self.ensure_one()
        if self.warranty_claim_type == "pdi":
            manufacturer = self.product_id.warranty_manufacturer_id
            return {
                **self._prepare_claim_unit_vals(manufacturer),
                "claim_type": "pdi",
                "failure_cause": _("Pre-delivery inspection of %(unit)s", unit=self.product_id.display_name),
                "line_ids": [Command.create({
                    "line_type": "other",
                    "name": _("Pre-delivery inspection: %(model)s", model=self.product_id.display_name),
                    "quantity": 1.0,
                    "price_unit": self.product_id.warranty_pdi_amount,
                })],
            }
        if self.warranty_claim_type == "transport_damage":
            # The parts and labour of the repair, claimed whatever the unit's warranty (it is not delivered yet)
            vals = self._prepare_covered_claim_vals(self.product_id.warranty_manufacturer_id)
            return {
                **vals,
                "claim_type": "transport_damage",
                "transport_carrier_id": self.transport_carrier_id.id,
                "transport_damage_date": self.transport_damage_date,
                "transport_letter_date": self.transport_letter_date,
            }
        vals = super()._prepare_warranty_claim_vals()
        if self.warranty_claim_type == "parts_warranty":
            vals["claim_type"] = "parts_warranty"
        return vals

    def _prepare_covered_claim_vals(self, manufacturer):
        """Parts at cost + markup and labour at the flat-rate time and the manufacturer's rate, of the whole repair."""
        self.ensure_one()
        markup = 1 + (manufacturer.warranty_parts_markup_percent or 0.0) / 100
        lines = []
        for move in self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state == "done" and m.quantity):
            lines.append(Command.create({
                "line_type": "part", "product_id": move.product_id.id, "name": move.product_id.display_name,
                "quantity": move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id),
                "price_unit": move.product_id.standard_price * markup,
                "return_required": move.product_id == self.causal_part_id,
            }))
        for labor in self.labor_line_ids:
            hours = min(labor.hours, labor.guide_hours) if labor.guide_hours else labor.hours
            lines.append(Command.create({
                "line_type": "labor", "labor_operation_id": labor.operation_id.id,
                "name": labor.operation_id.display_name, "quantity": hours,
                "price_unit": manufacturer.warranty_labor_rate,
            }))
        return {
            **self._prepare_claim_unit_vals(manufacturer),
            "defect_code_ids": [Command.set(self.defect_code_ids.ids)],
            "causal_part_id": self.causal_part_id.id,
            "failure_cause": self.failure_cause,
            "line_ids": lines,
        }
