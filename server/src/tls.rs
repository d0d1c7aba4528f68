//! TLS, on rustls with the `ring` provider (no OpenSSL, no aws-lc: nothing to build in C
//! beyond ring's own few files), both ways:
//!
//! - **Outbound** ([`outbound_client`]): slash commands and Telegram webhooks may call `https://`
//!   services. Certificates are checked against the system's CA store plus, when
//!   `integrations.ca_bundle` names one, a PEM bundle of the council's own CAs (internal
//!   services are often signed by one).
//! - **Inbound** ([`acceptor`]): `[tls] cert` and `key` serve HTTPS and WSS directly, for
//!   installs without a reverse proxy. Responses then carry HSTS (see `api::router`).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::{Config, TlsSettings};

/// Why TLS could not be set up (the server does not start).
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} holds no PEM certificate")]
    NoCertificate { path: String },
    #[error("TLS setup failed: {0}")]
    Setup(String),
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Makes `ring` the process's default TLS provider, for HTTP clients built without a TLS
/// configuration of their own (the tests', the bench's). Harmless when one is installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let display = path.display().to_string();
    let certificates = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Read {
            path: display.clone(),
            reason: e.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(TlsError::NoCertificate { path: display });
    }
    Ok(certificates)
}

/// The trust store of outbound calls: the system's CAs and the configured bundle.
fn root_store(ca_bundle: Option<&Path>) -> Result<rustls::RootCertStore, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    let system = rustls_native_certs::load_native_certs();
    for error in &system.errors {
        tracing::warn!(error = %error, "some system CA certificates could not be read");
    }
    let (added, ignored) = roots.add_parsable_certificates(system.certs);
    if ignored > 0 {
        tracing::warn!(ignored, "some system CA certificates were not usable");
    }
    if let Some(bundle) = ca_bundle {
        for certificate in read_certificates(bundle)? {
            roots.add(certificate).map_err(|e| TlsError::Read {
                path: bundle.display().to_string(),
                reason: e.to_string(),
            })?;
        }
    }
    if roots.is_empty() {
        tracing::warn!(
            system = added,
            "no CA certificate is trusted: https:// integrations will fail (install \
             ca-certificates or set integrations.ca_bundle)"
        );
    }
    Ok(roots)
}

/// The HTTP client of integrations: https with the trust store above, no redirects (one
/// could lead off the allowlist, carrying a command's token), Xerrada's user agent.
pub fn outbound_client(config: &Config) -> Result<reqwest::Client, TlsError> {
    install_crypto_provider();
    let roots = root_store(config.integrations.ca_bundle.as_deref())?;
    let tls = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Xerrada/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| TlsError::Setup(e.to_string()))
}

/// The listener's TLS, when `[tls]` names a certificate chain and its key.
pub fn acceptor(settings: &TlsSettings) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let chain = read_certificates(&settings.cert)?;
    let key = PrivateKeyDer::from_pem_file(&settings.key).map_err(|e| TlsError::Read {
        path: settings.key.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut server = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Setup(format!("the certificate and key do not go together: {e}")))?;
    // The server speaks HTTP/1.1 only (WebSockets upgrade from it).
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(server)))
}
