"""Small local HTTPS servers standing in for kube-apiservers in the HAProxy test.

Each server listens on 127.0.0.1 on an ephemeral port, in a thread, and answers
``GET /readyz`` with 200 "ok" (or 503 once ``set_ready(False)``) and any other
path with 200 and its own name, so a client behind the load balancer can see
which backend answered. Every answer also carries the headers ``X-Served-By``
(the server's name) and ``X-Peer`` (the address the connection came from), so
a client behind two load balancers can see which one carried its request.
``stop()`` closes the listening socket: connections are refused from then on,
as with a stopped kube-apiserver. The failover lab (netns_lab.py) runs the same
server on a fixed address and port inside a network namespace.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

READY_PATH = "/readyz"
# A connection that stops talking is dropped after this long, so a stuck peer
# cannot keep a handler thread alive past the test.
CONNECTION_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str


def make_self_signed(directory: Path, common_name: str = "kube-apiserver") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files in
    `directory`: with the `cryptography` package when importable, else with the
    openssl CLI. Raises RuntimeError when neither is available."""
    cert, key = directory / "tls.crt", directory / "tls.key"
    try:
        _self_signed_cryptography(cert, key, common_name)
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("neither the Python cryptography package nor the openssl CLI is available") from None
        subprocess.run(
            [
                openssl, "req", "-x509", "-nodes", "-days", "2",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-subj", f"/CN={common_name}",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True, capture_output=True, timeout=30,
        )
    return cert, key


def _self_signed_cryptography(cert_path: Path, key_path: Path, common_name: str) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPSServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        owner = self.server.owner
        owner.record(Request("GET", self.path))
        if self.path == READY_PATH:
            status, body = (200, b"ok") if owner.ready else (503, b"not ready")
        else:
            status, body = 200, owner.name.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Served-By", owner.name)
        self.send_header("X-Peer", str(self.client_address[0]))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
        pass


class _HTTPSServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: TLSServer, context: ssl.SSLContext, address: tuple[str, int]) -> None:
        self.owner = owner
        self.context = context
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a
        # slow or silent peer (a plain TCP health check) never blocks accept().
        request.settimeout(CONNECTION_TIMEOUT_S)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            super().finish_request(tls, client_address)
        except (OSError, ssl.SSLError):
            pass
        finally:
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # peers that hang up mid-request are expected (health checks)


class TLSServer:
    """One HTTPS server on host:port (by default 127.0.0.1:<ephemeral port>),
    served from a thread."""

    def __init__(self, name: str, context: ssl.SSLContext, host: str = "127.0.0.1", port: int = 0) -> None:
        self.name = name
        self.ready = True
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._host = host
        self._httpd = _HTTPSServer(self, context, (host, port))
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"tls-{name}", daemon=True
        )
        self._stopped = False
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{self._host}:{self.port}"

    def record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def set_ready(self, ready: bool) -> None:
        self.ready = ready

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        """Stop serving and close the listening socket (new connections are
        refused). Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def start_tls_servers(names: list[str], cert: Path, key: Path) -> list[TLSServer]:
    """Start one server per name; on a failure, the ones already started are stopped."""
    context = server_context(cert, key)
    servers: list[TLSServer] = []
    try:
        for name in names:
            servers.append(TLSServer(name, context))
    except BaseException:
        stop_all(servers)
        raise
    return servers


def stop_all(servers: list[TLSServer]) -> None:
    for server in servers:
        server.stop()


def client_context() -> ssl.SSLContext:
    """TLS client context that does not verify the peer (self-signed test certificate)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
