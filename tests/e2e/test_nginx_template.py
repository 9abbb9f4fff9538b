"""deploy/nginx.conf.template: a valid nginx configuration (`nginx -t`) with the
per-client limits and timeouts a deployment needs (issue 12)."""

import os
import re
import shutil
import subprocess

import pytest

from bench.cluster import nginx_config

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def config(tmp_path):
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    return prefix, nginx_config(prefix, [5005, 5006], [5055], 8081, 8082)


def test_the_template_limits_each_client_and_slow_ones(config):
    _, text = config
    assert re.search(
        r"limit_req_zone \$client_key zone=per_client:\S+ rate=\d+r/s;", text
    )
    assert "limit_conn_zone $client_key" in text
    for location in ("/socket.io/", "/webhooks/"):
        block = text.split(f"location {location}", 1)[1].split("}", 1)[0]
        assert (
            "limit_req zone=per_client" in block and "limit_conn client_conns" in block
        )
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert re.search(rf"{timeout} \d+s;", text)
    # the machine itself is not limited (the benchmarks and health checks)
    assert re.search(r"127\.0\.0\.1 0;", text)


def test_nginx_accepts_the_template(config):
    if not os.path.exists(NGINX):
        pytest.fail("no nginx: `make services` installs it")
    prefix, text = config
    (prefix / "nginx.conf").write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [
            NGINX,
            "-t",
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-e",
            str(prefix / "error.log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
