//! Deterministic source-like corpus with sparse fake secrets, shared by the
//! benchmarks. No randomness source: a fixed-seed LCG, so runs compare.

/// Lines that look like ordinary code and config (no secrets).
const LINES: &[&str] = &[
    "    let mut buffer = Vec::with_capacity(capacity);",
    "def handle_request(self, request, *args, **kwargs):",
    "  config.active_record.schema_format = :ruby",
    "import { useState, useEffect } from 'react';",
    "        if err != nil { return nil, fmt.Errorf(\"open %s: %w\", path, err) }",
    "# The token is read from the environment at start-up.",
    "password_field = forms.CharField(widget=forms.PasswordInput)",
    "    <dependency><groupId>org.apache.commons</groupId></dependency>",
    "SELECT id, name, created_at FROM users WHERE id = $1;",
    "  - name: Install dependencies",
    "    run: npm ci --prefer-offline",
    "api_key = os.environ[\"API_KEY\"]",
    "const secretName = process.env.SECRET_NAME || 'default';",
    "      expect(response.status).toBe(200);",
    "integrity sha512-Zq3vLxT1bR8cWm4nPq7kUeYh2sJ6dG9fA0iN5oV3rE1tBxc==",
    "    \"version\": \"4.17.21\",",
    "// Copyright 2024 The Authors. All rights reserved.",
    "    return self.session.get(url, timeout=30, headers=headers)",
];

/// Fake secrets planted sparsely (built from pieces so none is a literal token).
fn planted(i: u64) -> String {
    let body = pseudo_random_alnum(i, 36);
    match i % 4 {
        0 => format!("GITHUB_TOKEN={}{}", "ghp_", body),
        1 => format!("stripe_key = \"{}{}\"", "sk_live_", &body[..24]),
        2 => format!("DB_PASSWORD=Zq{}", &body[..10]),
        _ => format!("slack: {}{}-{}", "xoxb-", 1000 + i, &body[..24]),
    }
}

fn pseudo_random_alnum(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[((state >> 33) % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

/// About `size` bytes of source-like text with one fake secret every ~64 KiB.
pub fn source_like(size: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    let mut state = seed;
    let mut next_secret = 64 * 1024;
    let mut planted_count = 0;
    while out.len() < size {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let line = LINES[((state >> 33) % LINES.len() as u64) as usize];
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
        if out.len() >= next_secret {
            out.extend_from_slice(planted(planted_count).as_bytes());
            out.push(b'\n');
            planted_count += 1;
            next_secret += 64 * 1024;
        }
    }
    out
}
