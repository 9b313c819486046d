//! The client side of the health check, for the `actorgraph health` command: Docker's
//! HEALTHCHECK and exec probes run the binary itself, which has no grpcurl beside it.

use std::time::Duration;

use anyhow::Context as _;
use tonic::transport::{Certificate, Channel, ClientTlsConfig};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::config::HealthCheck;

/// The address to connect to for a listen address: an unspecified host (0.0.0.0, [::]) is
/// reached on loopback.
fn connect_address(address: &str) -> String {
    match address.rsplit_once(':') {
        Some(("0.0.0.0", port)) => format!("127.0.0.1:{port}"),
        Some(("[::]", port)) => format!("[::1]:{port}"),
        _ => address.to_owned(),
    }
}

/// Asks the server at `check.address` for its health; returns the status name (`SERVING`,
/// `NOT_SERVING`, ...).
///
/// # Errors
/// When the server cannot be reached in time, refuses the call, or a TLS file is unusable.
pub async fn check_health(check: &HealthCheck) -> anyhow::Result<String> {
    let address = connect_address(&check.address);
    let timeout = Duration::from_millis(check.timeout_ms);
    let scheme = if check.tls_ca.is_some() { "https" } else { "http" };
    let mut endpoint = Channel::from_shared(format!("{scheme}://{address}"))
        .with_context(|| format!("{address} is not a usable address"))?
        .connect_timeout(timeout)
        .timeout(timeout);
    if let Some(ca) = &check.tls_ca {
        let pem = std::fs::read(ca).with_context(|| format!("cannot read the TLS CA {}", ca.display()))?;
        let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem));
        if let Some(domain) = &check.tls_domain {
            tls = tls.domain_name(domain.clone());
        }
        endpoint = endpoint.tls_config(tls)?;
    }
    let channel = endpoint
        .connect()
        .await
        .with_context(|| format!("cannot connect to {address}"))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: check.service.clone(),
        })
        .await
        .with_context(|| format!("the health check of {address} failed"))?;
    let status = response.into_inner().status();
    Ok(status.as_str_name().to_owned())
}
