"""Parts of the Train panel: settings form, ingestion report, charts, previews, latent health."""
