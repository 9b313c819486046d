//! Evidence of relations, agreements and disputes: quotes located in their document, and cited
//! outside sources.

use super::*;

impl Loader {
    pub(super) fn resolve_evidence(
        &mut self,
        file: usize,
        owner: Location,
        references: &References<'_>,
        records: &[Spanned<EvidenceRecord>],
    ) -> Vec<Evidence> {
        if records.is_empty() {
            self.report(
                owner,
                "missing evidence: quote the sentence or clause that states it, or cite a source that does",
            );
            return Vec::new();
        }
        let mut evidence = Vec::new();
        for record in records {
            let location = Self::at(file, record);
            let (document, quote) = match record.get_ref() {
                EvidenceRecord::Quote(quote) => {
                    // A quote without a document is from the one document of its own layer, so
                    // that adding a layer with a document never breaks another layer's quotes.
                    let layer = self.sources[file].layer;
                    let mut own = (0..references.documents.len()).filter(|&d| references.document_layers[d] == layer);
                    match (own.next(), own.next()) {
                        (Some(only), None) => (DocumentIndex::new(only), quote),
                        (None, _) => {
                            self.report(
                                location,
                                "evidence quotes a document, but this layer has none: name its `document`, or add the document to this layer",
                            );
                            continue;
                        }
                        (Some(_), Some(_)) => {
                            self.report(
                                location,
                                "evidence must name its `document` when its layer has more than one document",
                            );
                            continue;
                        }
                    }
                }
                EvidenceRecord::Located(located) => match references.document_by_id.get(&located.document) {
                    Some(&index) => (index, &located.quote),
                    None => {
                        self.report(
                            location,
                            format!("evidence names unknown document {:?}", located.document),
                        );
                        continue;
                    }
                },
                EvidenceRecord::Cited(citation) => {
                    if let Some(citation) = self.check_citation(location, citation) {
                        evidence.push(Evidence::Cited(citation));
                    }
                    continue;
                }
            };
            let text = &references.documents[document].text;
            match locate_quote(text, quote) {
                Some((start, end)) => {
                    let span = OffsetConverter::new(text).span(start, end);
                    evidence.push(Evidence::Quote(Quote {
                        document,
                        span,
                        quote: text[start..end].to_owned(),
                    }));
                }
                None => self.report(
                    location,
                    format!(
                        "evidence quote not found in document {:?}: {quote:?}",
                        references.documents[document].id
                    ),
                ),
            }
        }
        evidence
    }

    /// A citation with a title, a publisher, a real date and, when given, a web address.
    fn check_citation(&mut self, location: Location, record: &CitationRecord) -> Option<Citation> {
        let mut valid = true;
        for (field, value) in [("title", &record.title), ("publisher", &record.publisher)] {
            if value.trim().is_empty() {
                self.report(location, format!("cited source: empty {field}"));
                valid = false;
            }
        }
        if let Some(date) = &record.date {
            if let Err(why) = check_date(date) {
                self.report(location, format!("cited source: bad date {date:?}: {why}"));
                valid = false;
            }
        }
        if let Some(url) = &record.url {
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || url.contains(char::is_whitespace) {
                self.report(
                    location,
                    format!("cited source: {url:?} is not a web address (http:// or https://, no spaces)"),
                );
                valid = false;
            }
        }
        valid.then(|| Citation {
            title: record.title.trim().to_owned(),
            publisher: record.publisher.trim().to_owned(),
            date: record.date.clone(),
            url: record.url.clone(),
            note: record.note.clone(),
        })
    }
}
