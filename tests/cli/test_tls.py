"""TLS and mutual TLS: quiver serve's --tls-* flags and the client's certificate flags."""

import subprocess

import pytest

from conftest import make_server  # noqa: F401 - the fixture, for clarity
from conftest import run


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA, a server certificate for localhost and a client certificate, all signed by the CA."""
    d = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=quiver test CA", cwd=d)
    (d / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
            "-subj", "/CN=quiver test client", cwd=d)
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "client.pem", "-days", "2", cwd=d)
    return d


def test_tls(make_server, certs):  # noqa: F811
    server = make_server(None, "--tls-cert", certs / "server.pem", "--tls-key", certs / "server.key", sample=True)
    assert server.location.startswith("grpc+tls://localhost:")
    out = run("ls", server.location, "--tls-root-certs", certs / "ca.pem", check=0).stdout
    assert "weather/readings" in out
    # Without the CA the server's certificate is not trusted...
    untrusted = run("ls", server.location, check=1)
    assert untrusted.stderr.startswith("error: FlightUnavailableError: ")
    # ...unless verification is switched off.
    assert "weather/readings" in run("ls", server.location, "--disable-server-verification", check=0).stdout
    # Plaintext clients do not get through.
    plain = server.location.replace("grpc+tls://", "grpc://")
    assert run("ls", plain, check=1).stderr.startswith("error: FlightUnavailableError: ")


def test_mutual_tls(make_server, certs):  # noqa: F811
    server = make_server(None, "--tls-cert", certs / "server.pem", "--tls-key", certs / "server.key",
                         "--tls-client-ca", certs / "ca.pem", sample=True)
    ok = run("ls", server.location, "--tls-root-certs", certs / "ca.pem", "--cert-chain", certs / "client.pem",
             "--private-key", certs / "client.key", check=0)
    assert "shop/orders" in ok.stdout
    refused = run("ls", server.location, "--tls-root-certs", certs / "ca.pem", check=1)
    assert refused.stderr.startswith("error: Flight")
    half = run("ls", server.location, "--cert-chain", certs / "client.pem", check=2)
    assert "--cert-chain and --private-key go together" in half.stderr


def test_tls_flag_misuse():
    assert "--tls-cert and --tls-key go together" in run("serve", "--tls-cert", "x.pem", check=2).stderr
    assert "needs --tls-cert" in run("serve", "--tls-client-ca", "ca.pem", check=2).stderr
    missing = run("serve", "--port", "0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key",
                  "--root", "/tmp", check=1)
    assert missing.stderr.startswith("error: ArrowIOError: reading --tls-cert: cannot open '/nonexistent.pem'")
