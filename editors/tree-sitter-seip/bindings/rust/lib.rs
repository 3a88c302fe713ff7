//! The tree-sitter grammar of `.seip` files ([`LANGUAGE`]) and its queries.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_seip::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("protocol p { batch 2 }", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_seip() -> *const ();
}

/// The grammar, for `tree_sitter::Parser::set_language(&LANGUAGE.into())`.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_seip) };

/// The contents of `node-types.json`: the kinds of node and their fields.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Syntax highlighting (Neovim and tree-sitter CLI capture names).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");
