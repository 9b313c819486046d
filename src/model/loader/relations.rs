//! `[[relations]]`: facts with their evidence, and the warning for a quote that names neither end
//! of its relation.

use super::*;

impl Loader {
    pub(super) fn build_relations(
        &mut self,
        parsed: &mut [(usize, DataFile)],
        references: &References<'_>,
        predicates: &[Predicate],
        predicate_by_name: &HashMap<String, PredicateIndex>,
    ) -> Vec<Relation> {
        let mut relations: Vec<Relation> = Vec::new();
        let mut seen: HashSet<(EntityIndex, PredicateIndex, EntityIndex, Option<String>)> = HashSet::new();
        let mut id_counts: HashMap<String, usize> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.relations) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let subject = self.resolve_entity(file, references, &record.subject, "subject");
                let object = self.resolve_entity(file, references, &record.object, "object");
                let predicate = match predicates.iter().position(|p| &p.id == record.predicate.get_ref()) {
                    Some(index) => Some(PredicateIndex::new(index)),
                    None => {
                        let hint = predicate_by_name
                            .get(record.predicate.get_ref())
                            .map(|&i| {
                                format!(
                                    " (it is the inverse of {:?}: swap subject and object)",
                                    predicates[i].id
                                )
                            })
                            .unwrap_or_default();
                        self.report(
                            Self::at(file, &record.predicate),
                            format!("unknown predicate {:?}{hint}", record.predicate.get_ref()),
                        );
                        None
                    }
                };
                let period = self.check_period(file, record.period.as_ref());
                let evidence = self.resolve_evidence(file, location, references, &record.evidence);
                let (Some(subject), Some(predicate), Some(object)) = (subject, predicate, object) else {
                    continue;
                };
                if !seen.insert((subject, predicate, object, period.clone())) {
                    self.report(
                        location,
                        "duplicate relation: the same subject, predicate, object and period appear above",
                    );
                }
                let base_id = format!(
                    "{}.{}.{}",
                    record.subject.get_ref(),
                    predicates[predicate].id,
                    record.object.get_ref()
                );
                let count = id_counts.entry(base_id.clone()).or_insert(0);
                *count += 1;
                let id = if *count == 1 {
                    base_id
                } else {
                    format!("{base_id}.{count}")
                };
                self.relation_locations.push(location);
                relations.push(Relation {
                    id,
                    subject,
                    predicate,
                    object,
                    period,
                    status: non_empty(record.status),
                    note: non_empty(record.note),
                    evidence,
                });
            }
        }
        relations
    }

    /// A quote that names neither end of its relation is likely near its fact rather than
    /// stating it ("…from the capital" for Tripoli being Libya's capital). An end is named by
    /// one of its names, aliases or demonyms, by a city standing for it ("Ankara"), or by one
    /// who leads it (a `transfers_support` relation: "Haftar's forces" for the LNA).
    pub(super) fn warn_of_quotes_naming_neither_end(
        &mut self,
        entities: &[Entity],
        predicates: &[Predicate],
        relations: &[Relation],
    ) {
        let names_of = |entity: EntityIndex| -> Vec<String> {
            let mut named = vec![entity];
            named.extend(EntityIndex::all(entities.len()).filter(|&other| entities[other].stands_for == Some(entity)));
            named.extend(
                relations
                    .iter()
                    .filter(|r| r.object == entity && predicates[r.predicate].transfers_support)
                    .map(|r| r.subject),
            );
            named
                .into_iter()
                .flat_map(|e| {
                    let e = &entities[e];
                    std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms)
                })
                .map(|name| fold_for_compare(name))
                .collect()
        };
        let mut warnings = Vec::new();
        for (index, relation) in relations.iter().enumerate() {
            let Some(&location) = self.relation_locations.get(index) else {
                continue;
            };
            let names: Vec<String> = names_of(relation.subject)
                .into_iter()
                .chain(names_of(relation.object))
                .collect();
            for evidence in &relation.evidence {
                let Evidence::Quote(quote) = evidence else {
                    continue;
                };
                if !names_any(&quote.quote, &names) {
                    warnings.push((
                        location,
                        format!(
                            "quote {:?} names neither {:?} nor {:?}: quote the words that state the fact, or cite a source that does",
                            quote.quote, entities[relation.subject].id, entities[relation.object].id
                        ),
                    ));
                }
            }
        }
        for (location, message) in warnings {
            let source = &self.sources[location.file];
            self.warnings.push(Problem {
                file: source.path.clone(),
                line: source.line_of(location.byte),
                message,
            });
        }
    }
}
