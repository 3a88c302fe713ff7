//! Step 1: text to syntax tree (token, lexer, parser, ast).

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod token;
