import datetime
import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_date
from odoo.tools.sql import escape_psql

# A part of a VIN shorter than this matches too many units to be worth listing (a year letter, a plant code)
PARTIAL_SERIAL_MIN_LENGTH = 6
# How many serials a coverage check names when the serial it was given is not found whole
PARTIAL_SERIAL_CANDIDATES = 10


class WarrantyRegistration(models.Model):
    """Finding a unit by its serial (or part of it) and answering whether a failure is covered."""

    _inherit = "warranty.registration"  # pylint: disable=consider-merging-classes-inherited

    # Read-only: over RPC, Odoo may answer it from the read replica (--db_replica_host), off the primary
    @api.readonly
    def check_coverage(self, date=None, mileage_km=None, hours=None):
        """Tell whether a failure on ``date`` at ``mileage_km`` is covered, and why.

        Returns ``{"coverage": "manufacturer" | "extension" | "none", "reason": str}``.
        The manufacturer's term is checked first, then the extension. Public so
        that integrations call it over XML-RPC. ``hours`` (the hour meter reading) counts for the
        coverage components only (warranty_registration_coverage.py), which add their own key.
        """
        if len(self) != 1:
            raise UserError(_("Check the coverage of one warranty registration at a time."))
        date, mileage = self._parse_coverage_question(date, mileage_km)

        def result(coverage, reason):
            return {"coverage": coverage, "reason": reason}

        if self.is_void:
            return result(
                "none",
                _(
                    "Registration %(name)s is void (%(reason)s).",
                    name=self.name,
                    reason=self.void_reason or _("no reason given"),
                ),
            )
        if date < self.date_start:
            return result(
                "none",
                _(
                    "The date %(date)s is before the warranty started on %(start)s.",
                    date=format_date(self.env, date),
                    start=format_date(self.env, self.date_start),
                ),
            )
        over_manufacturer = bool(self.mileage_limit_km) and mileage > self.mileage_limit_km
        if date <= self.date_end and not over_manufacturer:
            reason = _("Manufacturer's warranty until %(end)s", end=format_date(self.env, self.date_end))
            if self.mileage_limit_km:
                reason = _("%(reason)s or %(limit)s km", reason=reason, limit=self.mileage_limit_km)
            return result("manufacturer", reason + ".")
        over_extension = bool(self.extension_mileage_limit_km) and mileage > self.extension_mileage_limit_km
        if self.date_end_extended and date <= self.date_end_extended and not over_extension:
            reason = _(
                "Extended warranty (%(product)s) until %(end)s",
                product=self.extension_product_id.display_name or _("extension"),
                end=format_date(self.env, self.date_end_extended),
            )
            if self.extension_mileage_limit_km:
                reason = _("%(reason)s or %(limit)s km", reason=reason, limit=self.extension_mileage_limit_km)
            return result("extension", reason + ".")
        # The unit's own terms: its coverage components (date_expiry counts them too) answer on their own
        term_end = max(filter(None, [self.date_end, self.date_end_extended]))
        if date <= term_end:
            # Still within the dates, so the odometer is what ended the coverage
            limit = self.extension_mileage_limit_km if self.date_end_extended else self.mileage_limit_km
            return result("none", _(
                "The unit has run %(mileage)s km, over the warranty limit of %(limit)s km.",
                mileage=int(mileage), limit=limit,
            ))
        return result("none", _("The warranty expired on %(end)s.", end=format_date(self.env, term_end)))

    @api.model
    @api.readonly
    def check_coverage_by_serial(self, serial, date=None, mileage_km=None, hours=None):
        """``check_coverage`` of the unit with serial number (VIN) ``serial``, in one call.

        What the workshop and integrations start from is the serial, not the registration:
        the registration in force is the one not void, else the latest void one, as on the
        serial's form. The result also names it (``registration``: its reference or False).
        """
        if serial not in (None, False) and not isinstance(serial, str):
            raise UserError(
                _(
                    'The serial number (VIN) must be given as text, e.g. "VIN123", not as %(serial)s.',
                    serial=repr(serial),
                )
            )
        serial = (serial or "").strip()
        if not serial:
            raise UserError(_("Enter the serial number (VIN) of the unit."))
        # Refused before the lookup, so that a bad question gets the same answer for every serial
        self._parse_coverage_question(date, mileage_km)
        # One query finds the registrations and reads what check_coverage needs. A registration is
        # used only within its company: only those of the user's companies count (the record rules
        # say the same; the domain keeps it so for a superuser too), the current company's first.
        registrations = self.search_fetch(
            [("lot_id.name", "=", serial), ("company_id", "in", self.env.companies.ids)],
            ["name", "company_id", "is_void", "void_reason", "date_start", "date_end", "mileage_limit_km",
             "date_end_extended", "extension_mileage_limit_km", "extension_product_id", "date_expiry",
             "component_data"],
            order="is_void, date_start desc, id desc",
        )
        registration = registrations._pick_in_force()
        if not registration:
            candidates = self._partial_serial_candidates(serial)
            reason = _("Serial number %(serial)s has no warranty registration.", serial=serial)
            if len(candidates) > PARTIAL_SERIAL_CANDIDATES:
                reason = _(
                    "Serial number %(serial)s has no warranty registration. More than %(count)s registered "
                    "serial numbers contain it, e.g. %(candidates)s: enter more characters of the VIN.",
                    serial=serial, count=PARTIAL_SERIAL_CANDIDATES,
                    candidates=", ".join(candidates[:PARTIAL_SERIAL_CANDIDATES]),
                )
            elif candidates:
                reason = _(
                    "Serial number %(serial)s has no warranty registration. Registered serial numbers "
                    "containing it: %(candidates)s.",
                    serial=serial, candidates=", ".join(candidates),
                )
            result = {"coverage": "none", "registration": False, "serial": serial, "reason": reason}
            if candidates:
                # The serials to ask about instead (the screens and integrations offer them)
                result["candidates"] = candidates[:PARTIAL_SERIAL_CANDIDATES]
            return result
        return {**registration.check_coverage(date=date, mileage_km=mileage_km, hours=hours),
                "registration": registration.name,
                "serial": serial}

    @api.model
    def _partial_serial_candidates(self, text):
        """Serials of the user's companies' registrations that contain ``text`` (one more than listed).

        The counter hears the last digits of a VIN read out by the customer: a part of at least
        PARTIAL_SERIAL_MIN_LENGTH characters is searched anywhere in the serial, case-insensitively,
        through the trigram index of stock_lot.name (one query, a few milliseconds at a million units).
        """
        if len(text) < PARTIAL_SERIAL_MIN_LENGTH:
            return []
        # The text is what the customer read out, never a pattern: "%", "_" and "\\" are matched as themselves
        # (Odoo's ilike does not escape them). An escaped ILIKE still uses the trigram index
        lots = self.env["stock.lot"].search_fetch(
            [("name", "ilike", escape_psql(text)), ("warranty_registration_ids", "any", [
                ("company_id", "in", self.env.companies.ids),
            ])],
            ["name"], order="name", limit=PARTIAL_SERIAL_CANDIDATES + 1,
        )
        return lots.mapped("name")

    @api.model
    def _search_display_name(self, operator, value):
        # name OR serial OR customer: as one condition, PostgreSQL must read every registration to
        # test the serial's and the customer's subqueries (a sequential scan). The serials and
        # customers that match are found first through their own indexes, so that each branch of the
        # OR is an index lookup (a partial VIN at a million registrations: a few milliseconds).
        # A shorter text matches too many serials to list their ids: the plain OR answers it
        length = len(value) if isinstance(value, str) else 0
        if operator in ("ilike", "like", "not ilike", "not like") and isinstance(value, str):
            # A part of a VIN, a reference or a name typed in a field: matched literally, so that "%%%%%%" or
            # "______" lists nothing instead of every unit, and a serial with "\\" is found by its part
            value = escape_psql(value)
        if (operator not in ("ilike", "like", "=ilike", "=like", "=") or not isinstance(value, str)
                or length < PARTIAL_SERIAL_MIN_LENGTH):
            return super()._search_display_name(operator, value)
        lot_ids = list(self.env["stock.lot"]._search([("name", operator, value)]))
        partner_ids = list(self.env["res.partner"].with_context(active_test=False)._search(
            [("name", operator, value)]
        ))
        return expression.OR([
            [("name", operator, value)],
            [("lot_id", "in", lot_ids)],
            [("partner_id", "in", partner_ids)],
        ])

    def _pick_in_force(self):
        """The registration in force among ``self`` (sorted: not void first, then latest).

        The current company's comes first.
        """
        return self.filtered(lambda r: r.company_id == self.env.company)[:1] or self[:1]

    @api.model
    def _parse_coverage_question(self, date, mileage_km):
        """(date, mileage) of a coverage question as integrations send it, or a UserError in the user's words."""
        if not date:
            day = self._today()
        else:
            day = None
            # datetime is a date too; a string is parsed strictly (2025-02-30 does not exist)
            if isinstance(date, datetime.date | str):
                try:
                    day = fields.Date.to_date(date.strip() if isinstance(date, str) else date)
                except ValueError:
                    day = None
            if not day:
                # quoted apart from the message: the translation extractor cannot read f-strings in its arguments
                shown = repr(date) if not isinstance(date, str) else '"' + date + '"'
                raise UserError(_(
                    "%(date)s is not a valid date: give the date of the failure as YYYY-MM-DD, e.g. 2026-11-26.",
                    date=shown,
                ))
        if mileage_km in (None, False, ""):
            mileage = 0.0
        else:
            mileage = None
            # True would read as 1 km: a yes/no is no odometer reading
            if not isinstance(mileage_km, bool) and isinstance(mileage_km, int | float | str):
                try:
                    mileage = float(mileage_km.strip() if isinstance(mileage_km, str) else mileage_km)
                except ValueError:
                    mileage = None
            if mileage is None or not math.isfinite(mileage):
                raise UserError(_(
                    "The odometer reading %(mileage)s is not a number of kilometres: give it as a number, e.g. 42000.",
                    mileage=repr(mileage_km),
                ))
        if mileage < 0:
            raise UserError(_("The odometer reading cannot be negative."))
        return day, mileage
