//! Where requests go: the regional gateways, or a base URL of your own.

use std::fmt;
use std::str::FromStr;

use nxlink_transport::is_loopback_host;

/// An NXLink API gateway region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// APAC, Hong Kong: `https://api-hk.nxlink.ai`.
    HongKong,
    /// AMER, the Americas: `https://chl-api.nxlink.ai`.
    Americas,
    /// APAC (IDN), Indonesia: `https://api-idn.nxlink.ai`.
    Indonesia,
    /// The legacy US-West gateway some older pages name: `https://api-westus.nxlink.ai`.
    LegacyWestUs,
}

impl Region {
    /// The gateway's base URL.
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::HongKong => "https://api-hk.nxlink.ai",
            Region::Americas => "https://chl-api.nxlink.ai",
            Region::Indonesia => "https://api-idn.nxlink.ai",
            Region::LegacyWestUs => "https://api-westus.nxlink.ai",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::HongKong => "hong-kong",
            Region::Americas => "americas",
            Region::Indonesia => "indonesia",
            Region::LegacyWestUs => "legacy-west-us",
        })
    }
}

/// A region name that is not one of ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRegion(String);

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown region {:?}: expected hong-kong (hk, apac), americas (amer), indonesia (idn) \
             or legacy-west-us (westus)",
            self.0
        )
    }
}

impl std::error::Error for UnknownRegion {}

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Accepts the region names, the console's region codes and short forms, in any case.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let normalized: String = value
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' ' | '(' | ')'))
            .flat_map(char::to_lowercase)
            .collect();
        match normalized.as_str() {
            "hongkong" | "hk" | "apac" => Ok(Region::HongKong),
            "americas" | "amer" | "chl" => Ok(Region::Americas),
            "indonesia" | "idn" | "apacidn" => Ok(Region::Indonesia),
            "legacywestus" | "westus" => Ok(Region::LegacyWestUs),
            _ => Err(UnknownRegion(value.chars().take(40).collect())),
        }
    }
}

/// A checked gateway base URL: `http(s)://host[:port][/prefix]`, no query, no trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    text: String,
    /// Scheme and authority, when the base URL has no path prefix: endpoint URIs are then
    /// assembled from parts without parsing.
    origin: Option<(http::uri::Scheme, http::uri::Authority)>,
}

impl BaseUrl {
    /// Checks a base URL; plain `http` is allowed for loopback hosts or when opted into.
    pub(crate) fn parse(raw: &str, allow_insecure_http: bool) -> Result<Self, String> {
        let trimmed = raw.trim().trim_end_matches('/');
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|_| format!("base URL {trimmed:?} is not a valid URL"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| format!("base URL {trimmed:?} has no scheme (https://…)"))?;
        let host = uri
            .host()
            .ok_or_else(|| format!("base URL {trimmed:?} has no host"))?;
        if uri.query().is_some() {
            return Err(format!("base URL {trimmed:?} must not carry a query"));
        }
        match scheme {
            "https" => {}
            "http" if allow_insecure_http || is_loopback_host(host) => {}
            "http" => {
                return Err(format!(
                    "base URL {trimmed:?} uses plain http to a non-loopback host; use https, or \
                     allow insecure http explicitly"
                ));
            }
            other => return Err(format!("base URL scheme {other:?} is not http or https")),
        }
        let parts = uri.into_parts();
        let bare = parts
            .path_and_query
            .as_ref()
            .is_none_or(|path| path.as_str().is_empty() || path.as_str() == "/");
        let origin = match (bare, parts.scheme, parts.authority) {
            (true, Some(scheme), Some(authority)) => Some((scheme, authority)),
            _ => None,
        };
        Ok(BaseUrl {
            text: trimmed.to_owned(),
            origin,
        })
    }

    /// The full URL of an endpoint path (which starts with `/`).
    pub(crate) fn join(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.text.len() + path.len());
        url.push_str(&self.text);
        url.push_str(path);
        url
    }

    /// The URI of an endpoint path (which starts with `/`).
    pub(crate) fn uri_for(&self, path: &'static str) -> Result<http::Uri, String> {
        match &self.origin {
            Some((scheme, authority)) => {
                let mut parts = http::uri::Parts::default();
                parts.scheme = Some(scheme.clone());
                parts.authority = Some(authority.clone());
                parts.path_and_query = Some(http::uri::PathAndQuery::from_static(path));
                http::Uri::from_parts(parts).map_err(|error| error.to_string())
            }
            None => self
                .join(path)
                .parse::<http::Uri>()
                .map_err(|error| error.to_string()),
        }
        .map_err(|error| format!("cannot form the URL of {path}: {error}"))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_parse_loosely_and_map_to_gateways() {
        assert_eq!("HK".parse(), Ok(Region::HongKong));
        assert_eq!("hong-kong".parse(), Ok(Region::HongKong));
        assert_eq!("AMER".parse(), Ok(Region::Americas));
        assert_eq!("APAC(IDN)".parse(), Ok(Region::Indonesia));
        assert_eq!("westus".parse(), Ok(Region::LegacyWestUs));
        assert!("mars".parse::<Region>().is_err());
        assert_eq!(Region::Americas.base_url(), "https://chl-api.nxlink.ai");
        for region in [
            Region::HongKong,
            Region::Americas,
            Region::Indonesia,
            Region::LegacyWestUs,
        ] {
            assert_eq!(region.to_string().parse(), Ok(region));
        }
    }

    #[test]
    fn base_url_refuses_plain_http_to_remote_hosts() {
        assert!(BaseUrl::parse("http://api.example.com", false).is_err());
        assert!(BaseUrl::parse("http://api.example.com", true).is_ok());
        assert!(BaseUrl::parse("http://127.0.0.1:8080/", false).is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080", false).is_ok());
        assert!(BaseUrl::parse("http://localhost:1", false).is_ok());
        // The transport's one loopback rule: IPv4-mapped loopback and the absolute name are
        // local too; a name merely containing "localhost" is not.
        assert!(BaseUrl::parse("http://[::ffff:127.0.0.1]:8080", false).is_ok());
        assert!(BaseUrl::parse("http://localhost.:8080", false).is_ok());
        assert!(BaseUrl::parse("http://localhost.example.com", false).is_err());
        assert!(BaseUrl::parse("http://[::ffff:10.0.0.1]", false).is_err());
        assert!(BaseUrl::parse("ftp://localhost", false).is_err());
        assert!(BaseUrl::parse("https://h/x?y=1", false).is_err());
        assert!(BaseUrl::parse("not a url", false).is_err());
        let url = BaseUrl::parse("https://gw.example.com/prefix/", false).expect("valid");
        assert_eq!(
            url.join("/openapi/aiagent/task/create"),
            "https://gw.example.com/prefix/openapi/aiagent/task/create"
        );
        let path = "/openapi/aiagent/task/create";
        for base in [
            "https://gw.example.com/prefix",
            "http://127.0.0.1:8080/",
            "https://h",
        ] {
            let url = BaseUrl::parse(base, false).expect("valid");
            let uri = url.uri_for(path).expect("uri");
            assert_eq!(uri.to_string(), url.join(path), "{base}");
        }
    }
}
