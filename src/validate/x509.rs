//! `x509`: X.509 certificates as PEM, base64 of PEM (kubeconfig
//! `client-certificate-data`) or base64 DER. Yields `subject`, `issuer`,
//! `serial`, `sans`, `not_before`/`not_after` (RFC 3339) and
//! `created`/`expires`, `validity_days`, `key_algorithm`, `key_bits` (or
//! `curve`), `self_signed` (subject equals issuer; the signature is not
//! checked), `ca`, the principal (subject, else the first SAN) and
//! `public_key_sha256`: the SHA-256 of the certificate's own
//! SubjectPublicKeyInfo bytes, equal to what `private-key` and `ssh-key`
//! compute for the matching private key.

use der::Decode;
use der::asn1::ObjectIdentifier;
use spki::SubjectPublicKeyInfoRef;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

use super::keyinfo;
use super::text::{b64_decode, clip, find_pem, pem_text, rfc3339, sha256_hex};
use super::{Evidence, Subject};

/// Most SANs listed.
const MAX_SANS: usize = 32;

/// A PEM certificate (or base64 of one).
pub(super) fn shape(secret: &str) -> bool {
    pem_text(secret).is_some_and(|text| find_pem(&text, |l| l == "CERTIFICATE").is_some())
}

/// Examines a certificate.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let der = match pem_text(subject.secret) {
        Some(text) => find_pem(&text, |l| l == "CERTIFICATE").and_then(|b| b.der),
        None => {
            let trimmed = subject.secret.trim().trim_matches(['"', '\'']);
            trimmed
                .starts_with('M')
                .then(|| b64_decode(trimmed))
                .flatten()
        }
    };
    match der {
        Some(der) => examine_der(&der, evidence),
        None => false,
    }
}

/// Examines a DER certificate.
fn examine_der(der: &[u8], evidence: &mut Evidence) -> bool {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return false;
    };
    let subject = cert.subject().to_string();
    let sans = sans(&cert);
    evidence.attr("subject", clip(&subject, 512));
    evidence.attr("issuer", clip(&cert.issuer().to_string(), 512));
    evidence.attr("serial", clip(&cert.raw_serial_as_string(), 128));
    if !sans.is_empty() {
        evidence.attr("sans", sans.clone());
    }
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    if let Some(text) = rfc3339(not_before) {
        evidence.attr("not_before", text);
    }
    if let Some(text) = rfc3339(not_after) {
        evidence.attr("not_after", text);
    }
    evidence.attr(
        "validity_days",
        not_after.saturating_sub(not_before) / 86_400,
    );
    evidence.created_at(not_before);
    evidence.expires_at(not_after);
    evidence.attr(
        "self_signed",
        cert.subject().as_raw() == cert.issuer().as_raw(),
    );
    evidence.attr("ca", cert.is_ca());
    let spki = cert.public_key().raw;
    describe_key(spki, evidence);
    evidence.public_key(sha256_hex(spki));
    if !subject.is_empty() {
        evidence.principal(clip(&subject, 512));
    } else if let Some(first) = sans.first() {
        evidence.principal(first.clone());
    }
    true
}

/// `key_algorithm`, `key_bits` and `curve` from the SubjectPublicKeyInfo.
fn describe_key(spki_der: &[u8], evidence: &mut Evidence) {
    let Ok(spki) = SubjectPublicKeyInfoRef::from_der(spki_der) else {
        return;
    };
    let oid = spki.algorithm.oid;
    match keyinfo::algorithm_name(&oid) {
        Some(name) => evidence.attr("key_algorithm", name),
        None => evidence.attr("key_algorithm", oid.to_string()),
    }
    let key = spki.subject_public_key.raw_bytes();
    let bits = match oid {
        keyinfo::RSA | keyinfo::RSA_PSS => pkcs1::RsaPublicKey::from_der(key)
            .ok()
            .map(|k| keyinfo::bit_len(k.modulus.as_bytes())),
        keyinfo::EC => {
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .and_then(|oid| keyinfo::curve(&oid));
            if let Some((name, _)) = curve {
                evidence.attr("curve", name);
            }
            curve.map(|(_, bits)| bits)
        }
        keyinfo::ED25519 => Some(256),
        keyinfo::DSA => spki
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<keyinfo::DssParms<'_>>().ok())
            .map(|parms| keyinfo::bit_len(parms.p.as_bytes())),
        _ => None,
    };
    if let Some(bits) = bits {
        evidence.attr("key_bits", bits);
    }
}

/// Subject alternative names as plain strings (DNS names, e-mail addresses,
/// URIs, IP addresses).
fn sans(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(s) | GeneralName::RFC822Name(s) | GeneralName::URI(s) => {
                Some(clip(s, 256))
            }
            GeneralName::IPAddress(bytes) => ip(bytes),
            _ => None,
        })
        .take(MAX_SANS)
        .collect()
}

/// Text of a 4- or 16-byte IP address.
fn ip(bytes: &[u8]) -> Option<String> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(std::net::Ipv4Addr::from(v4).to_string());
    }
    <[u8; 16]>::try_from(bytes)
        .ok()
        .map(|v6| std::net::Ipv6Addr::from(v6).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testkeys::{cut, examine_with};
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    fn cert(secret: &str) -> Evidence {
        examine_with(secret, &["x509"])
    }

    fn generated() -> (rcgen::KeyPair, rcgen::Certificate) {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut params = rcgen::CertificateParams::new(vec![
            "api.example".to_string(),
            "192.0.2.10".to_string(),
        ])
        .expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.not_before = rcgen::date_time_ymd(2024, 1, 1);
        params.not_after = rcgen::date_time_ymd(2025, 1, 1);
        let certificate = params.self_signed(&pair).expect("cert");
        (pair, certificate)
    }

    #[test]
    fn certificate_attributes() {
        let (_, certificate) = generated();
        let ev = cert(&certificate.pem());
        assert_eq!(ev.validators, ["x509"]);
        assert_eq!(
            ev.attributes["sans"],
            serde_json::json!(["api.example", "192.0.2.10"])
        );
        assert_eq!(ev.attributes["not_before"], "2024-01-01T00:00:00Z");
        assert_eq!(ev.attributes["not_after"], "2025-01-01T00:00:00Z");
        assert_eq!(ev.attributes["validity_days"], 366);
        assert_eq!(ev.created, Some(1_704_067_200));
        assert_eq!(ev.expires, Some(1_735_689_600));
        assert_eq!(ev.attributes["key_algorithm"], "ec");
        assert_eq!(ev.attributes["self_signed"], true);
        assert_eq!(ev.attributes["ca"], false);
        // No subject: the first SAN names the principal.
        assert_eq!(ev.principal.as_deref(), Some("api.example"));
        assert!(ev.weaknesses.is_empty());
    }

    #[test]
    fn base64_forms_and_shape_dispatch() {
        let (_, certificate) = generated();
        let expected = cert(&certificate.pem()).public_key_sha256;
        assert!(expected.is_some());
        // kubeconfig client-certificate-data: base64 of the PEM.
        let wrapped = STANDARD.encode(certificate.pem());
        assert_eq!(cert(&wrapped).public_key_sha256, expected);
        let der = STANDARD.encode(certificate.der());
        assert_eq!(cert(&der).public_key_sha256, expected);
        assert_eq!(
            examine_with(&certificate.pem(), &[]).public_key_sha256,
            expected
        );
    }

    #[test]
    fn truncated_and_corrupt_certificates() {
        let (_, certificate) = generated();
        let pem = certificate.pem();
        for len in [30, pem.len() / 2, pem.len() - 30] {
            let ev = cert(&cut(&pem, len));
            assert!(ev.validators.is_empty(), "{len}");
        }
        let bytes = pem.as_bytes();
        for at in (30..bytes.len()).step_by(11) {
            let mut broken = bytes.to_vec();
            broken[at] = b'A' + (broken[at] % 26);
            let _ = cert(&String::from_utf8_lossy(&broken));
        }
        assert!(cert("MIIB").validators.is_empty());
        assert_eq!(ip(&[1, 2, 3]), None);
        assert_eq!(ip(&[0; 16]).as_deref(), Some("::"));
    }
}
