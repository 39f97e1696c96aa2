"""The worker's map service: the project's latent map, the drag loop's decodes, the Canvas's
animations and new images, saved paths and attribute directions."""
