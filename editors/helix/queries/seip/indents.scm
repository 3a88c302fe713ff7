; Indentation for Helix (its capture names differ from nvim-treesitter's): the contents
; of every `{ }` block are indented one level; the closing `}` is not.

[
  (protocol_body)
  (declaration_body)
  (parameters)
] @indent

"}" @outdent
