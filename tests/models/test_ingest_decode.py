"""One file → training pixels: colour modes, transparency, EXIF rotation, fitting, bad files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.config import IngestConfig
from models.errors import IngestError
from models.ingest import load_image
from models.ingest.decode import decode_file
from models.ingest.pixels import to_training_pixels

SMALL = IngestConfig(image_size=32, max_workers=1)
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def halves(left: tuple, right: tuple, size=(40, 30), mode="RGB") -> Image.Image:
    """An image whose left half is `left` and right half is `right`."""
    image = Image.new(mode, size, left)
    image.paste(Image.new(mode, (size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


def composite(colour: tuple, alpha: int, background: tuple) -> np.ndarray:
    a = alpha / 255
    return np.array(colour) * a + np.array(background) * (1 - a)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny valid 1-bit PNG whose header claims `width` x `height`: a cheap decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", zlib.crc32(bytes(data[ihdr - 4:ihdr + 13])))
    return bytes(data)


def test_rgba_png_is_composited_over_white_by_default(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    Image.new("RGBA", (40, 30), (200, 40, 0, 128)).save(path)
    pixels = load_image(path, SMALL)
    assert pixels.shape == (32, 32, 3) and pixels.dtype == np.uint8
    np.testing.assert_allclose(pixels[16, 16], composite((200, 40, 0), 128, WHITE), atol=1)


def test_rgba_png_is_composited_over_the_configured_background(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    Image.new("RGBA", (40, 30), (200, 40, 0, 128)).save(path)
    pixels = load_image(path, SMALL.replace(background=(10, 20, 30)))
    np.testing.assert_allclose(pixels[5, 5], composite((200, 40, 0), 128, (10, 20, 30)), atol=1)


def test_keep_alpha_gives_four_channels_with_alpha_preserved(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    halves((200, 40, 0, 128), (0, 0, 255, 0), mode="RGBA").save(path)
    pixels = load_image(path, SMALL.replace(keep_alpha=True, fit="pad"))
    assert pixels.shape == (32, 32, 4)
    np.testing.assert_allclose(pixels[16, 2], (200, 40, 0, 128), atol=1)  # premultiplied resize
    assert pixels[16, 30, 3] == 0  # transparent half stays transparent
    assert pixels[0, 16, 3] == 0  # padding is transparent when alpha is kept


def test_exif_orientation_6_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "rotated.jpg"
    image = halves(RED, BLUE, size=(40, 30))  # stored pixels: red left, blue right
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    image.save(path, exif=exif.tobytes(), quality=95)
    pixels = load_image(path, SMALL).astype(int)
    # Displayed upright the image is 30 x 40 with red on top and blue at the bottom.
    assert pixels[2, 16, 0] > 200 and pixels[2, 16, 2] < 60
    assert pixels[29, 16, 2] > 200 and pixels[29, 16, 0] < 60
    assert abs(pixels[16, 2] - pixels[16, 29]).max() < 40  # left and right now look alike


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(path, quality=95)
    pixels = load_image(path, SMALL).astype(int)
    assert pixels[16, 16, 0] > 230 and pixels[16, 16, 1] < 30 and pixels[16, 16, 2] < 30


def test_palette_gif_uses_first_frame_and_its_transparency(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    first = Image.new("P", (40, 30), 0)
    first.putpalette([0, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
    first.paste(1, (20, 0, 40, 30))  # left: index 0 (transparent), right: index 1 (green)
    second = Image.new("P", (40, 30), 2)
    second.putpalette(first.getpalette())
    first.save(path, save_all=True, append_images=[second], transparency=0, duration=100)
    pixels = load_image(path, SMALL.replace(fit="pad"))
    assert tuple(pixels[16, 3]) == WHITE
    assert tuple(pixels[16, 28]) == GREEN


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "grey16.png"
    values = np.full((30, 40), 128 * 257, dtype=np.uint16)
    values[:, 20:] = 30000  # clipping would turn this white
    Image.fromarray(values).save(path)
    assert Image.open(path).mode == "I;16"
    pixels = load_image(path, SMALL.replace(fit="pad"))
    assert tuple(pixels[16, 3]) == (128, 128, 128)
    assert tuple(pixels[16, 28]) == (117, 117, 117)  # round(30000 / 257)


def test_greyscale_with_alpha_la(tmp_path: Path) -> None:
    path = tmp_path / "la.png"
    halves((100, 255), (0, 0), mode="LA").save(path)
    pixels = load_image(path, SMALL.replace(fit="pad", background=(0, 0, 200)))
    assert tuple(pixels[16, 3]) == (100, 100, 100)
    assert tuple(pixels[16, 28]) == (0, 0, 200)


@pytest.mark.parametrize("name, options", [("a.webp", {"lossless": True}), ("a.bmp", {}),
                                           ("a.tif", {}), ("a.tiff", {"compression": "tiff_lzw"}),
                                           ("a.png", {}), ("A.JPG", {"quality": 95})])
def test_each_format_decodes_to_its_colours(tmp_path: Path, name: str, options: dict) -> None:
    path = tmp_path / name
    halves(RED, BLUE).save(path, **options)
    pixels = load_image(path, SMALL.replace(fit="pad")).astype(int)
    np.testing.assert_allclose(pixels[16, 2], RED, atol=25)
    np.testing.assert_allclose(pixels[16, 29], BLUE, atol=25)


def test_crop_keeps_the_centre_and_fills_the_square(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    image = Image.new("RGB", (96, 32), BLUE)
    image.paste(Image.new("RGB", (32, 32), RED), (32, 0))  # blue | red | blue
    image.save(path)
    pixels = load_image(path, SMALL)
    assert (pixels[:, 2:30] == RED).all()  # Lanczos may blend only the outermost columns


def test_pad_keeps_the_whole_image_centred_on_the_background(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (64, 32), RED).save(path)
    pixels = load_image(path, SMALL.replace(fit="pad", background=(0, 0, 200)))
    assert (pixels[:8] == (0, 0, 200)).all() and (pixels[24:] == (0, 0, 200)).all()
    assert (pixels[9:23] == RED).all()


def test_large_jpeg_is_drafted_and_fitted(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    halves(RED, BLUE, size=(1200, 800)).save(path, quality=90)
    pixels = load_image(path, IngestConfig(image_size=64)).astype(int)
    assert pixels.shape == (64, 64, 3)
    assert pixels[32, 2, 0] > 200 and pixels[32, 61, 2] > 200


@pytest.mark.parametrize("content, reason", [
    (b"", r"empty file \(0 bytes\)"),
    (b"just some notes, not pixels", "not an image"),
    (png_claiming_size(20_000, 20_000), "decompression bomb"),  # over 2x Pillow's limit: error
    (png_claiming_size(11_000, 11_000), "decompression bomb"),  # over 1x: a warning, refused too
])
def test_bad_files_raise_a_clear_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        load_image(path, SMALL)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_truncated_files_are_reported_as_corrupt(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    decoded = decode_file(path, SMALL)
    assert decoded.pixels is None and decoded.reason.startswith("truncated or corrupt image")
    assert len(decoded.digest) == 32  # the bytes were read and hashed before decoding failed


def test_missing_file_gives_a_reason_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"missing\.png cannot be used"):
        load_image(tmp_path / "missing.png", SMALL)


@pytest.mark.parametrize("image, expected", [
    (Image.new("I", (8, 8), 65535), (255, 255, 255)),  # 32-bit int holding 16-bit samples
    (Image.new("I;16B", (8, 8), 257 * 40), (40, 40, 40)),
    (Image.new("F", (8, 8), 0.5), (128, 128, 128)),  # floats in [0, 1]
    (Image.new("1", (8, 8), 1), (255, 255, 255)),
    (Image.new("La", (8, 8), (90, 255)), (90, 90, 90)),  # premultiplied, opaque
    (Image.new("YCbCr", (8, 8), (76, 85, 255)), (254, 0, 0)),  # red in YCbCr
])
def test_unusual_modes_reach_rgb(image: Image.Image, expected: tuple) -> None:
    pixels = to_training_pixels(image, SMALL)
    np.testing.assert_allclose(pixels[16, 16], expected, atol=2)
