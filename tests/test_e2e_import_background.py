"""Issue 26 over XML-RPC: an accountant's large remittance is queued, the cron books it chunk by chunk (each run one
committed chunk, as a running server's cron does), and the result is on the import; the same file again is refused.

The threshold and the chunk are lowered for the test (system parameters) and put back afterwards."""
import base64
import uuid
import xmlrpc.client
from datetime import date

import pytest
from conftest import claim_books, e2e_balance, invoiced_claims, race

THRESHOLD = "warranty_service.import_background_rows"
CHUNK = "warranty_service.import_chunk_rows"


@pytest.fixture
def small_chunks(odoo):
    before = {key: odoo.call("ir.config_parameter", "get_param", key) for key in (THRESHOLD, CHUNK)}
    odoo.call("ir.config_parameter", "set_param", THRESHOLD, "3")
    odoo.call("ir.config_parameter", "set_param", CHUNK, "2")
    yield
    for key, value in before.items():
        odoo.call("ir.config_parameter", "set_param", key, value or False)


def test_large_remittance_booked_in_the_background(odoo, small_chunks):
    books = claim_books(odoo, "E2B", "Background")
    tag, maker, receivable, bank = (books[key] for key in ("tag", "maker", "receivable", "bank"))
    amounts = [100.0, 80.0, 120.5, 99.99, 45.1]
    claim_ids = invoiced_claims(odoo, books, amounts)
    assert e2e_balance(odoo, receivable, maker) == 445.59

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
    assert e2e_balance(odoo, receivable, maker) == 445.59, "queued, nothing booked yet"
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
    assert e2e_balance(odoo, receivable, maker) == 0.0, "every claim paid once, to the cent"
    claims = odoo.call("warranty.claim", "read", claim_ids, ["state", "amount_paid"])
    assert [(claim["state"], claim["amount_paid"]) for claim in claims] == [("paid", amount) for amount in amounts]
    messages = accountant.call("mail.message", "search_read",
                               [("model", "=", "warranty.remittance.import"), ("res_id", "=", wizard)], ["body"])
    assert any("Finished: 5 of 5 rows booked, 0 not matched, 0 in error." in m["body"] for m in messages)

    with pytest.raises(xmlrpc.client.Fault, match=r"is already booked on claim\(s\)"):
        accountant.call("warranty.remittance.import", "action_apply", [remittance()])
    odoo.call("ir.cron", "method_direct_trigger", [cron])
    assert e2e_balance(odoo, receivable, maker) == 0.0
    assert len(odoo.call("account.payment", "search", [("partner_id", "=", maker)])) == 3
