//! Which request targets may be sent at all, decided before touching the network.

use std::net::IpAddr;

use http::{Method, Uri, Version};

use crate::{RequestSent, TransportError, TransportErrorKind};

/// Refuses targets this transport must not or cannot send to.
///
/// Plain HTTP would expose signatures and bodies on the wire, so it is only allowed to loopback
/// hosts (local emulators) unless the embedder opts out.
pub(crate) fn check_request<B>(
    request: &http::Request<B>,
    allow_insecure_http: bool,
) -> Result<(), TransportError> {
    let uri = request.uri();
    let invalid = |why: &'static str| {
        TransportError::new(TransportErrorKind::InvalidRequest, RequestSent::No)
            .with_source(why)
            .with_target(uri)
    };
    // hyper-util is built without http2 and rejects CONNECT late; refuse both up front so the
    // error says the request never left.
    if !matches!(request.version(), Version::HTTP_10 | Version::HTTP_11) {
        return Err(invalid("only HTTP/1.0 and HTTP/1.1 are supported"));
    }
    if request.method() == Method::CONNECT {
        return Err(invalid("the CONNECT method is not supported"));
    }
    check_uri(uri, allow_insecure_http)
}

/// The URI half of [`check_request`]: absolute, with a host, and an allowed scheme.
pub(crate) fn check_uri(uri: &Uri, allow_insecure_http: bool) -> Result<(), TransportError> {
    let refuse = |kind, why: &'static str| {
        Err(TransportError::new(kind, RequestSent::No)
            .with_source(why)
            .with_target(uri))
    };
    let Some(scheme) = uri.scheme_str() else {
        return refuse(
            TransportErrorKind::InvalidRequest,
            "the URI must be absolute (scheme and host)",
        );
    };
    let host = match uri.host() {
        Some(host) if !host.is_empty() => host,
        _ => return refuse(TransportErrorKind::InvalidRequest, "the URI has no host"),
    };
    if scheme.eq_ignore_ascii_case("https") {
        Ok(())
    } else if scheme.eq_ignore_ascii_case("http") {
        if allow_insecure_http || is_loopback_host(host) {
            Ok(())
        } else {
            refuse(
                TransportErrorKind::InsecureScheme,
                "plain http is only allowed to loopback hosts unless allow_insecure_http is set",
            )
        }
    } else {
        refuse(
            TransportErrorKind::InvalidRequest,
            "unsupported URI scheme (use https)",
        )
    }
}

/// True for a URL host that never leaves the machine: `localhost` (also in absolute form,
/// `localhost.`), `127.0.0.0/8`, `::1` and IPv4-mapped loopback (`[::ffff:127.0.0.1]`),
/// bracketed or not. The one definition behind every "plain http only to loopback" check.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        // A trailing dot is the same name in absolute form.
        Err(_) => {
            let name = bare.strip_suffix('.').unwrap_or(bare);
            name.eq_ignore_ascii_case("localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(uri: &str, allow: bool) -> Result<(), TransportErrorKind> {
        let uri: Uri = uri
            .parse()
            .map_err(|_| TransportErrorKind::InvalidRequest)?;
        check_uri(&uri, allow).map_err(|e| {
            assert_eq!(e.request_sent(), RequestSent::No);
            e.kind()
        })
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1",
            "127.255.0.9",
            "[::1]",
            "::1",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "example.com",
            "localhost.example.com",
            "evil-localhost",
            "0.0.0.0",
            "10.0.0.1",
            "[::]",
            "[::2]",
            "128.0.0.1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn plain_http_is_refused_off_loopback_unless_allowed() {
        assert_eq!(
            check("http://example.com/x", false),
            Err(TransportErrorKind::InsecureScheme)
        );
        assert_eq!(
            check("HTTP://example.com/x", false),
            Err(TransportErrorKind::InsecureScheme)
        );
        assert_eq!(check("http://example.com/x", true), Ok(()));
        assert_eq!(check("http://127.0.0.1:8080/x", false), Ok(()));
        assert_eq!(check("http://[::1]:8080/x", false), Ok(()));
        assert_eq!(check("http://localhost/x", false), Ok(()));
        assert_eq!(check("https://api-hk.nxlink.ai/x", false), Ok(()));
    }

    #[test]
    fn malformed_targets_are_invalid() {
        assert_eq!(
            check("/relative/path", false),
            Err(TransportErrorKind::InvalidRequest)
        );
        assert_eq!(
            check("ftp://example.com/", true),
            Err(TransportErrorKind::InvalidRequest)
        );
        assert_eq!(
            check("ws://localhost/", true),
            Err(TransportErrorKind::InvalidRequest)
        );
    }

    #[test]
    fn unsupported_version_and_method_are_invalid() {
        let build = |method: Method, version: Version| {
            let mut req = http::Request::new(());
            *req.method_mut() = method;
            *req.version_mut() = version;
            *req.uri_mut() = Uri::from_static("https://api-hk.nxlink.ai/");
            check_request(&req, false).map_err(|e| e.kind())
        };
        assert_eq!(build(Method::POST, Version::HTTP_11), Ok(()));
        assert_eq!(
            build(Method::POST, Version::HTTP_2),
            Err(TransportErrorKind::InvalidRequest)
        );
        assert_eq!(
            build(Method::CONNECT, Version::HTTP_11),
            Err(TransportErrorKind::InvalidRequest)
        );
    }
}
