"""Desktop integration: the .desktop entry, the AppStream metainfo, the icon in every size, and
`latentia --install-desktop` / `--uninstall-desktop` for the current user."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from studio import desktop_install
from studio.locations import APP_ID, DESKTOP_FILES, RESOURCES, app_icon_png

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = DESKTOP_FILES / f"{APP_ID}.desktop"
METAINFO = DESKTOP_FILES / f"{APP_ID}.metainfo.xml"


def entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_app_its_icon_and_command():
    section = entry(DESKTOP.read_text(encoding="utf-8"))
    assert section["Type"] == "Application" and section["Icon"] == APP_ID
    assert section["Exec"] == "latentia %f" and "Graphics;" in section["Categories"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (Debian: desktop-file-utils)")
def test_desktop_entry_is_valid():
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout


def test_metainfo_matches_the_entry_and_shows_real_screenshots():
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    images = [image.text for image in root.iter("image")]
    assert len(images) == 4
    for url in images:  # each screenshot is a file of this repository, by its published URL
        assert (ROOT / "docs" / "images" / url.rsplit("/", 1)[1]).is_file(), url


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (Debian: appstream)")
def test_metainfo_is_valid():
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("size", desktop_install.ICON_SIZES)
def test_app_icon_is_drawn_in_every_size(size):
    with Image.open(app_icon_png(size)) as image:
        assert image.size == (size, size) and image.mode == "RGBA"
        alpha = image.getchannel("A")
        assert alpha.getextrema() == (0, 255)  # transparent corners, opaque body


def test_install_writes_entry_icons_and_metainfo_then_uninstall_removes_them(tmp_path):
    command = ["/opt/My Apps/latentia"]
    written = desktop_install.install(share=tmp_path, command=command)
    assert len(written) == len(desktop_install.ICON_SIZES) + 4
    entry_file = tmp_path / "applications" / f"{APP_ID}.desktop"
    section = entry(entry_file.read_text(encoding="utf-8"))
    assert section["Exec"] == '"/opt/My Apps/latentia" %f'
    assert section["TryExec"] == "/opt/My Apps/latentia"
    icon = tmp_path / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"
    assert icon.read_bytes() == app_icon_png(256).read_bytes()
    assert (tmp_path / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").read_bytes() == \
        (RESOURCES / "icons" / "latentia.svg").read_bytes()
    assert (tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert sorted(desktop_install.uninstall(share=tmp_path)) == sorted(written)
    assert not any(path.is_file() for path in tmp_path.rglob("*org.latentia*"))


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed")
def test_installed_entry_with_an_awkward_path_is_still_valid(tmp_path):
    desktop_install.install(share=tmp_path, command=['/home/a "b"/$x/latentia', "-m", "50%"])
    entry_file = tmp_path / "applications" / f"{APP_ID}.desktop"
    done = subprocess.run(["desktop-file-validate", str(entry_file)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout


@pytest.mark.parametrize(("argument", "quoted"), [
    ("/usr/bin/latentia", "/usr/bin/latentia"), ("/a b/latentia", '"/a b/latentia"'),
    ('/a"b', '"/a\\\\"b"'), ("/a$b", '"/a\\\\$b"'), ("50%", "50%%")])
def test_exec_arguments_are_quoted_as_the_spec_says(argument, quoted):
    assert desktop_install.quote_exec_argument(argument) == quoted


def test_launch_command_is_the_running_latentia(tmp_path):
    script = tmp_path / "latentia"
    script.write_text("#!/bin/sh\n")
    assert desktop_install.launch_command(str(script)) == [str(script.resolve())]
    assert desktop_install.launch_command("/x/studio/__main__.py")[1:] == ["-m", "studio"]


def test_the_app_announces_its_icon_and_desktop_entry(qapp):
    from studio.app import create_application

    app = create_application()
    assert app.desktopFileName() == APP_ID
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert set(desktop_install.ICON_SIZES) <= sizes
