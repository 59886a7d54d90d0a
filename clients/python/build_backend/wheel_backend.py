"""A PEP 517 build backend (with the PEP 660 editable hooks) in the standard library.

It packs the pure-Python package ``argmax/`` into a wheel laid out as the binary
distribution format specification says (PEP 427: ``*.dist-info`` with METADATA,
WHEEL and a RECORD of sha256 digests), and the sources into an sdist. It needs
no setuptools, so installing works where no package index can be reached.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "argmax"
SDIST_PARTS = ["pyproject.toml", "README.md", "build_backend", PACKAGE, "tests"]
TAG = "py3-none-any"
# Zip entries get one fixed time, so a build is reproducible (zip cannot store before 1980).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def project():
    """The string fields of pyproject's [project] table."""
    fields = {}
    inside = False
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as source:
        for line in source:
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped == "[project]"
                continue
            match = re.match(r'^([A-Za-z][\w-]*)\s*=\s*"([^"]*)"\s*$', stripped)
            if inside and match:
                fields[match.group(1)] = match.group(2)
    return fields


def metadata_text(fields):
    lines = [
        "Metadata-Version: 2.1",
        "Name: " + fields["name"],
        "Version: " + fields["version"],
        "Summary: " + fields.get("description", ""),
        "Requires-Python: " + fields.get("requires-python", ">=3"),
    ]
    readme = fields.get("readme")
    if not readme:
        return "\n".join(lines) + "\n"
    with open(os.path.join(ROOT, readme), encoding="utf-8") as source:
        description = source.read()
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + description


def dist_info(fields):
    return "{}-{}.dist-info".format(fields["name"], fields["version"])


def package_files():
    """(path in the wheel, absolute path) for every file of the package but caches."""
    found = []
    for folder, names, files in os.walk(os.path.join(ROOT, PACKAGE)):
        names[:] = sorted(name for name in names if name != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            found.append((os.path.relpath(path, ROOT).replace(os.sep, "/"), path))
    return found


def digest(data):
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def write_wheel(wheel_directory, entries):
    """Writes the wheel from (name, bytes) entries, adding the dist-info files and RECORD."""
    fields = project()
    info = dist_info(fields)
    wheel_text = "Wheel-Version: 1.0\nGenerator: argmax wheel_backend\nRoot-Is-Purelib: true\n"
    entries = list(entries) + [
        (info + "/METADATA", metadata_text(fields).encode("utf-8")),
        (info + "/WHEEL", (wheel_text + "Tag: " + TAG + "\n").encode("utf-8")),
    ]
    record = "".join(f"{name},{digest(data)},{len(data)}\n" for name, data in entries)
    entries.append((info + "/RECORD", (record + info + "/RECORD,,\n").encode("utf-8")))

    filename = "{}-{}-{}.whl".format(fields["name"], fields["version"], TAG)
    with zipfile.ZipFile(
        os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED
    ) as wheel:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
    return filename


def read(path):
    with open(path, "rb") as source:
        return source.read()


# PEP 517 hooks


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    fields = project()
    info = dist_info(fields)
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w", encoding="utf-8") as out:
        out.write(metadata_text(fields))
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return write_wheel(wheel_directory, [(name, read(path)) for name, path in package_files()])


def build_sdist(sdist_directory, config_settings=None):
    fields = project()
    base = "{}-{}".format(fields["name"], fields["version"])
    filename = base + ".tar.gz"
    with tarfile.open(
        os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT
    ) as sdist:
        for part in SDIST_PARTS:
            sdist.add(os.path.join(ROOT, part), arcname=base + "/" + part, filter=without_caches)
        add_bytes(sdist, base + "/PKG-INFO", metadata_text(fields).encode("utf-8"))
    return filename


def without_caches(member):
    name = os.path.basename(member.name)
    if name == "__pycache__" or name.endswith((".pyc", ".pyo")):
        return None
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member


def add_bytes(archive, name, data):
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mtime = int(time.time())
    member.mode = 0o644
    archive.addfile(member, io.BytesIO(data))


# PEP 660 hooks: an editable install is a wheel holding one .pth line that puts
# this folder on sys.path.


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    line = (ROOT + "\n").encode("utf-8")
    return write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", line)])
