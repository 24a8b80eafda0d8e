"""Reading content: strict YAML, front matter and CSV, discovery, schemas, validation, the model."""
