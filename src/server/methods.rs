//! The closed set of method paths this server serves, read from the descriptor sets it
//! registers. Metric labels and the answer to an unknown method come from this set, never from
//! the path a client sent, so a client cannot grow the metrics or forge log fields.

use std::collections::HashMap;
use std::sync::Arc;

use prost::Message as _;

/// The label of every path that is not a method of this server.
pub const UNKNOWN_METHOD: &str = "unknown";

/// The methods (`/package.Service/Method`) and services this server answers.
#[derive(Debug, Clone)]
pub struct Methods {
    labels: HashMap<Box<str>, Arc<str>>,
    /// The methods whose request is one message (unary and server-streaming).
    one_message: std::collections::HashSet<Box<str>>,
    unknown: Arc<str>,
    services: Arc<str>,
}

impl Methods {
    /// Every method of every service in these encoded `FileDescriptorSet`s. A set that does not
    /// decode adds nothing (the sets are compiled into the binary, so that would be a build bug).
    pub fn from_descriptor_sets(sets: &[&[u8]]) -> Methods {
        let mut labels = HashMap::new();
        let mut one_message = std::collections::HashSet::new();
        let mut services = Vec::new();
        for set in sets {
            let Ok(set) = prost_types::FileDescriptorSet::decode(*set) else {
                continue;
            };
            for file in &set.file {
                let package = file.package();
                for service in &file.service {
                    let service_name = if package.is_empty() {
                        service.name().to_owned()
                    } else {
                        format!("{package}.{}", service.name())
                    };
                    for method in &service.method {
                        let path = format!("/{service_name}/{}", method.name());
                        if !method.client_streaming() {
                            one_message.insert(path.clone().into_boxed_str());
                        }
                        labels.insert(path.clone().into_boxed_str(), Arc::from(path));
                    }
                    if !services.contains(&service_name) {
                        services.push(service_name);
                    }
                }
            }
        }
        services.sort();
        Methods {
            labels,
            one_message,
            unknown: Arc::from(UNKNOWN_METHOD),
            services: Arc::from(services.join(", ")),
        }
    }

    /// The methods of everything this server registers: actorgraph.v1, health, reflection.
    pub fn served() -> Methods {
        Methods::from_descriptor_sets(&crate::call::served_sets().collect::<Vec<_>>())
    }

    /// The metric and log label of a request path: the path itself when it is a method of this
    /// server, else [`UNKNOWN_METHOD`].
    pub fn label(&self, path: &str) -> Arc<str> {
        self.labels
            .get(path)
            .map_or_else(|| Arc::clone(&self.unknown), Arc::clone)
    }

    /// Whether the path is a method of this server.
    pub fn is_known(&self, path: &str) -> bool {
        self.labels.contains_key(path)
    }

    /// Whether the path is a method of this server whose request is one message.
    pub fn takes_one_message(&self, path: &str) -> bool {
        self.one_message.contains(path)
    }

    /// The services served, comma-separated, for error messages.
    pub fn services(&self) -> &str {
        &self.services
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_method_is_known_and_anything_else_is_one_label() {
        let methods = Methods::served();
        assert!(methods.is_known("/actorgraph.v1.ExtractionService/ExtractEntities"));
        assert!(methods.is_known("/grpc.health.v1.Health/Check"));
        assert!(methods.is_known("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
        assert_eq!(&*methods.label("/x.Y/Z"), UNKNOWN_METHOD);
        assert!(methods.takes_one_message("/actorgraph.v1.ExtractionService/ExtractEntities"));
        assert!(methods.takes_one_message("/grpc.health.v1.Health/Watch"));
        assert!(!methods.takes_one_message("/actorgraph.v1.ExtractionService/StreamExtractEntities"));
        assert!(!methods.takes_one_message("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
        assert!(!methods.takes_one_message("/x.Y/Z"));
        assert_eq!(&*methods.label(&"/a".repeat(4000)), UNKNOWN_METHOD);
        assert!(methods.services().contains("actorgraph.v1.KnowledgeService"));
        assert!(methods.services().contains("grpc.health.v1.Health"));
    }
}
