"""The busy hour of a dealer group's workshops, driven over JSON-RPC as the web client calls Odoo.

Run by tools/loadtest.sh (``make loadtest``), which creates the database, its users and fixtures
(setup_data.py -> LOAD_FIXTURES), starts Odoo in prefork mode and runs::

    locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:PORT --csv PREFIX

Every simulated user logs in with a login of its own role (/web/session/authenticate) and keeps its
session cookie; every call is a POST to /web/dataset/call_kw/<model>/<method>, as the web client
makes it (web_search_read, web_read, web_save, button methods). A business-rule refusal
(UserError, ValidationError, AccessError of a rule the role may not pass) is the application
working as designed: counted apart (LOAD_REFUSALS), not as a failure. Any other error fails the request.
"""
import itertools
import json
import os
import random
from collections import Counter
from datetime import date

import gevent
from locust import HttpUser, LoadTestShape, between, events, task

with open(os.environ["LOAD_FIXTURES"]) as _handle:
    FIX = json.load(_handle)
LOGINS = {role: itertools.cycle(logins) for role, logins in FIX["logins"].items()}
BUSINESS_ERRORS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.AccessError"}
REFUSALS = Counter()
TODAY = date.today().isoformat()
# A proxy in front of Odoo (--proxy-mode) passes these, and, as nginx does by default with its upstream,
# one request per connection: a kept-alive connection an Odoo worker has closed would fail the next POST
PROXY_HEADERS = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "http", "X-Forwarded-Host": "dealer.example",
                 "Connection": "close"}

KANBAN_REPAIRS = {
    "name": {}, "state": {}, "schedule_date": {}, "priority": {}, "warranty_coverage": {},
    "product_id": {"fields": {"display_name": {}}}, "lot_id": {"fields": {"display_name": {}}},
    "partner_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {"display_name": {}}},
}
LIST_CLAIMS = {
    "name": {}, "state": {}, "amount_claimed": {}, "amount_accepted": {}, "submission_date": {},
    "manufacturer_id": {"fields": {"display_name": {}}}, "repair_id": {"fields": {"display_name": {}}},
    "lot_id": {"fields": {"display_name": {}}},
}
FORM_CLAIM = {
    **LIST_CLAIMS, "failure_cause": {}, "odometer_km": {}, "deadline_date": {},
    "line_ids": {"fields": {"name": {}, "product_id": {"fields": {"display_name": {}}}, "quantity": {},
                            "price_unit": {}, "amount_claimed": {}}},
}
LIST_LOTS = {"name": {}, "ref": {}, "product_id": {"fields": {"display_name": {}}}, "create_date": {}}
LIST_REQUISITIONS = {"name": {}, "state": {}, "date_required": {}, "priority": {},
                     "requested_by_id": {"fields": {"display_name": {}}}}
FORM_REPAIR = {"name": {}, "state": {}, "warranty_coverage": {}, "claim_ids": {}}


class OdooClient(HttpUser):
    abstract = True
    role = None
    wait_time = between(1, 4)

    def on_start(self):
        self.login = next(LOGINS[self.role])
        self.client.headers.update(PROXY_HEADERS)
        self.rpc_id = 0
        with self.client.post("/web/session/authenticate", name="login (/web/session/authenticate)", json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"db": os.environ["LOAD_DB"], "login": self.login, "password": self.login},
        }, catch_response=True) as response:
            body = response.json() if response.ok else {}
            if not body.get("result", {}).get("uid"):
                response.failure(f"login of {self.login} refused: {body.get('error')}")
                raise RuntimeError(f"cannot log in as {self.login}")
        self.odoo_context = {"lang": "en_US", "tz": "UTC", "uid": body["result"]["uid"]}

    def call(self, name, model, method, *args, **kwargs):
        """One call_kw request; its result, or None when a business rule refused it."""
        self.rpc_id += 1
        kwargs.setdefault("context", self.odoo_context)
        payload = {"jsonrpc": "2.0", "method": "call", "id": self.rpc_id,
                   "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        with self.client.post(f"/web/dataset/call_kw/{model}/{method}", json=payload, name=name,
                              catch_response=True) as response:
            if not response.ok:
                response.failure(f"HTTP {response.status_code}")
                return None
            body = response.json()
            error = body.get("error")
            if not error:
                return body.get("result")
            kind = (error.get("data") or {}).get("name", "")
            if kind in BUSINESS_ERRORS:
                REFUSALS[(name, (error.get("data") or {}).get("message", "")[:90])] += 1
                response.success()
                return None
            response.failure(f"{kind}: {(error.get('data') or {}).get('message', error.get('message'))}"[:300])
            return None


class Workshop(OdooClient):
    """Workshop masters: look units up, run repairs with parts and labour, claim them, ask for parts."""
    role = "workshop"
    weight = 5

    @task(4)
    def lookup_full_serial(self):
        self.call("lookup: coverage by full serial", "warranty.registration", "check_coverage_by_serial",
                  random.choice(FIX["serials"]), TODAY, random.randint(0, 150000))

    @task(3)
    def lookup_partial_vin(self):
        tail = random.choice(FIX["serials"])[-8:]
        self.call("lookup: partial VIN, serials list", "stock.lot", "web_search_read",
                  specification=LIST_LOTS, domain=["|", ("name", "ilike", tail), ("ref", "ilike", tail)], limit=80)

    @task(1)
    def lookup_partial_vin_candidates(self):
        tail = random.choice(FIX["serials"])[-7:]
        self.call("lookup: partial VIN, coverage check lists candidates", "warranty.registration",
                  "check_coverage_by_serial", tail, TODAY)

    @task(3)
    def workshop_kanban(self):
        self.call("workshop kanban (repair.order)", "repair.order", "web_search_read", specification=KANBAN_REPAIRS,
                  domain=[("state", "not in", ["done", "cancel"])], limit=40, order="priority desc, schedule_date")

    @task(2)
    def repair_lifecycle(self):
        index = random.randrange(len(FIX["lots"]))
        part = random.choice(FIX["parts"])
        saved = self.call("repair: create with parts and labour (web_save)", "repair.order", "web_save", [], {
            "product_id": FIX["unit"], "lot_id": FIX["lots"][index], "partner_id": FIX["customer"],
            "odometer_km": random.randint(100, 90000), "defect_code_ids": [(6, 0, [FIX["defect"]])],
            "failure_cause": "Seal hardened", "causal_part_id": part, "is_factory_defect": True,
            "move_ids": [(0, 0, {"product_id": part, "product_uom_qty": 1, "repair_line_type": "add"})],
            "labor_line_ids": [(0, 0, {"operation_id": FIX["operation"], "hours": 1.5})],
        }, specification=FORM_REPAIR)
        if not saved:
            return
        repair = saved[0]["id"]
        if not self.confirm(repair, "repair"):
            return
        self.call("repair: start", "repair.order", "action_repair_start", [repair])
        self.call("repair: end", "repair.order", "action_repair_end", [repair])
        action = self.call("claim: create from the repair", "repair.order", "action_create_warranty_claim", [repair])
        if not action:
            return
        claim = action["res_id"]
        self.call("claim: form (web_read)", "warranty.claim", "web_read", [claim], specification=FORM_CLAIM)
        self.call("claim: submit", "warranty.claim", "action_submit", [claim])

    def confirm(self, repair, label):
        action = self.call(f"{label}: confirm (action_validate)", "repair.order", "action_validate", [repair])
        if isinstance(action, dict) and action.get("res_model"):
            # The customer's unit is not in the dealer's stock: the web client's dialog confirms anyway
            context = {**self.odoo_context, **(action.get("context") or {})}
            wizard = self.call(f"{label}: confirm dialog", action["res_model"], "create", {}, context=context)
            if wizard:
                self.call(f"{label}: confirm dialog", action["res_model"], "action_done", [wizard], context=context)
        return action is not None

    @task(1)
    def requisition(self):
        requisition = self.call("requisition: create (web_save)", "warranty.part.requisition", "web_save", [], {
            "note": "Parts for the next repair",
            "line_ids": [(0, 0, {"product_id": random.choice(FIX["parts"]), "product_qty": random.randint(1, 3)})],
        }, specification={"name": {}, "state": {}})
        if requisition:
            self.call("requisition: submit", "warranty.part.requisition", "action_submit", [requisition[0]["id"]])

    @task(1)
    def concurrent_update(self):
        """Four writes to one serial at once, from four tabs: PostgreSQL refuses all but one concurrent update,
        Odoo retries the others (SerializationFailure); each must succeed."""
        jobs = [gevent.spawn(self.call, "concurrent update: one serial's note, 4 at once", "stock.lot", "write",
                             [FIX["hot_lot"]], {"note": f"<p>{self.login} {i} {random.random()}</p>"})
                for i in range(4)]
        gevent.joinall(jobs)


class Parts(OdooClient):
    """The parts counter: the requisition queue, approval and issue of the parts."""
    role = "parts"
    weight = 2

    @task(3)
    def queue(self):
        self.call("requisitions list (web_search_read)", "warranty.part.requisition", "web_search_read",
                  specification=LIST_REQUISITIONS, domain=[("state", "=", "submitted")], limit=40)

    @task(2)
    def approve_and_issue(self):
        found = self.call("requisitions list (web_search_read)", "warranty.part.requisition", "web_search_read",
                          specification={"id": {}}, domain=[("state", "=", "submitted")], limit=5)
        if not found or not found["records"]:
            return
        requisition = random.choice(found["records"])["id"]
        # Two clerks may take the same one: the second is refused (a business rule), as in the shop
        if self.call("requisition: approve", "warranty.part.requisition", "action_approve", [requisition]) is None:
            return
        read = self.call("requisition: form (web_read)", "warranty.part.requisition", "web_read", [requisition],
                         specification={"picking_ids": {}, "state": {}})
        for picking in (read or [{}])[0].get("picking_ids", []):
            self.call("requisition: reserve the issue transfer", "stock.picking", "action_assign", [picking])
            result = self.call("requisition: validate the issue transfer", "stock.picking", "button_validate",
                               [picking])
            if isinstance(result, dict) and result.get("res_model"):
                context = {**self.odoo_context, **(result.get("context") or {})}
                wizard = self.call("requisition: validate dialog", result["res_model"], "create", {}, context=context)
                if wizard:
                    self.call("requisition: validate dialog", result["res_model"], "process", [wizard],
                              context=context)

    @task(1)
    def serials(self):
        self.call("serials list (stock.lot)", "stock.lot", "web_search_read", specification=LIST_LOTS,
                  domain=[("product_id", "=", FIX["unit"])], limit=80)


class Accountant(OdooClient):
    """The warranty office: the claims list, decisions, reports."""
    role = "accountant"
    weight = 1

    @task(4)
    def claims_list(self):
        self.call("claims list (web_search_read)", "warranty.claim", "web_search_read", specification=LIST_CLAIMS,
                  domain=[("state", "in", ["submitted", "accepted", "partially_accepted", "rejected"])], limit=80)

    @task(2)
    def accept(self):
        found = self.call("claims list (web_search_read)", "warranty.claim", "web_search_read",
                          specification={"id": {}}, domain=[("state", "=", "submitted")], limit=5)
        if found and found["records"]:
            claim = random.choice(found["records"])["id"]
            self.call("claim: form (web_read)", "warranty.claim", "web_read", [claim], specification=FORM_CLAIM)
            self.call("claim: accept", "warranty.claim", "action_accept", [claim])

    @task(1)
    def report(self):
        self.call("report: claims pivot, manufacturer x month (read_group)", "warranty.claim", "read_group",
                  [("state", "!=", "cancel")], ["amount_claimed:sum", "amount_accepted:sum"],
                  ["manufacturer_id", "submission_date:month"], lazy=False)


class Core(OdooClient):
    """The anchor: core's repair flow on a unit without warranty and core's serial screens, by an Inventory user."""
    role = "core"
    weight = 2

    @task(2)
    def core_repair(self):
        index = random.randrange(len(FIX["core_lots"]))
        saved = self.call("core: repair create with a part (web_save)", "repair.order", "web_save", [], {
            "product_id": FIX["core_unit"], "lot_id": FIX["core_lots"][index],
            "move_ids": [(0, 0, {"product_id": random.choice(FIX["parts"]), "product_uom_qty": 1,
                                 "repair_line_type": "add"})],
        }, specification={"name": {}, "state": {}})
        if not saved:
            return
        repair = saved[0]["id"]
        if not Workshop.confirm(self, repair, "core: repair"):
            return
        self.call("core: repair start", "repair.order", "action_repair_start", [repair])
        self.call("core: repair end", "repair.order", "action_repair_end", [repair])

    @task(3)
    def core_lots(self):
        self.call("core: stock.lot list (web_search_read)", "stock.lot", "web_search_read", specification=LIST_LOTS,
                  domain=[("product_id", "=", FIX["core_unit"])], limit=80)

    @task(3)
    def core_lot_form(self):
        self.call("core: stock.lot form (web_read)", "stock.lot", "web_read", [random.choice(FIX["core_lots"])],
                  specification={**LIST_LOTS, "quant_ids": {}, "note": {}})


class Ramp(LoadTestShape):
    """From LOAD_START_USERS to LOAD_USERS over LOAD_RAMP seconds, then LOAD_HOLD seconds at the top."""
    start = int(os.environ.get("LOAD_START_USERS", 10))
    top = int(os.environ.get("LOAD_USERS", 50))
    ramp = int(os.environ.get("LOAD_RAMP", 120))
    hold = int(os.environ.get("LOAD_HOLD", 180))

    def tick(self):
        elapsed = self.get_run_time()
        if elapsed > self.ramp + self.hold:
            return None
        users = self.start + (self.top - self.start) * min(1.0, elapsed / self.ramp)
        return round(users), max(1, self.top // 10)


@events.test_stop.add_listener
def _write_refusals(environment, **_kwargs):
    path = os.environ.get("LOAD_REFUSALS")
    if path:
        with open(path, "w") as handle:
            json.dump([{"action": name, "message": message, "count": count}
                       for (name, message), count in REFUSALS.most_common()], handle, indent=1)
