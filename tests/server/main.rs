//! Server tests: the real server on an ephemeral port, called through the generated clients and
//! raw HTTP, for every service, the corpus, hostile clients, TLS and operations.

#[path = "../common/mod.rs"]
mod common;

mod corpus;
mod events_api;
mod extraction;
mod gold;
mod hostile;
mod http;
mod knowledge;
mod operations;
mod security;
mod service;
