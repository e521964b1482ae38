"""The grading preamble: the code each grading kernel runs before the student's cells.
Tested here directly (its network block, its record and capture of ``answer``), and
as the kernel gets it (:func:`~backprop.instructor.grade.setup_source`, run by a plain
Python); test_instructor_grade.py tests it through grading."""

from __future__ import annotations

import ast
import inspect
import socket
import subprocess
import sys

import numpy as np
import pytest
from backprop.instructor import preamble
from backprop.instructor.grade import CAPTURE, setup_source
from backprop.instructor.preamble import ANSWER_MIME, NO_NETWORK, block_network, capture, record


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ({}, {"status": "missing"}),
        ({"answer": ...}, {"status": "unanswered"}),
        ({"answer": "1/4"}, {"status": "text", "text": "1/4"}),
        ({"answer": "x" * 3000}, {"status": "text", "text": "x" * 2000}),
        ({"answer": 0.25}, {"status": "numbers", "values": ["0.25"]}),
        ({"answer": [1, -2.5]}, {"status": "numbers", "values": ["1.0", "-2.5"]}),
        ({"answer": np.array([[1.5], [2]])}, {"status": "numbers", "values": ["1.5", "2.0"]}),
        ({"answer": True}, {"status": "numbers", "values": ["1.0"], "bool": True}),
        ({"answer": np.bool_(True)}, {"status": "numbers", "values": ["1.0"], "bool": True}),
        (
            {"answer": [True, False]},
            {"status": "numbers", "values": ["1.0", "0.0"], "bool": True},
        ),
        ({"answer": np.float64(0.5)}, {"status": "numbers", "values": ["0.5"]}),
        (
            {"answer": np.array([3, 4], dtype=np.int8)},
            {"status": "numbers", "values": ["3.0", "4.0"]},
        ),
        ({"answer": {"x": 1}}, {"status": "type", "type": "dict"}),
        ({"answer": [1, "a"]}, {"status": "type", "type": "list"}),
        ({"answer": 1 + 2j}, {"status": "type", "type": "complex"}),
        ({"answer": np.zeros(1001)}, {"status": "type", "type": "ndarray"}),
    ],
)
def test_record_says_what_answer_holds(namespace, expected):
    assert record(namespace) == expected


def test_capture_displays_the_record_under_its_mime_type():
    shown = []
    capture({"answer": [0.5]}, publish=shown.append)
    assert shown == [{ANSWER_MIME: {"status": "numbers", "values": ["0.5"]}}]


def test_block_network_makes_every_socket_refuse(monkeypatch):
    # monkeypatch remembers the originals, so the network is back after the test.
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    monkeypatch.setattr(socket, "create_connection", socket.create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)
    block_network()
    with pytest.raises(OSError, match=NO_NETWORK):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(OSError, match=NO_NETWORK):
        socket.getaddrinfo("localhost", 80)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        with pytest.raises(OSError, match=NO_NETWORK):
            s.sendto(b"x", ("127.0.0.1", 9))
        with pytest.raises(OSError, match=NO_NETWORK):
            s.connect(("127.0.0.1", 9))


def test_the_kernel_gets_the_modules_own_source_as_a_module_of_its_own():
    source = setup_source()
    assert repr(inspect.getsource(preamble)) in source  # passed as a literal, not templated
    # Run the way a kernel runs it, then the capture cell, in a Python of its own.
    program = "\n".join(
        [
            source,
            "answer = [1, 2.5]",
            "import IPython.display as d",
            "shown = []",
            "d.publish_display_data = shown.append",
            CAPTURE,
            "print(shown)",
            "import socket",
            "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError as e:\n    print(e)",
            "print(sorted(k for k in globals() if 'bp' in k))",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    shown, error, names = done.stdout.splitlines()
    assert shown == repr([{ANSWER_MIME: {"status": "numbers", "values": ["1.0", "2.5"]}}])
    assert error == NO_NETWORK
    assert names == "['_bp_grading']"  # one name in the student's namespace


def test_the_preamble_needs_nothing_but_the_standard_library_numpy_and_ipython():
    # A student's kernel may not have the book's library (the assigned notebooks need none).
    tree = ast.parse(inspect.getsource(preamble))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if not (isinstance(node, ast.ImportFrom) and node.level)
    }
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree))
    assert imported <= set(sys.stdlib_module_names) | {"numpy", "IPython"}, imported
