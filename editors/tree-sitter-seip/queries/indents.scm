; Indentation (nvim-treesitter captures): the contents of every `{ }` block are indented
; one level, and the closing `}` goes back to the level of the line that opened it.
; Helix uses other capture names: see editors/helix/queries/seip/indents.scm.

[
  (protocol_body)
  (declaration_body)
  (parameters)
] @indent.begin

"}" @indent.branch @indent.end

(comment) @indent.auto
