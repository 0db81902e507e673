"""Issue 26 over XML-RPC: an accountant's large remittance is queued, the cron books it chunk by chunk (each run one
committed chunk, as a running server's cron does), and the result is on the import; the same file again is refused.

The threshold and the chunk are lowered for the test (system parameters) and put back afterwards."""
import base64
import random
import uuid
import xmlrpc.client
from datetime import date

import pytest
from conftest import race

THRESHOLD = "warranty_service.import_background_rows"
CHUNK = "warranty_service.import_chunk_rows"


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


@pytest.fixture
def small_chunks(odoo):
    before = {key: odoo.call("ir.config_parameter", "get_param", key) for key in (THRESHOLD, CHUNK)}
    odoo.call("ir.config_parameter", "set_param", THRESHOLD, "3")
    odoo.call("ir.config_parameter", "set_param", CHUNK, "2")
    yield
    for key, value in before.items():
        odoo.call("ir.config_parameter", "set_param", key, value or False)


def test_large_remittance_booked_in_the_background(odoo, small_chunks):
    tag = uuid.uuid4().hex[:6].upper()
    company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    odoo.call("res.company", "write", [company_id], {
        "warranty_parts_account_id": _account(odoo, "parts recovery", "income"),
        "warranty_labor_account_id": _account(odoo, "labour recovery", "income"),
        "warranty_accrual_account_id": _account(odoo, "claims to invoice", "asset_current"),
        "warranty_short_pay_account_id": _account(odoo, "short pays", "expense"),
    })
    maker = odoo.call("res.partner", "create", {"name": f"E2E Background Maker {tag}", "is_company": True,
                                                "warranty_claim_prefix": f"E2B-{tag}-"})
    receivable = odoo.call("res.partner", "read", [maker], ["property_account_receivable_id"])[0][
        "property_account_receivable_id"][0]
    bank = odoo.call("account.journal", "search", [("type", "=", "bank"), ("company_id", "=", company_id)], limit=1)[0]
    defect = odoo.call("warranty.defect.code", "create", {"code": f"E2B-{tag}", "name": "Leak"})
    part = odoo.call("product.product", "create", {"name": f"E2B seal {tag}", "type": "consu"})
    amounts = [100.0, 80.0, 120.5, 99.99, 45.1]
    claim_ids = odoo.call("warranty.claim", "create", [{
        "manufacturer_id": maker, "defect_code_ids": [(4, defect)], "causal_part_id": part,
        "line_ids": [(0, 0, {"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
    } for amount in amounts])
    odoo.call("warranty.claim", "action_submit", claim_ids)
    odoo.call("warranty.claim", "action_accept", claim_ids)
    odoo.call("warranty.claim", "action_create_invoice", claim_ids)
    invoice_ids = odoo.call("warranty.claim", "read", [claim_ids[0]], ["invoice_ids"])[0]["invoice_ids"]
    odoo.call("account.move", "action_post", invoice_ids)
    assert _balance(odoo, receivable, maker) == 445.59

    login = f"e2e-bg-accountant-{tag}".lower()
    password = uuid.uuid4().hex
    group = odoo.call("ir.model.data", "check_object_reference", "warranty_service", "group_warranty_accountant")[1]
    odoo.call("res.users", "create", {"name": f"E2E Background {tag}", "login": login, "password": password,
                                      "groups_id": [(6, 0, [group])]})
    accountant = type(odoo)(odoo.url, odoo.db, login, password)

    names = {claim["id"]: claim["name"] for claim in odoo.call("warranty.claim", "read", claim_ids, ["name"])}
    csv = "claim_number,revision,amount_paid,payment_reference,date\n" + "".join(
        f"{names[claim_id]},0,{amount:.2f},REM-{tag},{date.today().isoformat()}\n"
        for claim_id, amount in zip(claim_ids, amounts, strict=True)
    )

    def remittance():
        wizard = accountant.call("warranty.remittance.import", "create", {
            "manufacturer_id": maker, "journal_id": bank, "amount_received": 445.59,
            "data": base64.b64encode(csv.encode()).decode(),
        })
        accountant.call("warranty.remittance.import", "action_preview", [wizard])
        return wizard

    wizard = remittance()
    action = accountant.call("warranty.remittance.import", "action_apply", [wizard])
    assert (action["res_model"], action["res_id"]) == ("warranty.remittance.import", wizard)

    def state():
        return accountant.call("warranty.remittance.import", "read", [wizard], [
            "state", "progress", "row_count", "matched_count", "unmatched_count", "error_count", "move_ids"])[0]

    assert (state()["state"], state()["row_count"]) == ("queued", 5)
    assert _balance(odoo, receivable, maker) == 445.59, "queued, nothing booked yet"
    with pytest.raises(xmlrpc.client.Fault, match="is still being booked in the background"):
        accountant.call("warranty.remittance.import", "action_apply", [remittance()])

    cron = odoo.call("ir.model.data", "check_object_reference", "warranty_service",
                     "ir_cron_warranty_remittance_import")[1]
    # Two runs of the cron at once (a worker's, and a manual one): the cron's lock lets one through, or the two one
    # after the other, each with a chunk of its own
    for outcome, value in race([lambda: odoo.call_alone("ir.cron", "method_direct_trigger", [cron])] * 2):
        assert outcome == "ok" or "currently being executed" in value, value
    progress = [state()["progress"]]
    assert progress[0] in (40.0, 80.0), "one committed chunk of 2 rows per run"
    for __ in range(10):
        if state()["state"] == "done":
            break
        odoo.call("ir.cron", "method_direct_trigger", [cron])
        progress.append(state()["progress"])
    assert progress[-1] == 100.0 and progress in ([40.0, 80.0, 100.0], [80.0, 100.0]), progress
    result = state()
    assert (result["matched_count"], result["unmatched_count"], result["error_count"]) == (5, 0, 0)
    assert len(result["move_ids"]) == 3
    payments = odoo.call("account.payment", "search_read", [("partner_id", "=", maker)], ["amount"])
    assert round(sum(payment["amount"] for payment in payments), 2) == 445.59
    assert _balance(odoo, receivable, maker) == 0.0, "every claim paid once, to the cent"
    claims = odoo.call("warranty.claim", "read", claim_ids, ["state", "amount_paid"])
    assert [(claim["state"], claim["amount_paid"]) for claim in claims] == [("paid", amount) for amount in amounts]
    messages = accountant.call("mail.message", "search_read",
                               [("model", "=", "warranty.remittance.import"), ("res_id", "=", wizard)], ["body"])
    assert any("Finished: 5 of 5 rows booked, 0 not matched, 0 in error." in m["body"] for m in messages)

    with pytest.raises(xmlrpc.client.Fault, match=r"is already booked on claim\(s\)"):
        accountant.call("warranty.remittance.import", "action_apply", [remittance()])
    odoo.call("ir.cron", "method_direct_trigger", [cron])
    assert _balance(odoo, receivable, maker) == 0.0
    assert len(odoo.call("account.payment", "search", [("partner_id", "=", maker)])) == 3
