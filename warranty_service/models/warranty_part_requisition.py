from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero


class WarrantyPartRequisition(models.Model):
    _name = "warranty.part.requisition"
    _description = "Spare Part Requisition"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date_required, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )
    repair_id = fields.Many2one(
        "repair.order", string="Repair Order", index="btree_not_null", check_company=True, tracking=True,
        help="The repair the parts are for; empty for general workshop needs.",
    )
    requested_by_id = fields.Many2one(
        "res.users", string="Requested By", required=True, default=lambda self: self.env.user, tracking=True,
        domain="[('share', '=', False)]",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Warehouse", required=True, check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    source_location_id = fields.Many2one(
        "stock.location", string="Parts Stock", required=True, check_company=True,
        compute="_compute_locations", store=True, readonly=False, precompute=True,
        help="Where the parts staff take the parts from.",
    )
    workshop_location_id = fields.Many2one(
        "stock.location", string="Workshop Location", required=True, check_company=True,
        compute="_compute_locations", store=True, readonly=False, precompute=True,
        help="Where the parts go: the workshop of the warehouse.",
    )
    date_required = fields.Datetime(string="Required By", required=True, default=fields.Datetime.now, tracking=True)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0", string="Priority")
    note = fields.Text(string="Notes", help="What the parts are for, for the parts staff.")
    line_ids = fields.One2many("warranty.part.requisition.line", "requisition_id", string="Lines", copy=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        string="Status", default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
        help="Draft: the workshop is writing the request.\n"
        "Submitted: waiting for the parts staff.\n"
        "Approved: the parts are being issued (and bought when missing).\n"
        "Done: everything asked was issued, or the rest cancelled.\n"
        "Cancelled: refused or withdrawn.",
    )
    refuse_reason = fields.Text(string="Refusal Reason", tracking=True, copy=False)
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False, tracking=True)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    picking_ids = fields.One2many("stock.picking", "warranty_requisition_id", string="Transfers")
    purchase_ids = fields.Many2many(
        "purchase.order", "warranty_requisition_purchase_rel", "requisition_id", "purchase_id",
        string="Purchases", copy=False, readonly=True,
    )
    picking_count = fields.Integer(compute="_compute_counts")
    purchase_count = fields.Integer(compute="_compute_counts")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_estimated = fields.Monetary(
        string="Estimated Value", compute="_compute_amount_estimated", store=True,
        help="Quantities at the products' cost: above the company's limit a Warranty Manager approves.",
    )
    has_overdue_tools = fields.Boolean(compute="_compute_has_overdue_tools", search="_search_has_overdue_tools")

    @api.depends("warehouse_id")
    def _compute_locations(self):
        for requisition in self:
            warehouse = requisition.warehouse_id
            requisition.source_location_id = warehouse.lot_stock_id
            requisition.workshop_location_id = warehouse._get_warranty_workshop_location() if warehouse else False

    @api.depends("picking_ids", "purchase_ids")
    def _compute_counts(self):
        for requisition in self:
            requisition.picking_count = len(requisition.picking_ids)
            requisition.purchase_count = len(requisition.purchase_ids)

    @api.depends("line_ids.product_qty", "line_ids.product_id", "line_ids.product_uom_id")
    def _compute_amount_estimated(self):
        for requisition in self:
            requisition.amount_estimated = sum(
                line.product_uom_id._compute_quantity(line.product_qty, line.product_id.uom_id)
                * line.product_id.standard_price
                for line in requisition.line_ids
            )

    @api.depends("line_ids.is_overdue")
    def _compute_has_overdue_tools(self):
        for requisition in self:
            requisition.has_overdue_tools = any(requisition.line_ids.mapped("is_overdue"))

    def _search_has_overdue_tools(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Overdue tools can only be searched as true or false."))
        positive = (operator == "=") == value
        return [("line_ids", "any" if positive else "not any", [("is_overdue", "=", True)])]

    @api.model_create_multi
    def create(self, vals_list):
        new = self.env._("New")
        to_name = [vals for vals in vals_list if vals.get("name", new) in (new, False)]
        if to_name:
            names = self.env["ir.sequence"]._next_batch_by_code("warranty.part.requisition", len(to_name))
            for vals, name in zip(to_name, names):
                vals["name"] = name
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(requisition.state not in ("draft", "cancel") for requisition in self):
            raise UserError(_("Only draft or cancelled requisitions can be deleted: cancel it first."))

    def action_submit(self):
        """Send the request to the parts staff."""
        for requisition in self:
            if requisition.state != "draft":
                raise UserError(_("Requisition %(name)s is not a draft: it cannot be submitted.", name=requisition.name))
            if not requisition.line_ids:
                raise UserError(_("Requisition %(name)s asks for nothing: add a line first.", name=requisition.name))
        self.write({"state": "submitted"})
        return True

    def action_approve(self):
        """Approve: issue what is in stock with one transfer, buy what is missing."""
        self._check_can_approve()
        self.write({"state": "approved", "approved_by_id": self.env.user.id, "date_approved": fields.Datetime.now()})
        pickings = self._create_issue_pickings()
        self._buy_shortages(pickings)
        self._update_repair_part_locations()
        return True

    def action_refuse(self):
        """Refuse the request, with the reason written on it."""
        self._check_parts_staff()
        for requisition in self:
            if requisition.state != "submitted":
                raise UserError(_("Only a submitted requisition can be refused (%(name)s).", name=requisition.name))
            if not (requisition.refuse_reason or "").strip():
                raise UserError(_("Enter the reason for refusing requisition %(name)s.", name=requisition.name))
        self.write({"state": "cancel"})
        return True

    def action_cancel(self):
        """Withdraw the request: reservations are released and unconfirmed purchases cancelled."""
        for requisition in self:
            if requisition.state in ("done", "cancel"):
                raise UserError(_("Requisition %(name)s is already closed.", name=requisition.name))
            if requisition.picking_ids.filtered(lambda p: p.state == "done" and p.warranty_requisition_kind == "issue"):
                raise UserError(_(
                    "Parts of requisition %(name)s were already issued: it cannot be cancelled. "
                    "Return what is not needed instead.", name=requisition.name,
                ))
        self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        # Unconfirmed RFQ lines go; received or confirmed purchases stay untouched.
        # sudo: the workshop withdrawing its request may not hold purchase rights; only the RFQ
        # lines made for this requisition are touched
        draft_lines = self.sudo().line_ids.purchase_line_ids.filtered(lambda l: l.order_id.state in ("draft", "sent"))
        orders = draft_lines.order_id
        draft_lines.unlink()
        orders.filtered(lambda order: not order.order_line).button_cancel()
        self.write({"state": "cancel"})
        return True

    def action_reset_to_draft(self):
        """Reopen a cancelled requisition to correct and submit it again."""
        if any(requisition.state != "cancel" for requisition in self):
            raise UserError(_("Only a cancelled requisition can be set back to draft."))
        self.write({"state": "draft", "approved_by_id": False, "date_approved": False})
        return True

    def action_return_tools(self):
        """Create the return transfer of the tools issued and not yet returned."""
        for requisition in self:
            lines = requisition.line_ids.filtered(
                lambda line: line.line_type == "tool" and line.qty_to_return > 0
            )
            if not lines:
                raise UserError(_("Requisition %(name)s has no lent tool to return.", name=requisition.name))
            picking = self.env["stock.picking"].create({
                "picking_type_id": requisition.warehouse_id.int_type_id.id,
                "location_id": requisition.workshop_location_id.id,
                "location_dest_id": requisition.source_location_id.id,
                "origin": requisition.name,
                "warranty_requisition_id": requisition.id,
                "warranty_requisition_kind": "tool_return",
                "move_ids": [Command.create(line._prepare_move_vals(
                    line.qty_to_return, requisition.workshop_location_id, requisition.source_location_id,
                )) for line in lines],
            })
            picking.action_confirm()
            picking.action_assign()
        return self.action_view_pickings()

    def action_view_pickings(self):
        """Open the transfers of the requisition."""
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("warranty_requisition_id", "in", self.ids)]
        action["context"] = {"create": False}
        if len(self.picking_ids) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.picking_ids.id)
        return action

    def action_view_purchases(self):
        """Open the purchases made for the requisition."""
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", self.purchase_ids.ids)]
        action["context"] = {"create": False}
        return action

    # Business helpers

    def _check_parts_staff(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_parts"):
            raise AccessError(_("Only the parts staff approve or refuse requisitions."))

    def _check_can_approve(self):
        self._check_parts_staff()
        limit = self.env.company.warranty_requisition_approval_limit
        is_manager = self.env.su or self.env.user.has_group("warranty_service.group_warranty_manager")
        for requisition in self:
            if requisition.state != "submitted":
                raise UserError(_(
                    "Requisition %(name)s is %(state)s: only a submitted requisition can be approved.",
                    name=requisition.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[requisition.state],
                ))
            if requisition.requested_by_id == self.env.user and not self.env.su:
                raise UserError(_(
                    "You requested %(name)s yourself: another member of the parts staff must approve it.",
                    name=requisition.name,
                ))
            if limit and requisition.amount_estimated > limit and not is_manager:
                raise UserError(_(
                    "Requisition %(name)s is worth more than the approval limit: a Warranty Manager must approve it.",
                    name=requisition.name,
                ))

    def _create_issue_pickings(self):
        """One internal transfer per requisition from the parts stock to the workshop, reserved at once."""
        vals_list = []
        for requisition in self:
            vals_list.append({
                "picking_type_id": requisition.warehouse_id.int_type_id.id,
                "location_id": requisition.source_location_id.id,
                "location_dest_id": requisition.workshop_location_id.id,
                "origin": requisition.name,
                "scheduled_date": requisition.date_required,
                "priority": requisition.priority,
                "warranty_requisition_id": requisition.id,
                "warranty_requisition_kind": "issue",
                "move_ids": [Command.create(line._prepare_move_vals(
                    line.product_qty, requisition.source_location_id, requisition.workshop_location_id,
                )) for line in requisition.line_ids],
            })
        pickings = self.env["stock.picking"].create(vals_list)
        pickings.action_confirm()
        pickings.action_assign()
        return pickings

    def _buy_shortages(self, pickings):
        """Draft RFQs for what the stock cannot give, one per vendor, linked both ways."""
        by_vendor = defaultdict(list)
        missing_vendor = self.env["product.product"]
        for move in pickings.move_ids:
            rounding = move.product_uom.rounding
            missing = move.product_uom_qty - move.quantity
            if float_compare(missing, 0, precision_rounding=rounding) <= 0:
                continue
            line = move.warranty_requisition_line_id
            seller = move.product_id._select_seller(quantity=missing, uom_id=move.product_uom)
            if not seller:
                seller = move.product_id.seller_ids.filtered(
                    lambda s: not s.company_id or s.company_id == line.company_id
                )[:1]
            if not seller:
                missing_vendor |= move.product_id
                continue
            by_vendor[(seller.partner_id, line.requisition_id.warehouse_id)].append((line, move, missing))
        if missing_vendor:
            raise UserError(_(
                "Some parts are not in stock and have no vendor to buy them from: %(products)s. "
                "Set a vendor on their Purchase tab, then approve again.",
                products=", ".join(missing_vendor.mapped("display_name")),
            ))
        orders = self.env["purchase.order"]
        for (vendor, warehouse), items in by_vendor.items():
            requisitions = self.env["warranty.part.requisition"].union(*(line.requisition_id for line, _m, _q in items))
            order = self.env["purchase.order"].create({
                "partner_id": vendor.id,
                "company_id": warehouse.company_id.id,
                "picking_type_id": warehouse.in_type_id.id,
                "origin": ", ".join(requisitions.mapped("name")),
                "warranty_requisition_ids": [Command.set(requisitions.ids)],
                "order_line": [Command.create({
                    "product_id": move.product_id.id,
                    "product_qty": missing,
                    "product_uom": move.product_uom.id,
                    "warranty_requisition_line_id": line.id,
                }) for line, move, missing in items],
            })
            orders |= order
        for order in orders:
            order.message_post(body=_("Request for quotation for the parts missing on %(names)s.",
                                      names=", ".join(order.warranty_requisition_ids.mapped("name"))))
        return orders

    def _update_repair_part_locations(self):
        """The repair takes its parts where the requisition delivers them: the workshop."""
        for requisition in self.filtered("repair_id"):
            products = requisition.line_ids.filtered(lambda line: line.line_type != "tool").product_id
            moves = requisition.repair_id.move_ids.filtered(
                lambda m: m.repair_line_type == "add" and m.product_id in products and m.state not in ("done", "cancel")
            )
            if moves:
                moves._do_unreserve()
                moves.write({"location_id": requisition.workshop_location_id.id})

    def _check_done(self):
        """Done when every line is issued in full, or the rest of its transfer was cancelled."""
        def finished(requisition):
            issues = requisition.picking_ids.filtered(lambda p: p.warranty_requisition_kind == "issue")
            return issues and all(p.state in ("done", "cancel") for p in issues) and any(p.state == "done" for p in issues)

        self.filtered(lambda r: r.state == "approved" and finished(r)).write({"state": "done"})
