; Syntax highlighting for seip, with the capture names of Neovim (nvim-treesitter) and
; the tree-sitter CLI. Each node is captured by one pattern only, so the result is the
; same whether an editor lets the first or the last matching pattern win.

(comment) @comment

(string) @string

(number) @number

; A quantity's unit (`nm`, `nm/min`, `°C`, `wt%`) is the type of its number.
(unit) @type.builtin

[
  "protocol"
  "tool"
  "reagent"
  "environment"
  "substrate"
  "batch"
  "step"
  "budget"
  "allow"
  "operation"
  "tool_kind"
  "material"
  "reaction"
  "param"
] @keyword

[
  "in"
  "for"
  "at"
  "on"
  "onto"
  "using"
  "after"
  "from"
] @keyword.operator

"required" @keyword.modifier

[
  "="
  "+"
  "-"
  "/"
  "<="
  ">="
  "%"
] @operator

[
  ":"
  ","
] @punctuation.delimiter

[
  "{"
  "}"
] @punctuation.bracket

; Items

(protocol
  name: (identifier) @module)

(operation_declaration
  name: (identifier) @function)

(tool_kind_declaration
  name: (identifier) @type)

(material_declaration
  name: (identifier) @constant)

(environment_declaration
  name: (identifier) @constant.builtin)

(field
  key: (identifier) @property)

(field
  value: (identifier) @constant)

(param_declaration
  name: (identifier) @variable.parameter)

(substrate_declaration
  name: (identifier) @variable)

(substrate_declaration
  material: (identifier) @constant)

(substrate_declaration
  form: (identifier) @type)

(tool_declaration
  name: (identifier) @variable)

(tool_declaration
  kind: (identifier) @type)

(tool_declaration
  environment: (identifier) @constant.builtin)

(reagent_declaration
  name: (identifier) @variable)

(reagent_declaration
  solvent: (identifier) @constant)

(component
  material: (identifier) @constant)

(budget
  metric: (identifier) @property)

(allow
  code: (identifier) @constant)

; Steps

(step
  name: (identifier) @label)

(step
  verb: (identifier) @function.call)

(step
  operand: (identifier) @variable)

(in_operand
  solvent: (identifier) @variable)

(on_operand
  workpiece: (identifier) @variable)

(onto_operand
  workpiece: (identifier) @variable)

(using_operand
  tool: (identifier) @variable)

(after_operand
  step: (identifier) @label)

(from_operand
  precursor: (identifier) @constant)

; Parameters

(parameter
  key: (identifier) @property)

(parameter
  value: (identifier) @constant)
