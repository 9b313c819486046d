//! Relation queries over the model: the relations of an entity with filters, and the shortest
//! paths between two entities. Plain functions over a [`Model`] snapshot.

use std::collections::VecDeque;

use crate::error::Error;
use crate::model::{period_contains, AgreementIndex, EntityIndex, Model, PredicateIndex, RelationIndex, Side};

/// Which relations of an entity to return, relative to that entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// The entity is the subject.
    Outgoing,
    /// The entity is the object.
    Incoming,
    #[default]
    Both,
}

/// Filters of [`relations_of`].
#[derive(Debug, Clone, Default)]
pub struct RelationFilter {
    /// A predicate id (either side) or inverse name (the incoming side).
    pub predicate: Option<String>,
    pub direction: Direction,
    pub counterpart: Option<EntityIndex>,
    /// Also relations aimed at what the entity leads (through predicates that transfer support):
    /// "who backs Haftar" finds who backs the LNA he leads.
    pub include_derived: bool,
}

/// A relation as seen from one of its entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationView {
    pub relation: RelationIndex,
    /// The side the queried entity is on.
    pub side: Side,
    /// For a derived relation: the relation that carries it to the queried entity (the entity
    /// `leads` the relation's object).
    pub via: Option<RelationIndex>,
}

/// The relations of `entity` that pass `filter`, in data-file order; with no entity, every
/// relation of the model that passes it ("all `backs`"), each seen from its subject (from its
/// object when the filter names the predicate by its inverse).
///
/// # Errors
/// `InvalidArgument` when the predicate is neither a predicate id nor an inverse name, when the
/// filters contradict each other (an inverse name, which selects the incoming side, with
/// direction OUTGOING), or when a direction or counterpart is given without an entity.
pub fn relations_of(
    model: &Model,
    entity: Option<EntityIndex>,
    filter: &RelationFilter,
) -> Result<Vec<RelationView>, Error> {
    let predicate = match &filter.predicate {
        Some(name) => {
            let predicate = model.predicate_by_name(name).ok_or_else(|| {
                let known: Vec<&str> = model.predicates.iter().map(|p| p.id.as_str()).collect();
                Error::invalid(
                    "predicate",
                    "UNKNOWN_PREDICATE",
                    format!("unknown predicate {name:?}; the model declares: {}", known.join(", ")),
                )
            })?;
            // An inverse name selects the object side: "backed_by" lists who backs the entity.
            let only_incoming = !predicate.symmetric && predicate.inverse == *name;
            if only_incoming && filter.direction == Direction::Outgoing {
                return Err(Error::invalid(
                    "direction",
                    "CONTRADICTORY_FILTERS",
                    format!(
                        "{name:?} reads the relation from its object, so it has no outgoing side: ask for \
                         predicate {:?} with direction OUTGOING (what the entity {}), or {name:?} with the \
                         direction unset",
                        predicate.id, predicate.id
                    ),
                ));
            }
            Some((predicate.id.as_str(), only_incoming))
        }
        None => None,
    };
    let Some(entity) = entity else {
        if filter.direction != Direction::Both || filter.counterpart.is_some() {
            let field = if filter.counterpart.is_some() {
                "counterpart_id"
            } else {
                "direction"
            };
            return Err(Error::invalid(
                field,
                "MISSING_ENTITY",
                format!("{field} filters the relations of an entity: give entity_id too, or leave {field} unset"),
            ));
        }
        let side = if predicate.is_some_and(|(_, only_incoming)| only_incoming) {
            Side::Object
        } else {
            Side::Subject
        };
        return Ok(model
            .relation_indexes()
            .filter(|&relation| {
                predicate.is_none_or(|(id, _)| model.predicates[model.relations[relation].predicate].id == id)
            })
            .map(|relation| RelationView {
                relation,
                side,
                via: None,
            })
            .collect());
    };
    let views = model
        .relations_of(entity)
        .iter()
        .filter(|&&(index, side)| {
            let relation = &model.relations[index];
            let symmetric = model.predicates[relation.predicate].symmetric;
            let direction_ok = symmetric
                || match filter.direction {
                    Direction::Both => true,
                    Direction::Outgoing => side == Side::Subject,
                    Direction::Incoming => side == Side::Object,
                };
            let predicate_ok = predicate.is_none_or(|(id, only_incoming)| {
                model.predicates[relation.predicate].id == id && (!only_incoming || side == Side::Object || symmetric)
            });
            let other = if side == Side::Subject {
                relation.object
            } else {
                relation.subject
            };
            let counterpart_ok = filter.counterpart.is_none_or(|c| c == other);
            direction_ok && predicate_ok && counterpart_ok
        })
        .map(|&(relation, side)| RelationView {
            relation,
            side,
            via: None,
        })
        .collect();
    let mut views: Vec<RelationView> = views;
    if filter.include_derived && filter.direction != Direction::Outgoing {
        views.extend(derived_relations(model, entity, filter, predicate));
    }
    Ok(views)
}

/// The relations aimed at what `entity` leads (by a predicate that transfers support), as
/// relations aimed at the entity itself: Egypt backs the LNA, Haftar leads the LNA, so Egypt
/// backs Haftar, derived. Only incoming ones, one link deep, never through another transfer.
fn derived_relations<'m>(
    model: &'m Model,
    entity: EntityIndex,
    filter: &'m RelationFilter,
    predicate: Option<(&'m str, bool)>,
) -> impl Iterator<Item = RelationView> + 'm {
    model
        .relations_of(entity)
        .iter()
        .filter(move |&&(link, side)| {
            side == Side::Subject && model.predicates[model.relations[link].predicate].transfers_support
        })
        .flat_map(move |&(link, _)| {
            let led = model.relations[link].object;
            model.relations_of(led).iter().filter_map(move |&(relation, side)| {
                let stated = &model.relations[relation];
                let stated_predicate = &model.predicates[stated.predicate];
                let aimed_at_led = side == Side::Object && !stated_predicate.symmetric;
                let keep = aimed_at_led
                    && stated.subject != entity
                    && !stated_predicate.transfers_support
                    && predicate.is_none_or(|(id, _)| stated_predicate.id == id)
                    && filter.counterpart.is_none_or(|c| c == stated.subject);
                keep.then_some(RelationView {
                    relation,
                    side: Side::Object,
                    via: Some(link),
                })
            })
        })
}

/// How many relations use each predicate, by predicate index.
pub fn relation_counts(model: &Model) -> Vec<usize> {
    let mut counts = vec![0; model.predicates.len()];
    for relation in &model.relations {
        if let Some(count) = counts.get_mut(relation.predicate.get()) {
            *count += 1;
        }
    }
    counts
}

/// An agreement with a party asked about, and how that party is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartyAgreement {
    pub agreement: AgreementIndex,
    /// For an agreement the entity is party to through another that signs for it (a
    /// government for its state): the relation that says so.
    pub via: Option<RelationIndex>,
}

/// The agreements `party` is party to, in id order: those that name it, and those that name
/// an entity signing for it (by a predicate declared `signs_for`, such as `government_of`) at
/// the agreement's date, when the relation's period and the date are both known. So Libya is a
/// party to the maritime memorandum its Government of National Accord signed in 2019, but not
/// to an agreement that government signed before or after it was Libya's government.
pub fn agreements_with_party(model: &Model, party: EntityIndex) -> Vec<PartyAgreement> {
    let mut found: Vec<PartyAgreement> = model
        .agreements_of(party)
        .iter()
        .map(|&agreement| PartyAgreement { agreement, via: None })
        .collect();
    for &(link, side) in model.relations_of(party) {
        let relation = &model.relations[link];
        if side != Side::Object || !model.predicates[relation.predicate].signs_for {
            continue;
        }
        for &agreement in model.agreements_of(relation.subject) {
            let at_the_time = match (&relation.period, &model.agreements[agreement].date) {
                (Some(period), Some(date)) => period_contains(period, date),
                _ => true,
            };
            if at_the_time && !found.iter().any(|f| f.agreement == agreement) {
                found.push(PartyAgreement {
                    agreement,
                    via: Some(link),
                });
            }
        }
    }
    found.sort_by(|a, b| model.agreements[a.agreement].id.cmp(&model.agreements[b.agreement].id));
    found
}

/// What a hop traverses: a relation of the curated model, or one of the relations the caller
/// adds (the corpus's), by its position in the caller's own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Curated(RelationIndex),
    Added(usize),
}

/// One step of a path: a relation traversed from one of its entities to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub edge: Edge,
    pub from: EntityIndex,
    pub to: EntityIndex,
    /// True when traversed from subject to object.
    pub forward: bool,
}

/// Bounds of [`find_paths`].
#[derive(Debug, Clone)]
pub struct PathQuery {
    pub max_hops: usize,
    pub max_paths: usize,
    /// Predicates allowed; empty for all.
    pub predicates: Vec<PredicateIndex>,
    /// Partial paths examined at most (see [`PATH_EXPANSION_BUDGET`]).
    pub budget: usize,
}

/// What [`find_paths`] found.
#[derive(Debug, Clone, Default)]
pub struct PathSearch {
    pub paths: Vec<Vec<Hop>>,
    /// The search stopped at its budget before looking at every path within `max_hops`.
    pub truncated: bool,
}

/// An upper bound on partial paths examined, so that a dense graph cannot make one call
/// arbitrarily expensive.
pub const PATH_EXPANSION_BUDGET: usize = 200_000;

/// The shortest simple paths from `source` to `target`, at most `max_hops` long and at most
/// `max_paths` of them: fewest hops first, and among equal lengths in the order of the
/// relations in the data file, then the added ones. Relations are traversed in either
/// direction. `added` appends the hops of relations beyond the model's from an entity (the
/// corpus's), already filtered by the query's predicates; `|_, _| {}` adds none.
pub fn find_paths(
    model: &Model,
    source: EntityIndex,
    target: EntityIndex,
    query: &PathQuery,
    added: &dyn Fn(EntityIndex, &mut Vec<Hop>),
) -> PathSearch {
    let allowed = |relation: RelationIndex| {
        query.predicates.is_empty() || query.predicates.contains(&model.relations[relation].predicate)
    };
    let hops_from = |entity: EntityIndex, hops: &mut Vec<Hop>| {
        hops.clear();
        hops.extend(
            model
                .relations_of(entity)
                .iter()
                .filter(|&&(r, _)| allowed(r))
                .map(|&(relation, side)| {
                    let r = &model.relations[relation];
                    let (to, forward) = if side == Side::Subject {
                        (r.object, true)
                    } else {
                        (r.subject, false)
                    };
                    Hop {
                        edge: Edge::Curated(relation),
                        from: entity,
                        to,
                        forward,
                    }
                }),
        );
        added(entity, hops);
    };
    let mut hops = Vec::new();
    // Distance of every entity to the target, to prune partial paths that cannot arrive in time.
    let mut distance_to_target = vec![usize::MAX; model.entities.len()];
    distance_to_target[target.get()] = 0;
    let mut frontier = VecDeque::from([target]);
    while let Some(entity) = frontier.pop_front() {
        let next_distance = distance_to_target[entity.get()] + 1;
        if next_distance > query.max_hops {
            continue;
        }
        hops_from(entity, &mut hops);
        for hop in &hops {
            if distance_to_target[hop.to.get()] == usize::MAX {
                distance_to_target[hop.to.get()] = next_distance;
                frontier.push_back(hop.to);
            }
        }
    }
    if distance_to_target[source.get()] > query.max_hops || query.max_paths == 0 {
        return PathSearch::default();
    }
    let mut paths = Vec::new();
    let mut partial: VecDeque<Vec<Hop>> = VecDeque::from([Vec::new()]);
    let mut expansions = 0;
    while let Some(path) = partial.pop_front() {
        let at = path.last().map_or(source, |hop| hop.to);
        hops_from(at, &mut hops);
        for &hop in &hops {
            expansions += 1;
            let length = path.len() + 1;
            let revisits = hop.to == source || path.iter().any(|h| h.to == hop.to);
            if revisits
                || length + distance_to_target[hop.to.get()] > query.max_hops
                || distance_to_target[hop.to.get()] == usize::MAX
            {
                continue;
            }
            let mut extended = path.clone();
            extended.push(hop);
            if hop.to == target {
                paths.push(extended);
                if paths.len() == query.max_paths {
                    return PathSearch {
                        paths,
                        truncated: false,
                    };
                }
            } else {
                partial.push_back(extended);
            }
        }
        if expansions > query.budget && !partial.is_empty() {
            return PathSearch { paths, truncated: true };
        }
    }
    PathSearch {
        paths,
        truncated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    fn shipped() -> Snapshot {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        match Snapshot::load(&data) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("the article's model loads: {error}"),
        }
    }

    #[test]
    fn a_search_that_runs_out_of_budget_says_so() {
        let snapshot = shipped();
        let model = &snapshot.model;
        let (Some(egypt), Some(turkiye)) = (model.entity_index("egypt"), model.entity_index("turkiye")) else {
            panic!("egypt and turkiye are in the article's model");
        };
        let query = |budget: usize| PathQuery {
            max_hops: 4,
            max_paths: 50,
            predicates: Vec::new(),
            budget,
        };
        let full = find_paths(model, egypt, turkiye, &query(PATH_EXPANSION_BUDGET), &|_, _| {});
        assert!(!full.truncated);
        assert!(!full.paths.is_empty());
        let starved = find_paths(model, egypt, turkiye, &query(3), &|_, _| {});
        assert!(starved.truncated, "a budget of 3 expansions cannot cover four hops");
        assert!(starved.paths.len() < full.paths.len());
    }

    #[test]
    fn periods_contain_dates_at_the_precision_both_give() {
        assert!(period_contains("2016–2021", "2019-11-27"));
        assert!(period_contains("2016–2021", "2021-03-16"));
        assert!(!period_contains("2021–", "2019-11-27"));
        assert!(period_contains("–2011", "1969"));
        assert!(period_contains("2019", "2019-11-27"));
        assert!(!period_contains("2016–2021", "2022"));
    }

    #[test]
    fn a_period_reaches_a_date_range_it_shares_a_day_with() {
        use crate::model::period_reaches;
        assert!(period_reaches("2016–2021", Some("2019-11-27"), None));
        assert!(period_reaches("2016–2021", None, Some("2016-01-01")));
        assert!(!period_reaches("2021–", None, Some("2020-12-31")));
        assert!(!period_reaches("–2011", Some("2012"), Some("2013")));
        assert!(period_reaches("2019", Some("2019-11-27"), Some("2019-11-27")));
    }

    #[test]
    fn a_state_is_party_to_what_its_government_signed_while_it_was_its_government() {
        let data = r#"
[[documents]]
id = "note"
title = "A note"
text = "The old government of Ruritania signed the 2019 pact and the 2023 pact."

[[predicates]]
id = "government_of"
inverse = "has_government"
definition = "Is the government of."
signs_for = true

[[entities]]
id = "ruritania"
name = "Ruritania"
type = "country"

[[entities]]
id = "old-government"
name = "Old Government"
type = "organization"

[[entities]]
id = "neighbour"
name = "Neighbour"
type = "country"

[[relations]]
subject = "old-government"
predicate = "government_of"
object = "ruritania"
period = "2016–2021"
evidence = ["The old government of Ruritania"]

[[agreements]]
id = "pact-2019"
title = "The 2019 pact"
parties = ["old-government", "neighbour"]
status = "signed"
date = "2019-11-27"
evidence = ["signed the 2019 pact"]

[[agreements]]
id = "pact-2023"
title = "The 2023 pact"
parties = ["old-government", "neighbour"]
status = "signed"
date = "2023"
evidence = ["the 2023 pact"]
"#;
        let model = match crate::model::load_from_str("note.toml", data, std::path::Path::new(".")) {
            Ok(model) => model,
            Err(error) => panic!("the note loads: {error}"),
        };
        let Some(ruritania) = model.entity_index("ruritania") else {
            panic!("ruritania is in the note");
        };
        let found = agreements_with_party(&model, ruritania);
        let ids: Vec<&str> = found
            .iter()
            .map(|f| model.agreements[f.agreement].id.as_str())
            .collect();
        assert_eq!(ids, vec!["pact-2019"], "not the pact signed after 2021");
        assert_eq!(
            found[0].via.map(|link| model.relations[link].id.as_str()),
            Some("old-government.government_of.ruritania")
        );
    }
}
