"""The main window and what hangs off it: menus and toolbar, status bar, project commands,
dialogs, the start page. A view over `studio.contract.AppState` like the panels, one layer
above them: it builds the panels, they never import it."""
