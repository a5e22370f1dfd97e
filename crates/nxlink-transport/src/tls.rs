//! The rustls client configuration: which roots are trusted and which crypto provider runs.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::{RequestSent, TransportError, TransportErrorKind};

/// The trust settings gathered by the builder.
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    /// Whether the compiled-in (`webpki-roots`) and/or OS (`native-roots`) stores are trusted.
    pub(crate) built_in_roots: bool,
    /// Extra DER trust anchors, e.g. a private gateway's CA.
    pub(crate) extra_roots: Vec<Vec<u8>>,
    /// A complete configuration that replaces everything above.
    pub(crate) config: Option<ClientConfig>,
}

fn config_error(why: impl Into<crate::BoxError>) -> TransportError {
    TransportError::new(TransportErrorKind::Config, RequestSent::No).with_source(why)
}

/// Builds the client config with ring passed explicitly, so a process where feature unification
/// enabled two rustls providers still works (the process-wide default would panic there).
pub(crate) fn client_config(settings: TlsSettings) -> Result<ClientConfig, TransportError> {
    let mut config = match settings.config {
        Some(config) => {
            if !settings.extra_roots.is_empty() {
                return Err(config_error(
                    "add_root_certificate cannot be combined with tls_config; put the root in that config",
                ));
            }
            config
        }
        None => {
            let roots = root_store(settings.built_in_roots, &settings.extra_roots)?;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(config_error)?
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
    };
    // HTTP/1.1 only: hyper-rustls asserts (panics) on a preset ALPN list, and negotiating h2
    // would make hyper-util (built without http2) panic.
    config.alpn_protocols.clear();
    Ok(config)
}

fn root_store(built_in: bool, extra: &[Vec<u8>]) -> Result<RootCertStore, TransportError> {
    let mut roots = RootCertStore::empty();
    if built_in {
        add_built_in_roots(&mut roots)?;
    }
    for der in extra {
        roots
            .add(CertificateDer::from(der.as_slice()))
            .map_err(|e| {
                config_error(format!(
                    "add_root_certificate: not a usable DER certificate: {e}"
                ))
            })?;
    }
    if roots.is_empty() {
        return Err(config_error(
            "no TLS trust anchors: enable the `webpki-roots` or `native-roots` feature, \
             or call add_root_certificate / tls_config",
        ));
    }
    Ok(roots)
}

#[cfg(feature = "webpki-roots")]
fn add_webpki_roots(roots: &mut RootCertStore) {
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
}

#[cfg(not(feature = "webpki-roots"))]
fn add_webpki_roots(_roots: &mut RootCertStore) {}

#[cfg(feature = "native-roots")]
fn add_native_roots(roots: &mut RootCertStore) -> Result<(), TransportError> {
    let found = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    // Partial failures (one unreadable bundle among several) are tolerable; none at all is not.
    if added == 0
        && let Some(first) = found.errors.into_iter().next()
    {
        return Err(config_error(first));
    }
    Ok(())
}

#[cfg(not(feature = "native-roots"))]
fn add_native_roots(_roots: &mut RootCertStore) -> Result<(), TransportError> {
    Ok(())
}

fn add_built_in_roots(roots: &mut RootCertStore) -> Result<(), TransportError> {
    add_webpki_roots(roots);
    add_native_roots(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_root_is_a_config_error() {
        let settings = TlsSettings {
            built_in_roots: false,
            extra_roots: vec![b"not a certificate".to_vec()],
            config: None,
        };
        let err = client_config(settings).err().map(|e| e.kind());
        assert_eq!(err, Some(TransportErrorKind::Config));
    }

    #[test]
    fn no_roots_is_a_config_error() {
        let settings = TlsSettings::default();
        let err = client_config(settings).err().map(|e| e.kind());
        assert_eq!(err, Some(TransportErrorKind::Config));
    }

    #[test]
    fn preset_alpn_is_cleared() {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        add_webpki_roots(&mut roots);
        let Ok(builder) =
            ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions()
        else {
            panic!("ring supports the default versions");
        };
        let mut config = builder.with_root_certificates(roots).with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let settings = TlsSettings {
            config: Some(config),
            ..TlsSettings::default()
        };
        let out = client_config(settings).map(|c| c.alpn_protocols.len());
        assert_eq!(out.ok(), Some(0));
    }
}
