//! Step 3: the physics of each protocol, between name resolution and planning. One walk
//! ([`walk`]) follows every workpiece through its steps on one state (`model::state::Piece`:
//! Li solid or molten, what wets it, the layers as converted); before each step's effect
//! model changes that state, the rules ([`rules`]) judge the step against it: the heat
//! against the foil and its layers, the reagent against the Li and the layers, the room
//! against the foil, a wet sample against vacuum and Li. After the last step the budgets
//! ([`budget`]) are checked on the stack the walk left.

pub mod budget;
mod rules;
pub mod walk;

pub use walk::{LAYER_DETAIL, MAX_LAYERS, ProtocolStack, StackAfterStep, check_budgets, predict};
