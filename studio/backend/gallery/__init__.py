"""The worker's gallery service: the open project's `models.gallery.Gallery`, its undo
history, and the long jobs (export, regenerate, remix)."""
