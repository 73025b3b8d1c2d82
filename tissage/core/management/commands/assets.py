"""Install the pinned front-end assets (npm ci) and copy what the pages use."""

import logging
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from fontTools import subset

from tissage.core.icons import ICONS

PROJECT_ROOT = Path(settings.BASE_DIR).parent
VENDOR_DIR = Path(settings.BASE_DIR) / "assets" / "vendor"
# (file in node_modules, name under static/vendor/)
FILES = [
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    # Leaflet for the maps. The source map and the images travel with it: the hashed
    # static storage refuses a file that names a missing one.
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    *(
        (f"leaflet/dist/images/{image}", f"leaflet/images/{image}")
        for image in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        )
    ),
    # Atkinson Hyperlegible (OFL-1.1), latin subset only: regular, bold, italic; written
    # without their hinting (`font_unhinted`), hence the name.
    *(
        (
            f"@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-{face}.woff2",
            f"fonts/atkinson-hyperlegible-latin-{face}-unhinted.woff2",
        )
        for face in ("400-normal", "700-normal", "400-italic")
    ),
    # Lucide icons (ISC): only those the templates use (tissage.core.icons.ICONS).
    *((f"lucide-static/icons/{name}.svg", f"icons/{name}.svg") for name in ICONS),
]


def font_unhinted(source: Path, target: Path) -> None:
    """The font with every glyph, layout feature and name kept, but without its TrueType
    hinting (the instructions that snap outlines to the pixels of low-resolution screens):
    10.5 KB instead of 17 KB a face (issue #20: a page's first visit on a phone). Phones
    and Mac ignore hinting; Windows' DirectWrite mostly does at the sizes we use."""
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # the copyright and licence (OFL) stay in the file
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.prune_unicode_ranges = False
    options.prune_codepage_ranges = False
    options.flavor = "woff2"
    # fontTools tells every step at INFO: not for the terminal of `tissage assets`.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=font.getGlyphOrder(), unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def assets_missing() -> bool:
    return any(not (VENDOR_DIR / name).exists() for _source, name in FILES)


class Command(BaseCommand):
    help = "Install the pinned front-end files (npm ci) and copy them into the static files."

    def handle(self, *args: object, **options: object) -> None:
        npm = shutil.which("npm")
        if npm is None:
            raise CommandError(
                "npm is needed once to install the front-end assets (Node.js 18 or newer)."
            )
        if not (PROJECT_ROOT / "package-lock.json").exists():
            raise CommandError(f"package-lock.json not found in {PROJECT_ROOT}.")
        subprocess.run(  # noqa: S603 - fixed arguments
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROJECT_ROOT,
            check=True,
        )
        for source, name in FILES:
            (VENDOR_DIR / name).parent.mkdir(parents=True, exist_ok=True)
            if name.endswith("-unhinted.woff2"):
                font_unhinted(PROJECT_ROOT / "node_modules" / source, VENDOR_DIR / name)
            else:
                shutil.copyfile(PROJECT_ROOT / "node_modules" / source, VENDOR_DIR / name)
        self.stdout.write(self.style.SUCCESS(f"Front-end assets installed in {VENDOR_DIR}."))
