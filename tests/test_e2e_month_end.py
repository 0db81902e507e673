"""The accountant's month-end over XML-RPC: one receipt for a remittance with short pays, a chargeback, the
allowance; every balance checked to the cent."""
import base64
import xmlrpc.client
from datetime import date

import pytest
from conftest import claim_books, invoiced_claims
from conftest import e2e_balance as _balance


def test_remittance_with_short_pays_chargeback_and_allowance(odoo):
    books = claim_books(odoo, "E2R", "Month-end", accounts={
        "warranty_allowance_account_id": ("allowance", "asset_current"),
        "warranty_allowance_expense_account_id": ("doubtful claims", "expense"),
    }, warranty_short_pay_tolerance_amount=1.0)
    tag, maker, receivable = books["tag"], books["maker"], books["receivable"]
    short_pay = books["accounts"]["warranty_short_pay_account_id"]
    chargeback_expense = books["accounts"]["warranty_chargeback_account_id"]
    allowance = books["accounts"]["warranty_allowance_account_id"]
    claim_ids = invoiced_claims(odoo, books, [361.50, 162.50, 230.00, 100.00])
    assert _balance(odoo, receivable, maker) == 854.0, "one grouped invoice"

    names = [claim["name"] for claim in odoo.call("warranty.claim", "read", claim_ids, ["name"])]
    # Paid: in full, 0.40 short (within 1.00), 5.00 short (above), and the last claim not in this remittance
    paid = [361.50, 162.10, 225.00]
    today = date.today().isoformat()
    csv = "claim_number,revision,amount_paid,payment_reference,date\n" + "".join(
        f"{name},0,{amount:.2f},REM-{tag},{today}\n" for name, amount in zip(names, paid, strict=False)
    )

    def remittance(received):
        return odoo.call("warranty.remittance.import", "create", {
            "manufacturer_id": maker, "journal_id": books["bank"], "amount_received": received,
            "data": base64.b64encode(csv.encode()).decode(),
        })

    with pytest.raises(xmlrpc.client.Fault, match="add up to .*748.60.*, not to the received total of .*750.00"):
        odoo.call("warranty.remittance.import", "action_apply", [remittance(750.0)])
    wizard = remittance(748.60)
    odoo.call("warranty.remittance.import", "action_preview", [wizard])
    assert odoo.call("warranty.remittance.import", "read", [wizard], ["error_count"])[0]["error_count"] == 0
    odoo.call("warranty.remittance.import", "action_apply", [wizard])
    payments = odoo.call("account.payment", "search_read", [("partner_id", "=", maker)], ["amount", "memo"])
    assert [(p["amount"], p["memo"]) for p in payments] == [(748.60, f"REM-{tag}")], "one payment"
    claims = odoo.call("warranty.claim", "read", claim_ids,
                       ["state", "amount_paid", "amount_open", "amount_short_paid_off"])
    assert [(c["state"], c["amount_paid"], c["amount_open"], c["amount_short_paid_off"]) for c in claims] == [
        ("paid", 361.50, 0.0, 0.0),
        ("paid", 162.10, 0.0, 0.40),
        ("accepted", 225.00, 5.0, 0.0),
        ("accepted", 0.0, 100.0, 0.0),
    ]
    assert _balance(odoo, receivable, maker) == 105.0
    assert _balance(odoo, short_pay, maker) == 0.40

    # The auditor takes back 50.00 of the first claim
    chargeback = odoo.call("warranty.claim.chargeback", "create", {
        "name": f"AUD-{tag}", "manufacturer_id": maker, "date": today, "reason": "documentation",
        "line_ids": [(0, 0, {"claim_id": claim_ids[0], "amount": 50.0})],
    })
    assert odoo.call("warranty.claim.chargeback", "action_post", [chargeback]) is True
    assert _balance(odoo, chargeback_expense, maker) == 50.0
    assert _balance(odoo, receivable, maker) == 55.0

    # Month-end over XML-RPC: the claims were submitted today, so none is older than the company's days yet;
    # the allowance of old claims is checked to the cent in the TransactionCase tests (TestAllowance)
    action = odoo.call("warranty.claim", "action_book_allowance")
    assert action["res_model"] == "warranty.claim"
    assert [c["amount_allowance"] for c in odoo.call("warranty.claim", "read", claim_ids, ["amount_allowance"])] == [
        0.0, 0.0, 0.0, 0.0]
    assert _balance(odoo, allowance, maker) == 0.0
    assert _balance(odoo, receivable, maker) == 55.0, "the allowance does not touch the receivable"
