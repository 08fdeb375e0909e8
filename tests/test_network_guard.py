import socket

import pytest
import requests

from tests.netguard import NetworkBlocked


def test_non_loopback_connection_fails():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_requests_to_the_internet_fail():
    with pytest.raises((NetworkBlocked, requests.ConnectionError)):
        requests.get("http://93.184.216.34/", timeout=1)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()
