import json, time, pyotp
from chalice.test import Client
from functions.api.application import create_app
from functions.operator import Operator
from functions.bootstrap import build_services, LazyServices, build_operator
from functions.core.policy import TenantPolicy

def test_smoke(stack):
    svc = build_services(stack.settings)
    op = build_operator(stack.settings)
    op.create_tenant("demo", "Demo")
    uri = op.create_user("demo", "alice", "correct-horse-battery-staple", totp=True)
    secret = pyotp.parse_uri(uri).secret
    app = create_app(LazyServices(lambda: svc))
    H = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
    with Client(app) as c:
        r = c.http.post("/t/demo/api/auth/login", headers=H, body=json.dumps({"username":"alice","password":"correct-horse-battery-staple"}))
        print(r.status_code, r.body)
        flow = json.loads(r.body)["flow"]
        r = c.http.post("/t/demo/api/auth/mfa", headers=H, body=json.dumps({"flow":flow,"method":"totp","code":pyotp.TOTP(secret).now()}))
        print(r.status_code, r.body, r.headers)
        cookie = r.headers["Set-Cookie"].split(";")[0]
        H2 = {**H, "Cookie": cookie}
        r = c.http.get("/t/demo/api/me", headers=H2); print(r.status_code, r.body)
        r = c.http.post("/t/demo/api/me/backup-codes", headers=H2); print(r.status_code, r.body)
        codes = json.loads(r.body)["codes"]
        r = c.http.get("/t/demo/api/me/backup-codes", headers=H2); print(r.status_code, r.body)
        r = c.http.post("/t/demo/api/auth/login", headers=H, body=json.dumps({"username":"alice","password":"correct-horse-battery-staple"}))
        flow = json.loads(r.body)["flow"]; print(r.body)
        r = c.http.post("/t/demo/api/auth/mfa", headers=H, body=json.dumps({"flow":flow,"method":"backup_code","code":codes[0].lower()}))
        print(r.status_code, r.body)
        r = c.http.get("/t/demo/api/me/backup-codes", headers=H2); print(r.status_code, r.body)
        r = c.http.get("/t/demo/api/me/sessions", headers=H2); print(r.status_code, r.body)
        r = c.http.post("/t/demo/api/me/backup-codes/regenerate", headers=H2, body="{}"); print(r.status_code, r.body)
        r = c.http.delete("/t/demo/api/me/backup-codes", headers=H2); print(r.status_code, r.body)
        r = c.http.post("/t/demo/api/auth/login", headers=H, body="{bad"); print(r.status_code, r.body)
        r = c.http.post("/t/nope/api/auth/login", headers=H, body="{}"); print(r.status_code, r.body)
        r = c.http.post("/t/NO_PE/api/auth/login", headers=H, body="{}"); print(r.status_code, r.body)
