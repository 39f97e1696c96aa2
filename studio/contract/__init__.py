"""What the UI and the backend worker say to each other: the one place to read it.

The records are frozen dataclasses of plain values and read-only numpy arrays, Qt-free, and
the only things that cross between the UI thread and the worker thread. The hubs are QObjects
living on the UI thread whose signals carry those records: `AppState` (projects, training,
jobs, errors) owns `MapState` (the map), `CanvasState` (the Canvas's animations and new
images) and `GalleryState` (the gallery). Panels, the window and the worker import this
package; it imports none of them.
"""
