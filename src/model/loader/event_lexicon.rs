//! `[[event_codes]]`, `[[event_triggers]]` and `[[event_word_classes]]`: the event lexicon,
//! handed to `crate::model::event_lexicon`, whose checks it reports with their file and line.

use super::*;

impl Loader {
    /// The event lexicon of every layer's `[[event_codes]]`, `[[event_triggers]]` and
    /// `[[event_word_classes]]` records; the checks are the lexicon's own.
    pub(super) fn build_event_lexicon(
        &mut self,
        parsed: &[(usize, DataFile)],
        predicate_by_name: &HashMap<String, PredicateIndex>,
    ) -> crate::model::event_lexicon::Lexicon {
        fn at(s: &Spanned<String>) -> (&str, usize) {
            (s.get_ref().as_str(), s.span().start)
        }
        use crate::model::event_lexicon::{ClassInput, CodeInput, Lexicon, TriggerInput};
        let mut codes = Vec::new();
        let mut triggers = Vec::new();
        let mut classes = Vec::new();
        for (file, data) in parsed.iter() {
            let file = *file;
            for record in &data.event_codes {
                let r = record.get_ref();
                codes.push(CodeInput {
                    at: (file, record.span().start),
                    code: at(&r.code),
                    name: &r.name,
                    corroborates: r.corroborates.iter().map(at).collect(),
                    agreements: r.agreements,
                });
            }
            for record in &data.event_triggers {
                let r = record.get_ref();
                triggers.push(TriggerInput {
                    at: (file, record.span().start),
                    code: at(&r.code),
                    role: r.role.as_ref().map(at),
                    verbs: r.verbs.iter().map(at).collect(),
                    forms: r.forms.iter().map(at).collect(),
                    nouns: r.nouns.iter().map(at).collect(),
                    agents: r.agents.iter().map(at).collect(),
                    refine: r.refine.iter().map(|f| (at(&f.near), at(&f.code))).collect(),
                    objects: r.objects.iter().map(at).collect(),
                    mutual: r.mutual,
                    direct: r.direct,
                });
            }
            for record in &data.event_word_classes {
                let r = record.get_ref();
                classes.push(ClassInput {
                    at: (file, record.span().start),
                    name: at(&r.name),
                    words: r.words.iter().map(at).collect(),
                    verbs: r.verbs.iter().map(at).collect(),
                });
            }
        }
        match Lexicon::build(&codes, &triggers, &classes, &|p| predicate_by_name.contains_key(p)) {
            Ok(built) => {
                for (file, byte, message) in built.warnings {
                    let source = &self.sources[file];
                    self.warnings.push(Problem {
                        file: source.path.clone(),
                        line: source.line_of(byte),
                        message,
                    });
                }
                built.lexicon
            }
            Err(problems) => {
                for (file, byte, message) in problems {
                    self.report(Location { file, byte }, message);
                }
                Lexicon::default()
            }
        }
    }
}
