//! Public halves of keys, whatever format they came in, rebuilt as a DER
//! SubjectPublicKeyInfo (the structure a certificate embeds) so that
//! `public_key_sha256` is the same for a private key, its certificate and its
//! OpenSSH form. Also yields the OpenSSH SHA-256 fingerprint where the key
//! type exists in SSH, which links PEM keys to `authorized_keys` lines.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use ssh_key::public::{DsaPublicKey, EcdsaPublicKey, Ed25519PublicKey, KeyData, RsaPublicKey};
use ssh_key::{HashAlg, Mpint};

use super::text::sha256_hex;
use super::{Evidence, Weakness};

/// rsaEncryption.
pub(crate) const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// RSASSA-PSS.
pub(crate) const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// id-ecPublicKey.
pub(crate) const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// id-dsa.
pub(crate) const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
/// Ed25519.
pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// Ed448.
pub(crate) const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
/// X25519.
pub(crate) const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// X448.
pub(crate) const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");

const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

/// Our name for a key algorithm OID (`rsa`, `ec`, `ed25519`...).
pub(crate) fn algorithm_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match *oid {
        RSA => "rsa",
        RSA_PSS => "rsa-pss",
        EC => "ec",
        DSA => "dsa",
        ED25519 => "ed25519",
        ED448 => "ed448",
        X25519 => "x25519",
        X448 => "x448",
        _ => return None,
    })
}

/// Name and size of a named curve.
pub(crate) fn curve(oid: &ObjectIdentifier) -> Option<(&'static str, u32)> {
    Some(match *oid {
        P256 => ("P-256", 256),
        P384 => ("P-384", 384),
        P521 => ("P-521", 521),
        SECP256K1 => ("secp256k1", 256),
        _ => return None,
    })
}

/// Bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(bytes: &[u8]) -> u32 {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(at) => &bytes[at..],
        None => return 0,
    };
    let lead = trimmed.first().map_or(0, |b| 8 - b.leading_zeros());
    u32::try_from(trimmed.len() - 1).unwrap_or(u32::MAX / 8) * 8 + lead
}

/// DSA domain parameters (`Dss-Parms`, RFC 3279).
#[derive(Sequence)]
pub(crate) struct DssParms<'a> {
    /// Prime modulus.
    pub p: UintRef<'a>,
    /// Subgroup order.
    pub q: UintRef<'a>,
    /// Generator.
    pub g: UintRef<'a>,
}

/// A public key, described and rebuilt as SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// `rsa`, `ec`, `ed25519`, `dsa`.
    pub algorithm: &'static str,
    /// Key size in bits.
    pub bits: Option<u32>,
    /// Named curve (EC).
    pub curve: Option<&'static str>,
    /// DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    /// OpenSSH form, when SSH has the key type.
    pub ssh: Option<KeyData>,
}

impl PublicKey {
    /// RSA from modulus and public exponent (big-endian).
    pub fn rsa(n: &[u8], e: &[u8]) -> Option<Self> {
        let key = pkcs1::RsaPublicKey {
            modulus: UintRef::new(n).ok()?,
            public_exponent: UintRef::new(e).ok()?,
        };
        let spki = spki_der(RSA, Some(AnyRef::NULL), &key.to_der().ok()?)?;
        let ssh = Some(KeyData::Rsa(RsaPublicKey {
            e: Mpint::from_positive_bytes(e).ok()?,
            n: Mpint::from_positive_bytes(n).ok()?,
        }));
        Some(Self {
            algorithm: "rsa",
            bits: Some(bit_len(n)),
            curve: None,
            spki,
            ssh,
        })
    }

    /// EC from a named curve and a SEC1-encoded point.
    pub fn ec(curve_oid: &ObjectIdentifier, point: &[u8]) -> Option<Self> {
        let params = AnyRef::from(curve_oid);
        let spki = spki_der(EC, Some(params), point)?;
        let named = curve(curve_oid);
        let ssh = EcdsaPublicKey::from_sec1_bytes(point)
            .ok()
            .map(KeyData::Ecdsa);
        Some(Self {
            algorithm: "ec",
            bits: named.map(|(_, bits)| bits),
            curve: named.map(|(name, _)| name),
            spki,
            ssh,
        })
    }

    /// Ed25519 from its 32-byte public key.
    pub fn ed25519(key: &[u8]) -> Option<Self> {
        let bytes: [u8; 32] = key.try_into().ok()?;
        Some(Self {
            algorithm: "ed25519",
            bits: Some(256),
            curve: None,
            spki: spki_der(ED25519, None, key)?,
            ssh: Some(KeyData::Ed25519(Ed25519PublicKey(bytes))),
        })
    }

    /// Ed25519 from its 32-byte private seed (RFC 8032 section 5.1.5): what an
    /// OpenSSL PKCS#8 key holds, without the public key PKCS#8 v2 may add.
    pub fn ed25519_from_seed(seed: &[u8]) -> Option<Self> {
        let seed: [u8; 32] = seed.try_into().ok()?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        Self::ed25519(public.as_bytes())
    }

    /// An algorithm without parameters whose raw public key is the bit
    /// string (Ed448, X25519, X448).
    pub fn raw(oid: ObjectIdentifier, key: &[u8]) -> Option<Self> {
        if oid == ED25519 {
            return Self::ed25519(key);
        }
        Some(Self {
            algorithm: algorithm_name(&oid)?,
            bits: None,
            curve: None,
            spki: spki_der(oid, None, key)?,
            ssh: None,
        })
    }

    /// DSA from its domain parameters and public value `y`.
    pub fn dsa(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Option<Self> {
        let parms = DssParms {
            p: UintRef::new(p).ok()?,
            q: UintRef::new(q).ok()?,
            g: UintRef::new(g).ok()?,
        }
        .to_der()
        .ok()?;
        let params = AnyRef::from_der(&parms).ok()?;
        let y_der = UintRef::new(y).ok()?.to_der().ok()?;
        let spki = spki_der(DSA, Some(params), &y_der)?;
        let ssh = Some(KeyData::Dsa(DsaPublicKey {
            p: Mpint::from_positive_bytes(p).ok()?,
            q: Mpint::from_positive_bytes(q).ok()?,
            g: Mpint::from_positive_bytes(g).ok()?,
            y: Mpint::from_positive_bytes(y).ok()?,
        }));
        Some(Self {
            algorithm: "dsa",
            bits: Some(bit_len(p)),
            curve: None,
            spki,
            ssh,
        })
    }

    /// From an SSH public key.
    pub fn from_ssh(key: &KeyData) -> Option<Self> {
        match key {
            KeyData::Rsa(k) => Self::rsa(k.n.as_positive_bytes()?, k.e.as_positive_bytes()?),
            KeyData::Ecdsa(k) => {
                let oid = match k {
                    EcdsaPublicKey::NistP256(_) => P256,
                    EcdsaPublicKey::NistP384(_) => P384,
                    EcdsaPublicKey::NistP521(_) => P521,
                };
                Self::ec(&oid, k.as_sec1_bytes())
            }
            KeyData::Ed25519(k) => Self::ed25519(&k.0),
            KeyData::Dsa(k) => Self::dsa(
                k.p.as_positive_bytes()?,
                k.q.as_positive_bytes()?,
                k.g.as_positive_bytes()?,
                k.y.as_positive_bytes()?,
            ),
            _ => None,
        }
    }

    /// Writes what this key tells into `evidence`: `algorithm`, `bits`,
    /// `curve`, `fingerprint`, the SPKI hash, and weak-key findings.
    pub fn describe(&self, evidence: &mut Evidence) {
        evidence.attr("algorithm", self.algorithm);
        if let Some(bits) = self.bits {
            evidence.attr("bits", bits);
        }
        if let Some(curve) = self.curve {
            evidence.attr("curve", curve);
        }
        if let Some(ssh) = &self.ssh {
            evidence.attr("fingerprint", ssh.fingerprint(HashAlg::Sha256).to_string());
        }
        evidence.public_key(sha256_hex(&self.spki));
        weaknesses(self.algorithm, self.bits, evidence);
    }
}

/// Weak-key findings for an algorithm and size.
pub(crate) fn weaknesses(algorithm: &str, bits: Option<u32>, evidence: &mut Evidence) {
    match (algorithm, bits) {
        ("rsa" | "rsa-pss", Some(bits)) if bits < 2048 => evidence.weak(Weakness::ShortRsaKey),
        ("dsa", _) => evidence.weak(Weakness::DsaKey),
        _ => {}
    }
}

/// DER SubjectPublicKeyInfo from its parts.
fn spki_der(oid: ObjectIdentifier, parameters: Option<AnyRef<'_>>, key: &[u8]) -> Option<Vec<u8>> {
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef { oid, parameters },
        subject_public_key: BitStringRef::from_bytes(key).ok()?,
    }
    .to_der()
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[0, 0]), 0);
        assert_eq!(bit_len(&[0, 1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[0, 0x7f, 0xff]), 15);
    }

    #[test]
    fn rebuilt_keys_survive_odd_input() {
        let _ = PublicKey::rsa(&[], &[1]); // an empty modulus: no panic
        assert!(PublicKey::ed25519(&[1, 2, 3]).is_none());
        assert!(PublicKey::raw(X25519, &[7; 32]).is_some());
        let ec = PublicKey::ec(&P256, &[4, 1, 2]).expect("any point is wrapped");
        assert_eq!(ec.curve, Some("P-256"));
        assert!(ec.ssh.is_none(), "not a valid P-256 point length");
    }

    #[test]
    fn short_rsa_and_dsa_are_weak() {
        let mut ev = Evidence::default();
        weaknesses("rsa", Some(1024), &mut ev);
        weaknesses("rsa", Some(2048), &mut ev);
        weaknesses("dsa", Some(1024), &mut ev);
        assert_eq!(ev.weaknesses, [Weakness::ShortRsaKey, Weakness::DsaKey]);
    }
}
