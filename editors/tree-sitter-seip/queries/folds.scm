; Folding (nvim-treesitter): each protocol, declaration and parameter block.

[
  (protocol_body)
  (declaration_body)
  (parameters)
] @fold
