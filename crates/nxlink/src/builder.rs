//! Building a [`Client`]: region or base URL, credentials, algorithm, timeouts, transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use nxlink_sign::{Algorithm, Credentials, Signer};
use nxlink_transport::{HttpTransport, Transport};

use crate::client::{Batching, Client};
use crate::concurrency::BatchConcurrency;
use crate::error::Error;
use crate::region::{BaseUrl, Region};
use crate::retry::RetryPolicy;
use crate::signing::RequestSigner;

/// Contacts per call/append request unless configured otherwise.
///
/// 500 contacts of typical size make a body of about 100 KB: far below the 1 MiB request
/// limit common in front of HTTP gateways, and few enough that one failed batch is cheap to
/// retry. The API documents no maximum.
pub const DEFAULT_BATCH_SIZE: usize = 500;

/// Batches in flight at first, unless configured otherwise; the limit then adapts (see
/// [`BatchConcurrency::Adaptive`]).
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;

/// The most batches in flight the adaptive limit grows to unless configured otherwise:
/// 16 batches of 500 keep a gateway 80 ms away busy at 100 000 contacts/s, more than one
/// client process serializes and journals.
pub const DEFAULT_MAX_BATCH_CONCURRENCY: usize = 16;

/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "NXLINK_ACCESS_KEY";
/// Environment variable holding the access secret.
pub const ENV_ACCESS_SECRET: &str = "NXLINK_ACCESS_SECRET";
/// Environment variable naming the region (`hong-kong`, `americas`, `indonesia`).
pub const ENV_REGION: &str = "NXLINK_REGION";
/// Environment variable holding a base URL; wins over [`ENV_REGION`].
pub const ENV_BASE_URL: &str = "NXLINK_BASE_URL";
/// Environment variable selecting the signature algorithm (`md5` or `sha256`).
pub const ENV_SIGN_ALGORITHM: &str = "NXLINK_SIGN_ALGORITHM";

/// Where the client sends requests.
#[derive(Clone, Debug)]
enum Destination {
    Region(Region),
    BaseUrl(String),
}

/// Configures and builds a [`Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    /// Given by `.region(…)`; with `base_url` too, which one was meant is unknowable.
    region: Option<Region>,
    /// Given by `.base_url(…)`.
    base_url: Option<String>,
    /// Read by `from_env`/`from_lookup`: used when neither setter was called.
    env_destination: Option<Destination>,
    algorithm: Algorithm,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_response_body: Option<usize>,
    allow_insecure_http: bool,
    root_certificates: Vec<Vec<u8>>,
    transport: Option<Arc<dyn Transport>>,
    batch_size: Option<usize>,
    batch_concurrency: Option<BatchConcurrency>,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// A builder with nothing set: credentials and a region or base URL are required.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// Reads `NXLINK_ACCESS_KEY`, `NXLINK_ACCESS_SECRET`, `NXLINK_REGION` or `NXLINK_BASE_URL`,
    /// and `NXLINK_SIGN_ALGORITHM` from the process environment.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup` (handy in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let access_key = read(ENV_ACCESS_KEY)
            .ok_or_else(|| Error::config(format!("{ENV_ACCESS_KEY} is not set")))?;
        let access_secret = read(ENV_ACCESS_SECRET)
            .ok_or_else(|| Error::config(format!("{ENV_ACCESS_SECRET} is not set")))?;
        let mut builder =
            ClientBuilder::new().credentials(Credentials::new(access_key, access_secret));
        // Not through the setters: a later `.region(…)` or `.base_url(…)` replaces the
        // environment's choice without counting as a conflict.
        builder.env_destination = match (read(ENV_BASE_URL), read(ENV_REGION)) {
            (Some(base_url), _) => Some(Destination::BaseUrl(base_url)),
            (None, Some(region)) => {
                Some(Destination::Region(region.parse().map_err(|error| {
                    Error::config(format!("{ENV_REGION}: {error}"))
                })?))
            }
            (None, None) => {
                return Err(Error::config(format!(
                    "neither {ENV_BASE_URL} nor {ENV_REGION} is set"
                )));
            }
        };
        if let Some(algorithm) = read(ENV_SIGN_ALGORITHM) {
            builder = builder.algorithm(
                algorithm
                    .parse()
                    .map_err(|error| Error::config(format!("{ENV_SIGN_ALGORITHM}: {error}")))?,
            );
        }
        Ok(builder)
    }

    /// The access key and secret to sign with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends to a regional gateway. Calling both this and [`ClientBuilder::base_url`] is
    /// refused by [`ClientBuilder::build`]; either replaces what [`ClientBuilder::from_env`]
    /// read.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Sends to a gateway at this base URL (`https://…`, or `http://` on loopback). Calling
    /// both this and [`ClientBuilder::region`] is refused by [`ClientBuilder::build`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Signs with this algorithm (MD5 by default).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole exchange, connect to last byte (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Largest response body accepted (default 8 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Allows plain `http://` to hosts that are not loopback. Off by default: the signature
    /// protects integrity, not confidentiality, and request bodies carry personal data.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Trusts an extra root certificate (DER), for private gateways and tests.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(der.into());
        self
    }

    /// Sends through this transport instead of the built-in hyper client; the timeout, body
    /// limit and certificate settings above then do not apply.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Contacts per `call/append` (and per `task/create`) request when a list is split
    /// (default [`DEFAULT_BATCH_SIZE`]).
    pub fn batch_size(mut self, contacts: usize) -> Self {
        self.batch_size = Some(contacts);
        self
    }

    /// Exactly this many batches in flight at once when a list is split, instead of the
    /// default adaptive limit (see [`ClientBuilder::adaptive_batch_concurrency`]).
    pub fn batch_concurrency(mut self, requests: usize) -> Self {
        self.batch_concurrency = Some(BatchConcurrency::Fixed(requests));
        self
    }

    /// Batches in flight at once when a list is split, adapting within `min..=max` to the
    /// gateway's answers: growing while they come back quick and 2xx, halving on 429, 5xx,
    /// timeouts or rising latency, and starting no batch while a `Retry-After` runs. The
    /// default, with `1..=`[`DEFAULT_MAX_BATCH_CONCURRENCY`], starting from
    /// [`DEFAULT_BATCH_CONCURRENCY`] (or the nearest bound).
    pub fn adaptive_batch_concurrency(mut self, requests: std::ops::RangeInclusive<usize>) -> Self {
        let (min, max) = requests.into_inner();
        self.batch_concurrency = Some(BatchConcurrency::Adaptive {
            initial: DEFAULT_BATCH_CONCURRENCY.clamp(min.min(max), max),
            min,
            max,
        });
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::standard`]; [`RetryPolicy::disabled`]
    /// turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::config("no credentials: call .credentials(…)"))?;
        if credentials.access_key().is_empty() || credentials.access_secret().is_empty() {
            return Err(Error::config(
                "the access key and the access secret must not be empty",
            ));
        }
        let concurrency = self
            .batch_concurrency
            .unwrap_or(BatchConcurrency::Adaptive {
                initial: DEFAULT_BATCH_CONCURRENCY,
                min: 1,
                max: DEFAULT_MAX_BATCH_CONCURRENCY,
            })
            .check()
            .map_err(Error::config)?;
        let batching = Batching {
            size: self.batch_size.unwrap_or(DEFAULT_BATCH_SIZE),
            concurrency,
        };
        if batching.size == 0 {
            return Err(Error::config("batch size must be at least 1"));
        }
        let destination = match (self.region, self.base_url) {
            (Some(region), Some(base_url)) => {
                return Err(Error::config(format!(
                    "both .region(…) and .base_url(…) were called ({region:?} and \
                     {base_url:?}): call one of them"
                )));
            }
            (Some(region), None) => Some(Destination::Region(region)),
            (None, Some(base_url)) => Some(Destination::BaseUrl(base_url)),
            (None, None) => self.env_destination,
        };
        let base_url = match destination {
            Some(Destination::Region(region)) => BaseUrl::parse(region.base_url(), false),
            Some(Destination::BaseUrl(url)) => BaseUrl::parse(&url, self.allow_insecure_http),
            None => {
                return Err(Error::config(
                    "no destination: call .region(Region::…) or .base_url(…)",
                ));
            }
        }
        .map_err(Error::config)?;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => {
                let mut builder =
                    HttpTransport::builder().allow_insecure_http(self.allow_insecure_http);
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = self.request_timeout {
                    builder = builder.request_timeout(timeout);
                }
                if let Some(limit) = self.max_response_body {
                    builder = builder.max_response_body(limit);
                }
                for der in self.root_certificates {
                    builder = builder.add_root_certificate(der);
                }
                Arc::new(builder.build().map_err(|error| {
                    Error::config(format!("could not set up the HTTP client: {error}"))
                })?)
            }
        };
        let signer = RequestSigner::new(Signer::new(credentials, self.algorithm))?;
        Ok(Client::new(
            base_url, signer, transport, batching, self.retry,
        ))
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `NXLINK_*` environment variables (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("env_destination", &self.env_destination)
            .field("algorithm", &self.algorithm)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_response_body", &self.max_response_body)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("root_certificates", &self.root_certificates.len())
            .field("transport", &self.transport)
            .field("batch_size", &self.batch_size)
            .field("batch_concurrency", &self.batch_concurrency)
            .field("retry", &self.retry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientBuilder {
        ClientBuilder::new().credentials(Credentials::new("AK-test", "secret-test"))
    }

    #[test]
    fn a_region_and_a_base_url_together_are_refused() {
        for conflicting in [
            builder()
                .region(Region::HongKong)
                .base_url("http://127.0.0.1:9"),
            builder()
                .base_url("http://127.0.0.1:9")
                .region(Region::HongKong),
        ] {
            let error = conflicting.build().expect_err("ambiguous");
            assert!(
                error
                    .to_string()
                    .contains("both .region(…) and .base_url(…)"),
                "{error}"
            );
        }
        let twice = builder()
            .base_url("http://127.0.0.1:8")
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("the same setting given twice: the last one");
        assert_eq!(twice.base_url(), "http://127.0.0.1:9");
    }

    #[test]
    fn a_setter_replaces_the_environments_destination() {
        let env = |name: &str| match name {
            ENV_ACCESS_KEY => Some("AK-env".to_owned()),
            ENV_ACCESS_SECRET => Some("secret-env".to_owned()),
            ENV_BASE_URL => Some("http://127.0.0.1:7".to_owned()),
            _ => None,
        };
        let client = ClientBuilder::from_lookup(env)
            .expect("read")
            .region(Region::HongKong)
            .build()
            .expect("the setter decides");
        assert_eq!(client.base_url(), Region::HongKong.base_url());
    }
}
