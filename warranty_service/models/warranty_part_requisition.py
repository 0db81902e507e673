from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

# Written only by the actions (with sudo): the approval trail, the documents made from it, and figures
ACTION_FIELDS = {"name", "state", "approved_by_id", "date_approved", "picking_ids", "purchase_ids", "amount_estimated"}
# What the workshop asks for: fixed once submitted, so the parts staff approve what they read
REQUEST_FIELDS = {
    "repair_id", "requested_by_id", "company_id", "warehouse_id", "source_location_id", "workshop_location_id",
    "note", "line_ids",
}
# The request's planning, which the parts staff and the requester may still adjust while it is open
PLANNING_FIELDS = {"priority", "date_required", "refuse_reason"}


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
        domain="[('share', '=', False)]", copy=False,
        help="Who asks for the parts: the user who creates the request; only a Warranty Manager may name someone else. "
        "Neither the requester nor the user who created the request may approve it.",
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
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
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
        group_expand="_read_group_expand_state",
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
        help="Quantities at the products' cost in the requisition's company: above that company's limit a Warranty "
        "Manager approves.",
    )
    has_overdue_tools = fields.Boolean(compute="_compute_has_overdue_tools", search="_search_has_overdue_tools")
    has_tools_to_return = fields.Boolean(
        compute="_compute_has_tools_to_return", help="Tools were issued and are not all back yet.",
    )

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
            # The cost is per company: the requisition's, not the current user's
            requisition.amount_estimated = sum(
                line.product_uom_id._compute_quantity(line.product_qty, line.product_id.uom_id)
                * line.product_id.with_company(requisition.company_id).standard_price
                for line in requisition.line_ids
            )

    @api.depends("line_ids.is_overdue")
    def _compute_has_overdue_tools(self):
        for requisition in self:
            requisition.has_overdue_tools = any(requisition.line_ids.mapped("is_overdue"))

    @api.depends("line_ids.qty_to_return")
    def _compute_has_tools_to_return(self):
        for requisition in self:
            requisition.has_tools_to_return = any(line.qty_to_return > 0 for line in requisition.line_ids)

    def _search_has_overdue_tools(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Overdue tools can only be searched as true or false."))
        positive = (operator == "=") == value
        return [("line_ids", "any" if positive else "not any", [("is_overdue", "=", True)])]

    @api.model
    def _read_group_expand_state(self, states, domain):
        # The queue's columns in the order of the flow, even when empty; a draft or cancelled column only
        # when there is something in it (the parts staff's queue never holds the workshop's drafts)
        shown = set(states) | {"submitted", "approved", "done"}
        return [state for state, _label in self._fields["state"].selection if state in shown]

    @api.model_create_multi
    def create(self, vals_list):
        new = self.env._("New")
        to_name = [vals for vals in vals_list if vals.get("name", new) in (new, False)]
        if to_name:
            names = self.env["ir.sequence"]._next_batch_by_code("warranty.part.requisition", len(to_name))
            for vals, name in zip(to_name, names, strict=True):
                vals["name"] = name
        if not self.env.su:
            self._check_create_vals(vals_list)
        requisitions = super().create(vals_list)
        if not self.env.su:
            # Checked again on the records made: values may also come from other defaults
            requisitions._check_created()
        return requisitions

    def write(self, vals):
        if not self.env.su:
            self._check_write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(requisition.state not in ("draft", "cancel") for requisition in self):
            raise UserError(_("Only draft or cancelled requisitions can be deleted: cancel it first."))
        if not self.env.su:
            self._check_requester_or_manager(_("delete"))

    def action_submit(self):
        """Send the request to the parts staff."""
        self._check_workshop()
        self._lock_for_update()
        for requisition in self:
            if requisition.state != "draft":
                raise UserError(
                    _("Requisition %(name)s is not a draft: it cannot be submitted.", name=requisition.name)
                )
            if not requisition.line_ids:
                raise UserError(_("Requisition %(name)s asks for nothing: add a line first.", name=requisition.name))
        self._check_requester_or_manager(_("submit"))
        # sudo: the state is written by the actions only (write() refuses it to everybody else)
        self.sudo().write({"state": "submitted"})
        return True

    def action_approve(self):
        """Approve: issue what is in stock with one transfer, buy what is missing."""
        self._check_parts_staff()
        # Two parts clerks approving at once: the second waits here, then is retried and finds it approved,
        # so one approval makes one transfer and one set of RFQs
        self._lock_for_update()
        self._check_can_approve()
        # sudo: the state and the approval trail are written by the actions only
        self.sudo().write(
            {"state": "approved", "approved_by_id": self.env.user.id, "date_approved": fields.Datetime.now()}
        )
        pickings = self._create_issue_pickings()
        self._buy_shortages(pickings)
        self._update_repair_part_locations()
        return True

    def action_open_refuse_wizard(self):
        """Ask the parts staff why they refuse, then refuse (action_refuse checks it all again)."""
        self._check_parts_staff()
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse Requisition"),
            "res_model": "warranty.part.requisition.refuse",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_refuse(self):
        """Refuse the request, with the reason written on it."""
        self._check_parts_staff()
        self._lock_for_update()
        for requisition in self:
            if requisition.state != "submitted":
                raise UserError(_("Only a submitted requisition can be refused (%(name)s).", name=requisition.name))
            if not (requisition.refuse_reason or "").strip():
                raise UserError(_("Enter the reason for refusing requisition %(name)s.", name=requisition.name))
        # sudo: the state is written by the actions only
        self.sudo().write({"state": "cancel"})
        return True

    def action_cancel(self):
        """Withdraw the request: reservations are released and unconfirmed purchases cancelled."""
        self._lock_for_update()
        for requisition in self:
            if requisition.state in ("done", "cancel"):
                raise UserError(_("Requisition %(name)s is already closed.", name=requisition.name))
            if requisition.picking_ids.filtered(lambda p: p.state == "done" and p.warranty_requisition_kind == "issue"):
                raise UserError(_(
                    "Parts of requisition %(name)s were already issued: it cannot be cancelled. "
                    "Return what is not needed instead.", name=requisition.name,
                ))
        # The parts staff may stop a request they received; a draft is still its requester's alone
        if not (self._is_parts_staff() and "draft" not in self.mapped("state")):
            self._check_requester_or_manager(_("cancel"))
        self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        # Unconfirmed RFQ lines go; received or confirmed purchases stay untouched.
        # sudo: the workshop withdrawing its request may not hold purchase rights; only the RFQ
        # lines made for this requisition are touched
        draft_lines = self.sudo().line_ids.purchase_line_ids.filtered(
            lambda line: line.order_id.state in ("draft", "sent")
        )
        orders = draft_lines.order_id
        draft_lines.unlink()
        orders.filtered(lambda order: not order.order_line).button_cancel()
        # sudo: the state is written by the actions only
        self.sudo().write({"state": "cancel"})
        return True

    def action_reset_to_draft(self):
        """Reopen a cancelled requisition to correct and submit it again."""
        self._lock_for_update()
        if any(requisition.state != "cancel" for requisition in self):
            raise UserError(_("Only a cancelled requisition can be set back to draft."))
        self._check_requester_or_manager(_("reopen"))
        # sudo: the state and the approval trail are written by the actions only
        self.sudo().write({"state": "draft", "approved_by_id": False, "date_approved": False})
        return True

    def action_return_tools(self):
        """Create the return transfer of the tools issued and not yet returned."""
        if not (self._is_parts_staff() or self.env.user.has_group("warranty_service.group_warranty_workshop")):
            raise AccessError(_("Only the workshop or the parts staff return lent tools."))
        # Two clicks at once would make two returns of the same tools
        self._lock_for_update()
        for requisition in self:
            if requisition.state not in ("approved", "done"):
                raise UserError(_("Requisition %(name)s issued no tool to return.", name=requisition.name))
            if requisition.picking_ids.filtered(
                lambda p: p.warranty_requisition_kind == "tool_return" and p.state not in ("done", "cancel")
            ):
                raise UserError(_(
                    "A return of the tools of requisition %(name)s is already waiting: validate it first.",
                    name=requisition.name,
                ))
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

    def _is_manager(self):
        return self.env.su or self.env.user.has_group("warranty_service.group_warranty_manager")

    def _is_parts_staff(self):
        return self.env.su or self.env.user.has_group("warranty_service.group_warranty_parts")

    def _check_workshop(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop submits requisitions."))

    def _check_parts_staff(self):
        if not self._is_parts_staff():
            raise AccessError(_("Only the parts staff approve or refuse requisitions."))

    def _check_requester_or_manager(self, verb):
        """The request is its requester's: only they, or a Warranty Manager, act on it in its name."""
        if self._is_manager():
            return
        others = self.filtered(lambda requisition: requisition.requested_by_id != self.env.user)
        if others:
            raise AccessError(_(
                "Requisition %(name)s is %(requester)s's request: only they or a Warranty Manager can %(verb)s it.",
                name=others[0].name, requester=others[0].requested_by_id.name, verb=verb,
            ))

    def _check_create_vals(self, vals_list):
        """Refuse a new request in another's name or past draft before its lines are made."""
        defaults = self.env.context

        def value(vals, fname, default=False):
            return vals[fname] if fname in vals else defaults.get(f"default_{fname}", default)

        for vals in vals_list:
            if value(vals, "state", "draft") != "draft" or any(
                value(vals, fname) for fname in ("approved_by_id", "date_approved", "picking_ids", "purchase_ids")
            ):
                raise UserError(_(
                    "A new requisition starts as a draft: it is submitted, approved and issued with its buttons."
                ))
            if value(vals, "requested_by_id", self.env.uid) != self.env.uid and not self._is_manager():
                raise AccessError(_(
                    "You request parts in your own name: only a Warranty Manager can file a request for someone else."
                ))

    def _check_created(self):
        """A new request is a draft in its creator's name (a Warranty Manager may name another requester)."""
        if any(
            requisition.state != "draft" or requisition.approved_by_id or requisition.date_approved
            or requisition.picking_ids or requisition.purchase_ids
            for requisition in self
        ):
            raise UserError(_(
                "A new requisition starts as a draft: it is submitted, approved and issued with its buttons."
            ))
        if not self._is_manager() and any(requisition.requested_by_id != self.env.user for requisition in self):
            raise AccessError(_(
                "You request parts in your own name: only a Warranty Manager can file a request for someone else."
            ))

    def _check_write(self, vals):
        """What may be changed, by whom, in which state; the status moves only through the actions."""
        written = set(vals)
        if written & ACTION_FIELDS:
            raise UserError(_(
                "The status, approval and transfers of a requisition change only through its buttons "
                "(Submit, Approve, Refuse, Cancel, Set to Draft)."
            ))
        if "requested_by_id" in vals and not self._is_manager() \
                and any(requisition.requested_by_id.id != vals["requested_by_id"] for requisition in self):
            raise AccessError(_(
                "You request parts in your own name: only a Warranty Manager can change who requested a requisition."
            ))
        checked = written & (REQUEST_FIELDS | PLANNING_FIELDS)
        if not checked:
            return
        labels = {fname: self._fields[fname]._description_string(self.env) for fname in checked}
        for requisition in self:
            allowed = requisition._get_editable_fields()
            refused = checked - allowed
            if not refused:
                continue
            if requisition.state == "draft":
                requisition._check_requester_or_manager(_("change"))
            raise UserError(_(
                "Requisition %(name)s is %(state)s: %(fields)s can no longer be changed.",
                name=requisition.name,
                state=dict(self._fields["state"]._description_selection(self.env))[requisition.state],
                fields=", ".join(sorted(labels[fname] for fname in refused)),
            ))

    def _get_editable_fields(self):
        """The fields the current user may change on this requisition now."""
        self.ensure_one()
        is_requester = self.requested_by_id == self.env.user
        if self.state == "draft":
            if is_requester or self._is_manager():
                return REQUEST_FIELDS | {"priority", "date_required"}
            return set()
        involved = is_requester or self._is_parts_staff()
        if self.state == "submitted" and involved:
            # The refusal reason is written by the parts staff before they refuse
            return {"priority", "date_required"} | ({"refuse_reason"} if self._is_parts_staff() else set())
        if self.state == "approved" and involved:
            return {"priority"}
        return set()

    def _check_request_editable(self):
        """The lines are the request: changed only in draft, by the requester or a Warranty Manager."""
        for requisition in self:
            if requisition.state != "draft":
                raise UserError(_(
                    "Requisition %(name)s was submitted: its lines can no longer be changed. Cancel it and set it "
                    "back to draft to correct it.", name=requisition.name,
                ))
        self._check_requester_or_manager(_("change"))

    def _lock_for_update(self):
        """Lock the requisitions' rows for the rest of the transaction.

        A concurrent action on the same requisition waits here until the first one commits; the
        database then refuses the waiting transaction (it read the row before the change), and the
        RPC layer retries it from the start: it sees the new state and is refused in words.
        """
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(self._table), tuple(self.ids),
            ))

    def _check_can_approve(self):
        self._check_parts_staff()
        is_manager = self._is_manager()
        for requisition in self:
            if requisition.state != "submitted":
                raise UserError(_(
                    "Requisition %(name)s is %(state)s: only a submitted requisition can be approved.",
                    name=requisition.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[requisition.state],
                ))
            # Four eyes: neither the requester nor whoever filed the request in their name approves it
            if not self.env.su and requisition.requested_by_id == self.env.user:
                raise UserError(_(
                    "You requested %(name)s yourself: another member of the parts staff must approve it.",
                    name=requisition.name,
                ))
            if not self.env.su and requisition.create_uid == self.env.user:
                raise UserError(_(
                    "You filed %(name)s in %(requester)s's name: another member of the parts staff must approve it.",
                    name=requisition.name, requester=requisition.requested_by_id.name,
                ))
            # The limit of the requisition's company, whatever company the approver works in now
            limit = requisition.company_id.warranty_requisition_approval_limit
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
                    lambda s, company=line.company_id: not s.company_id or s.company_id == company
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
                lambda m, products=products: m.repair_line_type == "add" and m.product_id in products
                and m.state not in ("done", "cancel")
            )
            if moves:
                moves._do_unreserve()
                moves.write({"location_id": requisition.workshop_location_id.id})

    def _check_done(self):
        """Done when every line is issued in full, or the rest of its transfer was cancelled."""
        def finished(requisition):
            issues = requisition.picking_ids.filtered(lambda p: p.warranty_requisition_kind == "issue")
            return (
                issues and all(p.state in ("done", "cancel") for p in issues) and any(p.state == "done" for p in issues)
            )

        # sudo: the state is written by the actions only; this one follows the transfers validated by the parts staff
        self.filtered(lambda r: r.state == "approved" and finished(r)).sudo().write({"state": "done"})
