"""Run the system tshark with the freshly built 4o6top plugin.

As root, tshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder,
and the checkout may sit where other users cannot read. So the plugin tree
and the captures are copied to a world-readable temporary folder and, when
running as root, tshark runs as nobody. Nothing is written to the system
plugin folder.

What `cmake --install` put in the system's folders must not stand in for what
a test stages, nor make a test of its absence fail: WIRESHARK_PLUGIN_DIR names
the staged plugin folder instead of the global one, and WIRESHARK_DATA_DIR a
global data folder of the staged tree's own: the system's files, but its
profiles without 4o6top's (packaging/profiles). The 4o6top command follows
WIRESHARK_DATA_DIR too.
"""
import os
import shutil
import subprocess
import tempfile

OUR_PROFILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packaging", "profiles")
_system_data_dir = []  # found once per process


def system_data_dir():
    """tshark's global data folder in its own environment, or None without tshark."""
    if not _system_data_dir:
        try:
            out = subprocess.run(["tshark", "-G", "folders"], env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120).stdout.decode()
        except OSError:
            out = ""
        found = [line.split(":", 1)[1].strip() for line in out.splitlines()
                 if line.startswith("Global configuration:")]
        _system_data_dir.append(found[0] if found and os.path.isdir(found[0]) else None)
    return _system_data_dir[0]


def make_data_dir(dest):
    """dest: links to the system's data files, and a profiles folder holding
    links to its profiles but 4o6top's. Returns dest, or None without tshark."""
    system = system_data_dir()
    if not system:
        return None
    ours = {name for name in os.listdir(OUR_PROFILES) if os.path.isdir(os.path.join(OUR_PROFILES, name))}
    os.makedirs(os.path.join(dest, "profiles"))
    for name in os.listdir(system):
        if name != "profiles":
            os.symlink(os.path.join(system, name), os.path.join(dest, name))
    system_profiles = os.path.join(system, "profiles")
    for name in os.listdir(system_profiles) if os.path.isdir(system_profiles) else []:
        if name not in ours:
            os.symlink(os.path.join(system_profiles, name), os.path.join(dest, "profiles", name))
    return dest


class TsharkEnv:
    def __init__(self, plugin_tree, captures=(), profiles=None):
        """plugin_tree: the build's plugins/ folder (holding 4.0/epan/4o6top.so);
        captures: files or folders to stage; profiles: configuration profiles
        folder to make the profiles of the staged home."""
        self.dir = tempfile.mkdtemp(prefix="4o6top-test-")
        os.chmod(self.dir, 0o755)
        shutil.copytree(plugin_tree, os.path.join(self.dir, "plugins"))
        self.captures = os.path.join(self.dir, "captures")
        os.makedirs(self.captures)
        for c in captures:
            if os.path.isdir(c):
                for name in os.listdir(c):
                    if os.path.isfile(os.path.join(c, name)):
                        shutil.copy(os.path.join(c, name), self.captures)
            else:
                shutil.copy(c, self.captures)
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        if profiles:
            shutil.copytree(profiles, os.path.join(self.home, ".config", "wireshark", "profiles"))
        for root, dirs, files in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        # After the walk above: chmod would follow its links into the system's folder.
        self.data = make_data_dir(os.path.join(self.dir, "data"))
        if self.data:
            os.chmod(self.data, 0o755)
            os.chmod(os.path.join(self.data, "profiles"), 0o755)

    def capture(self, name):
        return os.path.join(self.captures, name)

    def stage(self, path):
        """A world-readable copy of path (such as the 4o6top command) in the staged folder."""
        dest = os.path.join(self.dir, os.path.basename(path))
        shutil.copy(path, dest)
        os.chmod(dest, 0o755)
        return dest

    def command(self, args, env=None, program="tshark"):
        """argv and environment for running program (tshark, or a staged one) with args."""
        e = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LC_ALL": "C.UTF-8", "TZ": "UTC",
             "WIRESHARK_PLUGIN_DIR": os.path.join(self.dir, "plugins")}
        if self.data:
            e["WIRESHARK_DATA_DIR"] = self.data
        e.update(env or {})
        argv = [program] + list(args)
        if os.geteuid() == 0:
            argv = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + argv
        return argv, e

    def run(self, args, env=None, stdin=None, timeout=300, program="tshark"):
        argv, e = self.command(args, env, program)
        return subprocess.run(argv, env=e, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, cwd=self.dir)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)
