"""`serve`'s plan (commands, configuration, environment, token rules) and the room's capacity policy.

The servers themselves are driven by tests/server/test_browser_room.py; here nothing is started except,
for the capacity policy, a real jupyter-server kernel manager class with no kernel in it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
from typing import ClassVar

import pytest

from mlops_workbook.errors import WorkbookError
from mlops_workbook.server import serve as serve_module
from mlops_workbook.server.landing import LANDING
from mlops_workbook.server.serve import (
    KERNEL_MIB,
    MIN_TOKEN,
    PARTICIPANT_NOTEBOOKS,
    ROLE_ENV,
    default_pool,
    describe,
    prepare,
    room_line,
    room_token,
    voila_config,
    warm_line,
)
from mlops_workbook.settings import THREAD_LIMITS, thread_limits


@pytest.fixture
def folders(tmp_path):
    return {"answers_dir": str(tmp_path / "answers"), "reports_dir": str(tmp_path / "reports")}


def config_of(server) -> dict:
    return json.loads((server.cwd / "voila.json").read_text())


def test_loopback_without_token_is_one_server_with_every_notebook(folders):
    plan = prepare(port=9100, **folders)
    assert [s.role for s in plan.servers] == ["alone"] and plan.token is None
    (server,) = plan.servers
    assert server.url == "http://127.0.0.1:9100/"
    assert "--Voila.ip=127.0.0.1" in server.command and "mlops_workbook.server.room_server" in server.command
    config = config_of(server)
    assert config["RoomVoila"]["notebooks"] == [] and config["RoomVoila"]["max_participants"] == 0
    assert "token" not in config.get("Voila", {})
    assert server.env[ROLE_ENV] == "alone"
    assert plan.facilitator_url == "http://127.0.0.1:9100/voila/render/04_workshop_dashboard.ipynb"


def test_network_bind_without_token_gets_a_generated_one(folders):
    plan = prepare(host="0.0.0.0", port=9100, **folders)
    assert plan.token_generated and len(plan.token) >= MIN_TOKEN
    participants = plan.servers[0]
    assert config_of(participants)["Voila"]["token"] == plan.token
    assert plan.join_url.endswith(f":9100/?token={plan.token}")
    assert plan.token not in " ".join(participants.command)  # not readable in `ps`
    mode = stat.S_IMODE((participants.cwd / "voila.json").stat().st_mode)
    assert mode & 0o077 == 0
    # two plans, two tokens
    assert prepare(host="0.0.0.0", port=9100, **folders).token != plan.token


def test_room_splits_participants_from_the_facilitator(folders):
    token = "a-room-token-of-20ch"
    plan = prepare(host="0.0.0.0", port=9100, token=token, max_participants=12, pool=3, cull_idle=600, **folders)
    assert not plan.token_generated and plan.token == token
    participants, facilitator = plan.servers
    p, f = config_of(participants), config_of(facilitator)
    assert p["RoomVoila"]["notebooks"] == list(PARTICIPANT_NOTEBOOKS) and p["RoomVoila"]["max_participants"] == 12
    assert p["RoomVoila"]["status_file"] == f["RoomVoila"]["room_status_from"] == str(plan.status_file)
    assert p["RoomVoila"]["grace"] == 60 and not f["RoomVoila"]["status_file"]
    assert p["Voila"]["tornado_settings"]["ws_ping_interval"] <= 10_000  # a lost network is noticed in 30 s
    assert p["Voila"]["log_level"] == "WARN"  # Voila's startup lines do not bury the join URL
    assert "04_workshop_dashboard.ipynb" not in PARTICIPANT_NOTEBOOKS
    assert "--Voila.ip=0.0.0.0" in participants.command
    assert "--Voila.ip=127.0.0.1" in facilitator.command and "--port=9101" in facilitator.command
    assert f["RoomVoila"]["notebooks"] == [] and f["RoomVoila"]["max_participants"] == 0
    assert f["Voila"]["token"] != token and len(f["Voila"]["token"]) >= MIN_TOKEN
    assert plan.facilitator_url.startswith("http://127.0.0.1:9101/voila/render/04_workshop_dashboard.ipynb?token=")
    pools, facilitator_pools = (c["VoilaKernelManager"]["kernel_pools_config"] for c in (p, f))
    assert pools["01_assessment.ipynb"] == {"pool_size": 3}
    assert pools["02_drift_gating_lab.ipynb"] == {"pool_size": 1}  # --lab-pool's default
    assert "04_workshop_dashboard.ipynb" not in pools and "01_assessment.ipynb" not in facilitator_pools
    assert facilitator_pools["04_workshop_dashboard.ipynb"] == {"pool_size": 1}  # opened first, ready at once
    assert p["MappingKernelManager"] == {"cull_idle_timeout": 600, "cull_connected": True, "cull_interval": 60}
    assert "MappingKernelManager" not in f
    assert participants.env[ROLE_ENV] == "participants" and facilitator.env[ROLE_ENV] == "facilitator"
    for server in plan.servers:
        assert server.env["MLOPS_WORKBOOK_ANSWERS_DIR"] == folders["answers_dir"]
        assert server.env["OPENBLAS_NUM_THREADS"] == server.env["OMP_NUM_THREADS"] == "1"


def test_a_token_on_loopback_makes_a_room_too(folders):
    plan = prepare(port=9100, token="x" * MIN_TOKEN, facilitator_port=9200, **folders)
    assert [s.role for s in plan.servers] == ["participants", "facilitator"]
    assert "--port=9200" in plan.servers[1].command


@pytest.mark.parametrize("token, message", [("short", "at least 16 characters"),
                                            ("has a space in it ok", "spaces"),
                                            ("tab\tinside-the-token", "spaces")])
def test_bad_tokens_are_refused(folders, token, message):
    with pytest.raises(WorkbookError, match=message):
        prepare(host="0.0.0.0", token=token, **folders)


def test_token_rules():
    assert room_token("127.0.0.1", None) == (None, False)
    assert room_token("localhost", None) == (None, False)
    assert room_token("::1", None) == (None, False)
    for host in ("0.0.0.0", "::", "192.168.1.20", "workshop.local"):
        token, generated = room_token(host, None)
        assert generated and len(token) >= MIN_TOKEN


@pytest.mark.parametrize("options, field", [({"port": 0}, "port"), ({"pool": -1}, "pool"), ({"lab_pool": -1}, "lab-pool"),
                                            ({"max_participants": -2}, "max-participants"),
                                            ({"cull_idle": -1}, "cull-idle"),
                                            ({"port": 9100, "facilitator_port": 9100, "token": "y" * 16},
                                             "facilitator-port"),
                                            ({"host": "0.0.0.0", "dev": True}, "dev")])
def test_bad_options_name_their_field(folders, options, field):
    with pytest.raises(WorkbookError) as info:
        prepare(**options, **folders)
    assert info.value.field == field


def test_specific_address_tells_kernels_where_to_ask(folders):
    plan = prepare(host="192.168.1.20", **folders)
    assert plan.servers[0].env["VOILA_APP_IP"] == "192.168.1.20"
    assert plan.join_url.startswith("http://192.168.1.20:8866/?token=")
    assert "VOILA_APP_IP" not in prepare(host="0.0.0.0", **folders).servers[0].env


def test_thread_limits_respect_an_explicit_setting():
    env = thread_limits({"OMP_NUM_THREADS": "4", "PATH": "/bin"})
    assert env["OMP_NUM_THREADS"] == "4" and env["OPENBLAS_NUM_THREADS"] == "1" and env["PATH"] == "/bin"
    assert set(THREAD_LIMITS) <= set(env)


def test_culling_off_and_no_pool():
    config = voila_config(pools={"01_assessment.ipynb": 0, "02_drift_gating_lab.ipynb": 0}, cull_idle=0)
    assert "MappingKernelManager" not in config and config["VoilaConfiguration"]["preheat_kernel"] is False
    assert voila_config(cull_idle=10)["MappingKernelManager"]["cull_interval"] == 5


def test_cli_refuses_a_short_token_in_one_line(capsys):
    from mlops_workbook.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--token", "short"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "token" in err[0] and "16" in err[0]


def test_cli_help_lists_the_room_options(capsys):
    from mlops_workbook.cli import main

    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--host", "--token", "--max-participants", "--cull-idle", "--pool", "--facilitator-port",
                   "--grace"):
        assert option in out


# --------------------------------------------------------------------------- the Voila app's rules


def test_root_redirects_to_the_landing_page_with_the_query():
    pytest.importorskip("voila")
    from mlops_workbook.server import room_server

    assert room_server.LANDING == LANDING


class _Pool:
    """A stand-in for Voila's pooled kernel manager's base: kernel ids, pools and their config."""

    kernel_pools_config: ClassVar[dict] = {"default": {"pool_size": 0}, "01_assessment.ipynb": {"pool_size": 3}}

    def __init__(self):
        self.kernels: list[str] = []
        self._pools: dict[str, list] = {}
        self.filled: list[int] = []
        self.started = 0  # ids are never reused, as jupyter-server's are not

    def list_kernel_ids(self):
        return list(self.kernels)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        size = self.kernel_pools_config.get(notebook_name, self.kernel_pools_config["default"])["pool_size"]
        pool = self._pools.setdefault(notebook_name, [])
        self.filled.append(size)
        for _ in range(size - len(pool)):
            done = asyncio.get_event_loop().create_future()
            self.started += 1
            kid = f"pool-{self.started}"
            self.kernels.append(kid)
            done.set_result({"kernel_id": kid})
            pool.append(done)

    async def start_kernel(self, **kwargs):
        self.started += 1
        kid = f"page-{self.started}"
        self.kernels.append(kid)
        return kid

    async def get_rendered_notebook(self, notebook_name, **kwargs):
        task = self._pools[notebook_name].pop(0)
        self.fill_if_needed(notebook_name=notebook_name)
        return None, [], (await task)["kernel_id"]

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self.kernels.remove(kernel_id)

    def notify_connect(self, kernel_id):  # jupyter-server's: counts connections; the room's override adds to it
        pass

    def notify_disconnect(self, kernel_id):
        pass

    log = logging.getLogger("test-room")


def test_capacity_admits_up_to_the_room_and_the_pool_never_overfills():
    asyncio.run(_test_capacity_admits_up_to_the_room_and_the_pool_never_overfills())


async def _test_capacity_admits_up_to_the_room_and_the_pool_never_overfills():
    pytest.importorskip("voila")
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 4)()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    assert km.get_pool_size("01_assessment.ipynb") == 3
    taken = []
    for _ in range(3):  # three pages take pool kernels; each refill is held to what the room has left
        admission = km.admit()
        assert admission is not None
        taken.append((await km.get_rendered_notebook("01_assessment.ipynb"))[2])
        assert admission.consumed
    assert km.page_kernels() == 3
    assert km.pooled() == 1  # 4 places - 3 pages: one kernel kept ready, not three
    admission = km.admit()
    assert admission is not None and km.admit() is None  # the 5th page waits while the 4th starts
    await km.get_rendered_notebook("01_assessment.ipynb")
    assert km.page_kernels() == 4 and km.admit() is None and km.pooled() == 0
    assert len(km.list_kernel_ids()) <= 4 + 3  # never beyond participants + pool
    await km.shutdown_kernel(taken[0])  # a page closes: a place frees, the pool refills one
    assert km.page_kernels() == 3 and km.pooled() == 1
    assert km.admit() is not None


def test_an_admission_that_never_got_a_kernel_is_given_back():
    asyncio.run(_test_an_admission_that_never_got_a_kernel_is_given_back())


async def _test_an_admission_that_never_got_a_kernel_is_given_back():
    pytest.importorskip("voila")
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 1)()
    admission = km.admit()
    assert km.admit() is None
    km.release(admission)  # the page failed before its kernel started
    assert km.admit() is not None


def test_unlimited_room_admits_everyone():
    asyncio.run(_test_unlimited_room_admits_everyone())


async def _test_unlimited_room_admits_everyone():
    pytest.importorskip("voila")
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 0)()
    for _ in range(50):
        assert km.admit() is not None
        await km.start_kernel()
    assert km.page_kernels() == 50 and km.room_left() is None


# --------------------------------------------------------------------------- places that free themselves


def _run(coro):
    return asyncio.run(coro)


async def _page(km, notebook="01_assessment.ipynb"):
    """One page request as RoomRenderHandler makes it: admission, a pooled kernel, the page served."""
    admission = km.admit()
    assert admission is not None
    kernel_id = (await km.get_rendered_notebook(notebook))[2]
    km.page_served(admission)
    return kernel_id


def test_a_page_whose_last_connection_closes_frees_its_place_after_the_grace():
    _run(_test_grace_frees())


async def _test_grace_frees():
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 2, grace=0.2)()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    a, b = await _page(km), await _page(km)
    for kid in (a, b):
        km.notify_connect(kid)
    assert km.admit() is None and km.status().connected == 2
    km.notify_disconnect(a)  # the browser died: no goodbye, only the socket closing
    await asyncio.sleep(0.05)
    assert a in km.list_kernel_ids() and km.admit() is None  # within the grace: still held
    await asyncio.sleep(0.4)
    assert a not in km.list_kernel_ids() and b in km.list_kernel_ids()  # the other page keeps its kernel
    assert km.status().taken == 1 and km.status().connected == 1
    assert km.admit() is not None


def test_a_page_that_reconnects_within_the_grace_keeps_its_kernel():
    _run(_test_reconnect())


async def _test_reconnect():
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 2, grace=0.2)()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    a = await _page(km)
    km.notify_connect(a)
    km.notify_connect(a)  # two sockets (a reconnect racing the old one)
    km.notify_disconnect(a)
    await asyncio.sleep(0.3)
    assert a in km.list_kernel_ids()  # one connection left: nothing scheduled
    km.notify_disconnect(a)
    await asyncio.sleep(0.1)
    km.notify_connect(a)  # the network came back
    await asyncio.sleep(0.3)
    assert a in km.list_kernel_ids() and km.status().connected == 1


def test_a_page_that_never_connects_frees_its_place_too():
    _run(_test_never_connects())


async def _test_never_connects():
    from mlops_workbook.server.capacity import room_kernel_manager

    km = room_kernel_manager(_Pool, 1, grace=0.1)()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    a = await _page(km)
    assert km.admit() is None
    await asyncio.sleep(0.3)
    assert a not in km.list_kernel_ids() and km.page_kernels() == 0
    assert len(km.list_kernel_ids()) <= 1 + 3  # never beyond participants + pool


def test_the_status_file_follows_the_room(tmp_path):
    _run(_test_status_file(tmp_path))


async def _test_status_file(tmp_path):
    from mlops_workbook.server.capacity import read_status, room_kernel_manager

    status = tmp_path / "room.json"
    assert read_status(status)["connected"] == 0  # nothing written yet: an empty room
    km = room_kernel_manager(_Pool, 3, grace=0.1, status_file=str(status))()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    a = await _page(km)
    km.notify_connect(a)
    assert read_status(status) == {"connected": 1, "places": 3, "taken": 1, "kernels": len(km.list_kernel_ids()),
                                   "pool": 2, "pool_ready": 0}  # 3 places - 1 page: two kept, no notebook run
    km.notify_disconnect(a)
    assert read_status(status)["connected"] == 0 and read_status(status)["taken"] == 1
    await asyncio.sleep(0.3)
    assert read_status(status)["taken"] == 0


def test_grace_is_a_setting_and_an_option(folders, monkeypatch):
    from mlops_workbook.settings import GRACE

    monkeypatch.setenv(GRACE, "15")
    assert config_of(prepare(**folders).servers[0])["RoomVoila"]["grace"] == 15
    assert config_of(prepare(grace=5, **folders).servers[0])["RoomVoila"]["grace"] == 5
    monkeypatch.setenv(GRACE, "soon")
    with pytest.raises(WorkbookError) as info:
        prepare(**folders)
    assert info.value.field == GRACE
    with pytest.raises(WorkbookError) as info:
        prepare(grace=-1, **folders)
    assert info.value.field == "grace"


def test_the_report_worker_serve_starts_is_the_one_the_pages_find(folders):
    """Owned by the pages' server, never idle-exiting, in the pages' spool and environment;
    `--no-report-worker` leaves it to the first click (the worker itself: test_serve_report_worker.py)."""
    from mlops_workbook import settings
    from mlops_workbook.server.serve import report_queue

    plan = prepare(**folders)
    assert plan.report_worker and not prepare(**folders, report_worker=False).report_worker
    pages = plan.servers[0]
    queue = report_queue(plan, owner=4242)
    # what a page's kernel computes from its environment: the reports folder through the served root's link
    assert queue.spool == settings.report_queue_dir(pages.env[settings.REPORTS_DIR]).absolute()
    assert queue.spool.resolve() == (plan.reports / ".queue").resolve()
    command = queue.worker_command
    assert command[command.index("--owner") + 1] == "4242" and float(command[command.index("--idle-exit") + 1]) == float("inf")
    assert queue.env is not None and all(queue.env[k] == v for k, v in THREAD_LIMITS.items() if k not in os.environ)
    room = prepare(**folders, host="0.0.0.0")
    assert report_queue(room, owner=1).env[ROLE_ENV] == "participants"  # never the facilitator's server


# --------------------------------------------------------------------------- a room-sized pool by default


def _pools(plan) -> dict:
    return config_of(plan.servers[0])["VoilaKernelManager"]["kernel_pools_config"]


def test_a_room_size_without_pool_pre_heats_the_whole_room(folders, monkeypatch):
    """20 joining at once with a pool of 5 waited a median 15.7 s (fresh kernels); with a room-sized
    pool 1.2 s (benchmarks/RESULTS.md). The lab's pool and the assessment's fit in the room together."""
    monkeypatch.setattr(serve_module, "available_memory_mib", lambda: 64_000.0)
    plan = prepare(host="0.0.0.0", max_participants=20, **folders)
    assert _pools(plan)["01_assessment.ipynb"] == {"pool_size": 19}
    assert _pools(plan)["02_drift_gating_lab.ipynb"] == {"pool_size": 1}
    assert plan.preheated == 20 and not plan.notes
    assert "pre-heating 20 kernels (19 assessment, 1 lab; about 2100 MiB)" in describe(plan)
    assert "share the join link once this terminal says the room is warm" in describe(plan)
    # --pool given wins; no room size keeps the small default
    assert _pools(prepare(host="0.0.0.0", max_participants=20, pool=5, **folders))["01_assessment.ipynb"] == {
        "pool_size": 5}
    assert _pools(prepare(**folders))["01_assessment.ipynb"] == {"pool_size": 1}
    assert _pools(prepare(max_participants=20, lab_pool=4, **folders))["01_assessment.ipynb"] == {"pool_size": 16}


def test_the_cli_leaves_the_pool_to_the_room_size(folders, monkeypatch):
    """`serve --max-participants 20` without --pool: the plan pre-heats the room (was 1 before)."""
    from mlops_workbook.cli import main

    asked = {}
    monkeypatch.setattr(serve_module, "serve", lambda **options: asked.update(options) or 0)
    monkeypatch.setattr(serve_module, "available_memory_mib", lambda: 64_000.0)
    assert main(["serve", "--host", "0.0.0.0", "--max-participants", "20", "--answers-dir", folders["answers_dir"],
                 "--reports-dir", folders["reports_dir"]]) == 0
    assert asked["pool"] is None
    plan = prepare(**asked)
    assert _pools(plan)["01_assessment.ipynb"] == {"pool_size": 19} and plan.preheated == 20
    assert main(["serve", "--max-participants", "20", "--pool", "3"]) == 0 and asked["pool"] == 3


def test_the_default_pool_is_held_to_the_memory_there_is():
    assert default_pool(None, max_participants=20, lab_pool=1, available_mib=None) == (19, "")
    assert default_pool(None, max_participants=0, lab_pool=1, available_mib=100.0) == (1, "")
    assert default_pool(7, max_participants=20, lab_pool=1, available_mib=10.0) == (7, "")
    assert default_pool(None, max_participants=1, lab_pool=1, available_mib=None) == (1, "")
    fits = int(1000 * 0.5 // KERNEL_MIB) - 1  # half of 1000 MiB, less the lab's kernel
    size, note = default_pool(None, max_participants=20, lab_pool=1, available_mib=1000.0)
    assert size == fits == 3 and "3 kernels, not 19" in note and "--pool" in note


def test_the_terminal_says_when_the_room_is_warm():
    warming = {"connected": 0, "places": 20, "taken": 0, "kernels": 8, "pool": 20, "pool_ready": 7}
    assert room_line(warming) == "room: warming up 7 of 20 kernels; 0 connected, 0 of 20 places taken"
    assert warm_line(warming, 12) == ""
    warm = {**warming, "pool_ready": 20}
    assert room_line(warm) == "room: 0 connected, 0 of 20 places taken"
    assert warm_line(warm, 48.4) == "room warm: 20 pre-heated kernels ready 48 s after start; share the join link now"
    assert warm_line({"connected": 0, "places": None, "taken": 0, "kernels": 0}, 3) == ""  # nothing pre-heated
    assert room_line({"connected": 2, "places": None, "taken": 2, "kernels": 2}) == "room: 2 connected, 2 pages open"


class _SlowPool(_Pool):
    """Pre-heated kernels that take a while: the test says when each is ready."""

    kernel_pools_config: ClassVar[dict] = {"default": {"pool_size": 0}, "01_assessment.ipynb": {"pool_size": 3}}

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        size = self.kernel_pools_config.get(notebook_name, self.kernel_pools_config["default"])["pool_size"]
        pool = self._pools.setdefault(notebook_name, [])
        for _ in range(size - len(pool)):
            self.started += 1
            self.kernels.append(f"pool-{self.started}")
            pool.append(asyncio.get_event_loop().create_future())


def test_the_status_file_says_how_warm_the_pool_is(tmp_path):
    _run(_test_warmth(tmp_path))


async def _test_warmth(tmp_path):
    from mlops_workbook.server.capacity import read_status, room_kernel_manager

    status = tmp_path / "room.json"
    km = room_kernel_manager(_SlowPool, 3, status_file=str(status))()
    km.fill_if_needed(delay=0, notebook_name="01_assessment.ipynb")
    assert (read_status(status)["pool"], read_status(status)["pool_ready"]) == (3, 0)
    first, second, third = km._pools["01_assessment.ipynb"]
    renders = [asyncio.get_event_loop().create_future() for _ in range(3)]
    for i, task in enumerate((first, second, third)):  # Voila: started, its notebook rendering in a task
        task.set_result({"kernel_id": f"pool-{i + 1}", "task": renders[i]})
    await asyncio.sleep(0)
    assert read_status(status)["pool_ready"] == 0  # started is not warm: the notebook has not run yet
    renders[0].set_result(None)  # the lab's notebook ran to its end
    await asyncio.sleep(0)
    assert read_status(status)["pool_ready"] == 1
    km.page_waiting("pool-2")  # the assessment's notebook built its app and waits for the page
    assert read_status(status)["pool_ready"] == 2 and not km.status().warm
    # a page asks: it is given a warm kernel before the one still running its notebook
    admission = km.admit()
    assert (await km.get_rendered_notebook("01_assessment.ipynb"))[2] in ("pool-1", "pool-2")
    km.page_served(admission)
    km.page_waiting("pool-3")
    assert km.status().warm and read_status(status)["pool"] == read_status(status)["pool_ready"] == 2
    failed = km._pools["01_assessment.ipynb"]
    failed.append(asyncio.get_event_loop().create_future())
    km._watch_pool("01_assessment.ipynb")
    assert not km.status().warm
    failed[-1].set_exception(RuntimeError("the kernel died"))
    await asyncio.sleep(0)
    assert read_status(status)["pool"] == 2 and km.status().warm  # a failed kernel is not waited for
