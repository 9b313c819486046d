//! `[[predicates]]`: the relation vocabulary, each predicate with its inverse name.

use super::*;

impl Loader {
    pub(super) fn build_predicates(
        &mut self,
        parsed: &mut [(usize, DataFile)],
    ) -> (Vec<Predicate>, HashMap<String, PredicateIndex>) {
        let mut predicates = Vec::new();
        let mut by_name: HashMap<String, PredicateIndex> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.predicates) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let valid_name =
                    |name: &str| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if !valid_name(&id) {
                    self.report(
                        Self::at(file, &record.id),
                        format!(
                            "predicate id {id:?} must be lowercase words joined by underscores, e.g. \"backed_by\""
                        ),
                    );
                }
                let inverse = match (&record.inverse, record.symmetric) {
                    (Some(inverse), _) => {
                        if !valid_name(inverse.get_ref()) {
                            self.report(
                                Self::at(file, inverse),
                                format!(
                                    "inverse name {:?} must be lowercase words joined by underscores",
                                    inverse.get_ref()
                                ),
                            );
                        }
                        if record.symmetric && inverse.get_ref() != &id {
                            self.report(
                                Self::at(file, inverse),
                                format!(
                                    "predicate {id:?} is symmetric, so its inverse must be itself, not {:?}",
                                    inverse.get_ref()
                                ),
                            );
                        }
                        inverse.get_ref().clone()
                    }
                    (None, true) => id.clone(),
                    (None, false) => {
                        self.report(
                            location,
                            format!("predicate {id:?} needs an `inverse` name (or `symmetric = true`)"),
                        );
                        id.clone()
                    }
                };
                let index = PredicateIndex::new(predicates.len());
                for name in [&id, &inverse] {
                    if let Some(&other) = by_name.get(name) {
                        if other != index {
                            self.report(
                                Self::at(file, &record.id),
                                format!("predicate name {name:?} is declared twice"),
                            );
                        }
                    }
                    by_name.insert(name.clone(), index);
                }
                predicates.push(Predicate {
                    id,
                    inverse,
                    symmetric: record.symmetric,
                    definition: record.definition,
                    transfers_support: record.transfers_support,
                    signs_for: record.signs_for,
                });
            }
        }
        (predicates, by_name)
    }
}
