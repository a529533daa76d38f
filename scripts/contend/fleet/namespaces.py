"""Two network namespaces joined by a veth pair, for a one-machine cluster
whose second node is a host of its own (local_cluster.py, hosts=True).

    "ctl"  a network namespace: slurmctld, node1's slurmd and the clients
           (sbatch, squeue...), on 10.213.0.1
    "node" a network and UTS namespace: the second node's slurmd, on
           10.213.0.2, with its own host name

Every address lives inside a namespace created here; the machine's own
network (its namespace, its interfaces, its routes) is never touched. Each
namespace is held by a `sleep infinity` started under unshare; killing the
two holders (close()) removes the namespaces and the veth pair with them,
once the daemons run inside them have ended. Needs root and iproute2.
"""
import os
import subprocess
import time

CTL_ADDR = "10.213.0.1"
NODE_ADDR = "10.213.0.2"
PREFIX = 30
SETUP_TIMEOUT_S = 30   # a hang guard: each step takes milliseconds


class NamespaceError(RuntimeError):
    pass


def _holder(flags, env):
    proc = subprocess.Popen(["unshare", *flags, "--", "sleep", "infinity"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    mine = os.readlink("/proc/self/ns/net")
    deadline = time.monotonic() + SETUP_TIMEOUT_S
    # Until unshare has exec'd sleep, /proc/PID/ns/net is still ours.
    while _ns(proc.pid) in ("", mine):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise NamespaceError("unshare could not make a network namespace (root?)")
        time.sleep(0.01)
    return proc


def _ns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


class Pair:
    def __init__(self, node_name, env=None):
        self.holders = []
        try:
            self.ctl = _holder(["--net"], env)
            self.holders.append(self.ctl)
            self.node = _holder(["--net", "--uts"], env)
            self.holders.append(self.node)
            self._link(node_name)
        except BaseException:
            self.close()
            raise

    def in_ctl(self, argv):
        """argv run in the controller's namespace."""
        return ["nsenter", f"--net=/proc/{self.ctl.pid}/ns/net", "--", *argv]

    def in_node(self, argv):
        """argv run in the second node's namespaces (network and host name)."""
        return ["nsenter", f"--net=/proc/{self.node.pid}/ns/net",
                f"--uts=/proc/{self.node.pid}/ns/uts", "--", *argv]

    def _link(self, node_name):
        steps = [
            ["ip", "link", "add", "ctl0", "netns", str(self.ctl.pid), "type", "veth",
             "peer", "name", "node0", "netns", str(self.node.pid)],
            self.in_ctl(["ip", "link", "set", "lo", "up"]),
            self.in_ctl(["ip", "addr", "add", f"{CTL_ADDR}/{PREFIX}", "dev", "ctl0"]),
            self.in_ctl(["ip", "link", "set", "ctl0", "up"]),
            self.in_node(["ip", "link", "set", "lo", "up"]),
            self.in_node(["ip", "addr", "add", f"{NODE_ADDR}/{PREFIX}", "dev", "node0"]),
            self.in_node(["ip", "link", "set", "node0", "up"]),
            self.in_node(["hostname", node_name]),
        ]
        for argv in steps:
            done = subprocess.run(argv, capture_output=True, text=True,
                                  timeout=SETUP_TIMEOUT_S, stdin=subprocess.DEVNULL)
            if done.returncode != 0:
                raise NamespaceError(f"{' '.join(argv)}: {done.stderr.strip()}")

    def close(self):
        for proc in self.holders:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.holders = []
