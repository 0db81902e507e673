import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon
from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestRecall(WarrantyRepairCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement",
            "campaign_code": "RC-2026-01",
            "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)],
            "operation_id": cls.operation_seal.id,
            "part_ids": [Command.create({"product_id": cls.seal.id, "quantity": 1})],
        })

    def test_campaign_from_listing_to_completion(self):
        self.recall.with_user(self.user_manager).action_add_serials_from_products()
        lines = self.recall.line_ids
        self.assertEqual(
            lines.lot_id, self.lot_covered | self.lot_extended, "the sold serials, not the unregistered one"
        )
        self.assertEqual(lines.mapped("partner_id"), self.customer, "matched to their owner")
        self.recall.with_user(self.user_manager).action_add_serials_from_products()
        self.assertEqual(len(self.recall.line_ids), 2, "a unit is listed once")
        self.assertFalse(self.lot_covered.warranty_recall_line_ids, "a draft campaign flags nothing yet")
        self.recall.action_open()
        self.assertEqual(self.lot_covered.with_user(self.user_workshop).warranty_recall_line_ids.recall_id, self.recall)

        # The unit comes in for something else: the repair shows the campaign and takes its work
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        self.assertEqual(repair.recall_line_ids.recall_id, self.recall)
        repair.with_user(self.user_workshop).action_add_campaign_work()
        self.assertEqual(repair.labor_line_ids.operation_id, self.operation_seal)
        self.assertEqual(repair.move_ids.product_id, self.seal)
        self._diagnose(repair)
        self._confirm(repair)
        repair.action_repair_start()
        repair.action_repair_end()
        line = self.recall.line_ids.filtered(lambda row: row.lot_id == self.lot_covered)
        self.assertEqual((line.state, line.repair_id), ("done", repair))
        self.assertFalse(self.lot_covered.warranty_recall_line_ids, "done units are no longer flagged")
        self.recall.line_ids.filtered(lambda line: line.lot_id == self.lot_extended).action_not_applicable()
        self.assertEqual((self.recall.count_done, self.recall.count_open, self.recall.count_not_applicable), (1, 0, 1))
        self.assertEqual(self.recall.progress, 100.0)

    def test_owners_are_informed_in_their_language(self):
        self.recall.action_add_serials_from_products()
        self.recall.action_open()
        self.recall.with_user(self.user_manager).action_notify_owners()
        mails = self.env["mail.mail"].search(
            [("model", "=", "warranty.recall.line"), ("res_id", "in", self.recall.line_ids.ids)]
        )
        self.assertEqual(len(mails), 2, "one notice per affected unit")
        self.assertIn("RC-2026-01", mails[0].body_html)
        self.assertEqual(mails.mapped("email_to"), ["jensen@example.com"] * 2)
        self.assertTrue(all(self.recall.line_ids.mapped("notified")))
        with self.assertRefused("No owner with an e-mail address is left to inform"):
            self.recall.action_notify_owners()

    def test_campaign_work_is_done_once(self):
        self.recall._add_lots(self.lot_covered)
        self.recall.action_open()
        first = self._repair(self.lot_covered, user=self.user_workshop)
        second = self._repair(self.lot_covered, user=self.user_workshop)
        first.with_user(self.user_workshop).action_add_campaign_work()
        message = (
            f"The work of campaign RC-2026-01 on unit VIN-REP-1 is already on repair {first.name}: complete it there"
        )
        with self.assertRefused(message):
            first.with_user(self.user_workshop).action_add_campaign_work()
        self.assertEqual(len(first.labor_line_ids), 1, "clicking twice does not add the work twice")
        with self.assertRefused(message):
            second.with_user(self.user_workshop).action_add_campaign_work()
        first.action_repair_cancel()
        second.with_user(self.user_workshop).action_add_campaign_work()
        self._diagnose(second)
        self._confirm(second)
        second.action_repair_start()
        second.action_repair_end()
        self.assertEqual((self.recall.line_ids.state, self.recall.line_ids.repair_id), ("done", second))
        with self.assertRefused(
            f"Unit VIN-REP-1 already received the work of campaign RC-2026-01 on repair {second.name}: "
            "it is not done twice"
        ):
            self._repair(self.lot_covered).action_add_campaign_work()

    def test_bad_input_and_roles(self):
        with self.assertRefused("A campaign without affected units cannot start"):
            self.recall.action_open()
        with self.assertRefused("has no open recall campaign"):
            self._repair(self.lot_unregistered).action_add_campaign_work()
        with self.assertRefused("A campaign code must be unique per manufacturer"):
            self.recall.copy({"name": "Copy"})
        with self.assertRaises(AccessError):
            self.env["warranty.recall"].with_user(self.user_workshop).create({
                "name": "X", "campaign_code": "X", "manufacturer_id": self.manufacturer.id,
            })


@tagged("post_install", "-at_install")
class TestRecallSerials(WarrantyRepairCommon):
    """Affected units from the manufacturer's serial list, a serial range or a production batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Brake hose", "campaign_code": "RC-2026-07", "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)],
        })
        # A series of vans: VIN-S-0008 .. VIN-S-0012, the first three of batch B-17
        cls.series = cls.env["stock.lot"].create([
            {"name": f"VIN-S-{number:04d}", "product_id": cls.van.id, "ref": "B-17" if number < 11 else "B-18"}
            for number in range(8, 13)
        ])
        cls.env["warranty.registration"].create({
            "lot_id": cls.series[0].id, "partner_id": cls.customer.id, "date_start": "2025-03-01",
        })
        # The same serial for a saw, which the campaign does not concern; and a van serial off the series
        cls.saw_lot, cls.other_van = cls.env["stock.lot"].create([
            {"name": "SAW-77", "product_id": cls.saw.id},
            {"name": "VIN-T-0009", "product_id": cls.van.id, "ref": "B-17"},
        ])

    def _import(self, rows, header=("serial", "default_code")):
        lines = [",".join(header)] + [",".join(row) for row in rows]
        return self.env["warranty.recall.import"].with_user(self.user_manager).create({
            "recall_id": self.recall.id,
            "data": base64.b64encode("\n".join(lines).encode()),
            "filename": "rc-2026-07.csv",
        })

    def _select(self, **values):
        Select = self.env["warranty.recall.select"].with_user(self.user_manager)
        return Select.create({"recall_id": self.recall.id, **values})

    def test_import_clean_file(self):
        self.van.default_code = "VAN-1"
        self.recall._add_lots(self.lot_covered)
        wizard = self._import([
            ["VIN-REP-1", ""],        # already on the campaign
            ["VIN-S-0008", "VAN-1"],  # registered: its owner is found
            ["VIN-S-0009", ""],       # in stock, no registration: listed without an owner
            ["VIN-S-0008", ""],       # twice in the file: added once
        ])
        action = self.recall.with_user(self.user_manager).action_import_serials()
        self.assertEqual(
            (action["res_model"], action["context"]), ("warranty.recall.import", {"default_recall_id": self.recall.id})
        )
        wizard.action_preview()
        self.assertEqual((wizard.error_count, wizard.unit_count), (0, 2))
        self.assertEqual(len(wizard.row_ids), 4, "every row is listed in the preview")
        by_row = {row.row_number: row for row in wizard.row_ids}
        self.assertEqual(by_row[2].message, "Already listed on the campaign.")
        self.assertEqual((by_row[3].lot_id, by_row[3].partner_id), (self.series[0], self.customer))
        self.assertEqual(by_row[4].message, "No registration: the unit has no known owner to inform.")
        self.assertEqual(by_row[5].message, "Repeated in the file: added once.")
        wizard.action_apply()
        self.assertEqual(self.recall.line_ids.lot_id, self.lot_covered | self.series[:2])
        line = self.recall.line_ids.filtered(lambda row: row.lot_id == self.series[0])
        self.assertEqual(line.partner_id, self.customer)
        self.assertIn("2 unit(s) added from the serial list rc-2026-07.csv", self.recall.message_ids[0].body)

    def test_import_with_errors_changes_nothing(self):
        self.van.default_code = "VAN-1"
        saw_named_like_van = self.env["stock.lot"].create({"name": "VIN-S-0010", "product_id": self.saw.id})
        wizard = self._import([
            ["VIN-S-0008", ""],
            ["VIN-NOPE", ""],         # unknown
            ["SAW-77", ""],           # a saw: not a product of the campaign
            ["VIN-S-0009", "XX-9"],   # known serial, but not of that product
            ["", ""],                 # empty row
            ["VIN-S-0010", ""],       # a van and a saw share it: the van is the campaign's, accepted
        ])
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 4)
        errors = dict(
            wizard.row_ids.filtered(lambda r: r.status == "error").mapped(lambda r: (r.row_number, r.message))
        )
        self.assertEqual(errors, {
            3: "Unknown serial VIN-NOPE.",
            4: "Serial SAW-77 is a Test Saw, which is not a product of campaign RC-2026-07.",
            5: "Unknown serial VIN-S-0009 of product XX-9.",
            6: "The row has no serial number.",
        })
        ok = wizard.row_ids.filtered(lambda r: r.row_number == 7)
        self.assertEqual((ok.status, ok.lot_id), ("ok", self.series[2]))
        self.assertNotEqual(ok.lot_id, saw_named_like_van)
        with self.assertRefused(r"The serial list has 4 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertFalse(self.recall.line_ids, "all or nothing: not even the good rows were added")

    def test_import_ambiguous_and_malformed(self):
        self.env["stock.lot"].create({"name": "VIN-S-0008", "product_id": self.trailer.id})
        self.recall.product_ids = [Command.link(self.trailer.id)]
        wizard = self._import([["VIN-S-0008"]], header=("serial",))
        wizard.action_preview()
        self.assertEqual(
            wizard.row_ids.message,
            "Serial VIN-S-0008 exists for several products of the campaign (Test Trailer (no warranty), Test Van): "
            "add their internal reference in the default_code column.",
        )
        with self.assertRefused(r"The serial list lacks the column\(s\) serial. Expected: serial."):
            self._import([["VIN-S-0008"]], header=("vin",)).action_preview()
        self.recall.line_ids = [Command.create({"lot_id": self.lot_covered.id})]
        self.recall.action_open()
        self.recall.action_close()
        with self.assertRefused("Campaign Brake hose is closed: no unit can be added"):
            self._import([["VIN-S-0008"]]).action_preview()

    def test_select_serial_range(self):
        wizard = self._select(mode="range", serial_from="VIN-S-9", serial_to="VIN-S-0011")
        self.assertEqual(wizard.lot_ids, self.series[1:4], "9 to 11 by number, whatever the leading zeros")
        self.assertFalse(wizard.problem)
        self.recall._add_lots(self.series[1])
        wizard.action_apply()
        self.assertEqual(self.recall.line_ids.lot_id, self.series[1:4])
        self.assertEqual(len(self.recall.line_ids), 3, "a unit listed once")
        self.assertNotIn(self.other_van, self.recall.line_ids.lot_id, "another series is not in the range")

    def test_select_batch(self):
        wizard = self._select(mode="batch", batch=" B-17 ")
        self.assertEqual(wizard.lot_ids, self.series[:3] | self.other_van)
        wizard.action_apply()
        self.assertEqual(self.recall.line_ids.lot_id, self.series[:3] | self.other_van)
        self.assertEqual(
            self.recall.line_ids.filtered(lambda line: line.lot_id == self.series[0]).partner_id, self.customer
        )

    def test_select_refusals(self):
        cases = [
            ({"mode": "range", "serial_from": "VIN-S-0008"}, "Enter the first and the last serial of the range."),
            (
                {"mode": "range", "serial_from": "VIN-S-A", "serial_to": "VIN-S-0011"},
                "Serial VIN-S-A does not end in a number: a range runs between two serials that end in digits.",
            ),
            (
                {"mode": "range", "serial_from": "VIN-S-0008", "serial_to": "VIN-T-0011"},
                "VIN-S-0008 and VIN-T-0011 are not of the same series: "
                "a range runs between serials with the same prefix.",
            ),
            (
                {"mode": "range", "serial_from": "VIN-S-0011", "serial_to": "VIN-S-0008"},
                "The range runs backwards: VIN-S-0011 comes after VIN-S-0008.",
            ),
            (
                {"mode": "range", "serial_from": "VIN-S-0100", "serial_to": "VIN-S-0200"},
                "No unit of the campaign's products has a serial from VIN-S-0100 to VIN-S-0200.",
            ),
            ({"mode": "batch"}, "Enter the production batch."),
            ({"mode": "batch", "batch": "B-99"}, "No unit of the campaign's products belongs to batch B-99."),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                wizard = self._select(**values)
                self.assertEqual(wizard.problem, message)
                with self.assertRefused(message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
                    wizard.action_apply()
        self.assertFalse(self.recall.line_ids)
        self.recall.product_ids = [Command.clear()]
        with self.assertRefused("Choose the affected products of campaign Brake hose first"):
            self._select(mode="batch", batch="B-17").action_apply()
        with self.assertRaises(AccessError):
            self.env["warranty.recall.select"].with_user(self.user_workshop).create({"recall_id": self.recall.id})


@tagged("post_install", "-at_install")
class TestRecallClaims(ClaimCommon):
    """The manufacturer pays campaign work at the campaign's terms, whatever the unit's warranty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign_defect = cls.env["warranty.defect.code"].create({"code": "RC-SEAL", "name": "Campaign: seal"})
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement", "campaign_code": "RC-2026-01", "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)], "operation_id": cls.operation_seal.id,
            "defect_code_id": cls.campaign_defect.id,
            "part_ids": [Command.create({"product_id": cls.seal.id, "quantity": 1})],
        })
        cls.recall._add_lots(cls.lot_covered | cls.lot_extended)
        cls.recall.action_open()
        cls.paid_part = cls.env["product.product"].create({"name": "Wiper blade", "type": "consu", "standard_price": 8})

    def _campaign_repair(self, lot, when, own_work=True):
        repair = self._repair(lot, when=when)
        if own_work:  # the fault the customer came for
            repair.write({
                "move_ids": [
                    Command.create({"product_id": self.paid_part.id, "product_uom_qty": 2, "repair_line_type": "add"}),
                ],
                "labor_line_ids": [Command.create({"operation_id": self.operation_test.id})],
            })
        repair.with_user(self.user_workshop).action_add_campaign_work()
        if repair.warranty_coverage == "manufacturer":
            self._diagnose(repair)
        self._confirm(repair)
        repair.action_repair_start()
        with freeze_time(when[:10]):
            repair.action_repair_end()
        return repair

    def test_terms_default_from_the_manufacturer(self):
        self.assertEqual((self.recall.claim_labor_rate, self.recall.claim_parts_markup_percent), (50.0, 10.0))
        other = self.env["res.partner"].create({
            "name": "Other Maker", "warranty_labor_rate": 61.0, "warranty_parts_markup_percent": 5.0,
        })
        self.recall.manufacturer_id = other
        self.assertEqual((self.recall.claim_labor_rate, self.recall.claim_parts_markup_percent), (61.0, 5.0))
        own_rate = self.env["warranty.recall"].create({
            "name": "Own rate", "campaign_code": "RC-OWN", "manufacturer_id": self.manufacturer.id,
            "claim_labor_rate": 75.0,
        })
        self.assertEqual((own_rate.claim_labor_rate, own_rate.claim_parts_markup_percent), (75.0, 10.0),
                         "a campaign's own rate leaves the manufacturer's markup")

    def test_expired_unit_claims_the_campaign_work_alone(self):
        self.recall.write({"claim_labor_rate": 70.0, "claim_parts_markup_percent": 20.0})
        repair = self._campaign_repair(self.lot_covered, when="2027-02-01 09:00:00")
        self.assertEqual(repair.warranty_coverage, "none", "the warranty expired on 2026-12-31")
        claim = self._claim(repair)
        self.assertEqual(claim.recall_id, self.recall)
        self.assertEqual(self.recall.claim_ids, claim)
        self.assertEqual(claim.manufacturer_id, self.manufacturer)
        lines = {(line.line_type, line.product_id or line.labor_operation_id): line for line in claim.line_ids}
        self.assertEqual(len(lines), 2, "the customer's wiper blades and diagnosis are not the manufacturer's")
        part, labour = lines[("part", self.seal)], lines[("labor", self.operation_seal)]
        self.assertEqual((part.quantity, part.price_unit, part.amount_claimed), (1, 30.0, 30.0), "cost 25 + 20 %")
        self.assertEqual((labour.quantity, labour.price_unit, labour.amount_claimed), (3.5, 70.0, 245.0))
        self.assertEqual(claim.amount_claimed, 275.0)
        self.assertEqual(claim.defect_code_ids, self.campaign_defect)
        self.assertEqual(claim.causal_part_id, self.seal)
        self.assertEqual(claim.failure_cause, "Recall campaign RC-2026-01 (Rear seal replacement)")
        with freeze_time("2027-02-03"):
            claim.action_submit()
        self.assertEqual(claim.state, "submitted", "complete enough to go to the manufacturer")

    def test_covered_unit_claims_both_at_their_terms(self):
        self.recall.write({"claim_labor_rate": 70.0, "claim_parts_markup_percent": 20.0})
        repair = self._campaign_repair(self.lot_covered, when="2026-06-01 09:00:00")
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        claim = self._claim(repair)
        amounts = sorted((line.line_type, line.name, line.quantity, line.price_unit) for line in claim.line_ids)
        self.assertEqual(amounts, [
            ("labor", "[00-0010] Diagnosis", 0.5, 50.0),            # the covered fault: manufacturer's terms
            ("labor", "[01-2310] Replace rear seal", 3.5, 70.0),    # the campaign: the campaign's terms
            ("part", "Crankshaft seal", 1.0, 30.0),
            ("part", "Wiper blade", 2.0, 8.8),
        ])
        self.assertEqual(claim.amount_claimed, 25.0 + 245.0 + 30.0 + 17.6)
        self.assertEqual(claim.defect_code_ids, self.defect, "the repair's own diagnosis")
        self.assertEqual(claim.recall_id, self.recall)

    def test_uncovered_repair_without_campaign_work_is_refused(self):
        repair = self._repair(self.lot_unregistered)
        self._confirm(repair)
        repair.action_repair_start()
        repair.action_repair_end()
        with self.assertRefused("is not covered by the manufacturer's warranty"):
            repair.action_create_warranty_claim()
