"""The standard-library build backend makes a valid wheel, and pip installs it offline."""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build_backend"))

import wheel_backend  # noqa: E402  (after the path is set)

from support import argmax  # noqa: E402


def has_pip() -> bool:
    check = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    return check.returncode == 0


class PackagingTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder)

    def test_the_wheel_records_every_file_with_its_digest(self):
        name = wheel_backend.build_wheel(self.folder)
        self.assertEqual(name, f"argmax-{argmax.__version__}-py3-none-any.whl")

        with zipfile.ZipFile(os.path.join(self.folder, name)) as wheel:
            names = set(wheel.namelist())
            info = f"argmax-{argmax.__version__}.dist-info/"
            record = wheel.read(info + "RECORD").decode("utf-8").splitlines()
            for line in record:
                path, digest, size = line.rsplit(",", 2)
                if path == info + "RECORD":
                    continue
                data = wheel.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                self.assertEqual(digest, "sha256=" + expected.decode("ascii"))
                self.assertEqual(int(size), len(data))
            metadata = wheel.read(info + "METADATA").decode("utf-8")

        self.assertIn("argmax/__init__.py", names)
        self.assertIn("argmax/py.typed", names)
        self.assertFalse([n for n in names if "__pycache__" in n])
        self.assertEqual(len(record), len(names))
        self.assertIn(f"Version: {argmax.__version__}\n", metadata)
        self.assertIn("Requires-Python: >=3.8\n", metadata)

    def test_the_version_in_pyproject_is_the_package_version(self):
        self.assertEqual(wheel_backend.project()["version"], argmax.__version__)

    @unittest.skipUnless(has_pip(), "pip is not installed for this python")
    def test_pip_installs_the_folder_without_a_package_index(self):
        env = dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")
        env.pop("PIP_FIND_LINKS", None)
        target = os.path.join(self.folder, "site")
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            target,
            ROOT,
        ]
        installed = subprocess.run(command, env=env, capture_output=True, text=True)
        self.assertEqual(installed.returncode, 0, installed.stderr)

        check = [sys.executable, "-c", "import argmax; print(argmax.__file__)"]
        where = subprocess.run(
            check,
            cwd=self.folder,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=target),
        )
        self.assertEqual(where.returncode, 0, where.stderr)
        self.assertTrue(where.stdout.strip().startswith(target))


if __name__ == "__main__":
    unittest.main()
