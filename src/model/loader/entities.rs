//! `[[entities]]`: the actors, their names and codes, and how a later layer extends an earlier
//! layer's entity.

use super::*;

/// An entity record once its own fields are checked, before references are resolved.
struct PendingEntity {
    entity: Entity,
    /// The references to resolve, each with the file it was written in (a later layer's record
    /// may set them on an earlier layer's entity).
    stands_for: Option<(usize, Spanned<String>)>,
    country: Option<(usize, Spanned<String>)>,
    names: Vec<(String, Location)>,
    location: Location,
    /// The layer of the record that last defined or extended the entity.
    layer: usize,
}

impl Loader {
    pub(super) fn build_entities(
        &mut self,
        parsed: &mut [(usize, DataFile)],
    ) -> (Vec<Entity>, HashMap<String, EntityIndex>) {
        let mut pending: Vec<PendingEntity> = Vec::new();
        let mut pending_by_id: HashMap<String, usize> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.entities) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let id_location = Self::at(file, &record.id);
                self.check_slug(id_location, "entity", &id);
                let layer = self.sources[file].layer;
                let earlier = pending_by_id.get(&id).copied();
                if earlier.is_some_and(|index| pending[index].layer == layer) {
                    self.report(id_location, format!("duplicate entity id {id:?}"));
                }
                let entity_type = EntityType::parse(record.entity_type.get_ref()).unwrap_or_else(|| {
                    let names: Vec<_> = EntityType::ALL.iter().map(|t| t.as_str()).collect();
                    self.report(
                        Self::at(file, &record.entity_type),
                        format!(
                            "entity {id:?}: unknown type {:?}; expected one of {}",
                            record.entity_type.get_ref(),
                            names.join(", ")
                        ),
                    );
                    EntityType::Organization
                });
                if record.name.trim().is_empty() {
                    self.report(location, format!("entity {id:?} has an empty name"));
                }
                let mut names = vec![(record.name.clone(), location)];
                for spanned in record.aliases.iter().chain(&record.demonyms) {
                    if spanned.get_ref().trim().is_empty() {
                        self.report(
                            Self::at(file, spanned),
                            format!("entity {id:?} has an empty alias or demonym"),
                        );
                    }
                    names.push((spanned.get_ref().clone(), Self::at(file, spanned)));
                }
                let iso3166_alpha3 =
                    self.check_code(file, &id, "iso3166_alpha3", record.iso3166_alpha3.as_ref(), |c| {
                        c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
                    });
                let cameo = self.check_code(file, &id, "cameo", record.cameo.as_ref(), |c| {
                    !c.is_empty() && c.len() % 3 == 0 && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                });
                let iso3166_alpha2 =
                    self.check_code(file, &id, "iso3166_alpha2", record.iso3166_alpha2.as_ref(), |c| {
                        c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())
                    });
                let iso3166_numeric =
                    self.check_code(file, &id, "iso3166_numeric", record.iso3166_numeric.as_ref(), |c| {
                        c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())
                    });
                let entry = PendingEntity {
                    entity: Entity {
                        id: id.clone(),
                        name: record.name,
                        entity_type,
                        roles: record.roles,
                        aliases: record.aliases.into_iter().map(Spanned::into_inner).collect(),
                        demonyms: record.demonyms.into_iter().map(Spanned::into_inner).collect(),
                        description: record.description,
                        iso3166_alpha3,
                        iso3166_alpha2,
                        iso3166_numeric,
                        cameo,
                        stands_for: None,
                        country: None,
                        region: record.region,
                        subregion: record.subregion,
                        population: record.population,
                        common_word: record.common_word,
                        source: record.source,
                    },
                    stands_for: record.stands_for.map(|target| (file, target)),
                    country: record.country.map(|target| (file, target)),
                    names,
                    location,
                    layer,
                };
                match earlier {
                    Some(index) if pending[index].layer < layer => self.extend_entity(&mut pending[index], entry),
                    _ => {
                        pending_by_id.insert(id, pending.len());
                        pending.push(entry);
                    }
                }
            }
        }
        pending.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        let by_id: HashMap<String, EntityIndex> = pending
            .iter()
            .enumerate()
            .map(|(i, p)| (p.entity.id.clone(), EntityIndex::new(i)))
            .collect();
        for (index, entry) in pending.iter_mut().enumerate() {
            let index = EntityIndex::new(index);
            if let Some((file, country)) = entry.country.take() {
                let location = Self::at(file, &country);
                match by_id.get(country.get_ref()) {
                    Some(&target) if target != index => entry.entity.country = Some(target),
                    _ => self.report(
                        location,
                        format!(
                            "entity {:?}: country names unknown entity {:?}",
                            entry.entity.id,
                            country.get_ref()
                        ),
                    ),
                }
            }
            let Some((file, target)) = entry.stands_for.take() else {
                continue;
            };
            let location = Self::at(file, &target);
            match by_id.get(target.get_ref()) {
                Some(&target_index) if target_index != index => entry.entity.stands_for = Some(target_index),
                Some(_) => self.report(location, "an entity cannot stand for itself"),
                None => self.report(
                    location,
                    format!(
                        "entity {:?}: stands_for names unknown entity {:?}",
                        entry.entity.id,
                        target.get_ref()
                    ),
                ),
            }
        }
        self.pending_names = pending
            .iter()
            .map(|p| p.names.iter().map(|(n, l)| (fold_for_compare(n), *l)).collect())
            .collect();
        (pending.into_iter().map(|p| p.entity).collect(), by_id)
    }

    /// Extends an entity of an earlier layer with a later layer's record of the same id: the
    /// later name, description, codes and references win where given; roles, aliases and
    /// demonyms are added (the earlier name stays as an alias); the type must agree.
    fn extend_entity(&mut self, earlier: &mut PendingEntity, later: PendingEntity) {
        let (entity, extension) = (&mut earlier.entity, later.entity);
        if entity.entity_type != extension.entity_type {
            let source = &self.sources[later.location.file];
            self.problems.push(Problem {
                file: source.path.clone(),
                line: source.line_of(later.location.byte),
                message: format!(
                    "entity {:?} is a {} in an earlier layer but a {} here: a later layer may extend an entity, not change its type",
                    entity.id,
                    entity.entity_type.as_str(),
                    extension.entity_type.as_str()
                ),
            });
        }
        fn add_new(list: &mut Vec<String>, more: Vec<String>) {
            for item in more {
                if !list.contains(&item) {
                    list.push(item);
                }
            }
        }
        if entity.name != extension.name {
            let earlier_name = std::mem::replace(&mut entity.name, extension.name);
            add_new(&mut entity.aliases, vec![earlier_name]);
            entity.aliases.retain(|alias| *alias != entity.name);
        }
        add_new(&mut entity.roles, extension.roles);
        add_new(&mut entity.aliases, extension.aliases);
        add_new(&mut entity.demonyms, extension.demonyms);
        if !extension.description.is_empty() {
            entity.description = extension.description;
        }
        macro_rules! later_wins {
            ($($field:ident),*) => {$(
                if extension.$field.is_some() {
                    entity.$field = extension.$field;
                }
            )*};
        }
        later_wins!(
            iso3166_alpha3,
            iso3166_alpha2,
            iso3166_numeric,
            cameo,
            region,
            subregion,
            population,
            source
        );
        entity.common_word |= extension.common_word;
        if later.stands_for.is_some() {
            earlier.stands_for = later.stands_for;
        }
        if later.country.is_some() {
            earlier.country = later.country;
        }
        earlier.names.extend(later.names);
        earlier.layer = later.layer;
    }

    fn check_code(
        &mut self,
        file: usize,
        id: &str,
        field: &str,
        code: Option<&Spanned<String>>,
        valid: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let code = code?;
        if !valid(code.get_ref()) {
            self.report(
                Self::at(file, code),
                format!("entity {id:?}: {field} {:?} is not a valid code", code.get_ref()),
            );
        }
        Some(code.get_ref().clone())
    }
}
