//! Client and server configurations: built once from options, shared by every stream.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;

use crate::{Error, Result};

/// The one crypto provider (ring). Every config is built with it through
/// `builder_with_provider`, so no process-wide default provider is ever installed (two
/// providers in one process make rustls panic).
pub(crate) fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// Which certificate authorities a client trusts.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Roots {
    /// The operating system's store and verifier (`rustls-platform-verifier`).
    #[default]
    System,
    /// Mozilla's root program, built in (`webpki-roots`).
    Mozilla,
    /// The certificates in this PEM text.
    Pem(String),
}

impl fmt::Debug for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Roots::System => f.write_str("System"),
            Roots::Mozilla => f.write_str("Mozilla"),
            Roots::Pem(text) => write!(f, "Pem({} bytes)", text.len()),
        }
    }
}

/// What a [`ClientConfig`] is built from. The field names are the script's option names.
///
/// ```
/// use sgssockets_core::tls::{ClientOptions, Roots};
///
/// let options = ClientOptions {
///     roots: Roots::Mozilla,
///     alpn: vec![b"h2".to_vec(), b"http/1.1".to_vec()],
///     ..ClientOptions::default()
/// };
/// assert!(!options.insecure_skip_verify);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    /// Trusted roots (default: the system's).
    pub roots: Roots,
    /// ALPN protocols offered, in order of preference (none: no ALPN extension).
    pub alpn: Vec<Vec<u8>>,
    /// A client certificate chain (PEM, leaf first), for servers that ask for one.
    pub client_cert: Option<String>,
    /// The client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub client_key: Option<String>,
    /// Accept any server certificate and any name. **Insecure**: anyone on the path can
    /// read and change the traffic. The handshake signatures are still checked.
    pub insecure_skip_verify: bool,
    /// The cipher suites allowed, by IANA name (`"TLS_AES_128_GCM_SHA256"`), in order of
    /// preference; empty for rustls's defaults (every suite of the ring provider).
    pub cipher_suites: Vec<String>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("roots", &self.roots)
            .field("alpn", &AlpnList(&self.alpn))
            .field("client_cert", &self.client_cert.as_ref().map(|c| c.len()))
            .field("client_key", &self.client_key.as_ref().map(|_| "<secret>"))
            .field("insecure_skip_verify", &self.insecure_skip_verify)
            .field("cipher_suites", &self.cipher_suites)
            .finish()
    }
}

/// What a [`ServerConfig`] is built from. The field names are the script's option names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerOptions {
    /// The certificate chain (PEM, leaf first). Required.
    pub cert: String,
    /// Its private key (PEM: PKCS#8, PKCS#1 or SEC1). Required.
    pub key: String,
    /// ALPN protocols accepted, in order of preference. A client offering none of them
    /// still connects, without a protocol.
    pub alpn: Vec<Vec<u8>>,
    /// Require a client certificate issued by one of these CAs (PEM).
    pub client_ca: Option<String>,
    /// The cipher suites allowed, by IANA name, in order of preference (empty: the
    /// defaults). See [`ClientOptions::cipher_suites`].
    pub cipher_suites: Vec<String>,
}

impl fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerOptions")
            .field("cert", &self.cert.len())
            .field("key", &"<secret>")
            .field("alpn", &AlpnList(&self.alpn))
            .field("client_ca", &self.client_ca.as_ref().map(|c| c.len()))
            .field("cipher_suites", &self.cipher_suites)
            .finish()
    }
}

struct AlpnList<'a>(&'a [Vec<u8>]);

impl fmt::Debug for AlpnList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|p| String::from_utf8_lossy(p)))
            .finish()
    }
}

/// A client configuration: verification, ALPN, client certificate. Build it once and
/// share it; cloning is cheap.
///
/// ```
/// use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots};
///
/// let config = ClientConfig::new(&ClientOptions { roots: Roots::Mozilla, ..Default::default() })?;
/// let bad = ClientConfig::new(&ClientOptions {
///     roots: Roots::Pem("not a certificate".into()),
///     ..Default::default()
/// });
/// let err = bad.unwrap_err();
/// assert_eq!(err.code(), sgssockets_core::errno::EINVAL);
/// assert!(err.message().starts_with("roots:"));
/// # drop(config);
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) inner: Arc<rustls::ClientConfig>,
    insecure: bool,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("alpn", &AlpnList(&self.inner.alpn_protocols))
            .field(
                "client_cert",
                &self.inner.client_auth_cert_resolver.has_certs(),
            )
            .field("insecure_skip_verify", &self.insecure)
            .finish()
    }
}

/// A server configuration: certificate, key, ALPN, client certificates. Build it once and
/// share it; cloning is cheap.
#[derive(Clone)]
pub struct ServerConfig {
    pub(crate) inner: Arc<rustls::ServerConfig>,
    client_auth: bool,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("alpn", &AlpnList(&self.inner.alpn_protocols))
            .field("client_ca", &self.client_auth)
            .finish()
    }
}

const CLIENT_OP: &str = "tls client config";
const SERVER_OP: &str = "tls server config";

/// An error about option `name`: `EINVAL`, text `"name: why"`.
fn bad_option(operation: &'static str, name: &str, why: impl fmt::Display) -> Error {
    Error::invalid_input(operation, format!("{name}: {why}"))
}

/// Every certificate in `pem` (at least one).
fn certificates(
    operation: &'static str,
    name: &str,
    pem: &str,
) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|err| bad_option(operation, name, format!("bad PEM: {err}")))?;
    if certs.is_empty() {
        return Err(bad_option(
            operation,
            name,
            "no certificate (BEGIN CERTIFICATE) in the PEM text",
        ));
    }
    Ok(certs)
}

/// The first private key in `pem`, checked to be one the provider can sign with.
fn private_key(operation: &'static str, name: &str, pem: &str) -> Result<PrivateKeyDer<'static>> {
    let key = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|err| match err {
        rustls_pki_types::pem::Error::NoItemsFound => bad_option(
            operation,
            name,
            "no private key (PKCS#8, PKCS#1 RSA or SEC1 EC) in the PEM text",
        ),
        other => bad_option(operation, name, format!("bad PEM: {other}")),
    })?;
    provider()
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|err| bad_option(operation, name, format!("unsupported private key: {err}")))?;
    Ok(key)
}

/// A root store from PEM certificates.
fn root_store(operation: &'static str, name: &str, pem: &str) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    for cert in certificates(operation, name, pem)? {
        store
            .add(cert)
            .map_err(|err| bad_option(operation, name, format!("unusable certificate: {err}")))?;
    }
    Ok(store)
}

/// The platform verifier, made once: on Linux it reads the system's certificate bundle.
fn system_verifier() -> Result<Arc<dyn ServerCertVerifier>> {
    static CACHE: Mutex<Option<Arc<dyn ServerCertVerifier>>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(verifier) = cache.as_ref() {
        return Ok(verifier.clone());
    }
    let verifier: Arc<dyn ServerCertVerifier> = Arc::new(
        rustls_platform_verifier::Verifier::new(provider())
            .map_err(|err| bad_option(CLIENT_OP, "roots", format!("system: {err}")))?,
    );
    *cache = Some(verifier.clone());
    Ok(verifier)
}

/// `insecure_skip_verify`: any certificate, any name; handshake signatures still checked.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The provider, or a copy allowing only `names` (IANA names, in that order).
fn provider_with_suites(operation: &'static str, names: &[String]) -> Result<Arc<CryptoProvider>> {
    let provider = provider();
    if names.is_empty() {
        return Ok(provider);
    }
    let mut suites = Vec::with_capacity(names.len());
    for name in names {
        let suite = provider
            .cipher_suites
            .iter()
            .find(|suite| super::iana_name(suite.suite()) == Some(name.as_str()))
            .ok_or_else(|| {
                bad_option(
                    operation,
                    "cipher_suites",
                    format!("unknown or unsupported cipher suite '{name}'"),
                )
            })?;
        suites.push(*suite);
    }
    Ok(Arc::new(CryptoProvider {
        cipher_suites: suites,
        ..(*provider).clone()
    }))
}

fn check_alpn(operation: &'static str, alpn: &[Vec<u8>]) -> Result<()> {
    if alpn.iter().any(|p| p.is_empty() || p.len() > 255) {
        return Err(bad_option(
            operation,
            "alpn",
            "each protocol name must be 1 to 255 bytes long",
        ));
    }
    Ok(())
}

impl ClientConfig {
    /// Builds a client configuration (TLS 1.2 and 1.3, ring). Errors (`EINVAL`) name the
    /// option in their text: `"roots: ..."`, `"client_key: ..."`.
    pub fn new(options: &ClientOptions) -> Result<ClientConfig> {
        const OP: &str = CLIENT_OP;
        check_alpn(OP, &options.alpn)?;
        let provider = provider_with_suites(OP, &options.cipher_suites)?;
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|err| bad_option(OP, "cipher_suites", err))?;
        let builder = if options.insecure_skip_verify {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        } else {
            match &options.roots {
                Roots::System => builder
                    .dangerous()
                    .with_custom_certificate_verifier(system_verifier()?),
                Roots::Mozilla => builder.with_root_certificates(RootCertStore::from_iter(
                    webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
                )),
                Roots::Pem(pem) => builder.with_root_certificates(root_store(OP, "roots", pem)?),
            }
        };
        let mut config = match (&options.client_cert, &options.client_key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(_), None) => {
                return Err(bad_option(
                    OP,
                    "client_key",
                    "client_cert needs a client_key",
                ))
            }
            (None, Some(_)) => {
                return Err(bad_option(
                    OP,
                    "client_cert",
                    "client_key needs a client_cert",
                ))
            }
            (Some(cert), Some(key)) => {
                let chain = certificates(OP, "client_cert", cert)?;
                let key = private_key(OP, "client_key", key)?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|err| bad_option(OP, "client_key", err))?
            }
        };
        config.alpn_protocols = options.alpn.clone();
        Ok(ClientConfig {
            inner: Arc::new(config),
            insecure: options.insecure_skip_verify,
        })
    }

    /// Wraps a rustls configuration built elsewhere. It must use the ring provider (or be
    /// the only provider the process uses).
    pub fn from_rustls(config: Arc<rustls::ClientConfig>) -> ClientConfig {
        ClientConfig {
            inner: config,
            insecure: false,
        }
    }

    /// The rustls configuration.
    pub fn as_rustls(&self) -> &Arc<rustls::ClientConfig> {
        &self.inner
    }
}

impl ServerConfig {
    /// Builds a server configuration (TLS 1.2 and 1.3, ring). Errors (`EINVAL`) name the
    /// option in their text: `"cert: ..."`, `"key: ..."`, `"client_ca: ..."`.
    ///
    /// ```
    /// use sgssockets_core::tls::{ServerConfig, ServerOptions};
    ///
    /// let err = ServerConfig::new(&ServerOptions::default()).unwrap_err();
    /// assert!(err.message().starts_with("cert:"));
    /// ```
    pub fn new(options: &ServerOptions) -> Result<ServerConfig> {
        const OP: &str = SERVER_OP;
        check_alpn(OP, &options.alpn)?;
        if options.cert.trim().is_empty() {
            return Err(bad_option(
                OP,
                "cert",
                "a server needs a certificate chain (PEM)",
            ));
        }
        if options.key.trim().is_empty() {
            return Err(bad_option(OP, "key", "a server needs a private key (PEM)"));
        }
        let chain = certificates(OP, "cert", &options.cert)?;
        let key = private_key(OP, "key", &options.key)?;
        let provider = provider_with_suites(OP, &options.cipher_suites)?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|err| bad_option(OP, "cipher_suites", err))?;
        let builder = match &options.client_ca {
            None => builder.with_no_client_auth(),
            Some(pem) => {
                let roots = Arc::new(root_store(OP, "client_ca", pem)?);
                let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider)
                    .build()
                    .map_err(|err| bad_option(OP, "client_ca", err))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|err| bad_option(OP, "key", err))?;
        config.alpn_protocols = options.alpn.clone();
        Ok(ServerConfig {
            inner: Arc::new(config),
            client_auth: options.client_ca.is_some(),
        })
    }

    /// Wraps a rustls configuration built elsewhere. It must use the ring provider (or be
    /// the only provider the process uses).
    pub fn from_rustls(config: Arc<rustls::ServerConfig>) -> ServerConfig {
        ServerConfig {
            inner: config,
            client_auth: false,
        }
    }

    /// The rustls configuration.
    pub fn as_rustls(&self) -> &Arc<rustls::ServerConfig> {
        &self.inner
    }
}

/// Checks a server name for [`TlsStream::client`](super::TlsStream::client) without
/// giving up a socket: a DNS name or an IP address (`EINVAL` otherwise).
///
/// ```
/// use sgssockets_core::tls::check_server_name;
/// assert!(check_server_name("example.com").is_ok());
/// assert!(check_server_name("127.0.0.1").is_ok());
/// assert!(check_server_name("not a name!").is_err());
/// ```
pub fn check_server_name(name: &str) -> Result<()> {
    parse_server_name("tls client", name).map(drop)
}

pub(crate) fn parse_server_name(
    operation: &'static str,
    name: &str,
) -> Result<ServerName<'static>> {
    ServerName::try_from(name.to_owned())
        .map_err(|err| Error::invalid_input(operation, format!("server name {name:?}: {err}")))
}
