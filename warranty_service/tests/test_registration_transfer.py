from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_coverage_components import CoverageComponentsCommon


@tagged("post_install", "-at_install")
class TestRegistrationTransfer(CoverageComponentsCommon):
    """Step 4 of issue 24: a unit sold on keeps its warranty, at the programme's terms for later owners."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The first owner: 10 years / 100,000 km; later owners: 5 years / 60,000 km
        cls.powertrain.write({
            "months": 120, "limit_km": 100000, "later_owner_terms": True, "later_owner_months": 60,
            "later_owner_limit_km": 60000,
        })
        cls.second_owner = cls.env["res.partner"].create({"name": "Second Owner"})
        cls.third_owner = cls.env["res.partner"].create({"name": "Third Owner"})

    def _transfer(self, registration, on, owner, km=0, user=None):
        Transfer = self.env["warranty.registration.transfer"].with_user(user or self.user_manager)
        transfer = Transfer.create({
            "registration_id": registration.id, "date": on, "to_partner_id": owner.id, "odometer_km": km,
        })
        transfer.action_confirm()
        return transfer

    def test_transfer_applies_later_owner_terms(self):
        registration = self._deliver_lots(self.van, "VIN-TRF-1")
        powertrain = registration.component_line_ids.filtered(lambda line: line.component_id == self.powertrain)
        self.assertEqual((powertrain.date_end, powertrain.limit_km), (date(2034, 12, 31), 100000))
        transfer = self._transfer(registration, "2026-05-01", self.second_owner, km=30000)
        self.assertEqual((transfer.state, transfer.from_partner_id), ("done", self.customer))
        self.assertEqual(registration.partner_id, self.second_owner)
        self.assertEqual((powertrain.date_end, powertrain.limit_km), (date(2029, 12, 31), 60000))
        emissions = registration.component_line_ids.filtered(lambda line: line.component_id == self.emissions)
        self.assertEqual((emissions.date_end, emissions.limit_km), (date(2032, 12, 31), 80000),
                         "a component without later-owner terms keeps its own")
        reading = self.env["warranty.usage.reading"].search([("lot_id", "=", registration.lot_id.id)])
        self.assertEqual((reading.date, reading.value), (date(2026, 5, 1), 30000))
        verdict = registration.check_coverage("2028-01-01", 61000)["components"][0]
        self.assertEqual(verdict["reason"], "Powertrain (PT5): the unit has run 61000 km, over its limit of 60000 km.")
        # A third owner gets the later owners' terms, not less; the history is kept
        self._transfer(registration, "2027-05-01", self.third_owner, km=40000)
        self.assertEqual((powertrain.date_end, powertrain.limit_km), (date(2029, 12, 31), 60000))
        self.assertEqual(registration.transfer_ids.from_partner_id, self.customer | self.second_owner)
        self.assertEqual(registration.partner_id, self.third_owner)

    def test_bad_transfers_refused(self):
        registration = self._deliver_lots(self.van, "VIN-TRF-2")
        Transfer = self.env["warranty.registration.transfer"].with_user(self.user_manager)
        early = Transfer.create({"registration_id": registration.id, "date": "2024-12-31",
                                 "to_partner_id": self.second_owner.id})
        with self.assertRefused(r"cannot be dated 12/31/2024, before the unit's delivery on 01/01/2025"):
            early.action_confirm()
        self.assertEqual((early.state, registration.partner_id), ("draft", self.customer), "nothing changed")
        same = Transfer.create({"registration_id": registration.id, "date": "2026-01-01",
                                "to_partner_id": self.customer.id})
        with self.assertRefused("Farmer Jensen already owns VIN-TRF-2: choose the new owner"):
            same.action_confirm()
        with self.assertRefused("The meter reading of a transfer cannot be negative"):
            Transfer.create({"registration_id": registration.id, "date": "2026-01-01",
                             "to_partner_id": self.second_owner.id, "odometer_km": -1})
        self._repair_reading(registration.lot_id, "2026-03-01", 50000)
        backwards = Transfer.create({"registration_id": registration.id, "date": "2026-04-01",
                                     "to_partner_id": self.second_owner.id, "odometer_km": 100})
        with self.assertRefused("cannot read 100.0 km on 04/01/2026: 50000.0 km was already recorded"):
            backwards.action_confirm()
        powertrain = registration.component_line_ids.filtered(lambda line: line.component_id == self.powertrain)
        self.assertEqual((backwards.state, powertrain.limit_km), ("draft", 100000), "nothing changed")
        done = self._transfer(registration, "2026-05-01", self.second_owner, km=60000)
        with self.assertRefused("A confirmed ownership transfer is the unit's history: it cannot change"):
            done.write({"date": "2026-06-01"})
        with self.assertRefused("it cannot be deleted"):
            done.unlink()
        with self.assertRefused("already transferred later, on 05/01/2026"):
            self._transfer(registration, "2026-04-15", self.third_owner)
        registration.action_void()
        with self.assertRefused("is void: its warranty cannot be transferred"):
            self._transfer(registration, "2026-07-01", self.third_owner)

    def _repair_reading(self, lot, on, km):
        self.env["warranty.usage.reading"].create({"lot_id": lot.id, "date": on, "value": km, "unit": "km"})

    def test_only_the_manager_transfers(self):
        registration = self._deliver_lots(self.van, "VIN-TRF-3")
        for user in (self.user_workshop, self.user_parts, self.user_accountant):
            with self.assertRaises(AccessError):
                self._transfer(registration, "2026-05-01", self.second_owner, user=user)
        transfer = self.env["warranty.registration.transfer"].with_user(self.user_manager).create({
            "registration_id": registration.id, "date": "2026-05-01", "to_partner_id": self.second_owner.id,
        })
        with self.assertRefused("A transfer is confirmed with its button, not by editing it"):
            transfer.write({"state": "done"})
        self.assertEqual(registration.partner_id, self.customer)
        transfer.action_confirm()
        self.assertEqual(registration.with_user(self.user_workshop).transfer_ids.to_partner_id, self.second_owner)

