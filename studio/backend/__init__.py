"""Everything that runs on the backend worker thread: one long-lived QThread owns the open
project and answers the requests of `studio.contract`'s hubs with records.

`handle.WorkerHandle` starts and stops the thread from the UI side; `worker.BackendWorker`
lives in it with its services: `training` (the trainer pulled in slices), `map/` (the latent
map, the drag loop, saved paths, the Canvas's frames and new images) and `gallery/`. `models`
(and so torch) is imported here only, on first use, after the window is on screen.
"""
