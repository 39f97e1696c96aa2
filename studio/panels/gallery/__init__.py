"""Parts of the Gallery panel (studio/panels/gallery/panel.py): grid, detail view, dialogs."""
