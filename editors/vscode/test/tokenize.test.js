// Tokenises every example with the TextMate grammar, as VS Code does (vscode-textmate
// with the Oniguruma regex engine), and checks what a reader sees: comments, numbers
// with their units, step verbs and keywords get their scopes, and the seip keywords are
// never taken as units. Run: `node --test editors/vscode/test/` (after `npm install`
// in editors/vscode, see editors/README.md).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..', '..', '..');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(
      fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'seip.tmLanguage.json'), 'utf8'),
      'seip.tmLanguage.json'),
  });
  return registry.loadGrammar('source.seip');
}

/** [text, innermost scope] for every token of the file. */
function tokenize(grammar, text) {
  const tokens = [];
  let stack = vsctm.INITIAL;
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) {
      tokens.push([line.slice(token.startIndex, token.endIndex), token.scopes[token.scopes.length - 1]]);
    }
    stack = result.ruleStack;
  }
  return tokens;
}

function scopeOf(tokens, text) {
  const found = tokens.find(([t]) => t.trim() === text);
  return found && found[1];
}

test('every example tokenises with comments, quantities, verbs and keywords scoped', async () => {
  const grammar = await loadGrammar();
  const examples = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.seip'));
  assert.ok(examples.length >= 10);
  for (const file of examples) {
    const text = fs.readFileSync(path.join(root, 'examples', file), 'utf8');
    const tokens = tokenize(grammar, text);
    const scopes = new Set(tokens.map(([, scope]) => scope));
    for (const scope of ['comment.line.double-slash.seip', 'constant.numeric.seip', 'keyword.other.unit.seip',
      'support.function.verb.seip', 'entity.name.function.step.seip', 'keyword.other.declaration.seip']) {
      assert.ok(scopes.has(scope), `${file}: no ${scope}`);
    }
    // No keyword is ever scoped as a unit.
    for (const [t, scope] of tokens) {
      if (scope === 'keyword.other.unit.seip') {
        assert.ok(!/\b(in|for|at|on|onto|using|after|from)\b/.test(t), `${file}: keyword in unit \`${t}\``);
      }
    }
  }
});

test('units follow the compiler\'s lexer', async () => {
  const grammar = await loadGrammar();
  const tokens = tokenize(grammar,
    'step dip: immerse in bsl for 10 min at 25 °C using bath { capacity: 6 pump_down: 20 min rate: 0.5 nm/min c: 5 wt% }');
  assert.strictEqual(scopeOf(tokens, 'immerse'), 'support.function.verb.seip');
  assert.strictEqual(scopeOf(tokens, 'min'), 'keyword.other.unit.seip');
  assert.strictEqual(scopeOf(tokens, '°C'), 'keyword.other.unit.seip');
  assert.strictEqual(scopeOf(tokens, 'nm/min'), 'keyword.other.unit.seip');
  assert.strictEqual(scopeOf(tokens, 'wt%'), 'keyword.other.unit.seip');
  // `pump_down` follows a number but is the next key, as the lexer decides.
  assert.strictEqual(scopeOf(tokens, 'pump_down'), 'variable.other.property.seip');
  assert.strictEqual(scopeOf(tokens, 'using'), 'keyword.operator.word.seip');
});

test('an allow names its warning code', async () => {
  const grammar = await loadGrammar();
  const tokens = tokenize(grammar, '    allow W0501 "times from the lab\'s log"');
  assert.strictEqual(scopeOf(tokens, 'allow'), 'keyword.other.allow.seip');
  assert.strictEqual(scopeOf(tokens, 'W0501'), 'constant.other.diagnostic-code.seip');
  assert.strictEqual(scopeOf(tokens, '"times from the lab\'s log"'), 'string.quoted.double.seip');
});
