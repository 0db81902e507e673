"""End-to-end tests drive a running Odoo server from outside, as an integration would.

`make test` starts the server and sets ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_PASSWORD.
"""
import http.cookiejar
import itertools
import json
import os
import threading
import urllib.request
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
