//! Operator tests: the built binary run as an operator runs it, for `actorgraph check`, start-up
//! refusals and logs, and signals.

#[path = "../common/mod.rs"]
mod common;

mod data_check;
mod lifecycle;
mod signals;
