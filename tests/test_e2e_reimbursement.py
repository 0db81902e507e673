"""An integration books a manufacturer's decisions over XML-RPC: invoice, remittance, write-off."""
import base64
import uuid
import xmlrpc.client
from datetime import date

import pytest
from conftest import e2e_account as _account


def _balance(odoo, account_id):
    groups = odoo.call(
        "account.move.line",
        "read_group",
        [("account_id", "=", account_id), ("parent_state", "=", "posted")],
        ["balance:sum"],
        [],
    )
    return round(groups[0]["balance"] or 0.0, 2) if groups else 0.0


def test_claims_invoiced_paid_by_remittance_and_written_off(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    accrual = _account(odoo, "claims to invoice", "asset_current")
    writeoff = _account(odoo, "rejected claims", "expense")
    company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    odoo.call("res.company", "write", [company_id], {
        "warranty_parts_account_id": _account(odoo, "parts recovery", "income"),
        "warranty_labor_account_id": _account(odoo, "labour recovery", "income"),
        "warranty_accrual_account_id": accrual,
        "warranty_writeoff_account_id": writeoff,
    })
    maker = odoo.call("res.partner", "create", {"name": f"E2E Motors {tag}", "is_company": True,
                                                "warranty_claim_prefix": f"E2E-{tag}-"})
    defect = odoo.call("warranty.defect.code", "create", {"code": f"E2E-{tag}", "name": "Leak"})
    part = odoo.call("product.product", "create", {"name": f"E2E seal {tag}", "type": "consu"})
    claim_ids = odoo.call("warranty.claim", "create", [{
        "manufacturer_id": maker, "defect_code_ids": [(4, defect)], "causal_part_id": part,
        "line_ids": [(0, 0, {"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
    } for amount in (120.0, 80.0)])
    paid_id, rejected_id = claim_ids
    odoo.call("warranty.claim", "action_submit", claim_ids)
    assert _balance(odoo, accrual) == 200.0, "submitted claims are owed by the manufacturer"

    odoo.call("warranty.claim", "action_accept", [paid_id])
    odoo.call("warranty.claim", "action_reject", [rejected_id], "Not a factory defect")
    odoo.call("warranty.claim", "action_create_invoice", [paid_id])
    invoice_ids = odoo.call("warranty.claim", "read", [paid_id], ["invoice_ids"])[0]["invoice_ids"]
    odoo.call("account.move", "action_post", invoice_ids)
    assert _balance(odoo, accrual) == 80.0, "the invoice cleared the accepted claim"

    name = odoo.call("warranty.claim", "read", [paid_id], ["name"])[0]["name"]
    bank = odoo.call("account.journal", "search", [("type", "=", "bank"), ("company_id", "=", company_id)], limit=1)
    # Paid today, whatever the day the suite runs on
    csv = f"claim_number,revision,amount_paid,payment_reference,date\n{name},0,120.00,REM-{tag},{date.today()}\n"
    wizard = odoo.call("warranty.remittance.import", "create", {
        "manufacturer_id": maker, "journal_id": bank[0], "amount_received": 120.0,
        "data": base64.b64encode(csv.encode()).decode(),
    })
    odoo.call("warranty.remittance.import", "action_preview", [wizard])
    assert odoo.call("warranty.remittance.import", "read", [wizard], ["error_count"])[0]["error_count"] == 0
    odoo.call("warranty.remittance.import", "action_apply", [wizard])
    claim = odoo.call("warranty.claim", "read", [paid_id], ["state", "reimbursement_state", "amount_open"])[0]
    assert (claim["state"], claim["reimbursement_state"], claim["amount_open"]) == ("paid", "paid", 0.0)

    odoo.call("warranty.claim", "action_write_off", [rejected_id])
    assert _balance(odoo, writeoff) == 80.0
    assert _balance(odoo, accrual) == 0.0, "nothing is left owed"
    with pytest.raises(xmlrpc.client.Fault, match="already written off or re-billed"):
        odoo.call("warranty.claim", "action_write_off", [rejected_id])
