"""Writes a folder of files into a mount directory the way the kubelet updates a ConfigMap volume.

    python3 atomic_writer.py MOUNT_DIR SOURCE_DIR

The steps of the kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go):
  1. the files go into a new hidden timestamped directory, MOUNT_DIR/..YYYY_MM_DD_HH_MM_SS.RANDOM
     (mode 0755), written in full before anything points at it;
  2. each user-visible name (a file, or the first folder of a nested path) gets a relative
     symlink NAME -> ..data/NAME, if it has none yet;
  3. a symlink ..data_tmp -> the new timestamped directory is created and renamed over ..data,
     an atomic switch: a reader sees either every old file or every new one;
  4. user-visible names no longer in the payload are removed, then the previous timestamped
     directory.
So the mount directory itself only ever changes by entries whose names start with "..", and the
files a server reads (NAME) are symlinks whose targets change all at once.
"""

import os
import shutil
import sys
import tempfile
import time

DATA_DIR = "..data"
NEW_DATA_DIR = "..data_tmp"


def write(mount, source):
    payload = sorted(
        os.path.relpath(os.path.join(folder, name), source)
        for folder, _, names in os.walk(source)
        for name in names
    )
    visible_names = sorted({path.split(os.sep)[0] for path in payload})
    os.makedirs(mount, exist_ok=True)
    data_link = os.path.join(mount, DATA_DIR)
    old_ts_dir = os.readlink(data_link) if os.path.islink(data_link) else None
    old_names = set(os.listdir(os.path.join(mount, old_ts_dir))) if old_ts_dir else set()

    # (1) the new timestamped directory, filled before it is reachable.
    ts_dir = tempfile.mkdtemp(dir=mount, prefix=time.strftime("..%Y_%m_%d_%H_%M_%S.", time.gmtime()))
    os.chmod(ts_dir, 0o755)
    for path in payload:
        target = os.path.join(ts_dir, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(source, path), target)
        os.chmod(target, 0o644)

    # (2) user-visible symlinks into ..data, one per top-level name (a file, or a folder such
    #     as world/ for nested paths).
    for name in visible_names:
        visible = os.path.join(mount, name)
        if not os.path.islink(visible):
            os.symlink(os.path.join(DATA_DIR, name), visible)

    # (3) the atomic switch: ..data_tmp -> new directory, renamed over ..data.
    new_data_link = os.path.join(mount, NEW_DATA_DIR)
    os.symlink(os.path.basename(ts_dir), new_data_link)
    os.rename(new_data_link, data_link)

    # (4) old user-visible names, then the old timestamped directory.
    for name in old_names - set(visible_names):
        os.remove(os.path.join(mount, name))
    if old_ts_dir:
        shutil.rmtree(os.path.join(mount, old_ts_dir))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write(sys.argv[1], sys.argv[2])
