# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Raw HTTP/1.1 exchanges with the exporter, for its tests and its benchmark:
requests as bytes, exactly as sent, and the whole answer until the server closes."""
import socket

GET_METRICS = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"


def connect(port, timeout=60):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def read_all(s):
    """Everything the server sends until it closes, then close our side."""
    buf = b""
    while True:
        try:
            c = s.recv(65536)
        except ConnectionResetError:
            break
        if not c:
            break
        buf += c
    s.close()
    return buf


def exchange(port, request=GET_METRICS, timeout=30):
    s = connect(port, timeout)
    try:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
    except OSError:	# the server answered and closed before we were done
        pass
    return read_all(s)


def status(answer):
    """The status code of an answer as a string, "none" without a status line."""
    return answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "none"
