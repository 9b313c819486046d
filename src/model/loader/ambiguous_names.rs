//! `[[ambiguous_names]]`: names several entities share on purpose, and the check that every
//! other name belongs to one entity.

use super::*;

impl Loader {
    pub(super) fn build_ambiguities(
        &mut self,
        parsed: &mut [(usize, DataFile)],
        entities: &[Entity],
        entity_by_id: &HashMap<String, EntityIndex>,
    ) -> Vec<AmbiguousName> {
        let mut declared: HashMap<String, Vec<EntityIndex>> = HashMap::new();
        let mut ambiguous_names = Vec::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.ambiguous_names) {
                let record = record.into_inner();
                let mut members = Vec::new();
                for id in &record.entities {
                    match entity_by_id.get(id.get_ref()) {
                        Some(&index) => members.push(index),
                        None => self.report(
                            Self::at(file, id),
                            format!("ambiguous name {:?}: unknown entity {:?}", record.name, id.get_ref()),
                        ),
                    }
                }
                members.sort_unstable();
                declared.insert(fold_for_compare(&record.name), members.clone());
                ambiguous_names.push(AmbiguousName {
                    name: record.name,
                    entities: members,
                });
            }
        }
        let mut claimed: HashMap<String, (EntityIndex, Location)> = HashMap::new();
        let names = std::mem::take(&mut self.pending_names);
        for (index, entity_names) in names.iter().enumerate() {
            let index = EntityIndex::new(index);
            let mut own = HashSet::new();
            for (name, location) in entity_names {
                if !own.insert(name.clone()) {
                    continue;
                }
                match claimed.get(name) {
                    Some(&(other, _)) => {
                        let allowed = declared
                            .get(name)
                            .is_some_and(|members| members.contains(&other) && members.contains(&index));
                        if !allowed {
                            self.report(
                                *location,
                                format!(
                                    "name {name:?} of entity {:?} is also a name of entity {:?}; declare it in [[ambiguous_names]] if both are meant",
                                    entities[index].id, entities[other].id
                                ),
                            );
                        }
                    }
                    None => {
                        claimed.insert(name.clone(), (index, *location));
                    }
                }
            }
        }
        ambiguous_names
    }
}
