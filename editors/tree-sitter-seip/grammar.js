/**
 * @file A tree-sitter grammar for seip recipe files (`.seip`), for editors.
 *
 * It mirrors `grammar/seip.lalrpop` (the compiler's grammar) and the lexer in
 * `src/syntax/lexer.rs` and `src/syntax/token.rs`. The compiler stays the authority:
 * `tests/tree_sitter.rs` parses every example and case file with both and requires them
 * to agree on which files have syntax errors. Where this grammar departs from the
 * compiler's, and why:
 *
 * - The compiler's lexer turns the identifier right after a number into a unit unless a
 *   `:` follows it. Here a unit is whatever identifier the parser accepts after a number
 *   (tree-sitter lexes by parse state), and inside `{ }` the one place where both
 *   readings fit (`{ capacity: 6 pump_down: 20 min }`) is a declared conflict that the
 *   GLR parser settles on the next token, as the lexer's one token of look-ahead does.
 * - Keywords are `reserved`, so a keyword is never read as a name or a unit, exactly as
 *   logos never makes one an identifier; without it, `at 250 for 30 min` would take
 *   `for` as the unit of `250`.
 * - No error recovery rules: tree-sitter recovers by itself and marks the place with an
 *   `ERROR` or `MISSING` node.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const KEYWORDS = [
  'protocol', 'tool', 'reagent', 'environment', 'substrate', 'batch', 'step', 'budget', 'allow',
  'in', 'for', 'at', 'on', 'onto', 'using', 'after', 'from',
  'operation', 'tool_kind', 'material', 'reaction', 'param', 'required',
];

/** `first ("," rest)*` */
function commaSeparated(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

module.exports = grammar({
  name: 'seip',

  word: $ => $.identifier,

  // The compiler's lexer skips exactly these (not every Unicode space).
  extras: $ => [/[ \t\r\n\f]/, $.comment],

  reserved: {
    global: _ => KEYWORDS,
  },

  conflicts: $ => [
    // `{ capacity: 6 pump_down: ... }`: `6` is a number and `pump_down` the next key,
    // or `6 pump_down` is a quantity; the token after the identifier decides.
    [$.quantity, $._value],
  ],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice(
      $.protocol,
      $.tool_declaration,
      $.reagent_declaration,
      $.environment_declaration,
      $.operation_declaration,
      $.tool_kind_declaration,
      $.material_declaration,
      $.reaction_declaration,
    ),

    protocol: $ => seq('protocol', field('name', $._name), field('body', $.protocol_body)),

    protocol_body: $ => seq('{', repeat($._protocol_item), '}'),

    _protocol_item: $ => choice(
      $.substrate_declaration,
      $.batch_declaration,
      $.tool_declaration,
      $.reagent_declaration,
      $.environment_declaration,
      $.material_declaration,
      $.reaction_declaration,
      $.step,
      $.budget,
      $.allow,
    ),

    // `operation etch { effect: mechanical  tools: polisher  param time: min required }`
    operation_declaration: $ => seq(
      'operation', field('name', $._name), field('body', $.declaration_body),
    ),

    // `tool_kind roller { operations: stamp  environments: glovebox }`
    tool_kind_declaration: $ => seq(
      'tool_kind', field('name', $._name), field('body', $.declaration_body),
    ),

    // `material EDA { formula: C2H8N2  density: 0.899 g/cm3  dissolves_in: NMP, DMF }`
    material_declaration: $ => seq(
      'material', field('name', $._name), field('body', $.declaration_body),
    ),

    // `reaction "SiCl4 + 4 Li -> 4 LiCl + Si" { trigger: contact  extent: 1 }`
    reaction_declaration: $ => seq(
      'reaction', field('equation', $._name), field('body', $.declaration_body),
    ),

    declaration_body: $ => seq('{', repeat(choice($.field, $.param_declaration)), '}'),

    // `reagent` is a keyword elsewhere but a natural field of an operation.
    field: $ => seq(
      field('key', choice($.identifier, alias('reagent', $.identifier))),
      ':',
      commaSeparated(field('value', $._value)),
    ),

    param_declaration: $ => seq(
      'param', field('name', $.identifier), ':', field('unit', $.unit), optional('required'),
    ),

    substrate_declaration: $ => seq(
      'substrate',
      field('name', $._name),
      ':',
      field('material', $._name),
      optional(field('form', $.identifier)),
      optional(field('parameters', $.parameters)),
    ),

    batch_declaration: $ => seq('batch', field('count', $.number)),

    tool_declaration: $ => seq(
      'tool',
      field('name', $._name),
      ':',
      field('kind', $._name),
      'in',
      field('environment', $._name),
      optional(field('parameters', $.parameters)),
    ),

    environment_declaration: $ => seq(
      'environment', field('name', $._name), optional(field('parameters', $.parameters)),
    ),

    // `reagent bsl = SnF2 0.1 M + LiNO3 5 wt% in DOL/DME`
    reagent_declaration: $ => seq(
      'reagent',
      field('name', $._name),
      '=',
      field('component', $.component),
      repeat(seq('+', field('component', $.component))),
      optional(seq('in', $._solvents)),
    ),

    _solvents: $ => seq(field('solvent', $._name), repeat(seq('/', field('solvent', $._name)))),

    component: $ => seq(field('material', $._name), optional(field('amount', $.quantity))),

    // `step dip: immerse in bsl for 10 min using bath { max_wait: 5 min }`
    step: $ => seq(
      'step',
      field('name', $._name),
      ':',
      field('verb', $._name),
      repeat($._operand),
      optional(field('parameters', $.parameters)),
    ),

    _operand: $ => choice(
      // A material or reagent named bare: `sputter MoS2 10 nm`, `dissolve bsl`.
      field('operand', $._name),
      $.quantity,
      $.in_operand,
      $.for_operand,
      $.at_operand,
      $.on_operand,
      $.onto_operand,
      $.using_operand,
      $.after_operand,
      $.from_operand,
    ),

    in_operand: $ => seq('in', $._solvents),
    for_operand: $ => seq('for', field('duration', $.quantity)),
    at_operand: $ => seq('at', field('condition', $.quantity)),
    on_operand: $ => seq('on', field('workpiece', $._name)),
    onto_operand: $ => seq('onto', field('workpiece', $._name)),
    using_operand: $ => seq('using', field('tool', $._name)),
    after_operand: $ => seq('after', commaSeparated(field('step', $._name))),
    from_operand: $ => seq('from', commaSeparated(field('precursor', $._name))),

    // `budget coating <= 2 um`
    budget: $ => seq(
      'budget',
      field('metric', $.identifier),
      field('comparison', choice('<=', '>=')),
      field('limit', $.quantity),
    ),

    // `allow W0501 "durations from the lab's log"` (the compiler reports a missing
    // reason, E0216; the grammar accepts it, as the compiler's parser does)
    allow: $ => seq('allow', field('code', $.identifier), optional(field('reason', $.string))),

    parameters: $ => seq('{', repeat($.parameter), '}'),

    parameter: $ => seq(field('key', $.identifier), ':', field('value', $._value), optional(',')),

    _value: $ => choice($.quantity, $.number, $.identifier, $.string),

    quantity: $ => seq(field('value', $.number), field('unit', $.unit)),

    // A sign is a token of its own, as in the compiler (`-40 degC`, `- 40 degC`).
    number: $ => seq(optional('-'), /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/),

    // `nm`, `nm/min`, `mA/cm2`, `wt%`, `%`
    unit: $ => seq($._unit_part, repeat(seq('/', $._unit_part))),

    _unit_part: $ => choice($.identifier, '%'),

    _name: $ => choice($.identifier, $.string),

    // Letters of any script (`µm`), digits and `_`, an optional final `%` (`wt%`);
    // `°` and `℃` may start one (`°C`).
    identifier: _ => /[\p{L}_°℃][\p{L}\p{N}_]*%?/,

    // A name on one line, without escapes ("PVDF-HFP").
    string: _ => /"[^"\n]*"/,

    comment: _ => token(seq('//', /[^\n]*/)),
  },
});
