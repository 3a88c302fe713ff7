//! `seipc lsp`: the language server, a client of the same pipeline as `seipc check`.
//!
//! - `analysis`: one document's compilation and name index; definition, references,
//!   rename and the outline, all in byte offsets;
//! - `index`: where each name is declared and used, for lookups by offset;
//! - `hover` and `completion`: what the editor shows under and at the cursor;
//! - `tokens`: the semantic tokens, for editors that colour by the server;
//! - `server`: the protocol loop on an `lsp-server` connection, the only module that
//!   knows protocol types and converts positions (UTF-16, or UTF-8 when offered).
//!
//! The library does no IO here either: the binary hands [`run`] a connection over stdio,
//! and the tests one in memory.

pub mod analysis;
pub mod completion;
pub mod hover;
pub mod index;
pub mod server;
pub mod tokens;

pub use server::{DEBOUNCE, run};
