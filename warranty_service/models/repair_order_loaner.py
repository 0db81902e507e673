from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Written by the loaner actions only, with the transfer that moves the unit
LOANER_ACTION_FIELDS = {"loaner_date_out", "loaner_date_in", "loaner_state"}


class RepairOrder(models.Model):
    """The substitute unit lent to the customer while the repair lasts."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Loaner: a substitute unit lent to the customer while the repair lasts
    loaner_lot_id = fields.Many2one(
        "stock.lot", string="Loaner Unit", check_company=True, tracking=True, copy=False,
        # Only units waiting in a loaner fleet: a customer's unit is never offered (checked on save too)
        domain="[('product_id.tracking', '=', 'serial'), ('quant_ids', 'any', [('location_id.warranty_loaner_fleet', "
        "'=', True), ('quantity', '>', 0)])]",
        help="A unit of the loaner fleet lent to the customer while the repair lasts.",
    )
    loaner_date_out = fields.Datetime(string="Loaner Out", readonly=True, copy=False)
    loaner_date_in = fields.Datetime(string="Loaner In", readonly=True, copy=False)
    loaner_state = fields.Selection(
        [("none", "No Loaner"), ("planned", "Planned"), ("lent", "Lent"), ("returned", "Returned")],
        string="Loaner Status", compute="_compute_loaner_state", store=True,
    )

    _sql_constraints = [
        # Two repairs confirming the same loaner at the same moment: only the database can refuse one
        (
            "loaner_lent_once",
            "EXCLUDE (loaner_lot_id WITH =) WHERE (loaner_state = 'lent')",
            "This loaner unit is already lent on another repair.",
        ),
    ]

    @api.depends("loaner_lot_id", "loaner_date_out", "loaner_date_in")
    def _compute_loaner_state(self):
        for repair in self:
            if not repair.loaner_lot_id:
                repair.loaner_state = "none"
            elif repair.loaner_date_in:
                repair.loaner_state = "returned"
            elif repair.loaner_date_out:
                repair.loaner_state = "lent"
            else:
                repair.loaner_state = "planned"

    @api.constrains("loaner_lot_id", "lot_id")
    def _check_loaner(self):
        for repair in self.filtered("loaner_lot_id"):
            if repair.loaner_lot_id == repair.lot_id:
                raise ValidationError(_("A unit cannot be its own loaner (%(serial)s).", serial=repair.lot_id.name))

    @api.constrains("loaner_lot_id")
    def _check_loaner_in_fleet(self):
        # The rule of the field's domain: a loaner is chosen from the fleet, so the mistake is told when
        # the unit is chosen, not at Lend Loaner. sudo: where the unit stands is read for every workshop user
        planned = self.filtered(lambda r: r.loaner_lot_id and r.loaner_state == "planned")
        if not planned:
            return
        in_fleet = self.env["stock.quant"].sudo().search_fetch(
            [
                ("lot_id", "in", planned.loaner_lot_id.ids),
                ("location_id.warranty_loaner_fleet", "=", True),
                ("quantity", ">", 0),
            ],
            ["lot_id"],
        ).lot_id
        lent = self.sudo().search_fetch(
            [("loaner_lot_id", "in", planned.loaner_lot_id.ids), ("loaner_state", "=", "lent")],
            ["name", "loaner_lot_id"],
        )
        for repair in planned:
            out_on = lent.filtered(lambda other, repair=repair: other.loaner_lot_id == repair.loaner_lot_id)[:1]
            if repair.loaner_lot_id not in in_fleet and out_on:
                raise ValidationError(
                    _(
                        "Loaner %(serial)s is lent on repair %(repair)s: choose another unit of the fleet.",
                        serial=repair.loaner_lot_id.name,
                        repair=out_on.name,
                    )
                )
            if repair.loaner_lot_id not in in_fleet:
                raise ValidationError(
                    _(
                        "%(serial)s is not a unit of the loaner fleet: choose a unit of the fleet (a serial is "
                        "added to it with Add to Loaner Fleet on its form).",
                        serial=repair.loaner_lot_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(LOANER_ACTION_FIELDS & vals.keys() for vals in vals_list):
            self._raise_loaner_fields_refused()
        return super().create(vals_list)

    def write(self, vals):
        self._check_loaner_write(vals)
        return super().write(vals)

    def action_lend_loaner(self):
        """Hand the loaner unit to the customer: a transfer from the loaner fleet to the customer."""
        self._check_loaner_rights()
        # A double click on one repair: the second call waits, is retried and finds the loaner out
        self._lock_for_update()
        for repair in self:
            if not repair.loaner_lot_id:
                raise UserError(_("Choose the loaner unit of repair %(repair)s first.", repair=repair.name))
            if repair.loaner_state != "planned":
                raise UserError(_("The loaner of repair %(repair)s is already out.", repair=repair.name))
            if not repair.partner_id:
                raise UserError(_("Repair %(repair)s has no customer to lend a unit to.", repair=repair.name))
        self._check_loaners_free()
        fleets = {repair: repair._get_loaner_location() for repair in self}
        # One read of where the loaners are, not one per repair
        quants = self.env["stock.quant"].search_fetch(
            [
                ("lot_id", "in", self.loaner_lot_id.ids),
                ("location_id", "child_of", [f.id for f in fleets.values()]),
                ("quantity", ">", 0),
            ],
            ["lot_id", "location_id"],
        )
        for repair, fleet in fleets.items():
            if not quants.filtered(
                lambda q, repair=repair, fleet=fleet: q.lot_id == repair.loaner_lot_id
                and q.location_id.parent_path.startswith(fleet.parent_path)
            ):
                raise UserError(
                    _(
                        "Loaner %(serial)s is not in the loaner fleet (%(fleet)s): add it to the fleet (button on "
                        "the serial number) or choose another unit.",
                        serial=repair.loaner_lot_id.name,
                        fleet=fleet.display_name,
                    )
                )
        # Marked lent before its transfer is made: two repairs lending the same unit at once meet at the
        # database's exclusion constraint here; the second waits for the first and is refused before it
        # moves anything (its whole transaction is rolled back with the refusal)
        try:
            with self.env.cr.savepoint():
                # sudo: the loaner dates are written by these actions only (write() refuses them)
                self.sudo().write({"loaner_date_out": fields.Datetime.now()})
        except pg_errors.ExclusionViolation:
            raise UserError(
                _(
                    "Loaner %(serial)s was lent on another repair a moment ago: choose another unit.",
                    serial=", ".join(self.loaner_lot_id.mapped("name")),
                )
            ) from None
        for repair, fleet in fleets.items():
            repair._create_service_transfer(
                "loaner_out",
                repair._get_warehouse().out_type_id,
                fleet,
                self.env.ref("stock.stock_location_customers"),
                repair.loaner_lot_id,
                validate=True,
            )
        return True

    def action_return_loaner(self):
        """The customer brought the loaner back: a transfer from the customer to the loaner fleet."""
        self._check_loaner_rights()
        # Two clicks at once would bring the unit back twice: the second waits, is retried and is refused
        self._lock_for_update()
        for repair in self:
            if repair.loaner_state != "lent":
                raise UserError(_("The loaner of repair %(repair)s is not out.", repair=repair.name))
        # sudo: the loaner dates are written by these actions only (write() refuses them)
        self.sudo().write({"loaner_date_in": fields.Datetime.now()})
        for repair in self:
            repair._create_service_transfer(
                "loaner_in",
                repair._get_warehouse().in_type_id,
                self.env.ref("stock.stock_location_customers"),
                repair._get_loaner_location(),
                repair.loaner_lot_id,
                validate=True,
            )
        return True

    def action_print_loan_agreement(self):
        """Print the loan agreement the customer signs when taking the loaner."""
        if any(not repair.loaner_lot_id for repair in self):
            raise UserError(_("There is no loaner on this repair."))
        return self.env.ref("warranty_service.action_report_loan_agreement").report_action(self)

    def _check_loaner_rights(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop lends loaners and takes them back."))

    def _raise_loaner_fields_refused(self):
        raise UserError(
            _("A loaner is lent and taken back with the buttons Lend Loaner and Loaner Returned, which move the unit.")
        )

    def _check_loaner_write(self, vals):
        """The loaner's dates follow its transfers; the unit cannot be swapped once it is out."""
        if self.env.su:
            return
        if LOANER_ACTION_FIELDS & vals.keys():
            self._raise_loaner_fields_refused()
        if "loaner_lot_id" in vals:
            out = self.filtered(
                lambda r: r.loaner_state in ("lent", "returned") and r.loaner_lot_id.id != vals["loaner_lot_id"]
            )
            if out:
                raise UserError(
                    _(
                        "The loaner of repair %(repair)s was already handed over: its unit can no longer be changed.",
                        repair=out[0].name,
                    )
                )

    def _check_loaners_free(self):
        """A loaner can be lent once at a time, and not while it is itself under repair."""
        loaners = self.loaner_lot_id
        busy = self.search_fetch(
            [("id", "not in", self.ids), ("loaner_lot_id", "in", loaners.ids), ("loaner_state", "=", "lent")],
            ["name", "loaner_lot_id"],
        )
        if busy:
            raise UserError(
                _(
                    "Loaner %(serial)s is already lent on repair %(repair)s.",
                    serial=busy[0].loaner_lot_id.name,
                    repair=busy[0].name,
                )
            )
        in_repair = self.search_fetch(
            [("lot_id", "in", loaners.ids), ("state", "not in", ("done", "cancel"))],
            ["name", "lot_id"],
        )
        if in_repair:
            raise UserError(
                _(
                    "Loaner %(serial)s is itself under repair (%(repair)s): choose another unit.",
                    serial=in_repair[0].lot_id.name,
                    repair=in_repair[0].name,
                )
            )

    def _get_loaner_location(self):
        self.ensure_one()
        return self._get_warehouse()._get_warranty_loaner_location()
