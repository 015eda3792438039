"""Fixtures of the hardening tests (see support.py for the helpers)."""

import pytest

import support


@pytest.fixture
def make_server(tmp_path):
    servers = []

    def make(*extra, name=None, env=None):
        server = support.Server(tmp_path / (name or f"root{len(servers)}"), *extra, env=env)
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server.alive():
            server.proc.kill()
        server.stop()
