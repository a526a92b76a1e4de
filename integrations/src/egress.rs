//! Which addresses the server may send partner traffic to. A partner's endpoint is set by an
//! org admin, so it must not become a way into the deployment's own network: loopback,
//! private, link-local (cloud metadata at 169.254.169.254), unique-local, shared and
//! unspecified addresses are refused — when the URL is saved, and again when connecting, after
//! DNS resolution, so that a name cannot be re-pointed inside later (DNS rebinding). Hosts the
//! deployment lists in `partners.allowed_hosts` are exempt; development allows loopback for the
//! simulators.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

#[derive(Debug, Clone, Default)]
pub struct EgressPolicy {
    /// Host names or addresses reached even though they resolve inside.
    pub allowed_hosts: Vec<String>,
    /// Loopback allowed (development: the partner simulators run on 127.0.0.1).
    pub allow_loopback: bool,
    /// Plain http refused (production).
    pub require_https: bool,
}

impl EgressPolicy {
    fn host_allowed(&self, host: &str) -> bool {
        self.allowed_hosts.iter().any(|h| bare(h).eq_ignore_ascii_case(bare(host)))
    }

    /// Whether traffic may go to `ip`.
    pub fn address_allowed(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        if ip.is_loopback() {
            return self.allow_loopback;
        }
        match ip {
            IpAddr::V4(v4) => {
                !(v4.is_private()
                    || v4.is_link_local()
                    || v4.is_unspecified()
                    || v4.is_broadcast()
                    || v4.is_multicast()
                    || shared(v4))
            }
            IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast() || unique_local(v6) || link_local(v6)),
        }
    }

    /// Checks a URL as far as it can be without resolving it: scheme, and a host written as an
    /// address or as `localhost`. Returns why it is refused.
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), String> {
        match url.scheme() {
            "https" => {}
            "http" if !self.require_https => {}
            "http" => return Err("use https".into()),
            _ => return Err("an http(s) URL is expected".into()),
        }
        let Some(host) = url.host_str() else { return Err("the URL has no host".into()) };
        if self.host_allowed(host) {
            return Ok(());
        }
        let lower = host.to_ascii_lowercase();
        let ip = match address(host) {
            Some(ip) => ip,
            None if lower == "localhost" || lower.ends_with(".localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
            None => return Ok(()),
        };
        if self.address_allowed(ip) { Ok(()) } else { Err(format!("{ip} is an internal address")) }
    }

    /// Checks a URL and, for a host name, every address it resolves to now.
    pub async fn check_url_resolved(&self, url: &reqwest::Url) -> Result<(), String> {
        self.check_url(url)?;
        let Some(name) = url.host_str().filter(|h| address(h).is_none()) else { return Ok(()) };
        if self.host_allowed(name) {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(443);
        // A name that does not resolve from here is judged when connecting.
        let Ok(addrs) = tokio::net::lookup_host((name, port)).await else { return Ok(()) };
        match addrs.map(|a| a.ip()).find(|ip| !self.address_allowed(*ip)) {
            Some(ip) => Err(format!("{name} resolves to {ip}, an internal address")),
            None => Ok(()),
        }
    }
}

/// A host without the brackets a URL puts around an IPv6 address.
fn bare(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// The address a URL's host is written as, if it is one.
fn address(host: &str) -> Option<IpAddr> {
    bare(host).parse().ok()
}

/// 100.64.0.0/10, carrier-grade NAT.
fn shared(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    a == 100 && (64..128).contains(&b)
}

/// fc00::/7.
fn unique_local(v6: Ipv6Addr) -> bool {
    v6.segments()[0] & 0xfe00 == 0xfc00
}

/// fe80::/10.
fn link_local(v6: Ipv6Addr) -> bool {
    v6.segments()[0] & 0xffc0 == 0xfe80
}

/// A DNS resolver for reqwest that leaves out addresses the policy refuses, so a connection is
/// only ever opened to an address checked after resolution.
pub struct CheckedResolver(pub Arc<EgressPolicy>);

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = match policy.host_allowed(&host) {
                true => addrs,
                false => addrs.into_iter().filter(|a| policy.address_allowed(a.ip())).collect(),
            };
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to internal addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &EgressPolicy, url: &str) -> bool {
        policy.check_url(&reqwest::Url::parse(url).unwrap()).is_err()
    }

    #[test]
    fn internal_addresses_are_refused_unless_listed() {
        let p = EgressPolicy::default();
        for url in [
            "http://169.254.169.254/latest/meta-data",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "ftp://example.nl/",
        ] {
            assert!(refused(&p, url), "{url} was allowed");
        }
        assert!(!refused(&p, "https://api.wijkteam.example/"));
        assert!(!refused(&p, "https://93.184.216.34/"));
        let dev = EgressPolicy { allow_loopback: true, ..Default::default() };
        assert!(!refused(&dev, "http://127.0.0.1:8080/") && refused(&dev, "http://169.254.169.254/"));
        let listed = EgressPolicy { allowed_hosts: vec!["10.1.2.3".into()], ..Default::default() };
        assert!(!refused(&listed, "http://10.1.2.3/") && refused(&listed, "http://10.1.2.4/"));
        let production = EgressPolicy { require_https: true, ..Default::default() };
        assert!(
            refused(&production, "http://api.wijkteam.example/")
                && !refused(&production, "https://api.wijkteam.example/")
        );
    }
}
