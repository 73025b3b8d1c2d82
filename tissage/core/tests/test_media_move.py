"""`tissage media-move --to s3://…`: the local media folders copied to a real S3 API server
(moto_server), under the names the app then reads, checked by SHA-256, resumable."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from tissage.core.tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Media, use_s3
from tissage.core.tests.smtp import free_port


def write(root: Path, name: str, data: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def folders(settings):
    """A public and a private media folder as a running installation has them."""
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    write(public, "organisations/logos/logo.jpg", b"\xff\xd8logo")
    write(public, "actions/photos/2026/05/a b.jpg", b"\xff\xd8report")
    write(private, "collectives/attachments/2026/05/cr.pdf", b"%PDF-1.4 private")
    return public, private


def move(to: str, *args: str) -> str:
    out = io.StringIO()
    call_command("media_move", "--to", to, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_files_are_copied_under_the_names_the_app_reads(s3_media, folders):
    output = move(f"s3://{s3_media.bucket}/site")

    assert "3 copied, 0 already there, 0 failed." in output
    assert s3_media.objects() == {
        "site/public/organisations/logos/logo.jpg",
        "site/public/actions/photos/2026/05/a b.jpg",
        "site/private/collectives/attachments/2026/05/cr.pdf",
    }
    # With TISSAGE_MEDIA_URL pointing there, the stored names of the rows open as before.
    with default_storage.open("private/collectives/attachments/2026/05/cr.pdf") as file:
        assert file.read() == b"%PDF-1.4 private"
    with default_storage.open("actions/photos/2026/05/a b.jpg") as file:
        assert file.read() == b"\xff\xd8report"
    head = s3_media.client.head_object(
        Bucket=s3_media.bucket, Key="site/public/organisations/logos/logo.jpg"
    )
    assert head["Metadata"]["sha256"] == hashlib.sha256(b"\xff\xd8logo").hexdigest()
    assert head["ContentType"] == "image/jpeg"


def test_a_second_run_skips_what_is_there_and_copies_what_changed(s3_media, folders):
    public, _private = folders
    move(f"s3://{s3_media.bucket}/site")

    assert "0 copied, 3 already there, 0 failed." in move(f"s3://{s3_media.bucket}/site")

    write(public, "organisations/logos/logo.jpg", b"\xff\xd8new logo")
    assert "1 copied, 2 already there, 0 failed." in move(f"s3://{s3_media.bucket}/site")
    body = s3_media.client.get_object(
        Bucket=s3_media.bucket, Key="site/public/organisations/logos/logo.jpg"
    )["Body"].read()
    assert body == b"\xff\xd8new logo"


def test_a_dry_run_writes_nothing(s3_media, folders):
    output = move(f"s3://{s3_media.bucket}/site", "--dry-run", "-v", "2")

    assert "3 to copy, 0 already there, 0 failed." in output
    assert "to copy: private/collectives/attachments/2026/05/cr.pdf" in output
    assert s3_media.objects() == set()


def test_a_file_that_cannot_be_read_fails_the_run_and_the_others_are_copied(s3_media, folders):
    public, _private = folders
    (public / "broken.jpg").symlink_to(public / "nowhere.jpg")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 file") as raised:
        call_command("media_move", "--to", f"s3://{s3_media.bucket}/site", stdout=out, stderr=err)

    assert raised.value.returncode == 1
    assert "3 copied, 0 already there, 1 failed." in out.getvalue()
    assert "failed: public/broken.jpg" in err.getvalue()
    assert len(s3_media.objects()) == 3


def test_a_store_that_does_not_answer_stops_the_run_at_once(settings, folders):
    use_s3(settings, f"http://127.0.0.1:{free_port()}", "tissage-down")

    with pytest.raises(CommandError, match="does not answer"):
        move("s3://tissage-down/site")


def test_a_bad_destination_is_one_clear_error(s3_media, folders):
    with pytest.raises(CommandError, match="--to is not understood"):
        move("https://example.org/bucket")


def test_an_interrupted_run_is_finished_by_the_next(s3_media, tmp_path):
    # A real run in its own process, killed (SIGKILL) once it has copied a first file.
    public, private = tmp_path / "run" / "media", tmp_path / "run" / "private"
    count = 60
    for number in range(count):
        side = public if number % 2 else private
        write(side, f"photos/{number:03}.jpg", os.urandom(200_000))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TISSAGE_", "AWS_"))},
        "TISSAGE_DATA_DIR": str(tmp_path / "run"),
        "MEDIA_ROOT": str(public),
        "TISSAGE_PRIVATE_MEDIA_ROOT": str(private),
        "TISSAGE_S3_ENDPOINT_URL": s3_media.endpoint,
        "TISSAGE_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    command = [sys.executable, "-m", "tissage.cli", "media-move"]
    command += ["--to", f"s3://{s3_media.bucket}/moved", "-v", "2"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert run.stdout is not None
    first = run.stdout.readline()
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    run.stdout.close()
    assert first.startswith("copied: ")
    assert run.returncode == -signal.SIGKILL
    copied_before = len(s3_media.objects())
    assert 1 <= copied_before < count

    again = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )

    assert again.returncode == 0, again.stderr
    # "N copied, M already there, 0 failed.": what the first run stored is not copied again
    # (an upload cut by the kill may have landed after the count above, hence >=).
    words = again.stdout.strip().splitlines()[-1].split()
    copied, already = int(words[0]), int(words[2])
    assert words[5:] == ["0", "failed."]
    assert copied + already == count
    assert copied_before <= already < count
    store = S3Media(endpoint=s3_media.endpoint, bucket=s3_media.bucket, prefix="moved")
    for number in range(count):
        side, root = ("public", public) if number % 2 else ("private", private)
        key = f"moved/{side}/photos/{number:03}.jpg"
        data = (root / f"photos/{number:03}.jpg").read_bytes()
        assert store.client.get_object(Bucket=s3_media.bucket, Key=key)["Body"].read() == data
