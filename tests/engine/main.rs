//! Engine-level tests, in-process with no server: extraction rules, events, the model's layers,
//! property tests, and the gold and dev-set scores.

#[path = "../common/mod.rs"]
mod common;

mod dev_set;
mod events;
mod events_gold;
mod extraction_properties;
mod extraction_rules;
mod extraction_unicode;
mod layers;
mod world_rules;
