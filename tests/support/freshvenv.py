"""A fresh venv for installing a plugin the way its author would, without network: no pip
of its own, .venv's packages (pip, setuptools, wheel, pytest, greenphase) seen through a .pth
file, and `pip install --no-deps --no-build-isolation --no-index`. Never installs into .venv."""

import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

SHARED = Path(sysconfig.get_paths()["purelib"])     # .venv's site-packages


def run(*command, cwd=None, timeout=180):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def make_venv(home):
    """Create the venv at ``home``; (its python, its site-packages)."""
    venv.EnvBuilder(with_pip=False).create(home)
    python = Path(home) / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                   .stdout.strip())
    # addsitedir (not a plain path line) also runs .venv's .pth files: the editable greenphase.
    (purelib / "shared-dotvenv.pth").write_text("import site; site.addsitedir(%r)\n" % str(SHARED))
    return python, purelib


def pip_install(python, source, workdir):
    """Install a copy of the project folder ``source`` (the build leaves files beside it)."""
    copy = Path(workdir) / Path(source).name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                "__pycache__"))
    done = run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
               "--no-index", copy, cwd=workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    return copy
