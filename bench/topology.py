"""compose.yaml's team deployment as real processes on loopback, where Docker cannot run: a PostgreSQL
server, one refresh worker, N app replicas (`streamlit run app.py`) and nginx with the very proxy
configuration compose uses (deploy/nginx.conf.template: sticky sessions by cookie, websockets).

    with replicas(apps=2, fill=fill) as deployment:   # fill(store) writes the data the run needs
        deployment.url                                  # http://127.0.0.1:PORT, the proxy

Nothing leaves the machine: the worker and the replicas start with tests/childsite on their
PYTHONPATH (loopback-only network; the worker's sources are synthetic). The replicas are not
offline: they would fetch if page views could, and the attempt log shows they never do.
"""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.pgserver import free_port, postgres_server

ROOT = Path(__file__).resolve().parents[1]
CHILD_SITE = ROOT / "tests" / "childsite"
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Deployment:
    url: str  # the proxy
    database_url: str
    app_urls: list[str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def app_pids(self) -> list[int]:
        return [p.pid for name, p in self.processes.items() if name.startswith("app")]

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")


def streamlit_command(port: int, script: str = "app.py") -> list[str]:
    """`streamlit run app.py` (or `script`) headless on 127.0.0.1:`port`, as the benchmarks and tests
    serve it."""
    return [
        sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip


def child_env(database_url: str, **extra: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FRED_API_KEY", "COINGECKO_API_KEY", "CONVEX_OFFLINE")
    }
    env.update(CONVEX_DATABASE_URL=database_url, PYTHONPATH=f"{CHILD_SITE}{os.pathsep}{ROOT}", **extra)
    return env


def nginx_config(folder: Path, port: int, apps: list[str]) -> Path:
    """The compose proxy's server block, wrapped in a main config that runs nginx unprivileged."""
    if len(apps) != 2:
        raise ValueError("deploy/nginx.conf.template names two replicas")
    server = string.Template(TEMPLATE.read_text()).safe_substitute(
        APP_1=apps[0], APP_2=apps[1], PROXY_PORT=port
    )
    (folder / "convex.conf").write_text(server)
    user = "user root;" if os.geteuid() == 0 else ""  # its temp folders are the caller's own
    main = f"""
        {user}
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/nginx-error.log warn;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            client_body_temp_path {folder}/client_body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            include {folder}/convex.conf;
        }}
    """
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /_stcore/health in time")


def _start(folder: Path, name: str, cmd: list, env: dict) -> subprocess.Popen:
    log = open(folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_first_pass(process: subprocess.Popen, folder: Path, timeout: float = 300) -> None:
    """Until the worker logs its first cycle (every due metric fetched once)."""
    deadline = time.monotonic() + timeout
    while "cycle 1:" not in (folder / "worker.log").read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the refresh worker did not finish its first pass")
        time.sleep(0.2)


@contextmanager
def replicas(
    *, apps: int = 2, fill: Callable | None = None, synthetic_rows: int = 2_600
) -> Iterator[Deployment]:
    """Start the deployment; stop every process (and the server) on exit."""
    folder = Path(tempfile.mkdtemp(prefix="convex-replicas-"))
    with ExitStack() as stack, postgres_server() as database_url:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        from convex.store import Store

        store = Store(database_url)
        if fill is not None:
            fill(store)
        deployment = Deployment(url="", database_url=database_url, app_urls=[], folder=folder)
        env = child_env(database_url, CONVEX_TEST_SYNTHETIC_ROWS=str(synthetic_rows))
        worker = _start(folder, "worker", [sys.executable, "-m", "convex", "worker"], env)
        deployment.processes["worker"] = worker
        stack.callback(stop_process, worker)
        wait_for_first_pass(worker, folder)
        for i in range(1, apps + 1):
            port = free_port()
            app = _start(folder, f"app{i}", streamlit_command(port), child_env(database_url))
            deployment.processes[f"app{i}"] = app
            stack.callback(stop_process, app)
            deployment.app_urls.append(f"http://127.0.0.1:{port}")
        for name, url in zip(list(deployment.processes)[1:], deployment.app_urls, strict=True):
            wait_healthy(url, deployment.processes[name])
        proxy_port = free_port()
        config = nginx_config(folder, proxy_port, [u.removeprefix("http://") for u in deployment.app_urls])
        nginx = _start(
            folder,
            "nginx",
            [NGINX, "-c", config, "-p", folder, "-e", folder / "nginx-error.log", "-g", "daemon off;"],
            env,
        )
        deployment.processes["nginx"] = nginx
        stack.callback(stop_process, nginx)
        deployment.url = f"http://127.0.0.1:{proxy_port}"
        wait_healthy(deployment.url, nginx)
        yield deployment
