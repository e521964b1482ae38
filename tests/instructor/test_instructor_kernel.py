"""The grader's kernel: one cell at a time under a time limit, replaced when it dies or
ignores an interrupt, in an environment without secrets or a way out."""

from __future__ import annotations

import pytest
from backprop.instructor.kernel import NOWHERE, Kernel, grading_env


def test_grading_env_drops_secrets_and_points_proxies_nowhere():
    env = grading_env(
        {
            "PATH": "/bin",
            "BACKPROP_INSTRUCTOR_SECRET": "s3cret",
            "GITHUB_TOKEN": "t",
            "DB_PASSWORD": "p",
            "AWS_SECRET_ACCESS_KEY": "k",
            "API_KEY": "k",
            "no_proxy": "*",
            "NO_PROXY": "*",
        }
    )
    assert env["PATH"] == "/bin"
    assert not any(k in env for k in ("BACKPROP_INSTRUCTOR_SECRET", "GITHUB_TOKEN", "API_KEY"))
    assert not any(k in env for k in ("DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"))
    assert "no_proxy" not in env and "NO_PROXY" not in env
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        assert env[var] == NOWHERE
    assert env["PIP_NO_INDEX"] == "1" and env["BACKPROP_GRADING"] == "1"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("kernel")
    env = grading_env({"PATH": __import__("os").environ["PATH"], "MY_SECRET": "s"})
    with Kernel(str(cwd), env, setup="ready = 'set up'") as k:
        yield k


def test_a_cell_runs_and_its_outputs_come_back(kernel, tmp_path_factory):
    reply = kernel.run("import os\nprint(ready, os.environ.get('MY_SECRET'), os.getcwd())", 10)
    assert reply.status == "ok"
    [out] = reply.outputs
    assert out["text"].split()[:3] == ["set", "up", "None"]
    assert out["text"].split()[3] == kernel.cwd


def test_an_error_is_named(kernel):
    reply = kernel.run("1 / 0", 10)
    assert (reply.status, reply.ename) == ("error", "ZeroDivisionError")
    assert "division by zero" in reply.evalue


def test_a_cell_past_its_limit_is_stopped_and_the_kernel_goes_on(kernel):
    restarts = kernel.restarts
    assert kernel.run("kept = 1\nwhile True:\n    pass", 1).status == "timeout"
    assert kernel.restarts == restarts  # interrupted, not replaced
    assert kernel.run("kept", 10).status == "ok"


def test_a_dead_or_stuck_kernel_is_replaced_and_set_up_again(kernel):
    restarts = kernel.restarts
    assert kernel.run("import os\nos._exit(1)", 10).status == "dead"
    assert kernel.restarts == restarts + 1
    stuck = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    assert kernel.run(stuck, 1).status == "timeout"
    assert kernel.restarts == restarts + 2
    reply = kernel.run("print(ready)", 10)  # the setup cell ran in the new kernel
    assert reply.status == "ok" and reply.outputs[0]["text"] == "set up\n"


@pytest.mark.parametrize(
    ("setup", "why"),
    [("raise ValueError('boom')", "boom"), ("import os\nos._exit(1)", "the kernel died")],
)
def test_a_failing_setup_is_an_error(tmp_path, setup, why):
    with pytest.raises(RuntimeError, match=f"the grading preamble failed: {why}"):
        with Kernel(str(tmp_path), grading_env(), setup=setup):
            pass
