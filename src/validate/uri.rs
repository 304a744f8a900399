//! `connection-string`: credentials in connection strings. Reads URIs
//! (`postgres://user:pass@host:port/db`, mysql, mongodb(+srv), redis, amqp,
//! sqlserver, `jdbc:` forms, and any `scheme://user:pass@host`), ADO.NET /
//! ODBC `Key=Value;` strings, and Azure Storage, Cosmos DB and Service Bus /
//! Event Hubs / IoT Hub connection strings. The secret may be the whole
//! string, or only the password with companion parts (`host`, `user`,
//! `port`, `database`, `account_name`, `endpoint`, or a part holding the
//! whole string, e.g. `uri`). Yields `scheme` (and `driver` for
//! `scheme+driver`), `user`, `host` (`hosts` when several), `port`,
//! `database`, `account_name`, `endpoint_suffix`, `namespace`,
//! `shared_access_key_name`, `entity_path`; principal `user@host` (or the
//! account, or `key_name@host`). Weaknesses: `BasicAuth` for credentials in
//! a URL, `PlaintextPassword` for database passwords. Passwords and keys
//! are never copied.

use super::text::clip;
use super::{Evidence, Subject, Weakness};

/// Schemes of databases and brokers (a password there is a database password).
const DATABASE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "pgsql",
    "mysql",
    "mysqlx",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
    "db2",
    "clickhouse",
    "cockroachdb",
    "cassandra",
    "neo4j",
    "bolt",
    "couchdb",
    "influxdb",
    "snowflake",
    "redshift",
];

/// Rule identities whose secret is a password taken from a URL or string.
const URL_PASSWORD_RULES: &[&str] = &["uri-password", "url-password", "jdbc-thin-password"];

/// A URI with credentials, or a `Key=Value;` string with a password or key.
pub(super) fn shape(secret: &str) -> bool {
    let s = secret.trim();
    parse_url(s).is_some_and(|u| u.password) || kv_secret(s)
}

/// A `Key=Value;` string naming a password or key.
fn kv_secret(s: &str) -> bool {
    s.contains(';')
        && pairs(s).any(|(k, _)| {
            matches!(
                k.as_str(),
                "accountkey" | "sharedaccesskey" | "password" | "pwd" | "sharedaccesssignature"
            )
        })
}

/// What a URI shows.
#[derive(Debug, Default, PartialEq, Eq)]
struct Url {
    scheme: String,
    driver: Option<String>,
    user: Option<String>,
    password: bool,
    hosts: Vec<String>,
    port: Option<u16>,
    database: Option<String>,
}

/// Decodes `%XX` escapes (invalid ones are kept).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `host:port`, `[v6]:port` or `host,port` (SQL Server).
pub(super) fn host_port(text: &str) -> (String, Option<u16>) {
    let text = text.strip_prefix("tcp:").unwrap_or(text);
    if let Some(rest) = text.strip_prefix('[') {
        if let Some((host, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
            return (host.to_string(), port);
        }
    }
    match text.rsplit_once([':', ',']) {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host.to_string(), port.parse().ok())
        }
        _ => (text.to_string(), None),
    }
}

/// Parses `scheme://[user[:password]@]host[:port][,host...][/db][?query]`
/// (also behind `jdbc:`), with `;key=value` properties (JDBC SQL Server).
fn parse_url(text: &str) -> Option<Url> {
    let text = text.strip_prefix("jdbc:").unwrap_or(text);
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let scheme_ok = !scheme.is_empty()
        && scheme.len() <= 32
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let mut url = Url::default();
    let host_part = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((user, password)) => (user, !password.is_empty()),
                None => (userinfo, false),
            };
            if !user.is_empty() {
                url.user = Some(percent_decode(user));
            }
            url.password = password;
            host
        }
        None => authority,
    };
    let (hosts, props) = match host_part.split_once(';') {
        Some((hosts, props)) => (hosts, Some(props)),
        None => (host_part, None),
    };
    let hosts = hosts.split(['?', '#']).next().unwrap_or_default();
    for host in hosts.split(',').filter(|h| !h.is_empty()).take(16) {
        let (name, port) = host_port(host);
        if url.port.is_none() {
            url.port = port;
        }
        url.hosts.push(name);
    }
    if url.hosts.is_empty()
        || url
            .hosts
            .iter()
            .any(|h| h.is_empty() || h.contains(char::is_whitespace))
    {
        return None;
    }
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path.split('#').next().unwrap_or_default(), None),
    };
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if !first.is_empty() {
        url.database = Some(percent_decode(first));
    }
    let params = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .chain(props.into_iter().flat_map(|p| p.split(';')));
    for param in params {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        match key.to_ascii_lowercase().as_str() {
            "database" | "databasename" | "dbname" if url.database.is_none() => {
                url.database = Some(percent_decode(value));
            }
            "user" | "username" if url.user.is_none() => url.user = Some(percent_decode(value)),
            "password" | "pwd" if !value.is_empty() => url.password = true,
            _ => {}
        }
    }
    match scheme.split_once('+') {
        Some((base, driver)) if scheme != "mongodb+srv" => {
            url.driver = Some(driver.to_string());
            url.scheme = base.to_string();
        }
        _ => url.scheme = scheme,
    }
    Some(url)
}

/// Writes what a URI shows.
fn apply_url(url: &Url, evidence: &mut Evidence) {
    evidence.attr("scheme", url.scheme.clone());
    if let Some(driver) = &url.driver {
        evidence.attr("driver", clip(driver, 64));
    }
    apply_common(
        url.user.as_deref(),
        url.hosts.first().map(String::as_str),
        url.port,
        url.database.as_deref(),
        evidence,
    );
    if url.hosts.len() > 1 {
        let hosts: Vec<String> = url.hosts.iter().map(|h| clip(h, 256)).collect();
        evidence.attr("hosts", hosts);
    }
    if url.password {
        evidence.weak(Weakness::BasicAuth);
        if DATABASE_SCHEMES.contains(&url.scheme.as_str()) {
            evidence.weak(Weakness::PlaintextPassword);
        }
    }
}

/// `user`, `host`, `port`, `database` and the `user@host` principal.
pub(super) fn apply_common(
    user: Option<&str>,
    host: Option<&str>,
    port: Option<u16>,
    database: Option<&str>,
    evidence: &mut Evidence,
) {
    let user = user.filter(|u| !u.is_empty());
    let host = host.filter(|h| !h.is_empty());
    if let Some(user) = user {
        evidence.attr("user", clip(user, 128));
    }
    if let Some(host) = host {
        evidence.attr("host", clip(host, 256));
    }
    if let Some(port) = port {
        evidence.attr("port", port);
    }
    if let Some(database) = database.filter(|d| !d.is_empty()) {
        evidence.attr("database", clip(database, 128));
    }
    if let (Some(user), Some(host)) = (user, host) {
        evidence.principal(clip(&format!("{user}@{host}"), 384));
    }
}

/// `Key=Value` pairs of a `;`-separated string, keys lower-cased without spaces.
fn pairs(text: &str) -> impl Iterator<Item = (String, &str)> {
    text.split(';').filter_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        let key: String = key
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        Some((key, value.trim()))
    })
}

/// Reads a `Key=Value;` connection string; false when it names nothing.
fn apply_kv(text: &str, evidence: &mut Evidence) -> bool {
    let mut user = None;
    let mut host = None;
    let mut port = None;
    let mut database = None;
    let mut password = false;
    let mut key_name = None;
    let mut understood = false;
    for (key, value) in pairs(text) {
        match key.as_str() {
            "accountname" => {
                evidence.attr("account_name", clip(value, 64));
                evidence.principal(clip(value, 64));
                understood = true;
            }
            "endpointsuffix" => evidence.attr("endpoint_suffix", clip(value, 128)),
            "defaultendpointsprotocol" => evidence.attr("protocol", clip(value, 16)),
            "endpoint" | "accountendpoint" | "hostname" => {
                let bare = value.split_once("://").map_or(value, |(_, rest)| rest);
                let (name, p) = host_port(bare.trim_end_matches('/'));
                if let Some(namespace) = name.split('.').next().filter(|n| !n.is_empty()) {
                    let attr = if key == "accountendpoint" {
                        "account_name"
                    } else {
                        "namespace"
                    };
                    evidence.attr(attr, clip(namespace, 128));
                }
                port = port.or(p);
                host = Some(name);
                understood = true;
            }
            "sharedaccesskeyname" => {
                evidence.attr("shared_access_key_name", clip(value, 128));
                key_name = Some(value.to_string());
                understood = true;
            }
            "entitypath" => evidence.attr("entity_path", clip(value, 256)),
            "deviceid" => evidence.attr("device_id", clip(value, 128)),
            "server" | "datasource" | "host" | "address" | "addr" | "networkaddress" => {
                let (name, p) = host_port(value);
                port = port.or(p);
                host = Some(name);
                understood = true;
            }
            "port" => port = value.parse().ok().or(port),
            "database" | "initialcatalog" | "dbname" => database = Some(value.to_string()),
            "userid" | "uid" | "user" | "username" => user = Some(value.to_string()),
            "password" | "pwd" => password = !value.is_empty(),
            _ => {}
        }
    }
    if !understood {
        return false;
    }
    if let (Some(name), Some(host)) = (&key_name, &host) {
        evidence.principal(clip(&format!("{name}@{host}"), 384));
    }
    apply_common(
        user.as_deref(),
        host.as_deref(),
        port,
        database.as_deref(),
        evidence,
    );
    if password {
        evidence.weak(Weakness::PlaintextPassword);
    }
    true
}

/// Examines a connection string, or a password with its companion parts.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let secret = subject.secret.trim();
    if let Some(url) = parse_url(secret).filter(|u| u.password || u.user.is_some()) {
        apply_url(&url, evidence);
        return true;
    }
    if secret.contains(';') && apply_kv(secret, evidence) {
        return true;
    }
    // A part that holds the whole string.
    for part in subject.parts {
        let value = part.value.trim();
        if let Some(url) = parse_url(value) {
            apply_url(&url, evidence);
            return true;
        }
        if value.contains(';') && value.contains('=') && apply_kv(value, evidence) {
            return true;
        }
    }
    // Only the password: its parts and what the rule says it is.
    let part = |names: &[&str]| {
        subject
            .parts
            .iter()
            .find(|p| names.contains(&p.name))
            .map(|p| p.value.trim())
    };
    let in_url = URL_PASSWORD_RULES
        .iter()
        .any(|r| subject.rule_id.ends_with(r))
        || subject.identity == "http.basic-auth";
    let db = subject.identity == "db.password";
    let (host, port) = match part(&["host", "server", "endpoint"]).map(host_port) {
        Some((host, port)) => (Some(host), port),
        None => (None, None),
    };
    let port = port.or_else(|| part(&["port"]).and_then(|p| p.parse().ok()));
    if let Some(account) = part(&["account_name"]) {
        evidence.attr("account_name", clip(account, 64));
        evidence.principal(clip(account, 64));
    }
    apply_common(
        part(&["user", "username"]),
        host.as_deref(),
        port,
        part(&["database"]),
        evidence,
    );
    if in_url {
        evidence.weak(Weakness::BasicAuth);
    }
    if db {
        evidence.weak(Weakness::PlaintextPassword);
    }
    in_url || db || !evidence.attributes.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{PartRef, examine};

    fn check(rule_id: &str, identity: &str, secret: &str, parts: &[PartRef<'_>]) -> Evidence {
        let named = vec!["connection-string".to_string()];
        examine(&Subject {
            rule_id,
            provider: "test",
            identity,
            validators: &named,
            secret,
            parts,
        })
    }

    fn uri(secret: &str) -> Evidence {
        check("generic.secret", "generic.secret", secret, &[])
    }

    #[test]
    fn database_uris() {
        let pw = "Lq9".repeat(4);
        let ev = uri(&format!(
            "postgresql+psycopg2://app_rw:{pw}@db-1.internal:5432/orders?sslmode=require"
        ));
        assert_eq!(ev.attributes["scheme"], "postgresql");
        assert_eq!(ev.attributes["driver"], "psycopg2");
        assert_eq!(ev.attributes["user"], "app_rw");
        assert_eq!(ev.attributes["host"], "db-1.internal");
        assert_eq!(ev.attributes["port"], 5432);
        assert_eq!(ev.attributes["database"], "orders");
        assert_eq!(ev.principal.as_deref(), Some("app_rw@db-1.internal"));
        assert_eq!(
            ev.weaknesses,
            [Weakness::BasicAuth, Weakness::PlaintextPassword]
        );
        assert!(!serde_json::to_string(&ev).expect("json").contains(&pw));

        let ev = uri(&format!(
            "mongodb+srv://api%2Dsvc:{pw}@m0.example.net,m1.example.net:27017/prod"
        ));
        assert_eq!(ev.attributes["scheme"], "mongodb+srv");
        assert_eq!(ev.attributes["user"], "api-svc");
        assert_eq!(
            ev.attributes["hosts"],
            serde_json::json!(["m0.example.net", "m1.example.net"])
        );

        let ev = uri(&format!("redis://:{pw}@[::1]:6379/0"));
        assert_eq!(ev.attributes["host"], "::1");
        assert_eq!(ev.attributes["database"], "0");
        assert!(ev.principal.is_none());

        let ev = uri(&format!(
            "jdbc:sqlserver://sql01:1433;databaseName=Finance;user=fin;password={pw}"
        ));
        assert_eq!(ev.attributes["database"], "Finance");
        assert_eq!(ev.attributes["user"], "fin");
        assert_eq!(ev.attributes["scheme"], "sqlserver");

        let ev = uri(&format!("https://deploy:{pw}@git.example.com/repo.git"));
        assert_eq!(ev.weaknesses, [Weakness::BasicAuth]);
    }

    #[test]
    fn azure_connection_strings() {
        let key = "a".repeat(86);
        let ev = uri(&format!(
            "DefaultEndpointsProtocol=https;AccountName=ledgerprod;AccountKey={key}==;EndpointSuffix=core.windows.net"
        ));
        assert_eq!(ev.attributes["account_name"], "ledgerprod");
        assert_eq!(ev.attributes["endpoint_suffix"], "core.windows.net");
        assert_eq!(ev.principal.as_deref(), Some("ledgerprod"));

        let sak = "b".repeat(43);
        let name = ["RootManage", "SharedAccessKey"].concat();
        let ev = uri(&format!(
            "Endpoint=sb://orders-ns.servicebus.windows.net/;SharedAccessKeyName={name};SharedAccessKey={sak}=;EntityPath=q1"
        ));
        assert_eq!(ev.attributes["namespace"], "orders-ns");
        assert_eq!(ev.attributes["host"], "orders-ns.servicebus.windows.net");
        assert_eq!(ev.attributes["entity_path"], "q1");
        assert_eq!(
            ev.principal.as_deref(),
            Some("RootManageSharedAccessKey@orders-ns.servicebus.windows.net")
        );
    }

    #[test]
    fn ado_net_string() {
        let pw = "Zx7".repeat(4);
        let ev = uri(&format!(
            "Server=tcp:acme.database.windows.net,1433;Initial Catalog=acme;User ID=acme_app;Password={pw};"
        ));
        assert_eq!(ev.attributes["host"], "acme.database.windows.net");
        assert_eq!(ev.attributes["port"], 1433);
        assert_eq!(ev.attributes["database"], "acme");
        assert_eq!(
            ev.principal.as_deref(),
            Some("acme_app@acme.database.windows.net")
        );
        assert_eq!(ev.weaknesses, [Weakness::PlaintextPassword]);
    }

    #[test]
    fn password_with_companion_parts() {
        let parts = [
            PartRef {
                name: "host",
                value: "db-primary.internal",
            },
            PartRef {
                name: "user",
                value: "orders_rw",
            },
        ];
        let ev = check("generic.db-password", "db.password", "Vr7#kq2Lmz4T", &parts);
        assert_eq!(ev.validators, ["connection-string"]);
        assert_eq!(
            ev.principal.as_deref(),
            Some("orders_rw@db-primary.internal")
        );
        assert_eq!(ev.weaknesses, [Weakness::PlaintextPassword]);

        let ev = check(
            "postgres.uri-password",
            "db.password",
            "LQRkJaUo!gkDDv9",
            &[],
        );
        assert_eq!(
            ev.weaknesses,
            [Weakness::BasicAuth, Weakness::PlaintextPassword]
        );
        let ev = check(
            "url.basic-auth-credentials",
            "http.basic-auth",
            "Xy8!mPq2Vz7wKr",
            &[],
        );
        assert_eq!(ev.weaknesses, [Weakness::BasicAuth]);
        // A user name equal to the password is never echoed.
        let same = [PartRef {
            name: "user",
            value: "Vr7#kq2Lmz4T",
        }];
        let ev = check("generic.db-password", "db.password", "Vr7#kq2Lmz4T", &same);
        assert!(!ev.attributes.contains_key("user"));
    }

    #[test]
    fn corrupt_and_truncated_strings() {
        for bad in [
            "postgres://",
            "postgres://user:pw@",
            "postgres://user:pw@/db",
            "://x:y@h",
            "1ab://x:y@h",
            "postgres://u:p@ho st/db",
            "redis://:p@[::1",
            "Server=;Password=",
            "a=b;c=d",
            "%%%://%:%@%",
            "postgres://u%zz:p@h%",
        ] {
            let ev = uri(bad);
            assert!(ev.weaknesses.len() <= 2, "{bad}");
        }
        assert!(uri("postgres://user:pw@").validators.is_empty());
        assert!(uri("not a uri").validators.is_empty());
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%41%zz%"), "A%zz%");
    }
}
