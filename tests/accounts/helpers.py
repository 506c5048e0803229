"""Helpers for the sign-in tests: a TOTP code worked out here (RFC 6238, independent of
allauth's own code), and the OpenID Connect provider on loopback (tests/oidc_provider/)."""

import base64
import hashlib
import hmac
import json
import shutil
import struct
import subprocess
import time

from tests.services import ROOT, missing

PROVIDER_DIR = ROOT / "tests" / "oidc_provider"
PROVIDER_ID = "test-idp"
PROVIDER_NAME = "Ministry ID"
CLIENT_ID = "cht-programs-test"
CLIENT_SECRET = "test-only-client-secret"  # noqa: S105


def totp(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for `secret` (base32) at time `at` (now)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def fresh_totp(secret: str) -> str:
    """A code with at least 5 seconds left, so it is not stale by the time it is typed."""
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.5)
    return totp(secret)


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        missing("Node.js", "install Debian's nodejs to run the test OpenID Connect provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing(
            "The oidc-provider npm package",
            "run `npm ci` in tests/oidc_provider/ (make test does it when npm is there)",
        )
    return node


class OIDCProvider:
    """`node tests/oidc_provider/server.mjs` with one static client and the given accounts."""

    def __init__(self, *, redirect_uri: str, accounts: dict):
        self.config = {
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [redirect_uri],
            },
            "accounts": accounts,
        }
        self.process: subprocess.Popen | None = None
        self.issuer = ""
        self.log = ""

    def start(self) -> "OIDCProvider":
        node = node_or_skip()
        self.process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "server.mjs")],
            cwd=PROVIDER_DIR,
            env={"PATH": "/usr/bin:/bin", "OIDC_TEST_CONFIG": json.dumps(self.config)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.log += line
            if line.startswith("listening "):
                self.issuer = line.split(" ", 1)[1].strip()
                return self
        self.stop()
        raise RuntimeError(f"The test OpenID Connect provider did not start:\n{self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def app(self, **extra_settings) -> dict:
        """This provider as allauth's SOCIALACCOUNT_PROVIDERS app (what accounts/oidc.py makes)."""
        from accounts.oidc import providers_from_env

        env = {
            "OIDC_1_ID": PROVIDER_ID,
            "OIDC_1_NAME": PROVIDER_NAME,
            "OIDC_1_ISSUER": self.issuer,
            "OIDC_1_CLIENT_ID": CLIENT_ID,
            "OIDC_1_SECRET": CLIENT_SECRET,
            **{f"OIDC_1_{key.upper()}": value for key, value in extra_settings.items()},
        }
        return providers_from_env(env)[0]


def provider_settings(app: dict) -> dict:
    return {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}
