"""Render stage: the model and the history become files (Word, Excel, PDF, site).

Renderers take `(model, history, config, out_dir)`, do no discovery or validation, and return
the `GeneratedFile`s they wrote (see `generator.manifest`). Modules:

- `docx`: controlled Word copies (`render_word`, `render_controlled_copy`, `write_pdfs`)
- `layout`: header, footer, cover block and marks of a copy
- `markdown_docx`: Markdown body -> Word, and the default reference template
- `registers`: registers as .docx and .xlsx (`render_registers`)
- `redline`: tracked-change comparisons between revisions (`render_redlines`)
- `pdf`: PDF through LibreOffice headless
- `reproducible`: byte-identical Office files
- `_docx_xml`: the only place that writes raw WordprocessingML
- `site*`: the MkDocs site

Nothing is imported here so that `import generator.render.site` stays light.
"""
