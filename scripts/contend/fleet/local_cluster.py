"""A Slurm cluster of one machine, for the tests and for trying a fleet.

    with LocalCluster(Path(tmp)) as cluster:
        subprocess.run(["sinfo"], env=cluster.env())

Everything lives under `root` (a folder the caller owns): a munge key and
munged's socket, pid, log and seed files; slurm.conf; slurmctld's state;
slurmd's spool; the logs. (Under a root path longer than SHORT_ROOT, the
munge folder and the spools, which hold Unix sockets whose paths must stay
under 108 bytes, go in a short folder /tmp/cs-XXXX instead, removed by
stop().) Nothing is read from or written to /etc, /run or
/var: the daemons and the Slurm clients find each other through
SLURM_CONF (env()), and Slurm finds munged through slurm.conf's AuthInfo.

Started in order: munged (as the munge user when it can reach the folder,
as root otherwise: a private temporary folder such as pytest's), slurmctld -D,
one slurmd -D per node (node1, node2, ...: several slurmd on one host, each
on its own port, all with the machine's CPUs: a fleet's mechanics can be
tried, its numbers are not measurements), then it waits until sinfo calls
every node idle. Stopped (stop(),
the context manager's exit, also on an exception or Ctrl-C) in reverse,
after cancelling every job; then every process left whose environment names
this cluster (slurmstepd, a job's script and its children) is killed, so
nothing is left running. What is guaranteed: the daemons this object
started are gone when stop() returns. What is not: a process that changed
its own environment to lose CONTEND_LOCAL_CLUSTER and SLURM_CONF.

Needs root (slurmd starts jobs as their user); scheduling is as the issue's
measured set-up: select/cons_tres with CR_Core, task/none (exclusivity from
the scheduler, not from cgroups), accounting off, one partition "fleet"
with OverSubscribe=EXCLUSIVE.
"""
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import namespaces
from ..core.cli import UsageError

PARTITION = "fleet"
# Set in every daemon's environment (and so in slurmstepd's): how the sweep
# at stop() recognises what belongs to this cluster.
MARKER = "CONTEND_LOCAL_CLUSTER"
# Bounds that only catch a hang: a node goes idle in about 1.2 s on a
# 2-core VM (the measurement), a daemon stops in well under 1 s.
START_TIMEOUT_S = 60.0
SHORT_ROOT = 40   # bytes of root path that leave room for the sockets' names
STOP_TIMEOUT_S = 15.0
DAEMONS = ("munged", "slurmctld", "slurmd")


class ClusterError(RuntimeError):
    """The cluster could not start; the message says which daemon and why."""


def missing_programs(hosts=False):
    """The programs a local cluster needs that are not on PATH."""
    return [p for p in DAEMONS + ("sinfo", "scontrol", "scancel")
            + (("ip", "unshare", "nsenter") if hosts else ())
            if not shutil.which(p) and not Path("/usr/sbin", p).exists()]


def _program(name):
    return shutil.which(name) or str(Path("/usr/sbin", name))


def free_port():
    """A TCP port free on loopback right now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_cpus():
    """CPUs this process may use: the node's size as slurmd will count it."""
    return len(os.sched_getaffinity(0))


class LocalCluster:
    def __init__(self, root, cpus=None, features=("local",), nodes=1, hosts=False):
        """hosts: two nodes, the second a host of its own (namespaces.py:
        its own network and host name, a veth pair to the controller's)."""
        self.root = Path(root).absolute()
        self.cpus = cpus or node_cpus()
        self.nodes = [f"node{i + 1}" for i in range(2 if hosts else nodes)]
        self.hosts = hosts
        self.pair = None
        # Unix sockets (munged's, slurmstepd's in the spool) need paths under
        # 108 bytes: under a long root (pytest's) they go in a short folder
        # of their own, /tmp/cs-XXXX, removed with the cluster.
        self.sockets = self.root if len(str(self.root)) <= SHORT_ROOT else None
        self.features = features
        self.procs = {}   # daemon name -> Popen
        self.conf = self.root / "etc" / "slurm.conf"

    # ---- the files ----------------------------------------------------------

    def env(self, base=None):
        """An environment in which sbatch, squeue, sinfo... talk to this cluster."""
        env = dict(os.environ if base is None else base)
        env["SLURM_CONF"] = str(self.conf)
        env[MARKER] = str(self.root)
        return env

    def _munge_dir(self):
        return self.sockets / "munge"

    def _write_munge_files(self, user):
        """munged's own folder, owned by the user it runs as, with a fresh
        key: munged refuses a key or socket folder others may write."""
        folder = self._munge_dir()
        shutil.rmtree(folder, ignore_errors=True)   # a --dir used before: a fresh key
        folder.mkdir(mode=0o700)
        key = folder / "munge.key"
        key.write_bytes(secrets.token_bytes(128))
        key.chmod(0o400)
        if user is not None:
            ent = pwd.getpwnam(user)
            for path in (folder, key):
                os.chown(path, ent.pw_uid, ent.pw_gid)

    def _write_conf(self, ports):
        for sub in ("etc", "state", "log"):
            (self.root / sub).mkdir(exist_ok=True)
        ctld_port, node_ports = ports[0], ports[1:]
        r = self.root
        lines = [
            "ClusterName=contend-local",
            f"SlurmctldHost=localhost({self._addr(self.nodes[0])})",
            f"SlurmctldPort={ctld_port}",
            "SlurmUser=root", "SlurmdUser=root",
            "AuthType=auth/munge", "CredType=cred/munge",
            f"AuthInfo=socket={self._munge_dir() / 'munge.socket'}",
            f"StateSaveLocation={r / 'state'}",
            f"SlurmdSpoolDir={self.sockets / 'spool'}/%n",
            f"SlurmctldPidFile={r / 'slurmctld.pid'}",
            f"SlurmdPidFile={r / 'state'}/slurmd-%n.pid",
            f"SlurmctldLogFile={r / 'log' / 'slurmctld.log'}",
            f"SlurmdLogFile={r / 'log'}/slurmd-%n.log",
            f"PlugStackConfig={r / 'etc' / 'plugstack.conf'}",
            "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none",
            "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none", "JobCompType=jobcomp/none",
            "MpiDefault=none", "SchedulerType=sched/builtin",
            # A finished job stays in squeue this long: status reads the
            # job's own files after that, as on a site without accounting.
            "MinJobAge=30",
            "ReturnToService=2", "SlurmdTimeout=30", "InactiveLimit=0", "KillWait=2",
            # The nodes share this machine: jobs that ask for the one
            # "machine" license (sbatch -L machine:1) run one at a time.
            "Licenses=machine:1",
        ] + [
            f"NodeName={node} NodeHostname={self._hostname(node)} NodeAddr={self._addr(node)} "
            f"Port={port} "
            f"CPUs={self.cpus} Feature={','.join(self.features)} State=UNKNOWN"
            for node, port in zip(self.nodes, node_ports)
        ] + [
            f"PartitionName={PARTITION} Nodes=ALL Default=YES OverSubscribe=EXCLUSIVE "
            "MaxTime=INFINITE State=UP",
        ]
        self.conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (r / "etc" / "plugstack.conf").write_text("", encoding="utf-8")

    def _addr(self, node):
        if not self.hosts:
            return "127.0.0.1"
        return namespaces.NODE_ADDR if node == self.nodes[1] else namespaces.CTL_ADDR

    def _hostname(self, node):
        return node if self.hosts and node == self.nodes[1] else "localhost"

    def wrap(self, argv):
        """argv as a client of this cluster runs it: in the controller's
        network namespace when the nodes are hosts of their own."""
        return self.pair.in_ctl(argv) if self.pair else list(argv)

    def _in_place(self, node, argv):
        if not self.pair:
            return argv
        return self.pair.in_node(argv) if node == self.nodes[1] else self.pair.in_ctl(argv)

    # ---- start ----------------------------------------------------------------

    def start(self):
        if os.geteuid() != 0:
            raise ClusterError("a local Slurm cluster needs root (slurmd starts jobs as "
                               "their user)")
        missing = missing_programs(self.hosts)
        if missing:
            raise ClusterError(f"missing {', '.join(missing)}: apt-get install slurmctld "
                               "slurmd slurm-client munge")
        self.root.mkdir(parents=True, exist_ok=True)
        if self.sockets is None:
            self.sockets = Path(tempfile.mkdtemp(prefix="cs-", dir="/tmp"))
        # munged (as munge) must reach its folder through this one.
        self.sockets.chmod(0o755)
        (self.sockets / "spool").mkdir(exist_ok=True)
        try:
            munge_user = ("munge" if _user_exists("munge") and _others_reach(self._munge_dir())
                          else None)
            self._write_munge_files(munge_user)
            if self.hosts:
                self.pair = namespaces.Pair(self.nodes[1], env=self.env())
            self._write_conf([free_port() for _ in range(1 + len(self.nodes))])
            self._start_munged(munge_user)
            self._spawn("slurmctld", self.wrap([_program("slurmctld"), "-D", "-i", "-f",
                                                str(self.conf)]))
            for node in self.nodes:
                self._spawn(f"slurmd-{node}", self._in_place(node, [
                    _program("slurmd"), "-D", "-N", node, "-f", str(self.conf)]))
            for node in self.nodes:
                self.wait_idle(node, START_TIMEOUT_S)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_munged(self, user):
        folder = self._munge_dir()
        argv = [_program("munged"), "-F", "--force",
                f"--socket={folder / 'munge.socket'}", f"--key-file={folder / 'munge.key'}",
                f"--pid-file={folder / 'munged.pid'}", f"--log-file={folder / 'munged.log'}",
                f"--seed-file={folder / 'munged.seed'}"]
        self._spawn("munged", argv, user=user)
        def ready():
            if self._died("munged"):
                raise ClusterError(self._died("munged"))
            return (folder / "munge.socket").exists()
        _wait(ready, START_TIMEOUT_S, lambda: "munged made no socket")

    def _spawn(self, name, argv, user=None):
        with open(self.root / "log" / f"{name}.out", "ab") as log:
            self.procs[name] = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env(), start_new_session=True, user=user, cwd=str(self.root))

    def _died(self, name):
        proc = self.procs.get(name)
        if proc is None or proc.poll() is None:
            return ""
        return f"{name} exited with status {proc.returncode} ({self._log_tail(name)})"

    def _log_tail(self, name):
        for path in (self.root / "log" / f"{name}.log", self.root / "log" / f"{name}.out",
                     self._munge_dir() / "munged.log"):
            if path.is_file() and path.stat().st_size:
                lines = path.read_text(errors="replace").strip().splitlines()
                return lines[-1] if lines else ""
        return "no log"

    def node_state(self, node):
        """sinfo's state of one node ("idle", "alloc", "down*", "drain"...)."""
        done = self.run(["sinfo", "-h", "-N", "-n", node, "-o", "%T"], check=False)
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""

    def wait_idle(self, node, timeout):
        def ready():
            for name in self.procs:
                if self._died(name):
                    raise ClusterError(self._died(name))
            return self.node_state(node) == "idle"
        _wait(ready, timeout, lambda: f"{node} not idle after {timeout:g} s "
                                      f"(sinfo: {self.node_state(node) or 'no answer'})")

    def run(self, argv, check=True, timeout=30):
        """A Slurm client command against this cluster; CompletedProcess."""
        return subprocess.run(self.wrap(argv), env=self.env(), capture_output=True, text=True,
                              check=check, timeout=timeout, stdin=subprocess.DEVNULL)

    # ---- stop -------------------------------------------------------------------

    def stop(self):
        """Cancels every job, stops the daemons (slurmd, slurmctld, munged),
        then kills whatever still carries this cluster in its environment."""
        if self.procs.get("slurmctld") and self.procs["slurmctld"].poll() is None:
            try:
                self.run(["scancel", "--full", "--partition", PARTITION], check=False, timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        for name in [f"slurmd-{n}" for n in self.nodes] + ["slurmctld", "munged"]:
            proc = self.procs.pop(name, None)
            if proc is not None:
                _end(proc)
        self._sweep()
        if self.pair:
            self.pair.close()   # the namespaces and the veth pair go with their holders
            self.pair = None
        if self.sockets is not None and self.sockets != self.root:
            shutil.rmtree(self.sockets, ignore_errors=True)

    def _sweep(self):
        """SIGKILL every process (not us) whose environment names this cluster."""
        for _ in range(3):
            pids = leftovers(self.root)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def leftovers(root):
    """Pids (other than ours) whose environment names the cluster at root."""
    marks = (f"{MARKER}={root}".encode(), f"SLURM_CONF={Path(root) / 'etc' / 'slurm.conf'}".encode())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(m in environ for m in marks):
            found.append(int(entry.name))
    return found


def _end(proc):
    """SIGTERM, then SIGKILL after STOP_TIMEOUT_S; reaped either way."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(ready, timeout, why):
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise ClusterError(why())
        time.sleep(0.1)


def _others_reach(path):
    """Whether another user (munge) can reach into path: every folder above
    it lets others through. pytest's temporary folders do not."""
    return all(p.stat().st_mode & 0o001 for p in Path(path).absolute().parents)


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(folder=None, command=(), nodes=1, hosts=False):
    """scripts/fleet local-cluster: a cluster for COMMAND (run with SLURM_CONF
    set; its exit status is ours), or until Ctrl-C / SIGTERM without one.
    Every daemon and job is stopped either way; a temporary folder is removed."""
    # SIGTERM ends it like Ctrl-C: through stop(), never around it.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    root = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="contend-slurm-"))
    try:
        with LocalCluster(root, nodes=nodes, hosts=hosts) as cluster:
            print(f"fleet: local cluster up: {', '.join(cluster.nodes)} ({cluster.cpus} CPUs "
                  f"each, the same ones: not for measuring), partition "
                  f"{PARTITION}; SLURM_CONF={cluster.conf}", file=sys.stderr, flush=True)
            if command:
                return subprocess.run(cluster.wrap(command), env=cluster.env()).returncode
            print("fleet: Ctrl-C stops it", file=sys.stderr, flush=True)
            while True:
                time.sleep(3600)
    except (ClusterError, namespaces.NamespaceError) as e:
        raise UsageError(f"local cluster: {e}") from None
    finally:
        if not folder:
            shutil.rmtree(root, ignore_errors=True)
