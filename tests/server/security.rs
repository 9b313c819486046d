//! TLS and mutual TLS, with a certificate authority and certificates made at test time.

use crate::common;

use actorgraph::config::ServerConfig;
use actorgraph::pb;
use common::{shipped_data, TestServer};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

/// A certificate authority, and certificates it signed for the server and for one client.
struct Pki {
    folder: tempfile::TempDir,
    ca_pem: String,
    client_cert_pem: String,
    client_key_pem: String,
}

fn make_pki() -> Pki {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "actorgraph test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("a CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().expect("a server key");
    let server_params = CertificateParams::new(vec!["localhost".to_owned()]).expect("server params");
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .expect("a server certificate");

    let client_key = KeyPair::generate().expect("a client key");
    let mut client_params = CertificateParams::new(vec!["client.test".to_owned()]).expect("client params");
    client_params
        .distinguished_name
        .push(DnType::CommonName, "a trusted client");
    let client_cert = client_params
        .signed_by(&client_key, &issuer)
        .expect("a client certificate");

    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("ca.pem"), ca_cert.pem()).expect("write");
    std::fs::write(folder.path().join("server.pem"), server_cert.pem()).expect("write");
    std::fs::write(folder.path().join("server.key"), server_key.serialize_pem()).expect("write");
    Pki {
        folder,
        ca_pem: ca_cert.pem(),
        client_cert_pem: client_cert.pem(),
        client_key_pem: client_key.serialize_pem(),
    }
}

fn tls_config(pki: &Pki, mutual: bool) -> ServerConfig {
    let mut config = ServerConfig::with_data(shipped_data());
    config.tls_cert = Some(pki.folder.path().join("server.pem"));
    config.tls_key = Some(pki.folder.path().join("server.key"));
    if mutual {
        config.tls_client_ca = Some(pki.folder.path().join("ca.pem"));
    }
    config
}

async fn connect(server: &TestServer, tls: ClientTlsConfig) -> Result<Channel, tonic::transport::Error> {
    Channel::from_shared(format!("https://localhost:{}", server.address.port()))
        .expect("a valid URI")
        .tls_config(tls)?
        .connect()
        .await
}

/// Whether a client with `tls` is refused: the handshake fails, or its first call does.
async fn refused(server: &TestServer, tls: ClientTlsConfig) -> bool {
    match connect(server, tls).await {
        Err(_) => true,
        Ok(channel) => get_libya(channel).await.is_err(),
    }
}

async fn get_libya(channel: Channel) -> Result<String, tonic::Status> {
    let mut client = pb::knowledge_service_client::KnowledgeServiceClient::new(channel);
    let response = client.get_entity(pb::GetEntityRequest { id: "libya".into() }).await?;
    Ok(response.into_inner().entity.map(|e| e.name).unwrap_or_default())
}

#[tokio::test]
async fn calls_over_tls_are_answered() {
    let pki = make_pki();
    let server = TestServer::start_with(tls_config(&pki, false)).await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca_pem))
        .domain_name("localhost");
    let channel = connect(&server, tls).await.expect("a TLS connection");
    assert_eq!(get_libya(channel).await.expect("an answer"), "Libya");
}

#[tokio::test]
async fn a_plaintext_client_gets_nothing_from_a_tls_server() {
    let pki = make_pki();
    let server = TestServer::start_with(tls_config(&pki, false)).await;
    let plaintext = Channel::from_shared(format!("http://127.0.0.1:{}", server.address.port()))
        .expect("a valid URI")
        .connect()
        .await;
    match plaintext {
        Err(_) => {}
        Ok(channel) => assert!(get_libya(channel).await.is_err(), "plaintext must not be answered"),
    }
}

#[tokio::test]
async fn mutual_tls_answers_a_client_with_a_trusted_certificate() {
    let pki = make_pki();
    let server = TestServer::start_with(tls_config(&pki, true)).await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca_pem))
        .domain_name("localhost")
        .identity(Identity::from_pem(&pki.client_cert_pem, &pki.client_key_pem));
    let channel = connect(&server, tls).await.expect("a mutual TLS connection");
    assert_eq!(get_libya(channel).await.expect("an answer"), "Libya");
}

#[tokio::test]
async fn mutual_tls_refuses_a_client_without_a_trusted_certificate() {
    let pki = make_pki();
    let server = TestServer::start_with(tls_config(&pki, true)).await;
    // No client certificate at all.
    let anonymous = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca_pem))
        .domain_name("localhost");
    assert!(
        refused(&server, anonymous).await,
        "a client without a certificate is refused"
    );
    // A certificate from another authority.
    let stranger = make_pki();
    let untrusted = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca_pem))
        .domain_name("localhost")
        .identity(Identity::from_pem(&stranger.client_cert_pem, &stranger.client_key_pem));
    assert!(
        refused(&server, untrusted).await,
        "a client with an untrusted certificate is refused"
    );
}
