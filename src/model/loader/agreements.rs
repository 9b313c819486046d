//! `[[agreements]]`: agreements with their parties, lifecycle, disputes and evidence.

use super::*;

impl Loader {
    pub(super) fn build_agreements(
        &mut self,
        parsed: &mut [(usize, DataFile)],
        references: &References<'_>,
    ) -> Vec<Agreement> {
        let mut agreements = Vec::new();
        let mut seen = HashSet::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.agreements) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                self.check_slug(Self::at(file, &record.id), "agreement", &id);
                if !seen.insert(id.clone()) {
                    self.report(Self::at(file, &record.id), format!("duplicate agreement id {id:?}"));
                }
                if record.parties.is_empty() {
                    self.report(location, format!("agreement {id:?} has no parties"));
                }
                let parties = record
                    .parties
                    .iter()
                    .filter_map(|p| self.resolve_entity(file, references, p, "party"))
                    .collect();
                let mut disputes: Vec<Dispute> = Vec::new();
                for dispute in &record.disputes {
                    let dispute_location = Self::at(file, dispute);
                    let dispute = dispute.get_ref();
                    let by = self.resolve_entity(file, references, &dispute.by, "disputes: by");
                    let evidence = self.resolve_evidence(file, dispute_location, references, &dispute.evidence);
                    let Some(by) = by else {
                        continue;
                    };
                    if disputes.iter().any(|d| d.by == by) {
                        self.report(
                            dispute_location,
                            format!("agreement {id:?}: {:?} disputes it twice", dispute.by.get_ref()),
                        );
                    }
                    disputes.push(Dispute { by, evidence });
                }
                let status = AgreementStatus::parse(record.status.get_ref()).unwrap_or_else(|| {
                    let hint = if record.status.get_ref().trim() == "disputed" {
                        ": a dispute is not a stage of an agreement's life; give the stage it is at and list who contests it under `disputes`"
                    } else {
                        ""
                    };
                    self.report(
                        Self::at(file, &record.status),
                        format!(
                            "agreement {id:?}: unknown status {:?}; expected one of {}{hint}",
                            record.status.get_ref(),
                            AgreementStatus::names().join(", ")
                        ),
                    );
                    AgreementStatus::Proposed
                });
                let date = record.date.as_ref().map(|date| {
                    if let Err(why) = check_date(date.get_ref()) {
                        self.report(
                            Self::at(file, date),
                            format!("agreement {id:?}: bad date {:?}: {why}", date.get_ref()),
                        );
                    }
                    date.get_ref().clone()
                });
                let period = self.check_period(file, record.period.as_ref());
                let evidence = self.resolve_evidence(file, location, references, &record.evidence);
                agreements.push(Agreement {
                    id,
                    title: record.title,
                    parties,
                    subject: record.subject,
                    provisions: record.provisions,
                    status,
                    date,
                    period,
                    disputes,
                    evidence,
                });
            }
        }
        agreements.sort_by(|a, b| a.id.cmp(&b.id));
        agreements
    }
}
