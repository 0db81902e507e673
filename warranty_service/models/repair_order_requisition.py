from odoo import Command, api, fields, models


class RepairOrder(models.Model):
    """The parts the workshop asks from the parts department."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Parts asked from the parts department for this repair
    requisition_ids = fields.One2many("warranty.part.requisition", "repair_id", string="Part Requisitions")
    requisition_count = fields.Integer(compute="_compute_requisition_count")

    @api.depends("requisition_ids")
    def _compute_requisition_count(self):
        for repair in self:
            repair.requisition_count = len(repair.requisition_ids)

    def action_create_requisition(self):
        """Ask the parts department for the parts of this repair that are not available yet."""
        self.ensure_one()
        lines = []
        for move in self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state not in ("done", "cancel")):
            missing = move.product_uom_qty - move.quantity
            if missing > 0:
                lines.append(
                    Command.create(
                        {
                            "product_id": move.product_id.id,
                            "product_qty": missing,
                            "product_uom_id": move.product_uom.id,
                        }
                    )
                )
        requisition = self.env["warranty.part.requisition"].create(
            {
                "repair_id": self.id,
                "company_id": self.company_id.id,
                "warehouse_id": self._get_warehouse().id,
                "line_ids": lines,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.part.requisition",
            "res_id": requisition.id,
            "views": [(False, "form")],
        }

    def action_view_requisitions(self):
        """Open the part requisitions of this repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_part_requisition_action")
        action["domain"] = [("repair_id", "in", self.ids)]
        action["context"] = {"default_repair_id": self.id}
        return action
