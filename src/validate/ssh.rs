//! `ssh-key`: OpenSSH private keys (encrypted ones too: their public half is
//! in clear), OpenSSH public key lines and PuTTY `.ppk` keys. Yields
//! `format`, `algorithm` (`rsa`, `ec`, `ed25519`, `dsa`, as `private-key`
//! names them), `ssh_algorithm`, `bits`/`curve`, `comment` (often
//! `user@host`), `fingerprint` (`SHA256:...`), `encrypted` with `cipher` and
//! `kdf`, and `public_key_sha256`: the SubjectPublicKeyInfo hash of the
//! public half, so an OpenSSH key links to the same key in PEM form or in a
//! certificate. Weaknesses: `UnencryptedPrivateKey`, `ShortRsaKey`, `DsaKey`.

use ssh_key::{HashAlg, PrivateKey};

use super::keyinfo::{self, PublicKey};
use super::text::{b64_decode, clip, find_pem, pem_text, unescape};
use super::{Evidence, Subject, Weakness, pem};

const OPENSSH_MAGIC: &[u8] = b"openssh-key-v1\0";
const PUTTY_MAGIC: &str = "PuTTY-User-Key-File-";

/// An OpenSSH private key, a PuTTY key or an OpenSSH public key line.
pub(super) fn shape(secret: &str) -> bool {
    let trimmed = secret.trim_start();
    trimmed.starts_with(PUTTY_MAGIC)
        || public_line(trimmed).is_some()
        || pem_text(secret)
            .is_some_and(|text| find_pem(&text, |label| label == "OPENSSH PRIVATE KEY").is_some())
}

/// Examines an SSH key.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let secret = subject.secret.trim_start();
    if secret.starts_with(PUTTY_MAGIC) {
        return putty(&unescape(secret), evidence);
    }
    if let Some(line) = public_line(secret) {
        return public_key_line(line, evidence);
    }
    let Some(text) = pem_text(secret) else {
        return false;
    };
    match find_pem(&text, |label| label.ends_with("PRIVATE KEY")) {
        // PEM keys (RSA, DSA, EC) are also used for SSH: same reading.
        Some(block) => pem::examine_block(&block, evidence),
        None => false,
    }
}

/// The `type base64 [comment]` line at the start of `text`, if it is one.
fn public_line(text: &str) -> Option<&str> {
    let line = text.lines().next()?.trim();
    let (kind, rest) = line.split_once(' ')?;
    let known =
        kind.starts_with("ssh-") || kind.starts_with("ecdsa-sha2-") || kind.starts_with("sk-");
    (known && rest.trim_start().starts_with("AAAA")).then_some(line)
}

/// Examines an OpenSSH public key line.
fn public_key_line(line: &str, evidence: &mut Evidence) -> bool {
    let Ok(key) = ssh_key::PublicKey::from_openssh(line) else {
        return false;
    };
    evidence.attr("format", "openssh-public");
    describe_public(&key, evidence);
    true
}

/// What an SSH public key tells (algorithm, size, fingerprint, comment).
fn describe_public(key: &ssh_key::PublicKey, evidence: &mut Evidence) {
    if let Some(public) = PublicKey::from_ssh(key.key_data()) {
        public.describe(evidence);
    }
    evidence.attr("ssh_algorithm", key.algorithm().as_str().to_string());
    evidence.attr("fingerprint", key.fingerprint(HashAlg::Sha256).to_string());
    if !key.comment().is_empty() {
        evidence.attr("comment", clip(key.comment(), 256));
    }
}

/// Records `encrypted` and the matching weakness.
fn encrypted(evidence: &mut Evidence, yes: bool) {
    evidence.attr("encrypted", yes);
    if !yes {
        evidence.weak(Weakness::UnencryptedPrivateKey);
    }
}

/// Examines the decoded body of an `OPENSSH PRIVATE KEY` block.
pub(super) fn examine_openssh(der: &[u8], evidence: &mut Evidence) -> bool {
    evidence.attr("format", "openssh");
    match PrivateKey::from_bytes(der) {
        Ok(key) => {
            describe_public(key.public_key(), evidence);
            let is_encrypted = key.is_encrypted();
            if is_encrypted {
                evidence.attr("cipher", key.cipher().as_str());
                evidence.attr("kdf", key.kdf().algorithm().as_str());
            } else if !key.comment().is_empty() {
                evidence.attr("comment", clip(key.comment(), 256));
            }
            encrypted(evidence, is_encrypted);
        }
        Err(_) => partial_openssh(der, evidence),
    }
    true
}

/// Reads what a truncated or damaged OpenSSH key still shows: its cipher and
/// the public key that precedes the (possibly encrypted) private section.
fn partial_openssh(der: &[u8], evidence: &mut Evidence) {
    let Some(mut rest) = der.strip_prefix(OPENSSH_MAGIC) else {
        return;
    };
    let Some(cipher) = read_string(&mut rest) else {
        return;
    };
    let cipher = String::from_utf8_lossy(cipher).into_owned();
    if cipher.len() <= 64 {
        encrypted(evidence, cipher != "none");
        if cipher != "none" {
            evidence.attr("cipher", cipher);
        }
    }
    let public = read_string(&mut rest) // kdf name
        .and_then(|_| read_string(&mut rest)) // kdf options
        .and_then(|_| read_u32(&mut rest)) // number of keys
        .and_then(|_| read_string(&mut rest))
        .and_then(|blob| ssh_key::PublicKey::from_bytes(blob).ok());
    if let Some(public) = public {
        describe_public(&public, evidence);
    }
}

/// SSH wire-format `uint32`.
fn read_u32(input: &mut &[u8]) -> Option<u32> {
    let (head, tail) = input.split_first_chunk::<4>()?;
    *input = tail;
    Some(u32::from_be_bytes(*head))
}

/// SSH wire-format `string` (length-prefixed bytes).
fn read_string<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(read_u32(input)?).ok()?;
    if len > input.len() {
        return None;
    }
    let (head, tail) = input.split_at(len);
    *input = tail;
    Some(head)
}

/// Examines a PuTTY `.ppk` key (versions 2 and 3).
fn putty(text: &str, evidence: &mut Evidence) -> bool {
    let mut lines = text.lines().map(str::trim);
    let Some(first) = lines.next() else {
        return false;
    };
    let Some((_, algorithm)) = first.split_once(':') else {
        return false;
    };
    evidence.attr("format", "putty");
    evidence.attr("ssh_algorithm", clip(algorithm.trim(), 64));
    let mut public = String::new();
    let mut cipher = None;
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name {
            "Encryption" => cipher = Some(value.to_string()),
            "Comment" if !value.is_empty() => evidence.attr("comment", clip(value, 256)),
            "Public-Lines" => {
                let count = value.parse::<usize>().unwrap_or(0).min(64);
                for _ in 0..count {
                    public.push_str(lines.next().unwrap_or_default());
                }
            }
            _ => {}
        }
    }
    if let Some(key) = b64_decode(&public).and_then(|b| ssh_key::PublicKey::from_bytes(&b).ok()) {
        if let Some(public) = PublicKey::from_ssh(key.key_data()) {
            public.describe(evidence);
        }
        evidence.attr("fingerprint", key.fingerprint(HashAlg::Sha256).to_string());
    } else if algorithm.contains("dss") {
        keyinfo::weaknesses("dsa", None, evidence);
    }
    if let Some(cipher) = cipher {
        let is_encrypted = cipher != "none";
        if is_encrypted {
            evidence.attr("cipher", clip(&cipher, 64));
        }
        encrypted(evidence, is_encrypted);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testkeys::{Workdir, cut, examine_with, json_escaped};

    fn ssh(secret: &str) -> Evidence {
        examine_with(secret, &["ssh-key"])
    }

    /// `ssh-keygen -l` of a public key file: `bits SHA256:... comment (TYPE)`.
    fn keygen_fingerprint(dir: &Workdir, file: &str) -> String {
        let out = std::process::Command::new("ssh-keygen")
            .args(["-l", "-E", "sha256", "-f"])
            .arg(dir.path(file))
            .output()
            .expect("ssh-keygen ran before");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn openssh_ed25519_private_and_public() {
        let dir = Workdir::new();
        let generated = dir.run(
            "ssh-keygen",
            &[
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "ci@builder",
                "-f",
                "k",
            ],
        );
        if generated.is_none() {
            return;
        }
        let private = dir.read("k");
        let ev = ssh(&private);
        assert_eq!(ev.validators, ["ssh-key"]);
        assert_eq!(ev.attributes["format"], "openssh");
        assert_eq!(ev.attributes["algorithm"], "ed25519");
        assert_eq!(ev.attributes["ssh_algorithm"], "ssh-ed25519");
        assert_eq!(ev.attributes["comment"], "ci@builder");
        assert_eq!(ev.attributes["encrypted"], false);
        assert_eq!(ev.weaknesses, [Weakness::UnencryptedPrivateKey]);
        assert_eq!(
            ev.attributes["fingerprint"],
            keygen_fingerprint(&dir, "k.pub")
        );
        // Shape dispatch, `private-key` naming it, JSON escaping: same key.
        assert_eq!(
            examine_with(&private, &[]).public_key_sha256,
            ev.public_key_sha256
        );
        assert_eq!(
            examine_with(&private, &["private-key"]).public_key_sha256,
            ev.public_key_sha256
        );
        assert_eq!(
            ssh(&json_escaped(&private)).public_key_sha256,
            ev.public_key_sha256
        );
        let public = ssh(&dir.read("k.pub"));
        assert_eq!(public.attributes["format"], "openssh-public");
        assert_eq!(public.attributes["comment"], "ci@builder");
        assert_eq!(public.public_key_sha256, ev.public_key_sha256);
        assert!(public.weaknesses.is_empty());

        // Truncated: cipher and public key still read from the header.
        let truncated = cut(&private, private.len() * 2 / 3);
        let ev = ssh(&truncated);
        assert_eq!(ev.attributes["encrypted"], false);
        assert_eq!(ev.attributes["algorithm"], "ed25519");
        let bytes = private.as_bytes();
        for at in (40..bytes.len()).step_by(23) {
            let mut broken = bytes.to_vec();
            broken[at] = b'a' + (broken[at] % 26);
            let _ = ssh(&String::from_utf8_lossy(&broken));
        }
    }

    #[test]
    fn encrypted_openssh_key_still_shows_its_public_half() {
        let dir = Workdir::new();
        let generated = dir.run(
            "ssh-keygen",
            &[
                "-q",
                "-t",
                "ecdsa",
                "-b",
                "384",
                "-N",
                "test-only-pass",
                "-C",
                "ops@bastion",
                "-f",
                "k",
            ],
        );
        if generated.is_none() {
            return;
        }
        let ev = ssh(&dir.read("k"));
        assert_eq!(ev.attributes["encrypted"], true);
        assert_eq!(ev.attributes["cipher"], "aes256-ctr");
        assert_eq!(ev.attributes["kdf"], "bcrypt");
        assert_eq!(ev.attributes["curve"], "P-384");
        assert!(
            !ev.attributes.contains_key("comment"),
            "the comment is encrypted"
        );
        assert!(ev.weaknesses.is_empty());
        assert_eq!(
            ssh(&dir.read("k.pub")).public_key_sha256,
            ev.public_key_sha256
        );
        assert!(ev.public_key_sha256.is_some());
    }

    #[test]
    fn short_rsa_openssh_key_links_to_its_pem_form() {
        let dir = Workdir::new();
        if dir
            .run(
                "ssh-keygen",
                &["-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", "k"],
            )
            .is_none()
        {
            return;
        }
        let ev = ssh(&dir.read("k"));
        assert_eq!(ev.attributes["bits"], 1024);
        assert_eq!(
            ev.weaknesses,
            [Weakness::UnencryptedPrivateKey, Weakness::ShortRsaKey]
        );
        dir.run(
            "ssh-keygen",
            &["-q", "-p", "-m", "PEM", "-N", "", "-P", "", "-f", "k"],
        )
        .expect("ssh-keygen ran before");
        let pem = examine_with(&dir.read("k"), &["private-key"]);
        assert_eq!(pem.attributes["format"], "pkcs1");
        assert_eq!(pem.public_key_sha256, ev.public_key_sha256);
        assert_eq!(pem.attributes["fingerprint"], ev.attributes["fingerprint"]);
    }

    #[test]
    fn putty_key_built_from_a_public_key() {
        let dir = Workdir::new();
        if dir
            .run("ssh-keygen", &["-q", "-t", "ed25519", "-N", "", "-f", "k"])
            .is_none()
        {
            return;
        }
        let public_line = dir.read("k.pub");
        let blob = public_line.split_whitespace().nth(1).expect("base64 blob");
        let ppk = format!(
            "{PUTTY_MAGIC}3: ssh-ed25519\nEncryption: none\nComment: deploy@ci\nPublic-Lines: 1\n{blob}\nPrivate-Lines: 1\nAAAA\nPrivate-MAC: {}",
            "0".repeat(64)
        );
        let ev = ssh(&ppk);
        assert_eq!(ev.attributes["format"], "putty");
        assert_eq!(ev.attributes["comment"], "deploy@ci");
        assert_eq!(ev.attributes["encrypted"], false);
        assert_eq!(ev.public_key_sha256, ssh(&public_line).public_key_sha256);
        let encrypted = ppk.replace("Encryption: none", "Encryption: aes256-cbc");
        assert_eq!(ssh(&encrypted).attributes["encrypted"], true);
        let truncated = cut(&ppk, 60);
        let ev = ssh(&truncated);
        assert_eq!(ev.attributes["format"], "putty");
        assert!(ev.public_key_sha256.is_none());
    }

    #[test]
    fn not_ssh() {
        assert!(ssh("ssh-rsa AAAA!!").validators.is_empty());
        assert!(ssh("ssh-ed25519").validators.is_empty());
        assert!(ssh("hello").validators.is_empty());
        assert!(!shape("ssh-rsa notbase64"));
        let mut input: &[u8] = &[0, 0, 0, 9, 1];
        assert_eq!(read_string(&mut input), None);
    }
}
