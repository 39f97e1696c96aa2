"""Parts of the Gallery panel (studio/panels/gallery_panel.py): grid, detail view, dialogs."""
