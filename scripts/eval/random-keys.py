#!/usr/bin/env python3
"""Writes a tree of random credentials assigned to secret names, one per line,
in the formats people keep them in (dotenv, YAML, JSON, TOML, INI, properties,
XML, shell, Dockerfile, Compose, Kubernetes env, Terraform, code in twenty
languages and arguments of a client's constructor or setter, a query string;
passwords also in connection strings, URLs, SQL and command lines, tokens in
Authorization headers), and measures keyhound on it.

Every value is random: letters and digits, hex, base64 (standard and URL-safe,
with and without padding), lowercase and digits, and generated passwords with
symbols; 16 to 64 characters. A scanner should report every line. The tree is
a measurement of the generic rules' recall on values no placeholder filter
should touch (docs/QUALITY.md), and the training script can take it as
positives (`train-generic.py --positives DIR`): with CredData alone the scorer
learns that obfuscated lowercase words are secrets and that mixed-case strings
(camelCase identifiers there) are not.

    python3 scripts/eval/random-keys.py write DIR [--seed N] [--count N]
    python3 scripts/eval/random-keys.py measure DIR [--binary PATH] [-- SCAN ARGS]
    python3 scripts/eval/random-keys.py compare DIR [--binary PATH]

`measure` prints recall per value kind, length and file format, and lists the
lines keyhound missed; `compare` prints the line recall of keyhound and of
gitleaks, betterleaks, Kingfisher and detect-secrets when they are on PATH.
"""

import argparse
import base64
import html
import json
import os
import random
import string
import urllib.parse
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

PREFIXES = ["", "", "", "stripe", "billing", "payments", "search", "maps", "crm", "mail",
            "smtp", "analytics", "storage", "backend", "app", "service", "partner", "github",
            "slack", "acme", "internal", "prod", "upstream", "vendor"]
SECRET_NAMES = ["api_key", "apikey", "api_secret", "secret_key", "secret", "access_token",
                "auth_token", "token", "client_secret", "app_secret", "private_key",
                "access_key", "secret_access_key", "service_token", "webhook_secret",
                "signing_key", "signing_secret", "encryption_key", "jwt_secret",
                "session_secret", "refresh_token", "bearer_token", "master_key", "app_key",
                "consumer_secret", "password", "db_password", "admin_password", "passwd"]
ALPHABETS = {
    "alnum": string.ascii_letters + string.digits,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "lower-digits": string.ascii_lowercase + string.digits,
    "base64": string.ascii_letters + string.digits + "+/",
    "base64url": string.ascii_letters + string.digits + "-_",
    "password": string.ascii_letters + string.digits + "!#%&*+-.:;=?@^_~",
}
LENGTHS = [16, 20, 24, 28, 32, 40, 43, 48, 64]


def words(name):
    return name.split("_")


def camel(name, upper_first=False):
    parts = words(name)
    out = parts[0] + "".join(p.title() for p in parts[1:])
    return out[0].upper() + out[1:] if upper_first else out


def value_of(rng, kind):
    alphabet = ALPHABETS[kind]
    length = rng.choice(LENGTHS if kind != "password" else [12, 14, 16, 20, 24])
    while True:
        v = "".join(rng.choice(alphabet) for _ in range(length))
        classes = sum(any(c in s for c in v) for s in (string.digits, string.ascii_lowercase,
                                                      string.ascii_uppercase))
        # A generated key has the classes of its alphabet (a 16-character hex key of
        # digits only is a number, not a key anyone would write down).
        if kind in ("hex", "HEX", "lower-digits") and classes < 2:
            continue
        if kind in ("alnum", "base64url", "password") and classes < 3:
            continue
        if kind == "base64" and rng.random() < 0.5:
            # The encoding of random bytes, padded: 16 bytes make 22 characters and `==`.
            raw = bytes(rng.randrange(256) for _ in range(length * 3 // 4))
            v = base64.b64encode(raw).decode()
        return v


def yaml_plain(value):
    """`value` as YAML writes it: plain unless an indicator would change its meaning."""
    if value[0] in "!&*%@`|>'\"#,[]{}?:-" or ": " in value or " #" in value:
        return "'" + value.replace("'", "''") + "'"
    return value


FORMATS = {
    "env": (".env", lambda n, v: f"{n.upper()}={v}"),
    "env-quoted": (".env", lambda n, v: f'{n.upper()}="{v}"'),
    "export": (".sh", lambda n, v: f"export {n.upper()}='{v}'"),
    "yaml": (".yaml", lambda n, v: f"  {n}: {yaml_plain(v)}"),
    "yaml-quoted": (".yml", lambda n, v: f'  {n}: "{v}"'),
    "json": (".json", lambda n, v: f'  "{camel(n)}": "{v}",'),
    "toml": (".toml", lambda n, v: f'{n} = "{v}"'),
    "ini": (".ini", lambda n, v: f"{n} = {v}"),
    "properties": (".properties", lambda n, v: f"{n.replace('_', '.')}={v}"),
    "xml": (".xml", lambda n, v: f'  <add key="{camel(n, True)}" value="{html.escape(v)}" />'),
    "python": (".py", lambda n, v: f'{n.upper()} = "{v}"'),
    "javascript": (".js", lambda n, v: f"const {camel(n)} = '{v}';"),
    "typescript": (".ts", lambda n, v: f'  {camel(n)}: "{v}",'),
    "go": (".go", lambda n, v: f'\t{camel(n, True)} = "{v}"'),
    "java": (".java", lambda n, v: f'    private static final String {n.upper()} = "{v}";'),
    "csharp": (".cs", lambda n, v: f'        public const string {camel(n, True)} = "{v}";'),
    "ruby": (".rb", lambda n, v: f"  config.{n} = '{v}'"),
    "php": (".php", lambda n, v: f"    '{n}' => '{v}',"),
    "rust": (".rs", lambda n, v: f'const {n.upper()}: &str = "{v}";'),
    "kotlin": (".kt", lambda n, v: f'    val {camel(n)} = "{v}"'),
    "c": (".h", lambda n, v: f'#define {n.upper()} "{v}"'),
    "swift": (".swift", lambda n, v: f'    let {camel(n)} = "{v}"'),
    "scala": (".scala", lambda n, v: f'  val {camel(n)} = "{v}"'),
    "dart": (".dart", lambda n, v: f"const {camel(n)} = '{v}';"),
    "perl": (".pl", lambda n, v: f"my ${n} = '{v}';"),
    "lua": (".lua", lambda n, v: f'local {n} = "{v}"'),
    "r": (".R", lambda n, v: f'{n} <- "{v}"'),
    "elixir": (".exs", lambda n, v: f'config :app, {n}: "{v}"'),
    "powershell": (".ps1", lambda n, v: f"$Env:{n.upper()} = '{v}'"),
    "terraform": (".tf", lambda n, v: f'  {n} = "{v}"'),
    "dockerfile": ("Dockerfile", lambda n, v: f"ENV {n.upper()}={v}"),
    "compose": ("docker-compose.yml", lambda n, v: f"      - {n.upper()}={v}"),
    "k8s-env": ("deployment.yaml",
                lambda n, v: f"        - name: {n.upper()}\n          value: {yaml_plain(v)}"),
    # Passed to a client where it is made: keyword arguments, option objects,
    # struct literals, setters, a query string.
    "python-kwarg": ("client.py", lambda n, v: f'client = Client({n}="{v}", timeout=30)'),
    "js-options": ("client.js", lambda n, v: f"const client = createClient({{ {camel(n)}: '{v}' }});"),
    "go-struct": ("client.go", lambda n, v: f'\tcfg := Config{{{camel(n, True)}: "{v}", Retries: 3}}'),
    "java-setter": ("Client.java", lambda n, v: f'        config.set{camel(n, True)}("{v}");'),
    "csharp-init": ("Client.cs", lambda n, v: f'        var options = new Options {{ {camel(n, True)} = "{v}" }};'),
    "ruby-kwarg": ("client.rb", lambda n, v: f"  client = Client.new({n}: '{v}')"),
    "php-array": ("client.php", lambda n, v: f"$client = new Client(['{n}' => '{v}']);"),
    "query": ("urls.txt", lambda n, v: f"https://api.internal/v1/items?{n}={urllib.parse.quote(v, safe='')}&page=2"),
}

# Formats that carry a password whatever the setting is called: a connection
# string, a URL's user info, SQL, a client's command line.
PASSWORD_FORMATS = {
    "connection-string": ("appsettings.json",
                          lambda v: f'    "Default": "Server=db.internal;Database=app;User Id=app;Password={v};"'),
    "url": ("url.env", lambda v: f"DATABASE_URL=postgres://app:{urllib.parse.quote(v, safe='')}@db.internal:5432/app"),
    "sql": (".sql", lambda v: f"CREATE USER app IDENTIFIED BY '{v}';"),
    "cli-short": ("cli.sh", lambda v: f"mysql -h db.internal -u app -p'{v}' app"),
    "cli-long": ("cli.sh", lambda v: f"psql-admin --user app --password '{v}' --host db.internal"),
}

# Formats that carry a token whatever it is called: an HTTP Authorization header.
TOKEN_FORMATS = {
    "bearer-header": ("header.sh", lambda v: f'curl -H "Authorization: Bearer {v}" https://api.internal/v1/me'),
}


def negative_line(rng):
    """A line that is no credential, however close it sits to one: the values the
    issue lists (placeholders, references and calls, hashes and checksums, UUIDs
    outside a secret's name, translations, test assertions on fake values),
    mostly under the same secret names and formats as the positives. Returns
    (kind, format, file extension or name, line)."""
    name = rng.choice(SECRET_NAMES)
    prefix = rng.choice(PREFIXES)
    full = f"{prefix}_{name}" if prefix else name
    upper, cam, pascal = full.upper(), camel(full), camel(full, True)
    hex_of = lambda n: "".join(rng.choice("0123456789abcdef") for _ in range(n))
    b64 = lambda n: base64.b64encode(bytes(rng.randrange(256) for _ in range(n))).decode()
    kind = rng.choice(["placeholder", "reference", "hash", "uuid", "translation", "assertion"])
    if kind == "placeholder":
        value = rng.choice([f"<{name}>", f"${{{upper}}}", f"{{{{ .Values.{cam} }}}}",
                            f"%({full})s", "changeme", "x" * rng.choice([16, 32, 40]), "*" * 12,
                            f"your_{name}_here", "REPLACE_ME", f"<YOUR_{name.upper()}>", "TODO",
                            f"${{{{ secrets.{upper} }}}}", "{{" + full + "}}"])
        fmt = rng.choice(list(FORMATS))
        return kind, fmt, FORMATS[fmt][0], FORMATS[fmt][1](full, value)
    # Each kind's lines as (format, extension or file name, line); only the chosen
    # kind's are built (they draw random digests from `rng`).
    lines = {
        "reference": lambda: [
            ("python", ".py", f'{upper} = os.environ["{upper}"]'),
            ("python", ".py", f'{full} = settings.get("{full}")'),
            ("javascript", ".js", f"const {cam} = process.env.{upper};"),
            ("typescript", ".ts", f"  {cam}: config.{cam},"),
            ("go", ".go", f'\t{pascal} = os.Getenv("{upper}")'),
            ("java", ".java", f'    String {cam} = System.getenv("{upper}");'),
            ("ruby", ".rb", f"  config.{full} = ENV.fetch('{upper}')"),
            ("yaml", ".yaml", f"  {full}: ${{{upper}}}"),
            ("env", ".env", f"{upper}=${{VAULT_{upper}}}"),
            ("csharp", ".cs", f'        var {cam} = Configuration["{pascal}"];'),
            ("php", ".php", f"    '{full}' => env('{upper}'),"),
            ("rust", ".rs", f'let {full} = std::env::var("{upper}")?;'),
        ],
        "hash": lambda: [
            ("lockfile", "package-lock.json", f'      "integrity": "sha512-{b64(64)}",'),
            ("lockfile", "yarn.lock", f"  integrity sha1-{b64(20)}"),
            ("lockfile", "Cargo.lock", f'checksum = "{hex_of(64)}"'),
            ("yaml", ".yaml", f"  commit: {hex_of(40)}"),
            ("json", ".json", f'  "sha256": "{hex_of(64)}",'),
            ("python", ".py", f'{upper}_SHA256 = "{hex_of(64)}"'),
            ("yaml", ".yaml", f"  {full}_hash: {hex_of(64)}"),
            ("go", ".go", f'\t{pascal}Fingerprint = "{hex_of(40)}"'),
            ("lockfile", "go.sum", f"example.com/mod v1.2.3 h1:{b64(32)}"),
        ],
        "uuid": lambda: [
            (fmt, ext, line.format(f"{hex_of(8)}-{hex_of(4)}-4{hex_of(3)}-a{hex_of(3)}-{hex_of(12)}"))
            for fmt, ext, line in [
                ("json", ".json", '  "id": "{}",'),
                ("yaml", ".yaml", "  request_id: {}"),
                ("python", ".py", 'TENANT_ID = "{}"'),
                ("csharp", ".cs", '        [Guid("{}")]'),
                ("xml", ".xml", "  <ProjectGuid>{{{}}}</ProjectGuid>"),
            ]
        ],
        "translation": lambda: [
            (fmt, ext, line.format(rng.choice([
                "Mot de passe", "Passwort vergessen?", "Contraseña incorrecta",
                "Your session token has expired", "Enter your API key", "Senha", "Пароль",
                "パスワードを入力してください", "Secret key is required"])))
            for fmt, ext, line in [
                ("json", ".json", f'  "{cam}Label": "{{}}",'),
                ("yaml", ".yml", f'  {full}_prompt: "{{}}"'),
                ("properties", "messages_xx.properties", f"{full.replace('_', '.')}.label={{}}"),
                ("po", ".po", 'msgstr "{}"'),
            ]
        ],
        "assertion": lambda: [
            (fmt, ext, line.format(rng.choice([
                "wrong-password", "fake-token", "invalid", "not-a-secret", "dummy-key",
                "test-secret", "bad_password", "expired-token"])))
            for fmt, ext, line in [
                ("python", "test_auth.py", f'    assert {full} != "{{}}"'),
                ("javascript", "auth.test.js", f"  expect({cam}).not.toBe('{{}}');"),
                ("go", "auth_test.go", f'\tif {cam} == "{{}}" {{{{'),
                ("java", "AuthTest.java", f'        assertNotEquals("{{}}", {cam});'),
            ]
        ],
    }
    return kind, *rng.choice(lines[kind]())


def write_negatives(root, seed, count):
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files, truth = {}, []
    for _ in range(count):
        kind, fmt, ext, text = negative_line(rng)
        path = f"{fmt}{ext}" if ext.startswith(".") else ext
        lines = files.setdefault(path, [])
        lines.extend(text.split("\n"))
        truth.append({"path": path, "line": len(lines), "kind": kind, "format": fmt,
                      "label": "negative"})
    for path, lines in files.items():
        (root / path).write_text("\n".join(lines) + "\n")
    (root.parent / (root.name + ".truth.jsonl")).write_text(
        "".join(json.dumps(t) + "\n" for t in truth))


def write(root, seed, count):
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files = {}
    truth = []
    for _ in range(count):
        prefix = rng.choice(PREFIXES)
        name = rng.choice(SECRET_NAMES)
        kind = "password" if "pass" in name else rng.choice([k for k in ALPHABETS if k != "password"])
        full = f"{prefix}_{name}" if prefix else name
        value = value_of(rng, kind)
        extra = PASSWORD_FORMATS if kind == "password" else TOKEN_FORMATS
        # One line in four is written the way its kind is used (a password in a
        # connection string, a token in a header); the rest as a named setting.
        if rng.random() < 0.25:
            fmt = rng.choice(list(extra))
            ext, line = extra[fmt]
            text = line(value)
        else:
            fmt = rng.choice(list(FORMATS))
            ext, line = FORMATS[fmt]
            text = line(full, value)
        path = f"{fmt}{ext}" if ext.startswith(".") else ext
        lines = files.setdefault(path, [])
        lines.extend(text.split("\n"))
        truth.append({"path": path, "line": len(lines), "kind": kind,
                      "length": len(value), "format": fmt})
    for path, lines in files.items():
        (root / path).write_text("\n".join(lines) + "\n")
    (root.parent / (root.name + ".truth.jsonl")).write_text(
        "".join(json.dumps(t) + "\n" for t in truth))


def keyhound_lines(root, binary, scan_args):
    """The (file name, line) of every location keyhound reports under `root`."""
    out = subprocess.run([binary, "scan", str(root), "-q", "-f", "jsonl", *scan_args],
                         capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(out.stderr)
    found = set()
    for line in out.stdout.splitlines():
        for loc in json.loads(line)["locations"]:
            found.add((Path(loc["path"]).name, loc["line"]))
    return found


def measure(root, binary, scan_args):
    truth_path = root.parent / (root.name + ".truth.jsonl")
    truth = [json.loads(line) for line in truth_path.read_text().splitlines()]
    found = keyhound_lines(root, binary, scan_args)
    hits, totals = Counter(), Counter()
    missed = []
    for t in truth:
        hit = (t["path"], t["line"]) in found
        for field in ("kind", "length", "format"):
            totals[(field, t[field])] += 1
            hits[(field, t[field])] += hit
        if not hit:
            missed.append(t)
    print(f"recall {len(truth) - len(missed)}/{len(truth)} = "
          f"{(len(truth) - len(missed)) / len(truth):.1%}")
    for key in sorted(totals):
        print(f"  {key[0]:<7} {str(key[1]):<13} {hits[key]:>4}/{totals[key]:<4}")
    for t in missed:
        text = (root / t["path"]).read_text().splitlines()[t["line"] - 1]
        print(f"missed {t['path']}:{t['line']}: {text.strip()}")


def other_scanners(root, out_dir):
    """Lines found by each other scanner on PATH, as {name: {(file name, line)}}."""
    import shutil
    import tempfile
    out_dir = Path(out_dir or tempfile.mkdtemp())
    runs = {
        "gitleaks": (["gitleaks", "dir", str(root), "--no-banner", "--exit-code", "0", "-f", "json",
                      "-r", str(out_dir / "gitleaks.json")], None),
        "betterleaks": (["betterleaks", "fs", str(root), "--exit-code", "0", "--no-banner", "-o",
                         str(out_dir / "betterleaks.json")], None),
        "kingfisher": (["kingfisher", "scan", str(root), "--no-validate", "--no-update-check",
                        "--format", "json", "-o", str(out_dir / "kingfisher.json")], None),
        "detect-secrets": (["detect-secrets", "scan", "--all-files", "."], out_dir / "detect-secrets.json"),
    }
    found = {}
    for name, (args, stdout) in runs.items():
        if not shutil.which(args[0]):
            continue
        with open(stdout, "w") if stdout else open(os.devnull, "w") as sink:
            subprocess.run(args, cwd=root, stdout=sink, stderr=subprocess.DEVNULL, check=False)
        report = json.loads((out_dir / f"{name}.json").read_text() or "null")
        if name == "gitleaks":
            lines = {(Path(f["File"]).name, f["StartLine"]) for f in report or []}
        elif name == "betterleaks":
            lines = {(Path(f["location"]["path"]).name, f["location"]["start_line"])
                     for f in report["findings"]}
        elif name == "kingfisher":
            lines = {(Path(f["finding"]["path"]).name, f["finding"]["line"]) for f in report["findings"]}
        else:
            lines = {(Path(path).name, r["line_number"]) for path, results in report["results"].items()
                     for r in results}
        found[name] = lines
    return found


def compare(root, binary, out_dir):
    truth = [json.loads(line) for line in (root.parent / (root.name + ".truth.jsonl")).read_text().splitlines()]
    found = other_scanners(root, out_dir)
    found["keyhound"] = keyhound_lines(root, binary, [])
    negative = all(t.get("label") == "negative" for t in truth)
    for name, lines in found.items():
        hits = sum((t["path"], t["line"]) in lines for t in truth)
        what = "flagged (false positives)" if negative else "found"
        print(f"{name:<15} {hits:>5}/{len(truth)} {what} = {hits / len(truth):.1%}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("dir", type=Path)
    w.add_argument("--seed", type=int, default=1)
    w.add_argument("--count", type=int, default=2000)
    w.add_argument("--negatives", action="store_true",
                   help="write non-secrets in the same places instead (placeholders, references, "
                        "hashes, UUIDs, translations, assertions)")
    m = sub.add_parser("measure")
    m.add_argument("dir", type=Path)
    m.add_argument("--binary", default=str(HERE / "target/release/keyhound"))
    m.add_argument("scan_args", nargs="*")
    c = sub.add_parser("compare", help="recall of keyhound and of the other scanners on PATH")
    c.add_argument("dir", type=Path)
    c.add_argument("--binary", default=str(HERE / "target/release/keyhound"))
    c.add_argument("--reports", help="where the other scanners' reports go (default: a temp dir)")
    args = ap.parse_args()
    if args.command == "write":
        (write_negatives if args.negatives else write)(args.dir, args.seed, args.count)
    elif args.command == "measure":
        measure(args.dir, args.binary, args.scan_args)
    else:
        compare(args.dir, args.binary, args.reports)


if __name__ == "__main__":
    main()
