"""A real SAML 2.0 identity provider for the tests: pysaml2's saml2.server.Server behind a small
HTTP server on 127.0.0.1. Keys and self-signed certificates are made in a temporary directory
with `cryptography`; requests and responses are signed and verified by xmlsec1 as in production.

SSO: HTTP-Redirect in (signed AuthnRequest), HTTP-POST out (signed response and assertion,
auto-submitted by the IdP's page). SLO: HTTP-Redirect both ways. The IdP keeps its own login
session in a cookie, so "the IdP session ended" is observable: after SLO it asks again."""

import datetime
import html
import secrets
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

COOKIE = "idp_session"
XMLSEC = "/usr/bin/xmlsec1"
MFA_CLASS_REF = "urn:avvika:test:saml:mfa"


def make_keypair(directory: Path, name: str) -> tuple[str, str]:
    """An RSA key and a self-signed certificate, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@dataclass
class SamlAccount:
    password: str
    groups: list[str]
    given_name: str = ""
    surname: str = ""
    mail: str = ""
    mfa: bool = False
    attributes: dict = field(default_factory=dict)


class SamlIdp:
    def __init__(self, directory: Path):
        self.directory = directory
        self.accounts: dict[str, SamlAccount] = {}
        self.sessions: dict[str, str] = {}  # cookie value → username
        self.logins = 0
        self.ended = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.key_file, self.cert_file = make_keypair(directory, "idp")
        self.metadata_file = directory / "idp-metadata.xml"
        self.metadata_file.write_bytes(create_metadata_string(None, self._config(None)))
        self.server: Server | None = None
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _config(self, sp_metadata: Path | None) -> IdPConfig:
        conf = {
            "entityid": f"{self.base}/metadata",
            "xmlsec_binary": XMLSEC,
            "service": {
                "idp": {
                    "name": "Kommunens test-IdP",
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{self.base}/sso/redirect", BINDING_HTTP_REDIRECT)
                        ],
                        "single_logout_service": [
                            (f"{self.base}/slo/redirect", BINDING_HTTP_REDIRECT)
                        ],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": True,
                    "sign_response": True,
                    "sign_assertion": True,
                    "policy": {"default": {"lifetime": {"minutes": 15}}},
                }
            },
            "key_file": self.key_file,
            "cert_file": self.cert_file,
            "allow_unknown_attributes": True,
        }
        if sp_metadata is not None:
            conf["metadata"] = {"local": [str(sp_metadata)]}
        config = IdPConfig()
        config.load(conf)
        return config

    def trust_sp(self, sp_metadata_xml: str) -> None:
        path = self.directory / "sp-metadata.xml"
        path.write_text(sp_metadata_xml)
        self.server = Server(config=self._config(path))

    def start(self) -> "SamlIdp":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def response_form(self, username: str, query: dict) -> str:
        """The signed SAML response for a parsed AuthnRequest, as the auto-posting page."""
        assert self.server is not None
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        account = self.accounts[username]
        identity = {
            "uid": [username],
            "givenName": [account.given_name],
            "sn": [account.surname],
            "mail": [account.mail],
            "groups": list(account.groups),
            **account.attributes,
        }
        response = self.server.create_authn_response(
            identity,
            name_id=NameID(
                format=NAMEID_FORMAT_PERSISTENT,
                sp_name_qualifier=args["sp_entity_id"],
                text=f"pid-{username}",
            ),
            authn={
                "class_ref": MFA_CLASS_REF if account.mfa else PASSWORDPROTECTEDTRANSPORT,
                "authn_auth": self.base,
            },
            sign_response=True,
            sign_assertion=True,
            **args,
        )
        http = self.server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            query.get("RelayState", ""),
            response=True,
        )
        return http["data"]


def _handler(idp: SamlIdp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _form(self) -> dict[str, str]:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            return {k: v[0] for k, v in parse_qs(body).items()}

        def _send(self, status: int, body: str, headers: dict | None = None, ctype="text/html"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _session_user(self) -> str | None:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            return idp.sessions.get(jar[COOKIE].value) if COOKIE in jar else None

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/metadata":
                return self._send(200, idp.metadata_file.read_text(), ctype="text/xml")
            if path == "/sso/redirect":
                return self._sso(self._query())
            if path == "/slo/redirect":
                return self._slo(self._query())
            return self._send(404, "not found", ctype="text/plain")

        def do_POST(self):
            if urlsplit(self.path).path == "/sso/login":
                return self._login(self._form())
            return self._send(404, "not found", ctype="text/plain")

        def _sso(self, query: dict):
            if "SAMLRequest" not in query:
                return self._send(400, "no SAMLRequest", ctype="text/plain")
            username = self._session_user()
            if username:
                return self._respond(username, query)
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                "<!doctype html><html lang='sv'><title>Kommunens inloggning (SAML)</title>"
                "<h1>Kommunens inloggning (SAML)</h1>"
                f"<form method='post' action='/sso/login'>{hidden}"
                "<label>Användarnamn <input name='login' id='idp-login'></label>"
                "<label>Lösenord <input type='password' name='password' id='idp-password'>"
                "</label><button type='submit' id='idp-submit'>Logga in</button></form>"
            )
            return self._send(200, page)

        def _login(self, form: dict):
            account = idp.accounts.get(form.get("login", ""))
            if account is None or not secrets.compare_digest(
                account.password, form.get("password", "")
            ):
                return self._send(401, "Fel användarnamn eller lösenord", ctype="text/plain")
            sid = secrets.token_urlsafe(24)
            with idp.lock:
                idp.sessions[sid] = form["login"]
                idp.logins += 1
            query = {k: v for k, v in form.items() if k not in ("login", "password")}
            cookie = f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
            return self._respond(form["login"], query, {"Set-Cookie": cookie})

        def _respond(self, username: str, query: dict, headers: dict | None = None):
            try:
                page = idp.response_form(username, query)
            except Exception as exc:  # noqa: BLE001 — an unverifiable request is refused
                return self._send(400, f"AuthnRequest refused: {exc}", ctype="text/plain")
            return self._send(200, page, headers)

        def _slo(self, query: dict):
            assert idp.server is not None
            try:
                request = idp.server.parse_logout_request(
                    query["SAMLRequest"],
                    BINDING_HTTP_REDIRECT,
                    relay_state=query.get("RelayState"),
                    sigalg=query.get("SigAlg"),
                    signature=query.get("Signature"),
                )
            except Exception as exc:  # noqa: BLE001
                return self._send(400, f"LogoutRequest refused: {exc}", ctype="text/plain")
            if request is None:
                return self._send(400, "LogoutRequest not verified", ctype="text/plain")
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            with idp.lock:
                if COOKIE in jar and idp.sessions.pop(jar[COOKIE].value, None):
                    idp.ended += 1
            response = idp.server.create_logout_response(
                request.message, [BINDING_HTTP_REDIRECT], sign=True
            )
            _binding, destination = idp.server.pick_binding(
                "single_logout_service", [BINDING_HTTP_REDIRECT], "spsso", request.message
            )
            http = idp.server.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(response),
                destination,
                query.get("RelayState", ""),
                response=True,
                sign=True,
            )
            location = dict(http["headers"])["Location"]
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0")
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler
