//! `private-key`: PEM (or bare base64 DER) private keys: PKCS#1 RSA, SEC1 EC,
//! OpenSSL DSA, PKCS#8 (plain and encrypted); OpenSSH blocks are handed to
//! [`super::ssh`]. Yields `format`, `algorithm`, `bits`/`curve`, `encrypted`
//! (with `cipher`/`kdf` when the format names them), the SPKI hash and SSH
//! fingerprint of the public half for unencrypted keys, and the weaknesses
//! `UnencryptedPrivateKey`, `ShortRsaKey`, `DsaKey`. A truncated or corrupt
//! key yields what its label tells.

use der::Decode;
use der::asn1::UintRef;
use pkcs8::pkcs5::{EncryptionScheme, pbes2};
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};

use super::keyinfo::{self, DssParms, PublicKey};
use super::text::{PemBlock, b64_decode, find_pem, pem_text};
use super::{Evidence, Subject, Weakness, ssh};

/// The OpenSSL "traditional" DSA private key.
#[derive(der::Sequence)]
struct DsaPrivateKey<'a> {
    version: UintRef<'a>,
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
    y: UintRef<'a>,
    x: UintRef<'a>,
}

/// A PEM label that names a private key this validator reads.
fn is_private_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY")
}

/// A PEM private key other than OpenSSH's (which `ssh-key` claims).
pub(super) fn shape(secret: &str) -> bool {
    pem_text(secret).is_some_and(|text| {
        find_pem(&text, is_private_label).is_some_and(|b| b.label != "OPENSSH PRIVATE KEY")
    })
}

/// Examines a private key.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    match pem_text(subject.secret) {
        Some(text) => match find_pem(&text, is_private_label) {
            Some(block) => examine_block(&block, evidence),
            None => false,
        },
        None => examine_bare_der(subject.secret, evidence),
    }
}

/// Examines a private key given as base64 DER without PEM armour.
fn examine_bare_der(secret: &str, evidence: &mut Evidence) -> bool {
    let trimmed = secret.trim().trim_matches(['"', '\'']);
    // DER starts with a SEQUENCE tag (0x30), "M" in base64.
    if !trimmed.starts_with('M') {
        return false;
    }
    let Some(der) = b64_decode(trimmed) else {
        return false;
    };
    let found = pkcs8(&der, evidence)
        || pkcs1(&der, evidence)
        || sec1(&der, evidence)
        || encrypted_pkcs8(&der, evidence);
    if found {
        evidence.attr("format", "der");
    }
    found
}

/// Examines one PEM block.
pub(super) fn examine_block(block: &PemBlock, evidence: &mut Evidence) -> bool {
    let der = block.der.as_deref().unwrap_or_default();
    let legacy_encrypted = block
        .header("Proc-Type")
        .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"));
    let legacy_cipher = block
        .header("DEK-Info")
        .and_then(|v| v.split(',').next())
        .map(|c| c.to_ascii_lowercase());
    let (format, algorithm) = match block.label.as_str() {
        "OPENSSH PRIVATE KEY" => return ssh::examine_openssh(der, evidence),
        "RSA PRIVATE KEY" => ("pkcs1", Some("rsa")),
        "EC PRIVATE KEY" => ("sec1", Some("ec")),
        "DSA PRIVATE KEY" => ("openssl-dsa", Some("dsa")),
        "PRIVATE KEY" => ("pkcs8", None),
        "ENCRYPTED PRIVATE KEY" => ("pkcs8-encrypted", None),
        _ => ("pem", None),
    };
    evidence.attr("format", format);
    if let Some(algorithm) = algorithm {
        evidence.attr("algorithm", algorithm);
        if algorithm == "dsa" {
            evidence.weak(Weakness::DsaKey);
        }
    }
    if legacy_encrypted {
        // PEM encryption (RFC 1421 headers): the body is ciphertext.
        encrypted(evidence, true);
        if let Some(cipher) = legacy_cipher {
            evidence.attr("cipher", cipher);
        }
        return true;
    }
    match format {
        "pkcs1" => {
            pkcs1(der, evidence);
        }
        "sec1" => {
            sec1(der, evidence);
        }
        "openssl-dsa" => {
            dsa(der, evidence);
        }
        "pkcs8" => {
            pkcs8(der, evidence);
        }
        "pkcs8-encrypted" if !encrypted_pkcs8(der, evidence) => encrypted(evidence, true),
        _ => {}
    }
    // The labels above are unencrypted formats unless marked otherwise.
    if format != "pem" {
        encrypted(evidence, format == "pkcs8-encrypted");
    }
    true
}

/// Records `encrypted` and the matching weakness.
fn encrypted(evidence: &mut Evidence, yes: bool) {
    evidence.attr("encrypted", yes);
    if !yes {
        evidence.weak(Weakness::UnencryptedPrivateKey);
    }
}

/// PKCS#1 `RSAPrivateKey`.
fn pkcs1(der: &[u8], evidence: &mut Evidence) -> bool {
    let Ok(key) = pkcs1::RsaPrivateKey::from_der(der) else {
        return false;
    };
    if let Some(public) = PublicKey::rsa(key.modulus.as_bytes(), key.public_exponent.as_bytes()) {
        public.describe(evidence);
    }
    encrypted(evidence, false);
    true
}

/// SEC1 `ECPrivateKey`, with the curve from its own parameters or `curve`.
fn sec1_key(
    der: &[u8],
    curve: Option<der::asn1::ObjectIdentifier>,
    evidence: &mut Evidence,
) -> bool {
    let Ok(key) = sec1::EcPrivateKey::from_der(der) else {
        return false;
    };
    let curve = key.parameters.and_then(|p| p.named_curve()).or(curve);
    evidence.attr("algorithm", "ec");
    match (curve, key.public_key) {
        (Some(oid), Some(point)) => {
            if let Some(public) = PublicKey::ec(&oid, point) {
                public.describe(evidence);
            }
        }
        (Some(oid), None) => {
            if let Some((name, bits)) = keyinfo::curve(&oid) {
                evidence.attr("curve", name);
                evidence.attr("bits", bits);
            }
        }
        _ => {}
    }
    encrypted(evidence, false);
    true
}

/// SEC1 `ECPrivateKey` on its own.
fn sec1(der: &[u8], evidence: &mut Evidence) -> bool {
    sec1_key(der, None, evidence)
}

/// OpenSSL's DSA private key.
fn dsa(der: &[u8], evidence: &mut Evidence) -> bool {
    let Ok(key) = DsaPrivateKey::from_der(der) else {
        return false;
    };
    // The version and private value are parsed but not needed.
    let _ = (key.version, key.x);
    if let Some(public) = PublicKey::dsa(
        key.p.as_bytes(),
        key.q.as_bytes(),
        key.g.as_bytes(),
        key.y.as_bytes(),
    ) {
        public.describe(evidence);
    }
    encrypted(evidence, false);
    true
}

/// PKCS#8 `PrivateKeyInfo`.
fn pkcs8(der: &[u8], evidence: &mut Evidence) -> bool {
    let Ok(info) = PrivateKeyInfo::from_der(der) else {
        return false;
    };
    let oid = info.algorithm.oid;
    match keyinfo::algorithm_name(&oid) {
        Some(name) => evidence.attr("algorithm", name),
        None => evidence.attr("algorithm_oid", oid.to_string()),
    }
    match oid {
        keyinfo::RSA | keyinfo::RSA_PSS => {
            if let Ok(key) = pkcs1::RsaPrivateKey::from_der(info.private_key) {
                let n = key.modulus.as_bytes();
                if oid == keyinfo::RSA {
                    if let Some(public) = PublicKey::rsa(n, key.public_exponent.as_bytes()) {
                        public.describe(evidence);
                    }
                } else {
                    // RSASSA-PSS keys carry their own parameters: size only.
                    let bits = keyinfo::bit_len(n);
                    evidence.attr("bits", bits);
                    keyinfo::weaknesses("rsa-pss", Some(bits), evidence);
                }
            }
        }
        keyinfo::EC => {
            let curve = info.algorithm.parameters_oid().ok();
            sec1_key(info.private_key, curve, evidence);
        }
        keyinfo::DSA => {
            evidence.weak(Weakness::DsaKey);
            let parms = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<DssParms<'_>>().ok());
            if let Some(parms) = parms {
                evidence.attr("bits", keyinfo::bit_len(parms.p.as_bytes()));
            }
        }
        _ => {
            // Ed25519 and friends: the public key is there in PKCS#8 v2; an
            // Ed25519 key without it (OpenSSL's) yields it from its seed, an
            // OCTET STRING inside the private key field (RFC 8410 section 7).
            let public = info
                .public_key
                .and_then(|k| PublicKey::raw(oid, k))
                .or_else(|| {
                    let seed = der::asn1::OctetStringRef::from_der(info.private_key).ok()?;
                    (oid == keyinfo::ED25519)
                        .then(|| PublicKey::ed25519_from_seed(seed.as_bytes()))
                        .flatten()
                });
            if let Some(public) = public {
                public.describe(evidence);
            }
        }
    }
    encrypted(evidence, false);
    true
}

/// PKCS#8 `EncryptedPrivateKeyInfo`: the algorithm of the key is hidden;
/// the encryption scheme is not.
fn encrypted_pkcs8(der: &[u8], evidence: &mut Evidence) -> bool {
    let Ok(info) = EncryptedPrivateKeyInfo::from_der(der) else {
        return false;
    };
    match info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => {
            let kdf = match params.kdf {
                pbes2::Kdf::Pbkdf2(_) => "pbkdf2",
                pbes2::Kdf::Scrypt(_) => "scrypt",
                _ => "other",
            };
            let cipher = match params.encryption {
                pbes2::EncryptionScheme::Aes128Cbc { .. } => "aes-128-cbc",
                pbes2::EncryptionScheme::Aes192Cbc { .. } => "aes-192-cbc",
                pbes2::EncryptionScheme::Aes256Cbc { .. } => "aes-256-cbc",
                _ => "other",
            };
            evidence.attr("kdf", kdf);
            evidence.attr("cipher", cipher);
        }
        EncryptionScheme::Pbes1(_) => evidence.attr("kdf", "pbes1"),
        _ => {}
    }
    encrypted(evidence, true);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testkeys::{
        Workdir, code_literals, cut, examine_with, indented, json_escaped,
    };
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use sha2::{Digest, Sha256};
    /// The pass phrase of the test keys, split so the source holds no
    /// `pass:` literal (keyhound scans its own source in a test).
    const PASSOUT: &str = concat!("pass", ":", "test-only");

    fn key(secret: &str) -> Evidence {
        examine_with(secret, &["private-key"])
    }

    fn cert(secret: &str) -> Evidence {
        examine_with(secret, &["x509"])
    }

    #[test]
    fn ed25519_pkcs8_v1_keys_yield_their_public_key() {
        // RFC 8032 section 7.1, test 1: the seed and the public key it gives.
        let hex = |h: &str| -> Vec<u8> {
            (0..h.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
                .collect()
        };
        let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let public = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        // OpenSSL's PKCS#8 v1 form: version 0, the Ed25519 OID, the seed.
        let mut der = hex("302e020100300506032b657004220420");
        der.extend_from_slice(&seed);
        let pem = format!(
            "-----BEGIN {0}-----\n{1}\n-----END {0}-----\n",
            ["PRIVATE", "KEY"].join(" "),
            STANDARD.encode(&der)
        );
        let mut spki = hex("302a300506032b6570032100");
        spki.extend_from_slice(&public);
        let expected: String = Sha256::digest(&spki)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let ev = key(&pem);
        assert_eq!(ev.attributes["algorithm"], "ed25519");
        assert_eq!(ev.public_key_sha256.as_deref(), Some(expected.as_str()));
    }

    #[test]
    fn rcgen_keys_link_to_their_certificates() {
        for (alg, algorithm, curve) in [
            (&rcgen::PKCS_ECDSA_P256_SHA256, "ec", Some("P-256")),
            (&rcgen::PKCS_ECDSA_P384_SHA384, "ec", Some("P-384")),
            (&rcgen::PKCS_ED25519, "ed25519", None),
        ] {
            let pair = rcgen::KeyPair::generate_for(alg).expect("key");
            let params =
                rcgen::CertificateParams::new(vec!["svc.example".to_string()]).expect("params");
            let certificate = params.self_signed(&pair).expect("cert");
            let pem = pair.serialize_pem();
            let ev = key(&pem);
            assert_eq!(ev.validators, ["private-key"], "{algorithm}");
            assert_eq!(ev.attributes["format"], "pkcs8");
            assert_eq!(ev.attributes["algorithm"], algorithm);
            assert_eq!(ev.attributes["encrypted"], false);
            assert_eq!(ev.weaknesses, [Weakness::UnencryptedPrivateKey]);
            assert_eq!(ev.attributes.get("curve").and_then(|v| v.as_str()), curve);
            assert!(
                ev.attributes["fingerprint"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("SHA256:"))
            );
            let hash = ev.public_key_sha256.clone().expect("public key hash");
            assert_eq!(
                cert(&certificate.pem()).public_key_sha256,
                Some(hash.clone()),
                "{algorithm}"
            );
            // The same key as found in JSON, YAML and kubeconfig.
            assert_eq!(
                key(&json_escaped(&pem)).public_key_sha256.as_ref(),
                Some(&hash)
            );
            assert_eq!(key(&indented(&pem)).public_key_sha256.as_ref(), Some(&hash));
            // The same key written as string literals joined in code.
            for (quote, join) in [('"', " +"), ('"', ","), ('\'', " +"), ('"', "")] {
                let code = code_literals(&pem, quote, join);
                assert_eq!(key(&code).public_key_sha256.as_ref(), Some(&hash), "{code}");
            }
            assert_eq!(
                key(&STANDARD.encode(&pem)).public_key_sha256.as_ref(),
                Some(&hash)
            );
            // Dispatched by shape when the rule names nothing.
            assert_eq!(
                examine_with(&pem, &[]).public_key_sha256.as_ref(),
                Some(&hash)
            );
            // Bare base64 DER.
            let der = STANDARD.encode(pair.serialized_der());
            let ev = key(&der);
            assert_eq!(ev.attributes["format"], "der");
            assert_eq!(ev.public_key_sha256.as_ref(), Some(&hash));
        }
    }

    /// An RSA key (PKCS#1) and its self-signed certificate from `openssl`.
    fn openssl_rsa(dir: &Workdir, bits: &str) -> Option<(String, String)> {
        dir.run(
            "openssl",
            &["genrsa", "-traditional", "-out", "k.pem", bits],
        )?;
        dir.run(
            "openssl",
            &[
                "req",
                "-x509",
                "-key",
                "k.pem",
                "-out",
                "c.pem",
                "-subj",
                "/CN=build-bot/O=Example",
                "-days",
                "30",
                "-addext",
                "subjectAltName=DNS:bot.example,IP:10.0.0.7",
            ],
        )?;
        Some((dir.read("k.pem"), dir.read("c.pem")))
    }

    #[test]
    fn short_rsa_pkcs1_and_its_certificate() {
        let dir = Workdir::new();
        let Some((pem, certificate)) = openssl_rsa(&dir, "1024") else {
            return;
        };
        let ev = key(&pem);
        assert_eq!(ev.attributes["format"], "pkcs1");
        assert_eq!(ev.attributes["algorithm"], "rsa");
        assert_eq!(ev.attributes["bits"], 1024);
        assert_eq!(
            ev.weaknesses,
            [Weakness::UnencryptedPrivateKey, Weakness::ShortRsaKey]
        );
        let c = cert(&certificate);
        assert_eq!(c.public_key_sha256, ev.public_key_sha256);
        assert!(c.public_key_sha256.is_some());
        assert_eq!(c.attributes["key_algorithm"], "rsa");
        assert_eq!(c.attributes["key_bits"], 1024);
        assert_eq!(
            c.attributes["sans"],
            serde_json::json!(["bot.example", "10.0.0.7"])
        );
        assert_eq!(c.attributes["self_signed"], true);
        assert_eq!(c.attributes["validity_days"], 30);
        assert!(
            c.principal
                .as_deref()
                .is_some_and(|p| p.contains("CN=build-bot"))
        );

        // Truncated: the label still tells the algorithm; nothing else.
        let truncated = cut(&pem, pem.len() / 2);
        let ev = key(&truncated);
        assert_eq!(ev.attributes["algorithm"], "rsa");
        assert!(ev.public_key_sha256.is_none());
        assert_eq!(ev.weaknesses, [Weakness::UnencryptedPrivateKey]);
        // Corrupt bytes anywhere: never a panic.
        let bytes = pem.as_bytes();
        for at in (40..bytes.len()).step_by(37) {
            let mut broken = bytes.to_vec();
            broken[at] = b'A' + (broken[at] % 26);
            let _ = key(&String::from_utf8_lossy(&broken));
        }
    }

    #[test]
    fn rsa_2048_pkcs8_encrypted_and_legacy_encrypted() {
        let dir = Workdir::new();
        let Some((pem, certificate)) = openssl_rsa(&dir, "2048") else {
            return;
        };
        let plain = key(&pem);
        assert_eq!(plain.attributes["bits"], 2048);
        assert_eq!(plain.weaknesses, [Weakness::UnencryptedPrivateKey]);
        assert_eq!(
            cert(&certificate).public_key_sha256,
            plain.public_key_sha256
        );

        dir.run(
            "openssl",
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-out", "p8.pem",
            ],
        )
        .expect("openssl ran before");
        let p8 = key(&dir.read("p8.pem"));
        assert_eq!(p8.attributes["format"], "pkcs8");
        assert_eq!(p8.public_key_sha256, plain.public_key_sha256);

        dir.run(
            "openssl",
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "k.pem",
                "-out",
                "e8.pem",
                "-passout",
                PASSOUT,
            ],
        )
        .expect("openssl ran before");
        let e8 = key(&dir.read("e8.pem"));
        assert_eq!(e8.attributes["format"], "pkcs8-encrypted");
        assert_eq!(e8.attributes["encrypted"], true);
        assert_eq!(e8.attributes["cipher"], "aes-256-cbc");
        assert_eq!(e8.attributes["kdf"], "pbkdf2");
        assert!(e8.weaknesses.is_empty());
        assert!(e8.public_key_sha256.is_none());

        dir.run(
            "openssl",
            &[
                "rsa",
                "-in",
                "k.pem",
                "-traditional",
                "-aes128",
                "-out",
                "e1.pem",
                "-passout",
                PASSOUT,
            ],
        )
        .expect("openssl ran before");
        let e1 = key(&dir.read("e1.pem"));
        assert_eq!(e1.attributes["format"], "pkcs1");
        assert_eq!(e1.attributes["encrypted"], true);
        assert_eq!(e1.attributes["cipher"], "aes-128-cbc");
        assert!(e1.weaknesses.is_empty());
    }

    #[test]
    fn sec1_ec_key_and_certificate() {
        let dir = Workdir::new();
        if dir
            .run(
                "openssl",
                &[
                    "ecparam",
                    "-name",
                    "prime256v1",
                    "-genkey",
                    "-noout",
                    "-out",
                    "ec.pem",
                ],
            )
            .is_none()
        {
            return;
        }
        dir.run(
            "openssl",
            &[
                "req", "-x509", "-key", "ec.pem", "-out", "c.pem", "-subj", "/CN=ec", "-days", "1",
            ],
        )
        .expect("openssl ran before");
        let ev = key(&dir.read("ec.pem"));
        assert_eq!(ev.attributes["format"], "sec1");
        assert_eq!(ev.attributes["curve"], "P-256");
        let c = cert(&dir.read("c.pem"));
        assert_eq!(c.public_key_sha256, ev.public_key_sha256);
        assert_eq!(c.attributes["curve"], "P-256");
        assert_eq!(c.attributes["key_bits"], 256);
    }

    #[test]
    fn dsa_keys() {
        let dir = Workdir::new();
        if dir
            .run("openssl", &["dsaparam", "-out", "p.pem", "1024"])
            .is_none()
        {
            return;
        }
        dir.run("openssl", &["gendsa", "-out", "dsa.pem", "p.pem"])
            .expect("openssl ran before");
        let p8 = key(&dir.read("dsa.pem"));
        assert_eq!(p8.attributes["algorithm"], "dsa");
        assert_eq!(p8.attributes["bits"], 1024);
        assert!(p8.weaknesses.contains(&Weakness::DsaKey));
        dir.run(
            "openssl",
            &[
                "req", "-x509", "-key", "dsa.pem", "-out", "c.pem", "-subj", "/CN=dsa", "-days",
                "1",
            ],
        )
        .expect("openssl ran before");
        let c = cert(&dir.read("c.pem"));
        assert_eq!(c.attributes["key_algorithm"], "dsa");
        assert_eq!(c.attributes["key_bits"], 1024);

        // The OpenSSL traditional form, via ssh-keygen.
        if dir
            .run("ssh-keygen", &["-q", "-t", "dsa", "-N", "", "-f", "d"])
            .is_none()
        {
            return;
        }
        dir.run(
            "ssh-keygen",
            &["-q", "-p", "-m", "PEM", "-N", "", "-P", "", "-f", "d"],
        )
        .expect("ssh-keygen ran before");
        let ev = key(&dir.read("d"));
        assert_eq!(ev.attributes["format"], "openssl-dsa");
        assert_eq!(ev.attributes["bits"], 1024);
        assert_eq!(
            ev.weaknesses,
            [Weakness::UnencryptedPrivateKey, Weakness::DsaKey]
        );
        let public = examine_with(&dir.read("d.pub"), &["ssh-key"]);
        assert_eq!(public.public_key_sha256, ev.public_key_sha256);
        assert_eq!(
            public.attributes["fingerprint"],
            ev.attributes["fingerprint"]
        );
    }

    #[test]
    fn labels_without_a_readable_body() {
        let begin = "-----BEGIN ";
        for (label, algorithm) in [("RSA", "rsa"), ("EC", "ec"), ("DSA", "dsa")] {
            let pem =
                format!("{begin}{label} PRIVATE KEY-----\nAAAA\n-----END {label} PRIVATE KEY-----");
            let ev = key(&pem);
            assert_eq!(ev.attributes["algorithm"], algorithm);
            assert_eq!(ev.attributes["encrypted"], false);
        }
        let ev = key(&format!(
            "{begin}ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
        ));
        assert_eq!(ev.attributes["encrypted"], true);
        assert!(ev.weaknesses.is_empty());
        assert!(
            key(&format!("{begin}CERTIFICATE-----\nAAAA\n"))
                .validators
                .is_empty()
        );
        assert!(key("MIIBnotbase64!").validators.is_empty());
        assert!(key("plain text").validators.is_empty());
    }
}
