"""A small but real OpenID Connect provider for the tests, on 127.0.0.1 in a thread.

Authorization code flow with PKCE (S256), discovery, a JWKS endpoint, RS256-signed ID tokens
(joserfc, the JOSE library of the Authlib project), userinfo, and RP-initiated logout with
id_token_hint. It keeps its own login session in a cookie, so "the IdP session ended" is
observable: after end_session, /authorize shows the login form again."""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

COOKIE = "op_session"


@dataclass
class Account:
    password: str
    groups: list[str]
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    acr: str = ""
    amr: list[str] = field(default_factory=list)


class OidcProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]):
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = list(redirect_uris)
        self.post_logout_uris: list[str] = []
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, str] = {}  # cookie value → username
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.audience = client_id  # a test may issue tokens for another client
        self.logins = 0  # login forms submitted successfully
        self.ended = 0  # sessions ended through end_session
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "OidcProvider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"{self.issuer}{path}"

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.url("/authorize"),
            "token_endpoint": self.url("/token"),
            "userinfo_endpoint": self.url("/userinfo"),
            "jwks_uri": self.url("/jwks"),
            "end_session_endpoint": self.url("/logout"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def id_token(self, username: str, nonce: str) -> str:
        account = self.accounts[username]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": f"sub-{username}",
            "aud": self.audience,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "preferred_username": username,
            "groups": list(account.groups),
        }
        if account.acr:
            claims["acr"] = account.acr
        if account.amr:
            claims["amr"] = list(account.amr)
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, claims, self.key)

    def verified(self, token: str) -> dict:
        return dict(jwt.decode(token, self.key).claims)


def _handler(op: OidcProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet test output
            pass

        # --- plumbing -------------------------------------------------------------------
        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            return {k: v[0] for k, v in parse_qs(body).items()}

        def _send(self, status: int, body: str, ctype: str, headers: dict | None = None):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload: dict):
            self._send(status, json.dumps(payload), "application/json")

        def _redirect(self, location: str, cookie: str | None = None):
            self.send_response(302)
            self.send_header("Location", location)
            if cookie is not None:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _session_user(self) -> str | None:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            sid = jar[COOKIE].value if COOKIE in jar else ""
            return op.sessions.get(sid)

        # --- endpoints ------------------------------------------------------------------
        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/.well-known/openid-configuration":
                return self._json(200, op.discovery())
            if path == "/jwks":
                return self._json(200, {"keys": [op.key.as_dict(private=False)]})
            if path == "/authorize":
                return self._authorize(self._query())
            if path == "/userinfo":
                return self._userinfo()
            if path == "/logout":
                return self._end_session(self._query())
            return self._send(404, "not found", "text/plain")

        def do_POST(self):
            path = urlsplit(self.path).path
            if path == "/authorize":
                return self._login(self._form())
            if path == "/token":
                return self._token(self._form())
            return self._send(404, "not found", "text/plain")

        def _bad_request(self, params: dict) -> str:
            if params.get("client_id") != op.client_id:
                return "unknown client"
            if params.get("redirect_uri") not in op.redirect_uris:
                return "redirect_uri not registered"
            if params.get("response_type") != "code" or "openid" not in params.get(
                "scope", ""
            ).split(" "):
                return "unsupported request"
            if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
                return "PKCE required"
            return ""

        def _authorize(self, params: dict):
            error = self._bad_request(params)
            if error:
                return self._send(400, error, "text/plain")
            username = self._session_user()
            if username:
                return self._redirect(self._code_redirect(username, params))
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in params.items()
            )
            page = (
                "<!doctype html><html lang='sv'><title>Kommunens inloggning</title>"
                "<h1>Kommunens inloggning</h1><form method='post' action='/authorize'>"
                f"{hidden}<label>Användarnamn <input name='login' id='op-login'></label>"
                "<label>Lösenord <input type='password' name='password' id='op-password'>"
                "</label><button type='submit' id='op-submit'>Logga in</button></form>"
            )
            return self._send(200, page, "text/html; charset=utf-8")

        def _login(self, form: dict):
            params = {k: v for k, v in form.items() if k not in ("login", "password")}
            error = self._bad_request(params)
            if error:
                return self._send(400, error, "text/plain")
            account = op.accounts.get(form.get("login", ""))
            if account is None or not secrets.compare_digest(
                account.password, form.get("password", "")
            ):
                return self._send(401, "Fel användarnamn eller lösenord", "text/plain")
            sid = secrets.token_urlsafe(24)
            with op.lock:
                op.sessions[sid] = form["login"]
                op.logins += 1
            cookie = f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
            return self._redirect(self._code_redirect(form["login"], params), cookie)

        def _code_redirect(self, username: str, params: dict) -> str:
            code = secrets.token_urlsafe(24)
            with op.lock:
                op.codes[code] = {
                    "username": username,
                    "redirect_uri": params["redirect_uri"],
                    "nonce": params.get("nonce", ""),
                    "challenge": params["code_challenge"],
                }
            query = urlencode({"code": code, "state": params.get("state", "")})
            return f"{params['redirect_uri']}?{query}"

        def _token(self, form: dict):
            if form.get("client_id") != op.client_id or not secrets.compare_digest(
                form.get("client_secret", ""), op.client_secret
            ):
                return self._json(401, {"error": "invalid_client"})
            with op.lock:
                grant = op.codes.pop(form.get("code", ""), None)  # one use only
            if grant is None or form.get("grant_type") != "authorization_code":
                return self._json(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._json(400, {"error": "invalid_grant"})
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access = secrets.token_urlsafe(24)
            with op.lock:
                op.access_tokens[access] = grant["username"]
            return self._json(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": op.id_token(grant["username"], grant["nonce"]),
                },
            )

        def _userinfo(self):
            auth = self.headers.get("Authorization", "")
            username = op.access_tokens.get(auth.removeprefix("Bearer ").strip())
            if not auth.startswith("Bearer ") or username is None:
                return self._json(401, {"error": "invalid_token"})
            account = op.accounts[username]
            return self._json(
                200,
                {
                    "sub": f"sub-{username}",
                    "preferred_username": username,
                    "given_name": account.given_name,
                    "family_name": account.family_name,
                    "email": account.email,
                },
            )

        def _end_session(self, params: dict):
            hint = params.get("id_token_hint", "")
            try:
                claims = op.verified(hint)
            except Exception:  # noqa: BLE001 — any bad hint is refused the same way
                return self._send(400, "invalid id_token_hint", "text/plain")
            if claims.get("aud") != op.client_id:
                return self._send(400, "id_token_hint for another client", "text/plain")
            target = params.get("post_logout_redirect_uri", "")
            if target and target not in op.post_logout_uris:
                return self._send(400, "post_logout_redirect_uri not registered", "text/plain")
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            with op.lock:
                if COOKIE in jar and op.sessions.pop(jar[COOKIE].value, None):
                    op.ended += 1
            cookie = f"{COOKIE}=; Path=/; Max-Age=0"
            if target:
                return self._redirect(target, cookie)
            return self._send(200, "Du är utloggad.", "text/plain", {"Set-Cookie": cookie})

    return Handler
