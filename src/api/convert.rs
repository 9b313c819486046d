//! Domain ⇄ proto conversions, all in one place.

use crate::error::Error;
use crate::extract::{EntitySalience, Mention, MentionKind};
use crate::graph::{Direction, Edge, Hop, PartyAgreement, PathSearch, RelationView};
use crate::model::{self, AgreementStatus, EntityIndex, EntityType, Model, RelationIndex, Side};
use crate::pb;
use crate::search::{MatchReason, SearchHit};
use crate::text::Span;

pub fn entity_type_to_proto(entity_type: Option<EntityType>) -> pb::EntityType {
    match entity_type {
        None => pb::EntityType::Unspecified,
        Some(EntityType::Person) => pb::EntityType::Person,
        Some(EntityType::Organization) => pb::EntityType::Organization,
        Some(EntityType::Country) => pb::EntityType::Country,
        Some(EntityType::City) => pb::EntityType::City,
        Some(EntityType::Region) => pb::EntityType::Region,
    }
}

/// Reads an entity type of a request: `None` for UNSPECIFIED (no filter).
///
/// # Errors
/// `InvalidArgument` for a number that is not a value of the enum.
pub fn entity_type_from_proto(field: &str, value: i32) -> Result<Option<EntityType>, Error> {
    match pb::EntityType::try_from(value) {
        Ok(pb::EntityType::Unspecified) => Ok(None),
        Ok(pb::EntityType::Person) => Ok(Some(EntityType::Person)),
        Ok(pb::EntityType::Organization) => Ok(Some(EntityType::Organization)),
        Ok(pb::EntityType::Country) => Ok(Some(EntityType::Country)),
        Ok(pb::EntityType::City) => Ok(Some(EntityType::City)),
        Ok(pb::EntityType::Region) => Ok(Some(EntityType::Region)),
        Err(_) => Err(Error::invalid(
            field,
            "INVALID_ENTITY_TYPE",
            format!("{field}: {value} is not an EntityType"),
        )),
    }
}

/// Reads a relation direction of a request.
///
/// # Errors
/// `InvalidArgument` for a number that is not a value of the enum.
pub fn direction_from_proto(value: i32) -> Result<Direction, Error> {
    match pb::RelationDirection::try_from(value) {
        Ok(pb::RelationDirection::Outgoing) => Ok(Direction::Outgoing),
        Ok(pb::RelationDirection::Incoming) => Ok(Direction::Incoming),
        Ok(pb::RelationDirection::Both | pb::RelationDirection::Unspecified) => Ok(Direction::Both),
        Err(_) => Err(Error::invalid(
            "direction",
            "INVALID_DIRECTION",
            format!("direction: {value} is not a RelationDirection"),
        )),
    }
}

pub fn span_to_proto(span: Span) -> pb::TextSpan {
    let clamp = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
    pb::TextSpan {
        byte_start: clamp(span.byte_start),
        byte_end: clamp(span.byte_end),
        char_start: clamp(span.char_start),
        char_end: clamp(span.char_end),
        utf16_start: clamp(span.utf16_start),
        utf16_end: clamp(span.utf16_end),
    }
}

pub fn entity_ref(model: &Model, index: EntityIndex) -> pb::EntityRef {
    let entity = &model.entities[index];
    pb::EntityRef {
        id: entity.id.clone(),
        name: entity.name.clone(),
        r#type: entity_type_to_proto(Some(entity.entity_type)) as i32,
    }
}

pub fn entity_to_proto(model: &Model, index: EntityIndex) -> pb::Entity {
    let entity = &model.entities[index];
    let codes = (entity.iso3166_alpha3.is_some() || entity.cameo.is_some()).then(|| pb::ExternalCodes {
        iso3166_alpha3: entity.iso3166_alpha3.clone().unwrap_or_default(),
        cameo: entity.cameo.clone().unwrap_or_default(),
    });
    pb::Entity {
        id: entity.id.clone(),
        name: entity.name.clone(),
        r#type: entity_type_to_proto(Some(entity.entity_type)) as i32,
        roles: entity.roles.clone(),
        aliases: entity.aliases.clone(),
        demonyms: entity.demonyms.clone(),
        description: entity.description.clone(),
        codes,
        stands_for: entity.stands_for.map(|target| entity_ref(model, target)),
    }
}

pub fn evidence_to_proto(model: &Model, evidence: &model::Evidence) -> pb::Evidence {
    match evidence {
        model::Evidence::Quote(quote) => pb::Evidence {
            document_id: model.documents[quote.document].id.clone(),
            span: Some(span_to_proto(quote.span)),
            quote: quote.quote.clone(),
            citation: None,
        },
        model::Evidence::Cited(citation) => pb::Evidence {
            document_id: String::new(),
            span: None,
            quote: String::new(),
            citation: Some(pb::Citation {
                title: citation.title.clone(),
                publisher: citation.publisher.clone(),
                date: citation.date.clone().unwrap_or_default(),
                url: citation.url.clone().unwrap_or_default(),
                note: citation.note.clone().unwrap_or_default(),
            }),
        },
    }
}

pub fn relation_to_proto(model: &Model, view: RelationView) -> pb::Relation {
    if let Some(link) = view.via {
        return derived_relation_to_proto(model, view.relation, link);
    }
    let relation = &model.relations[view.relation];
    let predicate = &model.predicates[relation.predicate];
    let (direction, statement) = match view.side {
        Side::Subject => (
            pb::RelationDirection::Outgoing,
            format!(
                "{} {} {}",
                model.entities[relation.subject].name, predicate.id, model.entities[relation.object].name
            ),
        ),
        Side::Object => (
            pb::RelationDirection::Incoming,
            format!(
                "{} {} {}",
                model.entities[relation.object].name, predicate.inverse, model.entities[relation.subject].name
            ),
        ),
    };
    let has_qualifiers = relation.period.is_some() || relation.status.is_some() || relation.note.is_some();
    pb::Relation {
        id: relation.id.clone(),
        subject: Some(entity_ref(model, relation.subject)),
        predicate: predicate.id.clone(),
        object: Some(entity_ref(model, relation.object)),
        inverse_predicate: predicate.inverse.clone(),
        symmetric: predicate.symmetric,
        direction: direction as i32,
        statement,
        qualifiers: has_qualifiers.then(|| pb::RelationQualifiers {
            period: relation.period.clone().unwrap_or_default(),
            status: relation.status.clone().unwrap_or_default(),
            note: relation.note.clone().unwrap_or_default(),
        }),
        evidence: relation.evidence.iter().map(|e| evidence_to_proto(model, e)).collect(),
        derived_via: Vec::new(),
        origin: pb::Origin::Curated as i32,
        document_count: evidence_sources(&relation.evidence),
        ..pb::Relation::default()
    }
}

/// How many sources a curated fact's evidence names: distinct documents and citations.
pub fn evidence_sources(evidence: &[model::Evidence]) -> u32 {
    let mut documents: Vec<_> = evidence
        .iter()
        .filter_map(|e| match e {
            model::Evidence::Quote(quote) => Some(quote.document),
            model::Evidence::Cited(_) => None,
        })
        .collect();
    documents.sort_unstable();
    documents.dedup();
    let citations = evidence
        .iter()
        .filter(|e| matches!(e, model::Evidence::Cited(_)))
        .count();
    u32::try_from(documents.len() + citations).unwrap_or(u32::MAX)
}

/// A relation derived through a link that transfers support: the stated relation aimed at what
/// the entity leads, shown as aimed at the entity, with both relations' ids and evidence.
fn derived_relation_to_proto(model: &Model, stated: RelationIndex, link: RelationIndex) -> pb::Relation {
    let relation = &model.relations[stated];
    let link_relation = &model.relations[link];
    let predicate = &model.predicates[relation.predicate];
    let leader = link_relation.subject;
    let led = link_relation.object;
    pb::Relation {
        id: format!("{}+{}", relation.id, link_relation.id),
        subject: Some(entity_ref(model, relation.subject)),
        predicate: predicate.id.clone(),
        object: Some(entity_ref(model, leader)),
        inverse_predicate: predicate.inverse.clone(),
        symmetric: false,
        direction: pb::RelationDirection::Incoming as i32,
        statement: format!(
            "{} {} {} (derived: {} {} {}, and {} {} {})",
            model.entities[leader].name,
            predicate.inverse,
            model.entities[relation.subject].name,
            model.entities[relation.subject].name,
            predicate.id,
            model.entities[led].name,
            model.entities[leader].name,
            model.predicates[link_relation.predicate].id,
            model.entities[led].name,
        ),
        qualifiers: None,
        evidence: relation
            .evidence
            .iter()
            .chain(&link_relation.evidence)
            .map(|e| evidence_to_proto(model, e))
            .collect(),
        derived_via: vec![relation.id.clone(), link_relation.id.clone()],
        origin: pb::Origin::Curated as i32,
        document_count: evidence_sources(&relation.evidence),
        ..pb::Relation::default()
    }
}

/// A search hit, with its entity.
pub fn search_hit_to_proto(model: &Model, hit: SearchHit) -> pb::SearchHit {
    let reason = match hit.reason {
        MatchReason::Exact => pb::MatchReason::Exact,
        MatchReason::Folded => pb::MatchReason::Folded,
        MatchReason::Words => pb::MatchReason::Words,
        MatchReason::Initials => pb::MatchReason::Initials,
        MatchReason::Partial => pb::MatchReason::Partial,
        MatchReason::Fuzzy => pb::MatchReason::Fuzzy,
    };
    pb::SearchHit {
        entity: Some(entity_to_proto(model, hit.entity)),
        score: hit.score,
        matched_name: hit.matched_name,
        reason: reason as i32,
        explanation: hit.explanation,
    }
}

/// The readable summary of a path search: how many paths, the shortest, or why none.
pub fn path_summary(
    model: &Model,
    source: EntityIndex,
    target: EntityIndex,
    max_hops: usize,
    search: &PathSearch,
) -> String {
    let (source, target) = (&model.entities[source].id, &model.entities[target].id);
    match search.paths.first() {
        None if search.truncated => format!(
            "no path of at most {max_hops} hops between {source} and {target} found before the search budget ran out; \
             ask for fewer hops or fewer predicates"
        ),
        None => format!("no path of at most {max_hops} hops between {source} and {target}"),
        Some(shortest) => format!(
            "{} path(s) between {source} and {target}; the shortest has {} hop(s)",
            search.paths.len(),
            shortest.len()
        ),
    }
}

/// A path; `added` converts the relations the search added beyond the model's (the corpus's),
/// seen from the side the hop leaves.
pub fn path_to_proto(model: &Model, hops: &[Hop], added: &dyn Fn(usize, Side) -> Option<pb::Relation>) -> pb::Path {
    pb::Path {
        hops: hops
            .iter()
            .filter_map(|hop| {
                let side = if hop.forward { Side::Subject } else { Side::Object };
                let relation = match hop.edge {
                    Edge::Curated(relation) => relation_to_proto(
                        model,
                        RelationView {
                            relation,
                            side,
                            via: None,
                        },
                    ),
                    Edge::Added(position) => added(position, side)?,
                };
                Some(pb::PathHop {
                    from: Some(entity_ref(model, hop.from)),
                    predicate: if hop.forward {
                        relation.predicate.clone()
                    } else {
                        relation.inverse_predicate.clone()
                    },
                    to: Some(entity_ref(model, hop.to)),
                    relation: Some(relation),
                })
            })
            .collect(),
    }
}

fn agreement_status_to_proto(status: AgreementStatus) -> pb::AgreementStatus {
    match status {
        AgreementStatus::Proposed => pb::AgreementStatus::Proposed,
        AgreementStatus::UnderDiscussion => pb::AgreementStatus::UnderDiscussion,
        AgreementStatus::Signed => pb::AgreementStatus::Signed,
        AgreementStatus::InForce => pb::AgreementStatus::InForce,
        AgreementStatus::Active => pb::AgreementStatus::Active,
        AgreementStatus::Ended => pb::AgreementStatus::Ended,
    }
}

pub fn agreement_to_proto(model: &Model, agreement: &model::Agreement) -> pb::Agreement {
    pb::Agreement {
        id: agreement.id.clone(),
        title: agreement.title.clone(),
        parties: agreement.parties.iter().map(|&p| entity_ref(model, p)).collect(),
        subject: agreement.subject.clone(),
        provisions: agreement.provisions.clone(),
        status: agreement_status_to_proto(agreement.status) as i32,
        date: agreement.date.clone().unwrap_or_default(),
        period: agreement.period.clone().unwrap_or_default(),
        disputed_by: agreement.disputes.iter().map(|d| entity_ref(model, d.by)).collect(),
        evidence: agreement.evidence.iter().map(|e| evidence_to_proto(model, e)).collect(),
        disputes: agreement
            .disputes
            .iter()
            .map(|dispute| pb::Dispute {
                by: Some(entity_ref(model, dispute.by)),
                evidence: dispute.evidence.iter().map(|e| evidence_to_proto(model, e)).collect(),
            })
            .collect(),
        derived_via: Vec::new(),
    }
}

/// An agreement found for a party, with the relation it was found through when the party is
/// one by another that signs for it.
pub fn party_agreement_to_proto(model: &Model, found: PartyAgreement) -> pb::Agreement {
    let mut agreement = agreement_to_proto(model, &model.agreements[found.agreement]);
    if let Some(link) = found.via {
        agreement.derived_via = vec![model.relations[link].id.clone()];
    }
    agreement
}

pub fn document_to_proto(document: &model::Document) -> pb::Document {
    pb::Document {
        id: document.id.clone(),
        title: document.title.clone(),
        source: document.source.clone(),
        text: document.text.clone(),
        origin: pb::Origin::Curated as i32,
        ..pb::Document::default()
    }
}

fn mention_kind_to_proto(kind: MentionKind) -> pb::MentionKind {
    match kind {
        MentionKind::Name => pb::MentionKind::Name,
        MentionKind::Acronym => pb::MentionKind::Acronym,
        MentionKind::Demonym => pb::MentionKind::Demonym,
    }
}

pub fn predicate_to_proto(predicate: &model::Predicate, relation_count: usize) -> pb::Predicate {
    pb::Predicate {
        id: predicate.id.clone(),
        inverse: predicate.inverse.clone(),
        symmetric: predicate.symmetric,
        definition: predicate.definition.clone(),
        relation_count: i32::try_from(relation_count).unwrap_or(i32::MAX),
    }
}

pub fn mention_to_proto(model: &Model, text: &str, mention: &Mention) -> pb::Mention {
    let entity = mention.entity.map(|e| &model.entities[e]);
    pb::Mention {
        text: text
            .get(mention.span.byte_start..mention.span.byte_end)
            .unwrap_or("")
            .to_owned(),
        span: Some(span_to_proto(mention.span)),
        r#type: entity_type_to_proto(mention.entity_type) as i32,
        kind: mention_kind_to_proto(mention.kind) as i32,
        entity_id: entity.map(|e| e.id.clone()).unwrap_or_default(),
        canonical_name: entity.map(|e| e.name.clone()).unwrap_or_default(),
        metonym_for: mention.metonym_for.map(|e| entity_ref(model, e)),
        matched_alias: mention.matched_alias.to_string(),
        confidence: mention.confidence,
        sentence_index: u32::try_from(mention.sentence_index).unwrap_or(u32::MAX),
        nested: mention.nested,
        candidate_ids: mention
            .candidates
            .iter()
            .map(|&c| model.entities[c].id.clone())
            .collect(),
        local_id: mention.local_id.map(|id| format!("unknown-{id}")).unwrap_or_default(),
    }
}

pub fn salience_to_proto(model: &Model, summary: &EntitySalience) -> pb::EntitySummary {
    pb::EntitySummary {
        entity: Some(entity_ref(model, summary.entity)),
        mention_count: u32::try_from(summary.mention_count).unwrap_or(u32::MAX),
        first_mention: Some(span_to_proto(summary.first_mention)),
        salience: summary.salience,
    }
}

pub fn quad_to_proto(quad: crate::events::Quad) -> pb::QuadClass {
    use crate::events::Quad;
    match quad {
        Quad::VerbalCooperation => pb::QuadClass::VerbalCooperation,
        Quad::MaterialCooperation => pb::QuadClass::MaterialCooperation,
        Quad::VerbalConflict => pb::QuadClass::VerbalConflict,
        Quad::MaterialConflict => pb::QuadClass::MaterialConflict,
    }
}

/// One event, its mentions converted as ExtractEntities converts them. `spans` gives the
/// trigger's and the sentence's offsets in every encoding.
pub fn event_to_proto(
    model: &Model,
    text: &str,
    mentions: &[Mention],
    event: &crate::events::Event,
    spans: &mut crate::text::OffsetConverter<'_>,
) -> pb::Event {
    let code = &model.event_lexicon.codes[event.code];
    pb::Event {
        source: Some(mention_to_proto(model, text, &mentions[event.source])),
        target: Some(mention_to_proto(model, text, &mentions[event.target])),
        trigger: Some(span_to_proto(spans.span(event.trigger.0, event.trigger.1))),
        trigger_text: text.get(event.trigger.0..event.trigger.1).unwrap_or("").to_owned(),
        code: code.code.clone(),
        code_name: code.name.clone(),
        root: code.root().to_owned(),
        quad_class: quad_to_proto(code.quad) as i32,
        negated: event.negated,
        symmetric: code.symmetric(),
        sentence: Some(span_to_proto(spans.span(event.sentence.0, event.sentence.1))),
        sentence_index: u32::try_from(event.sentence_index).unwrap_or(u32::MAX),
        confidence: event.confidence,
        explanation: event.rule.explain().to_owned(),
        corroborated_relation_ids: event.relations.iter().map(|&r| model.relations[r].id.clone()).collect(),
        corroborated_agreement_ids: event
            .agreements
            .iter()
            .map(|&a| model.agreements[a].id.clone())
            .collect(),
    }
}
