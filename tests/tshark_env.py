"""Run the system tshark with the freshly built 4o6top plugin.

As root, tshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder,
and the checkout may sit where other users cannot read. So the plugin tree
and the captures are copied to a world-readable temporary folder and, when
running as root, tshark runs as nobody. Nothing is written to the system
plugin folder.
"""
import os
import shutil
import subprocess
import tempfile


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
