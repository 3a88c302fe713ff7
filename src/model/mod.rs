//! Step 4: the predicted layer stack and the budgets checked on it.

pub mod stack;
