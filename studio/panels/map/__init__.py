"""Parts of the Map panel: the plot and its gestures, the path editor, the sidebar."""
