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

from models._lazy import lazy_exports

_EXPORTS = {
    "ExportRequest": "models.gallery.exporting",
    "OUTPUT_FORMATS": "models.export.settings",
    "export_frames": "models.gallery.exporting",
    "ProjectImage": "models.gallery.images",
    "encode_images": "models.gallery.images",
    "find_project_image": "models.gallery.images",
    "GalleryItem": "models.gallery.item",
    "GallerySource": "models.gallery.item",
    "ITEM_KINDS": "models.gallery.item",
    "ItemSettings": "models.gallery.item",
    "Rendering": "models.gallery.recipes",
    "along_path": "models.gallery.recipes",
    "between_images": "models.gallery.recipes",
    "item_provenance": "models.gallery.recipes",
    "in_label": "models.gallery.recipes",
    "label_blend": "models.gallery.recipes",
    "RemixMatch": "models.gallery.remix",
    "find_provenance_latents": "models.gallery.remix",
    "locate_remix": "models.gallery.remix",
    "regenerate": "models.gallery.render",
    "render_latents": "models.gallery.render",
    "to_model_input": "models.pixels",
    "to_uint8_images": "models.pixels",
    "Gallery": "models.gallery.store",
    "GalleryEdit": "models.gallery.store",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
