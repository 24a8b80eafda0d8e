"""The MkDocs site: pages, registers, traceability, carbon pages, text helpers, the build."""
