"""End-to-end tests drive a running Odoo server from outside, as an integration would.

`make test` starts the server and sets ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_PASSWORD.
"""
import http.cookiejar
import itertools
import json
import os
import random
import threading
import urllib.request
import uuid
import xmlrpc.client

import pytest


class OdooClient:
    """The two public RPC protocols of Odoo: XML-RPC, and JSON-RPC for methods that return None."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url.rstrip("/"), db, login, password
        self.uid = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login} on {db}")
        self._models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        self._ids = itertools.count(1)

    def call(self, model, method, *args, **kwargs):
        return self._models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def call_alone(self, model, method, *args, **kwargs):
        """``call`` on a connection of its own: a ServerProxy is not shared between threads."""
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def call_json(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0", "method": "call", "id": next(self._ids),
            "params": {"service": "object", "method": "execute_kw",
                       "args": [self.db, self.uid, self.password, model, method, list(args), kwargs]},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.load(response)
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body.get("result")  # a method that returns None answers without "result"

    def web_get(self, path):
        """GET a page as a logged-in browser would: returns (content type, body)."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = urllib.request.Request(
            f"{self.url}/web/session/authenticate",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                "db": self.db, "login": self.login, "password": self.password}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(login, timeout=60) as response:
            assert "error" not in json.load(response)
        with opener.open(f"{self.url}{path}", timeout=180) as response:
            return response.headers.get("Content-Type"), response.read()


@pytest.fixture(scope="session")
def odoo():
    missing = [name for name in ("ODOO_URL", "ODOO_DB") if not os.environ.get(name)]
    if missing:
        # Not a skip: an end-to-end run without a server has tested nothing
        pytest.fail(f"{', '.join(missing)} not set: run these tests through `make test`, which starts a server")
    return OdooClient(
        os.environ["ODOO_URL"], os.environ["ODOO_DB"],
        os.environ.get("ODOO_LOGIN", "admin"), os.environ.get("ODOO_PASSWORD", "admin"),
    )


def race(calls):
    """Run ``calls`` at once, one thread each, lined up on a barrier.

    Returns [("ok", result) | ("refused", fault message)] in the order of ``calls``.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = ("ok", call())
        except xmlrpc.client.Fault as fault:
            results[index] = ("refused", fault.faultString)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(result is not None for result in results), f"a call did not finish: {results}"
    return results


# The month-end tests' books: the company's warranty accounts, a manufacturer and its invoiced claims

# {company field: (account name, account type)} every month-end test books to
BOOK_ACCOUNTS = {
    "warranty_parts_account_id": ("parts recovery", "income"),
    "warranty_labor_account_id": ("labour recovery", "income"),
    "warranty_accrual_account_id": ("claims to invoice", "asset_current"),
    "warranty_short_pay_account_id": ("short pays", "expense"),
    "warranty_chargeback_account_id": ("chargebacks", "expense"),
}


def e2e_account(odoo, name, account_type):
    code = f"9{random.randint(10000, 99999)}"
    return odoo.call(
        "account.account", "create", {"code": code, "name": f"E2E {name} {code}", "account_type": account_type}
    )


def e2e_balance(odoo, account_id, partner_id):
    """The posted balance of ``partner_id`` on ``account_id``, to the cent."""
    groups = odoo.call(
        "account.move.line", "read_group",
        [("account_id", "=", account_id), ("partner_id", "=", partner_id), ("parent_state", "=", "posted")],
        ["balance:sum"], [],
    )
    return round(groups[0]["balance"] or 0.0, 2) if groups else 0.0


def claim_books(odoo, prefix, name, accounts=None, **maker_values):
    """New warranty accounts on the company (``BOOK_ACCOUNTS`` and ``accounts``, same shape), a manufacturer named
    after ``name`` with its claims numbered ``prefix-TAG-``, its receivable, the company's bank journal, a defect
    code and a part to claim. Returns them in a dict; ``accounts`` holds the account id of each company field."""
    tag = uuid.uuid4().hex[:6].upper()
    company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    account_ids = {
        field: e2e_account(odoo, label, account_type)
        for field, (label, account_type) in {**BOOK_ACCOUNTS, **(accounts or {})}.items()
    }
    odoo.call("res.company", "write", [company_id], account_ids)
    maker = odoo.call("res.partner", "create", {
        "name": f"E2E {name} Maker {tag}", "is_company": True, "warranty_claim_prefix": f"{prefix}-{tag}-",
        **maker_values,
    })
    receivable = odoo.call("res.partner", "read", [maker], ["property_account_receivable_id"])[0][
        "property_account_receivable_id"][0]
    bank = odoo.call("account.journal", "search", [("type", "=", "bank"), ("company_id", "=", company_id)], limit=1)
    return {
        "tag": tag, "company_id": company_id, "accounts": account_ids, "maker": maker, "receivable": receivable,
        "bank": bank[0],
        "defect": odoo.call("warranty.defect.code", "create", {"code": f"{prefix}-{tag}", "name": "Leak"}),
        "part": odoo.call("product.product", "create", {"name": f"{prefix} seal {tag}", "type": "consu"}),
    }


def invoiced_claims(odoo, books, amounts):
    """Claims of ``books``' manufacturer for ``amounts``, submitted, accepted and invoiced on one posted invoice."""
    claim_ids = odoo.call("warranty.claim", "create", [{
        "manufacturer_id": books["maker"], "defect_code_ids": [(4, books["defect"])], "causal_part_id": books["part"],
        "line_ids": [(0, 0, {"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
    } for amount in amounts])
    odoo.call("warranty.claim", "action_submit", claim_ids)
    odoo.call("warranty.claim", "action_accept", claim_ids)
    odoo.call("warranty.claim", "action_create_invoice", claim_ids)
    invoice_ids = odoo.call("warranty.claim", "read", [claim_ids[0]], ["invoice_ids"])[0]["invoice_ids"]
    odoo.call("account.move", "action_post", invoice_ids)
    return claim_ids
