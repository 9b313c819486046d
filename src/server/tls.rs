//! Checks the TLS files at start, so that a wrong file is named with what is wrong with it
//! (rustls itself only says `KeyMismatch`, or a client later sees `peer sent no certificates`).

use std::path::Path;

use anyhow::{anyhow, Context as _};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The certificates of a PEM file, or an error naming the file.
fn certificates(path: &Path, pem: &[u8], what: &str) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| anyhow!("the TLS {what} {} is not valid PEM: {error}", path.display()))?;
    if certificates.is_empty() {
        return Err(anyhow!(
            "the TLS {what} {} holds no certificate (a PEM block \"-----BEGIN CERTIFICATE-----\")",
            path.display()
        ));
    }
    Ok(certificates)
}

/// Checks that the certificate file holds a certificate chain, the key file a private key
/// that rustls supports, and that the key belongs to the chain's first certificate.
///
/// # Errors
/// Naming the file at fault and what is wrong with it.
pub fn check_identity(cert: &Path, cert_pem: &[u8], key: &Path, key_pem: &[u8]) -> anyhow::Result<()> {
    let chain = certificates(cert, cert_pem, "certificate")?;
    let private_key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|error| {
        anyhow!(
            "the TLS key {} holds no PEM private key (\"-----BEGIN PRIVATE KEY-----\", RSA or EC): {error}",
            key.display()
        )
    })?;
    let provider = rustls::crypto::ring::default_provider();
    let signing_key = provider
        .key_provider
        .load_private_key(private_key)
        .map_err(|error| anyhow!("the TLS key {} is not a usable private key: {error}", key.display()))?;
    rustls::sign::CertifiedKey::new(chain, signing_key)
        .keys_match()
        .or_else(|error| match error {
            // rustls cannot compare every kind of key; the handshake will tell.
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown) => Ok(()),
            error => Err(error),
        })
        .with_context(|| {
            format!(
                "the TLS key {} does not belong to the certificate {} (the first certificate of the file must be the server's own)",
                key.display(),
                cert.display()
            )
        })
}

/// Checks that the client CA file holds certificates that can serve as trust anchors.
///
/// # Errors
/// Naming the file and what is wrong with it.
pub fn check_client_ca(ca: &Path, pem: &[u8]) -> anyhow::Result<()> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates(ca, pem, "client CA")? {
        roots.add(certificate).map_err(|error| {
            anyhow!(
                "the TLS client CA {} holds a certificate that cannot be a trust anchor: {error}",
                ca.display()
            )
        })?;
    }
    Ok(())
}
