"""One careful GET to a CHT server whose address a user typed in.

- The host name is resolved here and every address it resolves to is checked: private,
  loopback, link-local, reserved, multicast and other non-global addresses are refused unless
  `allow_private` (on-premises installs, tests). The request then goes to the address that was
  checked (with the host name in the `Host` header and in TLS's SNI, and the certificate
  verified against the host name), so a second DNS answer cannot point it elsewhere.
- Strict timeouts: connecting (DNS included), each read, and the whole answer.
- No redirect is followed: a redirect to a login page is reported as such.
- The body is streamed and reading stops past `max_bytes`.
- No proxy from the environment (it would bypass the address check).

Nothing here raises for a bad server: every outcome is a `Fetched` with a status."""

from __future__ import annotations

import concurrent.futures
import datetime
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.utils.translation import gettext_noop

USER_AGENT = "CHT-Programs instance monitor"

# Outcomes (instances.models.Status, plus "ok" for a JSON answer to inspect).
OK = "ok"
DOWN = "down"
UNREACHABLE = "unreachable"
NOT_CHT = "not_cht"
LOGIN_REDIRECT = "login_redirect"

_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")


@dataclass
class Fetched:
    outcome: str
    http_status: int | None = None
    latency_ms: int | None = None
    data: Any = None
    error: str = ""
    location: str = ""
    tls_not_after: datetime.datetime | None = None
    address: str = ""
    extra: dict = field(default_factory=dict)


class AddressRefused(Exception):
    pass


def address_allowed(address: str) -> bool:
    """A public (global unicast) address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, timeout: float, allow_private: bool) -> str:
    """The address to connect to, after checking every address `host` resolves to."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise AddressRefused(f"The name {host} did not resolve within {timeout:g} s.") from None
        except OSError as error:
            raise AddressRefused(f"The name {host} does not resolve ({error}).") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise AddressRefused(f"The name {host} has no address.")
    if not allow_private:
        refused = [address for address in addresses if not address_allowed(address)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {refused[0]}, a private, loopback, link-local or reserved "
                "address. Such addresses are refused unless INSTANCES_ALLOW_PRIVATE_ADDRESSES "
                "is set (on-premises installs)."
            )
    return addresses[0]


def _certificate_expiry(response: httpx.Response) -> datetime.datetime | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    try:
        not_after = (ssl_object.getpeercert() or {}).get("notAfter")
        if not not_after:
            return None
        return datetime.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), tz=datetime.UTC)
    except (ValueError, OSError):
        return None


def fetch_json(
    url: str,
    *,
    allow_private: bool,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
    auth: tuple[str, str] | None = None,
) -> Fetched:
    """GET `url` and parse its JSON answer, within the limits above."""
    try:
        target = httpx.URL(url)
        host = target.host
        port = target.port or (443 if target.scheme == "https" else 80)
    except (httpx.InvalidURL, TypeError) as error:
        return Fetched(UNREACHABLE, error=f"Not a valid address: {error}")
    started = time.monotonic()
    try:
        address = resolve(host, port, timeout=connect_timeout, allow_private=allow_private)
    except AddressRefused as error:
        return Fetched(UNREACHABLE, error=str(error))
    if auth is not None and target.scheme != "https" and address_allowed(address):
        # Credentials never cross the Internet in clear text.
        auth = None
    netloc = host if target.port is None else f"{host}:{target.port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" if target.port is None else f"[{host}]:{target.port}"
    # Uncompressed: the size limit then bounds what is held in memory.
    headers = {
        "Host": netloc,
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "User-Agent": USER_AGENT,
    }
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    deadline = started + connect_timeout + 2 * read_timeout
    timeout = httpx.Timeout(
        connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
    )
    direct = target.copy_with(host=address)
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=False, verify=True, trust_env=False
            ) as client,
            client.stream(
                "GET", direct, headers=headers, auth=auth, extensions=extensions
            ) as response,
        ):
            return _read(response, started, deadline, max_bytes, address)
    except httpx.TimeoutException as error:
        # Stored in English (gettext_noop); the page shows it in the reader's language.
        message = (
            gettext_noop("Timed out connecting.")
            if isinstance(error, httpx.ConnectTimeout)
            else gettext_noop("Timed out waiting for an answer.")
        )
        return Fetched(UNREACHABLE, error=message, address=address)
    except httpx.ConnectError as error:
        return Fetched(UNREACHABLE, error=_short(f"Could not connect: {error}"), address=address)
    except httpx.HTTPError as error:
        return Fetched(
            UNREACHABLE,
            error=_short(f"The connection failed: {type(error).__name__}: {error}"),
            address=address,
        )


def _read(
    response: httpx.Response, started: float, deadline: float, max_bytes: int, address: str
) -> Fetched:
    latency_ms = round((time.monotonic() - started) * 1000)
    result = Fetched(
        OK,
        http_status=response.status_code,
        latency_ms=latency_ms,
        tls_not_after=_certificate_expiry(response),
        address=address,
    )
    status = response.status_code
    if 300 <= status < 400:
        result.location = response.headers.get("location", "")[:300]
        if "login" in result.location.lower():
            result.outcome = LOGIN_REDIRECT
            result.error = f"Redirected to a login page ({result.location})."
        else:
            result.outcome = NOT_CHT
            result.error = (
                f"Redirected to {result.location or 'another address'} (redirects are not "
                "followed: enter the address it redirects to)."
            )
        return result
    if status in (401, 403):
        result.outcome = LOGIN_REDIRECT
        result.error = f"The server asks for a login (HTTP {status})."
        return result
    if status >= 500:
        result.outcome = DOWN
        result.error = f"The server answered HTTP {status}."
        return result
    if status != 200:
        result.outcome = NOT_CHT
        result.error = f"The server answered HTTP {status}."
        return result
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        result.outcome = NOT_CHT
        result.error = f"The answer is {int(declared):,} bytes, over the {max_bytes:,} limit."
        return result
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            result.outcome = NOT_CHT
            result.error = f"The answer is over the {max_bytes:,} bytes limit; reading stopped."
            return result
        if time.monotonic() > deadline:
            result.outcome = UNREACHABLE
            result.error = gettext_noop("The answer took too long to arrive; reading stopped.")
            return result
    try:
        result.data = json.loads(bytes(body))
    except ValueError:
        result.outcome = NOT_CHT
        result.error = gettext_noop("The answer is not JSON.")
    return result


def _short(text: str) -> str:
    return text if len(text) <= 480 else text[:479] + "…"
