//! The editors' tree-sitter grammar (`editors/tree-sitter-seip`) against the compiler's
//! parser: on every example and case file, both must agree on whether the file has a
//! syntax error. A change to `grammar/seip.lalrpop` or the lexer that the tree-sitter
//! grammar does not follow fails here (Nickel's two grammars drifted apart for want of
//! such a check).
//!
//! The committed `src/parser.c` is what is tested: after editing `grammar.js`, run
//! `tree-sitter generate` in `editors/tree-sitter-seip` (see `editors/README.md`).

use std::path::{Path, PathBuf};

use seip::diagnostics::codes;
use tree_sitter::{Language, Node, Parser, Query};

/// The codes of the lexer and the parser that mean "the text does not fit the
/// grammar". `E0105` (a number too large) is not one: the text is well formed. The
/// slips the compiler reads as meant (`Step`, `cm^2`, an unclosed `{`) are not in the
/// grammar either: the editor shows them as errors too.
const SYNTAX_CODES: &[codes::Code] = &[
    codes::UNEXPECTED_CHARACTER,
    codes::UNTERMINATED_STRING,
    codes::SYNTAX_ERROR,
    codes::UNEXPECTED_END,
    codes::KEYWORD_CASE,
    codes::UNIT_NOTATION,
    codes::UNCLOSED_BLOCK,
];

fn language() -> Language {
    tree_sitter_seip::LANGUAGE.into()
}

fn seip_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("the folder is readable")
            .map(|entry| entry.expect("the entry is readable").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "seip") {
                files.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("examples"), &mut files);
    walk(&root.join("tests/cases"), &mut files);
    files
}

/// The first `ERROR` or `MISSING` node, as `kind at line:column`.
fn first_error(node: Node) -> Option<String> {
    if node.is_error() || node.is_missing() {
        let at = node.start_position();
        let kind = if node.is_missing() { "MISSING" } else { "ERROR" };
        return Some(format!("{kind} at {}:{}", at.row + 1, at.column + 1));
    }
    if !node.has_error() {
        return None;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).find_map(first_error)
}

#[test]
fn tree_sitter_and_the_compiler_agree_on_every_example_and_case() {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the grammar's ABI is supported");
    let files = seip_files();
    assert!(files.len() > 50, "found only {} .seip files", files.len());
    let mut disagreements = Vec::new();
    let mut with_errors = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("the file is readable");
        let (source, _) = seip::decode(&bytes);
        let (_, diagnostics) = seip::syntax::parser::parse(&source);
        let compiler_error = diagnostics
            .iter()
            .find(|diagnostic| SYNTAX_CODES.contains(&diagnostic.code))
            .map(|diagnostic| diagnostic.code.id);
        let tree = parser
            .parse(source.as_bytes(), None)
            .expect("no timeout or cancellation is set");
        let tree_sitter_error = first_error(tree.root_node());
        with_errors += usize::from(compiler_error.is_some());
        // `nm per min` is words to a grammar: only the compiler's lexer knows `per`
        // follows a unit. The tree-sitter tree may accept it.
        let lexical_only = compiler_error == Some(codes::UNIT_NOTATION.id) && tree_sitter_error.is_none();
        if compiler_error.is_some() != tree_sitter_error.is_some() && !lexical_only {
            disagreements.push(format!(
                "{}: compiler {}, tree-sitter {}",
                path.display(),
                compiler_error.unwrap_or("accepts it"),
                tree_sitter_error.as_deref().unwrap_or("accepts it"),
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "the parsers disagree:\n{}",
        disagreements.join("\n")
    );
    // Both directions are exercised: files with and without syntax errors.
    assert!(
        with_errors >= 8 && with_errors < files.len() - 20,
        "{with_errors} of {} files",
        files.len()
    );
}

#[test]
fn every_example_has_no_error_node() {
    let mut parser = Parser::new();
    parser.set_language(&language()).unwrap();
    for path in seip_files()
        .iter()
        .filter(|path| path.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")))
    {
        let source = std::fs::read_to_string(path).unwrap();
        let tree = parser.parse(&source, None).unwrap();
        assert_eq!(first_error(tree.root_node()), None, "{}", path.display());
        // The grammar reads the file as the compiler does: one protocol node per protocol.
        let (file, _) = seip::syntax::parser::parse(&source);
        let protocols = file
            .items
            .iter()
            .filter(|item| matches!(item, seip::syntax::ast::Item::Protocol(_)))
            .count();
        let mut cursor = tree.root_node().walk();
        let tree_sitter_protocols = tree
            .root_node()
            .children(&mut cursor)
            .filter(|node| node.kind() == "protocol")
            .count();
        assert_eq!(tree_sitter_protocols, protocols, "{}", path.display());
    }
}

/// A unit is whatever follows a number, and a keyword never is one, as in the lexer.
#[test]
fn units_follow_the_lexer() {
    let mut parser = Parser::new();
    parser.set_language(&language()).unwrap();
    let tree = parser
        .parse("tool t: k in e { capacity: 6 pump_down: 20 min rate: 1 nm/min }", None)
        .unwrap();
    assert_eq!(
        tree.root_node().to_sexp(),
        "(source_file (tool_declaration name: (identifier) kind: (identifier) environment: (identifier) \
         parameters: (parameters (parameter key: (identifier) value: (number)) \
         (parameter key: (identifier) value: (quantity value: (number) unit: (unit (identifier)))) \
         (parameter key: (identifier) value: (quantity value: (number) unit: (unit (identifier) (identifier)))))))"
    );
    let tree = parser
        .parse("protocol p { step h: anneal at 250 for 30 min }", None)
        .unwrap();
    assert!(tree.root_node().has_error());
}

/// Every query shipped for editors compiles against the grammar (a renamed node or field
/// would make an editor reject the whole file).
#[test]
fn every_query_compiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors");
    let mut checked = 0;
    for dir in [root.join("tree-sitter-seip/queries"), root.join("helix/queries/seip")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "scm") {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Err(error) = Query::new(&language(), &text) {
                    panic!("{}: {error}", path.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "checked only {checked} queries");
}
