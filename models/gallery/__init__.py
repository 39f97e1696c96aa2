"""The gallery: stills and animations saved in a project, each able to make itself again.

    gallery = Gallery.open(project.path)
    made = between_images(project, "cat.png", "dog.png", ItemSettings(frames=48))
    edit = gallery.add(made.item, made.frames)      # written at once
    gallery.revert(edit)                            # undo (returns the redo)
    frames = regenerate(project, gallery.items[0])  # after more training
    export_frames(ExportRequest("gif", Path("out.gif")), frames,
                  item_provenance(gallery.items[0], project.model_id))
    match = locate_remix(project, "exported.png")   # a dropped export finds its codes

No Qt here: the studio's GalleryPanel and the `latentia export` command are both clients.
"""

from models.gallery.exporting import OUTPUT_FORMATS, ExportRequest, export_frames
from models.gallery.images import ProjectImage, encode_images, find_project_image
from models.gallery.item import ITEM_KINDS, GalleryItem, GallerySource, ItemSettings
from models.gallery.recipes import Rendering, along_path, between_images, item_provenance
from models.gallery.remix import RemixMatch, find_provenance_latents, locate_remix
from models.gallery.render import regenerate, render_latents, to_model_input, to_pixels
from models.gallery.store import Gallery, GalleryEdit

__all__ = [
    "ITEM_KINDS",
    "OUTPUT_FORMATS",
    "ExportRequest",
    "Gallery",
    "GalleryEdit",
    "GalleryItem",
    "GallerySource",
    "ItemSettings",
    "ProjectImage",
    "RemixMatch",
    "Rendering",
    "along_path",
    "between_images",
    "encode_images",
    "export_frames",
    "find_project_image",
    "find_provenance_latents",
    "item_provenance",
    "locate_remix",
    "regenerate",
    "render_latents",
    "to_model_input",
    "to_pixels",
]
