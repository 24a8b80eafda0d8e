"""One module per `cems` verb; each exports `command`. Shared options live in `_options`."""
