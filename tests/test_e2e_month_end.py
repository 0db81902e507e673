"""The accountant's month-end over XML-RPC: one receipt for a remittance with short pays, a chargeback, the
allowance; every balance checked to the cent."""
import base64
import random
import uuid
import xmlrpc.client
from datetime import date

import pytest


def _account(odoo, name, account_type):
    code = f"9{random.randint(10000, 99999)}"
    return odoo.call(
        "account.account", "create", {"code": code, "name": f"E2E {name} {code}", "account_type": account_type}
    )


def _balance(odoo, account_id, partner_id):
    groups = odoo.call(
        "account.move.line", "read_group",
        [("account_id", "=", account_id), ("partner_id", "=", partner_id), ("parent_state", "=", "posted")],
        ["balance:sum"], [],
    )
    return round(groups[0]["balance"] or 0.0, 2) if groups else 0.0


def test_remittance_with_short_pays_chargeback_and_allowance(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    short_pay = _account(odoo, "short pays", "expense")
    chargeback_expense = _account(odoo, "chargebacks", "expense")
    allowance = _account(odoo, "allowance", "asset_current")
    allowance_expense = _account(odoo, "doubtful claims", "expense")
    odoo.call("res.company", "write", [company_id], {
        "warranty_parts_account_id": _account(odoo, "parts recovery", "income"),
        "warranty_labor_account_id": _account(odoo, "labour recovery", "income"),
        "warranty_accrual_account_id": _account(odoo, "claims to invoice", "asset_current"),
        "warranty_short_pay_account_id": short_pay,
        "warranty_chargeback_account_id": chargeback_expense,
        "warranty_allowance_account_id": allowance,
        "warranty_allowance_expense_account_id": allowance_expense,
    })
    maker = odoo.call("res.partner", "create", {
        "name": f"E2E Month-end Maker {tag}", "is_company": True, "warranty_claim_prefix": f"E2R-{tag}-",
        "warranty_short_pay_tolerance_amount": 1.0,
    })
    receivable = odoo.call("res.partner", "read", [maker], ["property_account_receivable_id"])[0][
        "property_account_receivable_id"][0]
    defect = odoo.call("warranty.defect.code", "create", {"code": f"E2R-{tag}", "name": "Leak"})
    part = odoo.call("product.product", "create", {"name": f"E2R seal {tag}", "type": "consu"})
    amounts = [361.50, 162.50, 230.00, 100.00]
    claim_ids = odoo.call("warranty.claim", "create", [{
        "manufacturer_id": maker, "defect_code_ids": [(4, defect)], "causal_part_id": part,
        "line_ids": [(0, 0, {"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
    } for amount in amounts])
    odoo.call("warranty.claim", "action_submit", claim_ids)
    odoo.call("warranty.claim", "action_accept", claim_ids)
    odoo.call("warranty.claim", "action_create_invoice", claim_ids)
    invoice_ids = odoo.call("warranty.claim", "read", [claim_ids[0]], ["invoice_ids"])[0]["invoice_ids"]
    odoo.call("account.move", "action_post", invoice_ids)
    assert _balance(odoo, receivable, maker) == 854.0, "one grouped invoice"

    names = [claim["name"] for claim in odoo.call("warranty.claim", "read", claim_ids, ["name"])]
    # Paid: in full, 0.40 short (within 1.00), 5.00 short (above), and the last claim not in this remittance
    paid = [361.50, 162.10, 225.00]
    today = date.today().isoformat()
    csv = "claim_number,revision,amount_paid,payment_reference,date\n" + "".join(
        f"{name},0,{amount:.2f},REM-{tag},{today}\n" for name, amount in zip(names, paid, strict=False)
    )
    bank = odoo.call("account.journal", "search", [("type", "=", "bank"), ("company_id", "=", company_id)], limit=1)

    def remittance(received):
        return odoo.call("warranty.remittance.import", "create", {
            "manufacturer_id": maker, "journal_id": bank[0], "amount_received": received,
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
