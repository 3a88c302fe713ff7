" Vim syntax for seip recipes (`.seip`): for Vim, and for Neovim without the tree-sitter
" parser (which needs Neovim 0.11; Debian 12 ships 0.7). It follows the TextMate grammar
" of editors/vscode: a name right after a number is its unit unless a `:` follows it
" (`{ capacity: 6 pump_down: 20 min }`), and a keyword is never a unit.

if exists("b:current_syntax")
  finish
endif

" Names: letters, digits and `_`, not starting with a digit; `µ`, `°` and `℃` start units.
syn match seipKey "\h\w*\ze\s*:"
syn match seipName "\%(\<\%(protocol\|tool\|reagent\|environment\|substrate\|operation\|tool_kind\|material\|reaction\|param\)\s\+\)\@<=\h\w*"
syn match seipKind "\%(\<\%(tool\|substrate\|environment\)\s\+\h\w*\s*:\s*\)\@<=\h\w*"
syn match seipStepName "\%(\<step\s\+\)\@<=\h\w*"
syn match seipVerb "\%(\<step\s\+\%(\h\w*\|\"[^\"]*\"\)\s*:\s*\)\@<=\h\w*"

syn keyword seipKeyword protocol tool reagent environment substrate batch step budget
syn keyword seipKeyword operation tool_kind material reaction param
syn keyword seipModifier required
syn keyword seipOperand in for at on onto using after from

syn match seipOperator "<=\|>=\|[=+/-]"
syn match seipDelimiter "[{}:,]"

" A number, then its unit: `10 nm`, `0.5 nm/min`, `25 °C`, `5 wt%`, `50 µm`.
syn match seipNumber "\%(\<\|-\)\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\>" nextgroup=seipUnit skipwhite
syn match seipUnit contained "\%(\<\%(in\|for\|at\|on\|onto\|using\|after\|from\|step\|tool\|reagent\|batch\|budget\|substrate\|environment\|material\|reaction\|protocol\|param\|required\)\>\)\@!\%(\%([A-Za-z_°℃µ]\%(\w\|µ\)*%\=\|%\)\%(\s*\/\s*\%([A-Za-z_°℃µ]\%(\w\|µ\)*%\=\|%\)\)*\)\%(\w\|µ\|%\)\@!\%(\s*:\)\@!"

syn region seipString start=+"+ end=+"+ oneline
syn match seipComment "//.*$" contains=@Spell

hi def link seipComment Comment
hi def link seipString String
hi def link seipNumber Number
hi def link seipUnit Type
hi def link seipKeyword Keyword
hi def link seipModifier StorageClass
hi def link seipOperand Operator
hi def link seipOperator Operator
hi def link seipDelimiter Delimiter
hi def link seipKey Identifier
hi def link seipName Identifier
hi def link seipKind Type
hi def link seipStepName Label
hi def link seipVerb Function

let b:current_syntax = "seip"
