"""Issue 27 items 4 and 5, issue 26's repair date, over XML-RPC as the real roles with their own passwords: parallel
imports of one remittance file book it once, parallel chargebacks never take back more than was paid, and the
workshop cannot move the repair date (and with it the deadline) of a claim written by hand."""
import base64
import uuid
import xmlrpc.client
from datetime import date

import pytest
from conftest import claim_books, invoiced_claims, race
from conftest import e2e_balance as _balance


def _group_id(odoo, name):
    return odoo.call("ir.model.data", "check_object_reference", "warranty_service", name)[1]


def _user(odoo, tag, role, group):
    login = f"e2e-me-{role}-{tag}".lower()
    password = uuid.uuid4().hex
    odoo.call("res.users", "create", {
        "name": f"E2E {role} {tag}", "login": login, "password": password, "email": f"{login}@example.com",
        "groups_id": [(6, 0, [_group_id(odoo, group)])],
    })
    return type(odoo)(odoo.url, odoo.db, login, password)


def _one_winner(results):
    winners = [i for i, (outcome, _value) in enumerate(results) if outcome == "ok"]
    assert len(winners) == 1, f"exactly one call must win: {results}"
    return [message for outcome, message in results if outcome == "refused"]


@pytest.fixture(scope="module")
def books(odoo):
    """The company's warranty accounts, a manufacturer, and the accountants and the workshop user who race."""
    books = claim_books(odoo, "E2M", "Races", warranty_claim_deadline_days=30)
    tag = books["tag"]
    return {
        **books,
        "chargeback": books["accounts"]["warranty_chargeback_account_id"],
        "accountants": [_user(odoo, tag, f"accountant{i}", "group_warranty_accountant") for i in range(2)],
        "workshop": _user(odoo, tag, "workshop", "group_warranty_workshop"),
    }


def _remittance(client, books, rows, received, reference):
    names = {claim["id"]: claim["name"] for claim in client.call("warranty.claim", "read", [c for c, __ in rows],
                                                                  ["name"])}
    csv = "claim_number,revision,amount_paid,payment_reference,date\n" + "".join(
        f"{names[claim_id]},0,{amount:.2f},{reference},{date.today().isoformat()}\n"
        for claim_id, amount in rows
    )
    wizard = client.call("warranty.remittance.import", "create", {
        "manufacturer_id": books["maker"], "journal_id": books["bank"], "amount_received": received,
        "data": base64.b64encode(csv.encode()).decode(),
    })
    client.call("warranty.remittance.import", "action_preview", [wizard])
    return wizard


def test_parallel_imports_of_one_remittance_file_book_it_once(odoo, books):
    first, second = invoiced_claims(odoo, books, [100.0, 80.0])
    assert _balance(odoo, books["receivable"], books["maker"]) == 180.0
    # Two accountants import the same file at once: it part-pays both claims (their state cannot tell it is paid)
    rows = [(first, 40.0), (second, 30.0)]
    wizards = [(accountant, _remittance(accountant, books, rows, 70.0, f"REM-{books['tag']}-A"))
               for accountant in books["accountants"]]
    results = race([
        lambda accountant=accountant, wizard=wizard: accountant.call_alone(
            "warranty.remittance.import", "action_apply", [wizard])
        for accountant, wizard in wizards
    ])
    [refusal] = _one_winner(results)
    assert "is already booked on claim(s)" in refusal or "being booked by another import" in refusal, refusal
    assert _balance(odoo, books["receivable"], books["maker"]) == 110.0, "booked once, to the cent"
    payments = odoo.call("account.payment", "search_read", [("partner_id", "=", books["maker"])], ["amount"])
    assert [payment["amount"] for payment in payments] == [70.0]
    claims = odoo.call("warranty.claim", "read", [first, second], ["amount_paid", "amount_open"])
    assert [(c["amount_paid"], c["amount_open"]) for c in claims] == [(40.0, 60.0), (30.0, 50.0)]
    # Afterwards: the applied import again, and the file imported once more, are refused in words
    accountant, wizard = wizards[0]
    with pytest.raises(xmlrpc.client.Fault, match="already applied|already booked on claim"):
        accountant.call("warranty.remittance.import", "action_apply", [wizard])
    again = _remittance(accountant, books, [(first, 40.0)], 40.0, f"REM-{books['tag']}-A")
    with pytest.raises(xmlrpc.client.Fault, match=r"is already booked on claim\(s\)"):
        accountant.call("warranty.remittance.import", "action_apply", [again])
    assert _balance(odoo, books["receivable"], books["maker"]) == 110.0


def test_parallel_chargebacks_never_take_back_more_than_was_paid(odoo, books):
    [claim] = invoiced_claims(odoo, books, [100.0])
    accountants = books["accountants"]
    paid_in_full = _remittance(odoo, books, [(claim, 100.0)], 100.0, f"REM-{books['tag']}-B")
    odoo.call("warranty.remittance.import", "action_apply", [paid_in_full])
    assert odoo.call("warranty.claim", "read", [claim], ["state"])[0]["state"] == "paid"
    before = _balance(odoo, books["chargeback"], books["maker"])
    chargebacks = [accountant.call("warranty.claim.chargeback", "create", {
        "name": f"AUD-{books['tag']}-{i}", "manufacturer_id": books["maker"], "date": date.today().isoformat(),
        "reason": "labour_time", "line_ids": [(0, 0, {"claim_id": claim, "amount": 60.0})],
    }) for i, accountant in enumerate(accountants)]
    results = race([
        lambda accountant=accountant, chargeback=chargeback: accountant.call_alone(
            "warranty.claim.chargeback", "action_post", [chargeback])
        for accountant, chargeback in zip(accountants, chargebacks, strict=True)
    ])
    [refusal] = _one_winner(results)
    assert "60.0 charged back on claim" in refusal and "which was paid 100.0 (60.0 charged back already)" in refusal
    assert _balance(odoo, books["chargeback"], books["maker"]) == round(before + 60.0, 2)
    # The booked one's lines cannot be removed to make room for another
    booked = next(cb for cb, (outcome, __) in zip(chargebacks, results, strict=True) if outcome == "ok")
    line_ids = odoo.call("warranty.claim.chargeback", "read", [booked], ["line_ids"])[0]["line_ids"]
    with pytest.raises(xmlrpc.client.Fault, match="is booked: its claims and amounts cannot be"):
        accountants[0].call("warranty.claim.chargeback.line", "unlink", line_ids)


def test_workshop_cannot_move_the_repair_date_of_a_claim_written_by_hand(odoo, books):
    claim = odoo.call("warranty.claim", "create", {
        "manufacturer_id": books["maker"], "repair_date": date.today().isoformat(),
    })
    before = odoo.call("warranty.claim", "read", [claim], ["deadline_date", "name"])[0]
    workshop = books["workshop"]
    with pytest.raises(xmlrpc.client.Fault, match=rf"The repair date of claim {before['name']} sets its deadline: "
                                                  r".*only a Warranty Manager can change it afterwards"):
        workshop.call("warranty.claim", "write", [claim], {"repair_date": "2099-01-01"})
    after = workshop.call("warranty.claim", "read", [claim], ["deadline_date"])[0]
    assert after["deadline_date"] == before["deadline_date"]
