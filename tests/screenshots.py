"""The README's screenshots, taken from the `make demo` database as each demo user sees it.

    python tests/screenshots.py URL DB OUTPUT_DIR

URL is a running demo server (``make demo``), DB its database. Each screen is opened
in headless Chromium at 1600x1000 as the user who works with it, in that user's own
language, and saved as OUTPUT_DIR/<name>.png. Chromium is driven over its DevTools
protocol (websocket-client, which Odoo's own browser tests use). Exit 1 when a screen
does not show its content: a missing screenshot is never silently skipped.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

WIDTH, HEIGHT = 1600, 1000

# name, login, path (``{order}``: a quotation waiting for price approval), what shows
# the screen is loaded
COCKPIT = "/odoo/action-sales_plus.sales_plus_cockpit_action"
KPI = ".o_sales_plus_cockpit_kpi"
SCREENS = [
    ("cockpit_salesperson_zh_CN", "lwei", COCKPIT, KPI),
    ("cockpit_team_leader_zh_CN", "wfang", COCKPIT, KPI),
    ("cockpit_admin_en", "admin", COCKPIT, KPI),
    ("cockpit_zh_TW", "cmei", COCKPIT, KPI),
    (
        "quotation_price_approval",
        None,
        "/odoo/action-sale.action_quotations_with_onboarding/{order}",
        ".o_form_view",
    ),
    (
        "price_approvals_to_do",
        "wfang",
        "/odoo/action-sales_plus.sale_order_action_price_approval_to_do",
        ".o_list_view, .o_view_nocontent",
    ),
    ("customer_grading", "wfang", "/odoo/action-sales_plus.sales_plus_rfm_grade_action", ".o_list_view"),
    (
        "stock_alerts",
        "lwei",
        "/odoo/action-sales_plus.sales_plus_stock_alert_action",
        ".o_list_view, .o_kanban_view",
    ),
    ("targets", "wfang", "/odoo/action-sales_plus.sales_plus_target_action", ".o_list_view"),
]


def jsonrpc(session, url, model, method, *args, **kwargs):
    response = session.post(
        f"{url}/web/dataset/call_kw",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        },
        timeout=120,
    )
    body = response.json()
    if body.get("error"):
        raise RuntimeError(f"{model}.{method}: {body['error']['data']['message']}")
    return body["result"]


def login(url, db, user):
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": user}},
        timeout=120,
    )
    body = response.json()
    if body.get("error") or not body.get("result", {}).get("uid"):
        raise RuntimeError(f"cannot log in as {user}: {body.get('error')}")
    return session


class Chromium:
    """One headless Chromium with a fresh profile, driven over the DevTools protocol."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="sales_plus_chromium_")
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=30).json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.next_id = 0
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Network.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def shoot(self, url, session_id, selector, output):
        host = url.split("//", 1)[1].split(":")[0].split("/")[0]
        self.call("Network.clearBrowserCookies")
        self.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        self.call("Page.navigate", url=url)
        ready = (
            f"!!document.querySelector({json.dumps(selector)})"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.evaluate(ready):
                break
            time.sleep(0.5)
        else:
            return False
        time.sleep(2)  # charts and fonts settle
        data = self.call("Page.captureScreenshot", format="png")["data"]
        output.write_bytes(base64.b64decode(data))
        return True

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(self.profile, ignore_errors=True)


def main(url, db, output_dir):
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    admin = login(url, db, "admin")
    # a quotation waiting for price approval, shown to its salesperson
    orders = jsonrpc(
        admin,
        url,
        "sale.order",
        "search_read",
        [("price_approval_state", "=", "pending"), ("user_id", "!=", False)],
        fields=["user_id"],
        limit=1,
        order="id desc",
    )
    order_user = None
    if orders:
        seller = jsonrpc(admin, url, "res.users", "read", [orders[0]["user_id"][0]], ["login"])
        order_user = seller[0]["login"]
    browser = Chromium()
    failed = []
    try:
        for name, user, path, selector in SCREENS:
            if "{order}" in path:
                if not orders:
                    print(f"{name}: no quotation waiting for price approval in {db}", file=sys.stderr)
                    failed.append(name)
                    continue
                user, path = order_user, path.format(order=orders[0]["id"])
            session = login(url, db, user)
            output = output_dir / f"{name}.png"
            if browser.shoot(url + path, session.cookies.get("session_id"), selector, output):
                print(f"{name}.png ({user})")
            else:
                print(f"{name}: {selector} did not show for {user}", file=sys.stderr)
                failed.append(name)
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    sys.exit(main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]))
