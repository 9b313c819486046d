//! Every check of a request's arguments, in one place: ids, counts and limits, queries,
//! predicates. Each returns the domain value the core takes, or an INVALID_ARGUMENT (NOT_FOUND
//! for a well-formed id the model does not have) naming the field.

use crate::error::Error;
use crate::graph::{self, PathQuery};
use crate::model::{self, EntityIndex, IdProblem, Model, PredicateIndex};

/// The longest search query accepted.
pub const MAX_QUERY_LENGTH: usize = 256;
pub const DEFAULT_SEARCH_LIMIT: usize = 10;
pub const MAX_SEARCH_LIMIT: usize = 100;
pub const DEFAULT_MAX_HOPS: usize = 3;
/// Longer paths relate almost everything and cost much: more is refused.
pub const MAX_HOPS_LIMIT: usize = 6;
pub const DEFAULT_MAX_PATHS: usize = 5;
pub const MAX_PATHS_LIMIT: usize = 50;

/// Checks that an id is present and well formed, by the rule the loader applies to the ids
/// the data defines ([`model::id_problem`]).
pub fn id(field: &str, id: &str) -> Result<(), Error> {
    match model::id_problem(id) {
        None => Ok(()),
        Some(IdProblem::Empty) => Err(Error::invalid(field, "EMPTY_ID", format!("{field} must not be empty"))),
        Some(problem) => {
            let shown: String = id.chars().take(40).collect();
            Err(Error::invalid(
                field,
                "MALFORMED_ID",
                format!("{field} {shown:?} is not an id: {}", problem.rule()),
            ))
        }
    }
}

/// An optional `YYYY-MM-DD` field: `None` when empty.
///
/// # Errors
/// `InvalidArgument` `INVALID_DATE` for anything but a real calendar date.
pub fn optional_date(field: &str, value: &str) -> Result<Option<String>, Error> {
    if value.is_empty() {
        return Ok(None);
    }
    if crate::corpus::is_calendar_date(value) {
        return Ok(Some(value.to_owned()));
    }
    let shown: String = value.chars().take(40).collect();
    Err(Error::invalid(
        field,
        "INVALID_DATE",
        format!("{field} {shown:?} is not a date: write YYYY-MM-DD, e.g. \"2026-12-07\""),
    ))
}

/// The entity a required id field names.
pub fn entity(model: &Model, field: &str, value: &str) -> Result<EntityIndex, Error> {
    id(field, value)?;
    model
        .entity_index(value)
        .ok_or_else(|| Error::not_found("entity", value))
}

/// The entity an optional id field names; `None` when the field is empty.
pub fn optional_entity(model: &Model, field: &str, value: &str) -> Result<Option<EntityIndex>, Error> {
    if value.is_empty() {
        return Ok(None);
    }
    entity(model, field, value).map(Some)
}

/// A bounded count: 0 gives the default, a negative number is refused, a large one is lowered
/// to the maximum.
pub fn bounded(field: &str, value: i32, default: usize, max: usize) -> Result<usize, Error> {
    match value {
        v if v < 0 => Err(Error::invalid(
            field,
            "OUT_OF_RANGE",
            format!("{field} must not be negative, got {v}"),
        )),
        0 => Ok(default),
        v => Ok(usize::try_from(v).unwrap_or(max).min(max)),
    }
}

/// A search query: not blank, at most [`MAX_QUERY_LENGTH`] bytes.
pub fn search_query(query: &str) -> Result<&str, Error> {
    if query.trim().is_empty() {
        return Err(Error::invalid("query", "EMPTY_QUERY", "query must not be empty"));
    }
    if query.len() > MAX_QUERY_LENGTH {
        return Err(Error::invalid(
            "query",
            "QUERY_TOO_LONG",
            format!("query is {} bytes; the limit is {MAX_QUERY_LENGTH}", query.len()),
        ));
    }
    Ok(query)
}

/// An optional predicate filter; `None` when empty (checked against the model by the core).
pub fn optional_predicate(name: &str) -> Option<String> {
    (!name.is_empty()).then(|| name.to_owned())
}

/// The bounds and predicates of a FindPaths request.
pub fn path_query(model: &Model, max_hops: i32, max_paths: i32, predicates: &[String]) -> Result<PathQuery, Error> {
    if usize::try_from(max_hops).is_ok_and(|hops| hops > MAX_HOPS_LIMIT) {
        return Err(Error::invalid(
            "max_hops",
            "OUT_OF_RANGE",
            format!("max_hops is at most {MAX_HOPS_LIMIT}, got {max_hops}: longer chains relate almost everything"),
        ));
    }
    let max_hops = bounded("max_hops", max_hops, DEFAULT_MAX_HOPS, MAX_HOPS_LIMIT)?;
    let max_paths = bounded("max_paths", max_paths, DEFAULT_MAX_PATHS, MAX_PATHS_LIMIT)?;
    let mut indexes = Vec::new();
    for name in predicates {
        let index = model
            .predicates
            .iter()
            .position(|p| &p.id == name || &p.inverse == name)
            .map(PredicateIndex::new)
            .ok_or_else(|| Error::invalid("predicates", "UNKNOWN_PREDICATE", format!("unknown predicate {name:?}")))?;
        indexes.push(index);
    }
    Ok(PathQuery {
        max_hops,
        max_paths,
        predicates: indexes,
        budget: graph::PATH_EXPANSION_BUDGET,
    })
}
