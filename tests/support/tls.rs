//! A certificate authority of the test's own, as a council's internal CA: it signs the
//! certificates of local HTTPS services, and the server is told to trust it.

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

/// A CA whose certificate is written as a PEM file in `dir`.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    dir: tempfile::TempDir,
}

/// A certificate chain and key, as PEM files.
pub struct Issued {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("CA key");
        let issuer = CertifiedIssuer::self_signed(params, key).expect("CA certificate");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("ca.pem"), issuer.pem()).expect("write CA");
        TestCa { issuer, dir }
    }

    /// The CA's certificate, as a PEM file (what `integrations.ca_bundle` names).
    pub fn pem_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A certificate for `host`, signed by this CA.
    pub fn issue(&self, host: &str) -> Issued {
        let params = CertificateParams::new(vec![host.to_owned()]).expect("params");
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        let at = |name: &str| -> PathBuf { self.dir.path().join(format!("{host}-{name}.pem")) };
        std::fs::write(at("cert"), cert.pem()).expect("write cert");
        std::fs::write(at("key"), key.serialize_pem()).expect("write key");
        Issued {
            cert: at("cert"),
            key: at("key"),
        }
    }

    /// A TLS client configuration that trusts this CA only.
    pub fn client_config(&self) -> rustls::ClientConfig {
        crate::ensure_tls_provider();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.issuer.der().clone()).expect("CA root");
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
    }

    /// An HTTP client that trusts this CA only.
    pub fn http_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_backend_preconfigured(self.client_config())
            .build()
            .expect("client")
    }
}
