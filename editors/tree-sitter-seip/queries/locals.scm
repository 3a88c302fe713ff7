; Scopes, definitions and references (nvim-treesitter captures), for "go to definition"
; and "highlight uses" in editors that read them. A file is one scope for its shared
; tools, reagents and environments; each protocol is a scope within it.

(source_file) @local.scope

(protocol_body) @local.scope

(tool_declaration
  name: (identifier) @local.definition.var)

(reagent_declaration
  name: (identifier) @local.definition.var)

(substrate_declaration
  name: (identifier) @local.definition.var)

(environment_declaration
  name: (identifier) @local.definition.type)

(step
  name: (identifier) @local.definition.function)

(using_operand
  tool: (identifier) @local.reference)

(on_operand
  workpiece: (identifier) @local.reference)

(onto_operand
  workpiece: (identifier) @local.reference)

(in_operand
  solvent: (identifier) @local.reference)

(step
  operand: (identifier) @local.reference)

(after_operand
  step: (identifier) @local.reference)

(tool_declaration
  environment: (identifier) @local.reference)
