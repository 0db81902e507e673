
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from .stock_lot import ensure_trigram

# Written only by voiding (action_void, a customer return): editing them would revive or kill a warranty unseen
VOID_FIELDS = {"is_void", "void_date", "void_reason", "void_picking_id"}


class WarrantyRegistration(models.Model):
    _name = "warranty.registration"
    _description = "Warranty Registration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "lot_id.name", "partner_id.name"]
    # Workshop, parts and accounting staff only read registrations but note things about the unit
    _mail_post_access = "read"

    # Identity of the unit
    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", required=True, index=True, tracking=True, ondelete="restrict",
        check_company=True, domain="[('product_id.tracking', '=', 'serial')]",
        help="The serial number (VIN) of the sold unit.",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, tracking=True, check_company=True,
        compute="_compute_product_id", store=True, readonly=False, precompute=True,
    )
    # Precomputed, like the terms below: computed before the INSERT rather than written after it,
    # which costs an UPDATE per hundred registrations when a delivery registers many serials
    manufacturer_id = fields.Many2one(
        related="product_id.warranty_manufacturer_id", string="Manufacturer", store=True, index=True, precompute=True,
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )
    # Where it was sold
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True,
        help="The owner of the unit, who holds the warranty.",
    )
    sale_order_id = fields.Many2one("sale.order", string="Sale Order", readonly=True, check_company=True, copy=False)
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, check_company=True, copy=False,
        help="The delivery that started the warranty.",
    )
    # Terms, frozen at registration so later changes to the product do not rewrite sold warranties
    date_start = fields.Date(
        string="Warranty Start", required=True, tracking=True, default=fields.Date.context_today,
        help="Delivery date of the unit to the customer.",
    )
    date_end = fields.Date(
        string="Warranty End", required=True, tracking=True,
        compute="_compute_date_end", store=True, readonly=False, precompute=True,
        help="Last day of the manufacturer's warranty.",
    )
    mileage_limit_km = fields.Integer(
        string="Mileage Limit (km)", tracking=True,
        compute="_compute_mileage_limit_km", store=True, readonly=False, precompute=True,
        help="Coverage ends above this odometer reading. 0 means no limit.",
    )
    extension_product_id = fields.Many2one(
        "product.product", string="Extended Warranty", tracking=True, check_company=True,
        domain="[('is_extended_warranty', '=', True)]",
        help="The extended warranty sold or granted for this unit.",
    )
    date_end_extended = fields.Date(
        string="Extended Warranty End", tracking=True,
        compute="_compute_date_end_extended", store=True, readonly=False, precompute=True,
        help="Last day of the extended warranty, which starts after the manufacturer's term.",
    )
    extension_mileage_limit_km = fields.Integer(
        string="Extension Mileage Limit (km)",
        compute="_compute_extension_mileage_limit_km", store=True, readonly=False, precompute=True,
        help="Mileage limit of the extended warranty: the manufacturer's unless the extension product sets its own.",
    )
    date_expiry = fields.Date(
        string="Covered Until", compute="_compute_date_expiry", store=True, index=True, precompute=True,
        help="Last day of any coverage: the extended warranty end when there is one, else the manufacturer's end.",
    )
    # Life cycle: only voiding is stored; expiry follows today's date
    is_void = fields.Boolean(string="Void", default=False, readonly=True, copy=False, tracking=True)
    void_date = fields.Date(string="Voided On", readonly=True, copy=False)
    void_reason = fields.Char(readonly=True, copy=False, tracking=True)
    void_picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, copy=False, check_company=True,
        help="The customer return that voided this registration.",
    )
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired"), ("void", "Void")],
        string="Status", compute="_compute_state", search="_search_state",
        help="Active: the unit is within its manufacturer's or extended warranty term, or one of its coverage "
        "components still runs.\n"
        "Expired: every term has ended; repairs are paid by the customer.\n"
        "Void: the unit was returned (or the registration cancelled); a new delivery registers it again.",
    )

    # The unit's history, reached from its registration
    repair_count = fields.Integer(string="Repairs", compute="_compute_history_counts")
    claim_count = fields.Integer(string="Claims", compute="_compute_history_counts")

    _sql_constraints = [
        (
            "date_end_after_start",
            "CHECK(date_end >= date_start)",
            "The warranty cannot end before it starts.",
        ),
        (
            "date_end_extended_after_end",
            "CHECK(date_end_extended IS NULL OR date_end_extended >= date_end)",
            "The extended warranty cannot end before the manufacturer's warranty.",
        ),
        (
            "mileage_positive",
            "CHECK(mileage_limit_km >= 0 AND extension_mileage_limit_km >= 0)",
            "A mileage limit cannot be negative: enter 0 for no limit.",
        ),
        # Two deliveries validated at the same time must not both register a serial:
        # only the database can guarantee that. Per company: a registration is used only within
        # its company, so a serial shared between companies is registered by each that sells it.
        (
            "lot_unique_not_void",
            "EXCLUDE (lot_id WITH =, company_id WITH =) WHERE (is_void IS NOT TRUE)",
            "This serial number already has a warranty registration that is not void in this company.",
        ),
    ]

    def init(self):
        res = super().init()
        # Searched by any part of its reference (name_search): a trigram index, also where Odoo made none
        ensure_trigram(self.env, self, "name")
        return res

    def _compute_history_counts(self):
        # sudo: counted for every reader of the registration; the buttons that open them are shown only to
        # the roles that may read repairs (workshop, parts) and claims (workshop, accountant)
        domain = [("lot_id", "in", self.lot_id.ids), ("company_id", "in", self.company_id.ids)]
        repairs = dict(
            ((lot.id, company.id), count)
            for lot, company, count in self.env["repair.order"].sudo()._read_group(
                [*domain, ("state", "!=", "cancel")], ["lot_id", "company_id"], ["__count"],
            )
        ) if self.lot_id else {}
        claims = dict(
            ((lot.id, company.id), count)
            for lot, company, count in self.env["warranty.claim"].sudo()._read_group(
                domain, ["lot_id", "company_id"], ["__count"],
            )
        ) if self.lot_id else {}
        for registration in self:
            key = (registration.lot_id.id, registration.company_id.id)
            registration.repair_count = repairs.get(key, 0)
            registration.claim_count = claims.get(key, 0)

    @api.depends("lot_id")
    def _compute_product_id(self):
        for registration in self:
            if registration.lot_id:
                registration.product_id = registration.lot_id.product_id

    @api.depends("date_start", "product_id")
    def _compute_date_end(self):
        for registration in self:
            if registration.date_start:
                months = registration.product_id.warranty_months
                # The term covers whole months: a 24-month warranty started on 1 March ends on 28/29 February
                registration.date_end = registration.date_start + relativedelta(months=months, days=-1 if months else 0)
            else:
                registration.date_end = False

    @api.depends("product_id")
    def _compute_mileage_limit_km(self):
        for registration in self:
            registration.mileage_limit_km = registration.product_id.warranty_mileage_km

    @api.depends("date_end", "extension_product_id")
    def _compute_date_end_extended(self):
        for registration in self:
            months = registration.extension_product_id.warranty_extension_months
            if registration.date_end and months:
                registration.date_end_extended = registration.date_end + relativedelta(months=months)
            else:
                registration.date_end_extended = False

    @api.depends("mileage_limit_km", "extension_product_id")
    def _compute_extension_mileage_limit_km(self):
        for registration in self:
            registration.extension_mileage_limit_km = (
                registration.extension_product_id.warranty_mileage_km or registration.mileage_limit_km
            )

    @api.depends("date_end", "date_end_extended")
    def _compute_date_expiry(self):
        for registration in self:
            registration.date_expiry = max(
                filter(None, [registration.date_end, registration.date_end_extended]), default=False
            )

    @api.depends("is_void", "date_expiry")
    @api.depends_context("date")
    def _compute_state(self):
        today = self._today()
        for registration in self:
            if registration.is_void:
                registration.state = "void"
            elif registration.date_expiry and registration.date_expiry < today:
                registration.state = "expired"
            else:
                registration.state = "active"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("The warranty status can only be searched by value."))
        values = {value} if isinstance(value, str) else set(value or [])
        today = self._today()
        domains = {
            "void": [("is_void", "=", True)],
            "active": [("is_void", "=", False), ("date_expiry", ">=", today)],
            "expired": [("is_void", "=", False), ("date_expiry", "<", today)],
        }
        domain = expression.OR([domains[state] for state in values if state in domains] or [expression.FALSE_DOMAIN])
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        for registration in self:
            if registration.lot_id.product_id != registration.product_id:
                raise ValidationError(_(
                    "Serial number %(serial)s belongs to %(lot_product)s, not to %(product)s.",
                    serial=registration.lot_id.name,
                    lot_product=registration.lot_id.product_id.display_name,
                    product=registration.product_id.display_name,
                ))

    @api.constrains("lot_id", "company_id", "is_void")
    def _check_one_registration_per_lot(self):
        current = self.filtered(lambda r: not r.is_void)
        if current:
            self._check_lots_free([(r.lot_id.id, r.company_id.id, r.id) for r in current])

    @api.constrains("date_start", "date_end", "date_end_extended")
    def _check_dates(self):
        for registration in self:
            if registration.date_end and registration.date_start and registration.date_end < registration.date_start:
                raise ValidationError(_(
                    "The warranty of %(serial)s cannot end (%(end)s) before it starts (%(start)s).",
                    serial=registration.lot_id.name, end=format_date(self.env, registration.date_end),
                    start=format_date(self.env, registration.date_start),
                ))
            if registration.date_end_extended and registration.date_end_extended < registration.date_end:
                raise ValidationError(_(
                    "The extended warranty of %(serial)s cannot end before the manufacturer's warranty (%(end)s).",
                    serial=registration.lot_id.name, end=format_date(self.env, registration.date_end),
                ))

    @api.constrains("mileage_limit_km", "extension_mileage_limit_km")
    def _check_mileage(self):
        for registration in self:
            if registration.mileage_limit_km < 0 or registration.extension_mileage_limit_km < 0:
                raise ValidationError(_(
                    "The mileage limit of %(serial)s cannot be negative: enter 0 for no limit.",
                    serial=registration.lot_id.name,
                ))

    @api.constrains("extension_product_id")
    def _check_extension_product(self):
        for registration in self:
            if registration.extension_product_id and not registration.extension_product_id.is_extended_warranty:
                raise ValidationError(_(
                    "%(product)s is not an extended warranty product.",
                    product=registration.extension_product_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the INSERT, which the exclusion constraint would refuse with a terser message
        self._check_lots_free([
            (vals["lot_id"], vals.get("company_id") or self.env.company.id, False)
            for vals in vals_list if vals.get("lot_id") and not vals.get("is_void")
        ])
        new = self.env._("New")
        to_name = [vals for vals in vals_list if vals.get("name", new) in (new, False)]
        if to_name:
            names = self.env["ir.sequence"]._next_batch_by_code("warranty.registration", len(to_name))
            for vals, name in zip(to_name, names, strict=True):
                vals["name"] = name
        return super().create(vals_list)

    def write(self, vals):
        if VOID_FIELDS & vals.keys() and not self.env.su:
            raise UserError(_(
                "A warranty registration is voided with its Void button (or by the customer's return), "
                "not by editing it."
            ))
        result = super().write(vals)
        if {"lot_id", "company_id"} & vals.keys():
            self._check_repairs_keep_their_unit()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_delivered(self):
        if any(registration.picking_id for registration in self):
            raise UserError(_(
                "A registration created by a delivery cannot be deleted: void it instead, so its history is kept."
            ))

    def action_void(self):
        """Void the registrations, e.g. a unit registered by mistake."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager can void a warranty registration."))
        already = self.filtered("is_void")
        if already:
            raise UserError(_("Registration %(name)s is already void.", name=already[0].name))
        self._void(_("Voided by %(user)s", user=self.env.user.name))
        return True

    def action_view_repairs(self):
        """Open the repairs of the registered unit."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("lot_id", "=", self.lot_id.id), ("company_id", "=", self.company_id.id)]
        action["context"] = {
            "default_product_id": self.product_id.id, "default_lot_id": self.lot_id.id,
            "default_partner_id": self.partner_id.id, "default_company_id": self.company_id.id,
        }
        return action

    def action_view_claims(self):
        """Open the manufacturer claims of the registered unit."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        action["domain"] = [("lot_id", "=", self.lot_id.id), ("company_id", "=", self.company_id.id)]
        action["context"] = {"create": False}
        return action

    def action_print_certificate(self):
        """Print the warranty certificate for the customer, and keep a trace in the chatter."""
        if any(registration.is_void for registration in self):
            raise UserError(_("A void registration has no valid warranty certificate."))
        for registration in self:
            registration.message_post(body=_("Warranty certificate printed."))
        return self.env.ref("warranty_service.action_report_warranty_certificate").report_action(self)

    # Business helpers

    def _check_repairs_keep_their_unit(self):
        # A repair's coverage was decided on this registration of its serial: moving the registration
        # to another serial or company would cover that unit with it. sudo: any company's repairs count.
        # Called from write() only: a new registration has no repair yet (no query per delivery)
        repairs = self.env["repair.order"].sudo().search_fetch(
            [("warranty_registration_id", "in", self.ids)],
            ["name", "lot_id", "company_id", "warranty_registration_id"],
        )
        repair = repairs.filtered(lambda r: r.lot_id != r.warranty_registration_id.lot_id
                                  or r.company_id != r.warranty_registration_id.company_id)[:1]
        if repair:
            raise ValidationError(_(
                "Registration %(registration)s is used by repair %(repair)s: its serial number cannot change "
                "(nor its company). Void it and register the right serial instead.",
                registration=repair.warranty_registration_id.name, repair=repair.name,
            ))

    def _today(self):
        # A "date" in the context lets reports and tests look at coverage as of another day
        day = self.env.context.get("date")
        if not day:
            return fields.Date.context_today(self)
        try:
            return fields.Date.to_date(day)
        except (ValueError, TypeError):
            # An integration's context, not a person's typing: still answered in words
            raise UserError(
                _("The date %(date)s in the context is not a valid date (YYYY-MM-DD).", date=repr(day))
            ) from None

    def _void(self, reason, picking=None):
        registrations = self.filtered(lambda r: not r.is_void)
        if registrations:
            # sudo: the void fields are written only here (write() refuses them otherwise); the caller
            # checked the right to void (action_void) or voids by a customer return, which needs none
            registrations.sudo().write({
                "is_void": True,
                "void_date": fields.Date.context_today(self),
                "void_reason": reason,
                "void_picking_id": picking.id if picking else False,
            })
        return registrations

    @api.model
    def _check_lots_free(self, lot_company_registration):
        """Refuse a serial that would hold two registrations that are not void in one company.

        ``lot_company_registration``: [(lot id, company id, registration id or False)]. One search for the
        batch. Other companies' registrations of a shared serial do not count: each company registers,
        sees and uses only its own.
        """
        keys = [(lot_id, company_id) for lot_id, company_id, _registration_id in lot_company_registration]
        own_ids = [registration_id for _lot, _company, registration_id in lot_company_registration if registration_id]
        # sudo: a delivery registers units for users without warranty rights, and in a company that may
        # not be among the companies the user has selected
        existing = self.sudo().search_fetch(
            [("lot_id", "in", [lot_id for lot_id, _company_id in keys]),
             ("company_id", "in", list({company_id for _lot_id, company_id in keys})),
             ("is_void", "=", False), ("id", "not in", own_ids)],
            ["name", "lot_id", "company_id"],
        )
        holder = {(registration.lot_id.id, registration.company_id.id): registration.name for registration in existing}
        seen = set()
        for key in keys:
            if key in holder or key in seen:
                lot = self.env["stock.lot"].sudo().browse(key[0])
                raise ValidationError(_(
                    "Serial number %(serial)s already has the warranty registration %(registration)s. "
                    "A serial can hold only one registration that is not void: void it (or return the unit) first.",
                    serial=lot.name, registration=holder.get(key) or _("in this same batch"),
                ))
            seen.add(key)

    @api.model
    def _prepare_registration_vals(self, move_line):
        """Values of the registration of one delivered serial; a hook for other modules."""
        move = move_line.move_id
        order = move.sale_line_id.order_id
        partner = order.partner_id or move.picking_id.partner_id.commercial_partner_id or move.partner_id
        return {
            "lot_id": move_line.lot_id.id,
            "product_id": move_line.product_id.id,
            "partner_id": partner.id,
            "sale_order_id": order.id,
            "picking_id": move.picking_id.id,
            "company_id": move.company_id.id,
            "date_start": fields.Date.context_today(self, move.date),
            "extension_product_id": order._get_warranty_extension_product().id,
        }

    @api.model
    def _register_delivered_moves(self, moves):
        """Create the registrations of the serials delivered by ``moves``, in one batch."""
        # Browsed afresh so that the move lines of all moves are prefetched together
        move_lines = self.env["stock.move.line"].browse(moves.move_line_ids.ids)
        vals_list = [
            self._prepare_registration_vals(move_line)
            for move_line in move_lines
            if move_line.lot_id and move_line.quantity > 0
        ]
        return self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(vals_list)

    @api.model
    def _void_returned_moves(self, moves):
        """Void the registrations of the serials that ``moves`` brought back from customers."""
        # A return voids the warranty the returning company gave, not another company's of a shared serial
        lots_by_picking = {}
        for move_line in self.env["stock.move.line"].browse(moves.move_line_ids.ids):
            if move_line.lot_id and move_line.quantity > 0:
                key = (move_line.picking_id, move_line.move_id.company_id)
                lots_by_picking.setdefault(key, self.env["stock.lot"])
                lots_by_picking[key] |= move_line.lot_id
        all_lots = self.env["stock.lot"].union(*lots_by_picking.values()) if lots_by_picking else self.env["stock.lot"]
        registrations = self.search([("lot_id", "in", all_lots.ids), ("is_void", "=", False)])
        for (picking, company), lots in lots_by_picking.items():
            returned = registrations.filtered(
                lambda r, lots=lots, company=company: r.lot_id in lots and r.company_id == company
            )
            returned._void(
                _("Returned by the customer (%(picking)s)", picking=picking.name or _("return")), picking=picking,
            )
