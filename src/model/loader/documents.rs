//! `[[documents]]`: the source texts, inline or read from a file next to the data file.

use super::*;

impl Loader {
    /// The documents in id order, and the layer of each.
    pub(super) fn build_documents(&mut self, parsed: &mut [(usize, DataFile)]) -> (Vec<Document>, Vec<usize>) {
        let mut documents: Vec<(Document, usize)> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.documents) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let id_location = Self::at(file, &record.id);
                self.check_slug(id_location, "document", &id);
                if seen.insert(id.clone(), ()).is_some() {
                    self.report(id_location, format!("duplicate document id {id:?}"));
                }
                let text = match (record.text, record.path) {
                    (Some(text), None) => text,
                    (None, Some(path)) => {
                        let full = self.sources[file].directory().join(path.get_ref());
                        match super::read_regular_file(&full, self.max_file_bytes, super::DATA_FILE_LIMIT_FLAG) {
                            Ok(text) => text,
                            Err(problem) => {
                                self.report(
                                    Self::at(file, &path),
                                    format!("document {id:?}: cannot read {:?}: {problem}", path.get_ref()),
                                );
                                String::new()
                            }
                        }
                    }
                    _ => {
                        self.report(
                            location,
                            format!("document {id:?} needs exactly one of `text` and `path`"),
                        );
                        String::new()
                    }
                };
                documents.push((
                    Document {
                        id,
                        title: record.title,
                        source: record.source,
                        text,
                    },
                    self.sources[file].layer,
                ));
            }
        }
        documents.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        documents.into_iter().unzip()
    }
}
