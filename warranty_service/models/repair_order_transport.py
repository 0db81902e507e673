from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    """Transport of the unit between the customer and the workshop, and every service transfer."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Transport of the unit, and every service transfer of this repair
    service_picking_ids = fields.One2many("stock.picking", "warranty_repair_id", string="Service Transfers")
    service_picking_count = fields.Integer(compute="_compute_service_picking_count")

    @api.depends("service_picking_ids")
    def _compute_service_picking_count(self):
        for repair in self:
            repair.service_picking_count = len(repair.service_picking_ids)

    def action_create_pickup(self):
        """Plan the collection of the unit at the customer's, for units that cannot come in."""
        for repair in self:
            repair._check_transport_possible("pickup")
            repair._create_service_transfer(
                "pickup",
                repair._get_warehouse().in_type_id,
                self.env.ref("stock.stock_location_customers"),
                repair.product_location_src_id,
                repair.lot_id,
                owner=repair.partner_id,
            )
        return self.action_view_service_pickings()

    def action_create_return_delivery(self):
        """Plan bringing the repaired unit back to the customer."""
        for repair in self:
            repair._check_transport_possible("delivery")
            repair._create_service_transfer(
                "delivery",
                repair._get_warehouse().out_type_id,
                repair.product_location_dest_id,
                self.env.ref("stock.stock_location_customers"),
                repair.lot_id,
                owner=repair.partner_id,
            )
        return self.action_view_service_pickings()

    def action_view_service_pickings(self):
        """Open the loaner and transport transfers of the repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("warranty_repair_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def _is_unit_in_stock(self):
        """Whether the repaired serial stands in one of the company's internal locations (dealer's stock)."""
        self.ensure_one()
        # sudo: where the unit stands is read for any user confirming the repair
        return bool(self.env["stock.quant"].sudo().search_count(
            [
                ("lot_id", "=", self.lot_id.id),
                ("location_id.usage", "=", "internal"),
                ("company_id", "=", self.company_id.id),
                ("quantity", ">", 0),
            ],
            limit=1,
        ))

    def _check_transport_possible(self, kind):
        self.ensure_one()
        if not self.lot_id or not self.partner_id:
            raise UserError(
                _(
                    "Repair %(repair)s needs a serial number and a customer to plan a transport.",
                    repair=self.name,
                )
            )
        if self.service_picking_ids.filtered(lambda p: p.warranty_transfer_kind == kind and p.state != "cancel"):
            raise UserError(_("Repair %(repair)s already has this transport planned.", repair=self.name))

    def _get_warehouse(self):
        self.ensure_one()
        return self.picking_type_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)],
            limit=1,
        )

    def _prepare_service_transfer_vals(self, kind, picking_type, source, destination, lot, owner=None):
        """Values of a loaner or transport transfer; a hook for other modules."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": self.partner_id.id,
            "origin": self.name,
            "warranty_repair_id": self.id,
            "warranty_transfer_kind": kind,
            "owner_id": owner.id if owner else False,
            "move_ids": [
                Command.create(
                    {
                        "name": self.name,
                        "product_id": lot.product_id.id,
                        "product_uom_qty": 1,
                        "product_uom": lot.product_id.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                    }
                )
            ],
        }

    def _create_service_transfer(self, kind, picking_type, source, destination, lot, owner=None, validate=False):
        self.ensure_one()
        picking = self.env["stock.picking"].create(
            self._prepare_service_transfer_vals(kind, picking_type, source, destination, lot, owner=owner)
        )
        picking.action_confirm()
        move = picking.move_ids
        # The unit is known: its serial is set rather than whatever the reservation would pick
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "owner_id": owner.id if owner else False,
            }
        )
        if validate:
            move.picked = True
            picking._action_done()
        return picking
