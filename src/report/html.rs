//! Self-contained static HTML inventory report.
//!
//! One HTML5 file with inline CSS and JavaScript and no network assets, so it
//! can be mailed, archived or opened from `file://`. Every row is rendered
//! here, so the page is complete without JavaScript; the script only adds
//! sorting, filtering and a "N of M shown" counter. A Content-Security-Policy
//! allows nothing but the exact inline style and script (by hash), so even a
//! markup injection through a hostile path could neither run code nor load
//! anything. The output is deterministic: the same outcome gives the same bytes.
//!
//! Secret values are never written, not even with `--show-secrets`:
//! identities carry none, and findings are only counted.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Write};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::inventory::Identity;
use crate::scan::ScanOutcome;

use super::ReportOptions;

/// The page's style sheet.
const CSS: &str = include_str!("html/report.css");
/// The page's script: sorting, filters, counter, row toggling.
const JS: &str = include_str!("html/report.js");

/// Column headers of the identities table and how the script sorts them.
const COLUMNS: &[(&str, &str)] = &[
    ("Risk", "num"),
    ("Kind", "text"),
    ("Provider", "text"),
    ("Principal", "text"),
    ("Credential type", "text"),
    ("Environments", "text"),
    ("Owners", "text"),
    ("First seen", "date"),
    ("Last seen", "date"),
    ("Expires", "date"),
    ("At HEAD", "text"),
    ("Locations", "num"),
    ("Top reasons", "text"),
];

/// Risk bands: name and lowest score, highest band first.
const BANDS: &[(&str, u8)] = &[("critical", 80), ("high", 60), ("medium", 30), ("low", 0)];

/// What an empty cell shows.
const NONE: &str = "<span class=\"none\">\u{2014}</span>";

/// Reasons shown in the table row (all are in the row's details).
const TOP_REASONS: usize = 3;

/// Writes the HTML report. `options` is accepted for symmetry with the other
/// formats: this report never contains secret values.
pub fn write(
    outcome: &ScanOutcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = options;
    head(out)?;
    writeln!(out, "<body>\n<header><h1>keyhound inventory</h1>")?;
    writeln!(
        out,
        "<p class=\"muted\">Machine identities found by keyhound {}. Secret values are never included in this report.</p></header>",
        Esc(env!("CARGO_PKG_VERSION"))
    )?;
    summary(outcome, out)?;
    writeln!(out, "<main>")?;
    controls(&outcome.identities, out)?;
    table(&outcome.identities, out)?;
    writeln!(out, "</main>")?;
    writeln!(out, "<script>{JS}</script>\n</body>\n</html>")
}

/// Doctype, metadata, the Content-Security-Policy and the inline style.
fn head(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; form-action 'none'\">",
        csp_hash(CSS),
        csp_hash(JS)
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"keyhound {}\">",
        Esc(env!("CARGO_PKG_VERSION"))
    )?;
    writeln!(
        out,
        "<title>keyhound inventory</title>\n<style>{CSS}</style>\n</head>"
    )
}

/// Counts: identities, findings, repositories, files, and identities per band.
fn summary(outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let stats = &outcome.stats;
    writeln!(
        out,
        "<section class=\"summary\" aria-label=\"Summary\"><dl>"
    )?;
    let mut item = |label: &str, value: String| {
        writeln!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            Esc(label),
            Esc(&value)
        )
    };
    item("Identities", outcome.identities.len().to_string())?;
    item("Findings", outcome.findings.len().to_string())?;
    item("Repositories", outcome.repositories.len().to_string())?;
    item("Files scanned", stats.files.to_string())?;
    if stats.commits > 0 {
        item("Commits", stats.commits.to_string())?;
    }
    writeln!(
        out,
        "</dl>\n<ul class=\"bands\" aria-label=\"Identities by risk band\">"
    )?;
    for (name, _) in BANDS {
        let count = outcome
            .identities
            .iter()
            .filter(|i| band(i.risk.score) == *name)
            .count();
        writeln!(
            out,
            "<li class=\"band-{name}\"><span class=\"count\">{count}</span> {name}</li>"
        )?;
    }
    writeln!(out, "</ul>")?;
    if !outcome.repositories.is_empty() {
        writeln!(
            out,
            "<details class=\"repos\"><summary>Repositories</summary><ul>"
        )?;
        for repo in &outcome.repositories {
            let branch = repo.branch.as_deref().unwrap_or("detached");
            let head = repo.head.as_deref().map_or("no commit", short_commit);
            writeln!(
                out,
                "<li><b>{}</b> <span class=\"muted\">{} @ <code>{}</code></span></li>",
                Esc(&repo.name),
                Esc(branch),
                Esc(head)
            )?;
        }
        writeln!(out, "</ul></details>")?;
    }
    writeln!(out, "</section>")
}

/// Filters and the counter; hidden until the script shows them.
fn controls(identities: &[Identity], out: &mut dyn Write) -> io::Result<()> {
    let kinds: BTreeSet<_> = identities.iter().map(|i| i.kind).collect();
    let providers: BTreeSet<&str> = identities.iter().map(|i| i.provider.as_str()).collect();
    writeln!(out, "<form id=\"controls\" class=\"controls\" hidden>")?;
    let select = |out: &mut dyn Write, id: &str, label: &str, options: &[(String, String)]| {
        write!(
            out,
            "<label>{label} <select id=\"{id}\"><option value=\"\">all</option>"
        )?;
        for (value, text) in options {
            write!(
                out,
                "<option value=\"{}\">{}</option>",
                Esc(value),
                Esc(text)
            )?;
        }
        writeln!(out, "</select></label>")
    };
    let pairs = |items: Vec<&str>| -> Vec<(String, String)> {
        items
            .into_iter()
            .map(|s| (s.to_string(), s.to_string()))
            .collect()
    };
    select(
        out,
        "f-kind",
        "Kind",
        &pairs(kinds.iter().map(|k| k.as_str()).collect()),
    )?;
    select(
        out,
        "f-provider",
        "Provider",
        &pairs(providers.into_iter().collect()),
    )?;
    let risks: Vec<(String, String)> = BANDS
        .iter()
        .filter(|(_, min)| *min > 0)
        .rev()
        .map(|(name, min)| (min.to_string(), format!("{min}+ ({name})")))
        .collect();
    select(out, "f-risk", "Minimum risk", &risks)?;
    writeln!(
        out,
        "<label>Search <input id=\"f-text\" type=\"search\" placeholder=\"path, principal, owner…\"></label>"
    )?;
    writeln!(
        out,
        "<output id=\"shown\" aria-live=\"polite\"></output>\n</form>"
    )
}

/// The identities table: one `<tbody>` per identity (its row and its details).
fn table(identities: &[Identity], out: &mut dyn Write) -> io::Result<()> {
    if identities.is_empty() {
        writeln!(out, "<p class=\"empty\">No machine identities found.</p>")?;
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table id=\"identities\">\n<thead><tr>"
    )?;
    for (label, sort) in COLUMNS {
        write!(out, "<th scope=\"col\" data-sort=\"{sort}\">{label}</th>")?;
    }
    writeln!(out, "</tr></thead>")?;
    for identity in identities {
        writeln!(out, "<tbody class=\"identity\">")?;
        main_row(identity, out)?;
        detail_row(identity, out)?;
        writeln!(out, "</tbody>")?;
    }
    writeln!(out, "</table></div>")
}

/// The summary row of one identity, with the `data-*` the filters read.
fn main_row(identity: &Identity, out: &mut dyn Write) -> io::Result<()> {
    let score = identity.risk.score;
    let band = band(score);
    writeln!(
        out,
        "<tr class=\"row\" data-id=\"{}\" data-kind=\"{}\" data-provider=\"{}\" data-risk=\"{score}\" data-band=\"{band}\">",
        Esc(&identity.id),
        identity.kind.as_str(),
        Esc(&identity.provider)
    )?;
    writeln!(
        out,
        "<td data-value=\"{score}\"><span class=\"score band-{band}\">{score}</span> <span class=\"muted\">{band}</span></td>"
    )?;
    text_cell(identity.kind.as_str(), false, out)?;
    text_cell(&identity.provider, false, out)?;
    text_cell(identity.principal.as_deref().unwrap_or(""), true, out)?;
    text_cell(&identity.credential_type, false, out)?;
    text_cell(&environments(identity), false, out)?;
    let owners: Vec<&str> = identity.owners.iter().map(|o| o.name.as_str()).collect();
    text_cell(&owners.join(", "), true, out)?;
    for date in [&identity.first_seen, &identity.last_seen, &identity.expires] {
        date_cell(date.as_deref(), out)?;
    }
    let head = match identity.present_at_head {
        Some(true) => "yes",
        Some(false) => "no (history only)",
        None => "",
    };
    text_cell(head, false, out)?;
    let count = identity.locations.len();
    writeln!(out, "<td data-value=\"{count}\">{count}</td>")?;
    write!(out, "<td class=\"wrap\"><ul class=\"reasons\">")?;
    for reason in identity.risk.reasons.iter().take(TOP_REASONS) {
        write!(out, "<li>")?;
        if let Some(nhi) = &reason.nhi {
            write!(out, "<span class=\"nhi\">{}</span> ", Esc(nhi))?;
        }
        write!(out, "{}</li>", Esc(&reason.message))?;
    }
    writeln!(out, "</ul></td>\n</tr>")
}

/// The expandable row: identity facts, all locations, attributes, all reasons.
fn detail_row(identity: &Identity, out: &mut dyn Write) -> io::Result<()> {
    let (locations, attributes, reasons) = (
        &identity.locations,
        &identity.attributes,
        &identity.risk.reasons,
    );
    writeln!(
        out,
        "<tr class=\"detail\"><td colspan=\"{}\"><details><summary>Details: {} location{}, {} attribute{}, {} reason{}</summary><div class=\"grid\">",
        COLUMNS.len(),
        locations.len(),
        plural(locations.len()),
        attributes.len(),
        plural(attributes.len()),
        reasons.len(),
        plural(reasons.len())
    )?;
    writeln!(out, "<section><h3>Identity</h3><dl>")?;
    let mut fact = |label: &str, value: &str| {
        if value.is_empty() {
            return Ok(());
        }
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", Esc(label), Esc(value))
    };
    fact("ID", &identity.id)?;
    let origins: Vec<&str> = identity.origins.iter().map(|o| o.as_str()).collect();
    fact("Origins", &origins.join(", "))?;
    fact("Confidence", identity.confidence.as_str())?;
    fact("Severity", identity.severity.as_str())?;
    fact("Created", identity.created.as_deref().unwrap_or(""))?;
    fact("Expires", identity.expires.as_deref().unwrap_or(""))?;
    fact("Repositories", &identity.repositories.join(", "))?;
    fact("Rules", &identity.rules.join(", "))?;
    fact("Findings", &identity.findings.len().to_string())?;
    for owner in &identity.owners {
        fact(&format!("Owner ({})", owner.source), &owner.name)?;
    }
    writeln!(out, "</dl></section>")?;

    // Declared identities: what they may do and who may become them.
    for (title, items) in [
        ("Permissions", &identity.permissions),
        ("Trust", &identity.trust),
    ] {
        if items.is_empty() {
            continue;
        }
        writeln!(out, "<section><h3>{title}</h3><ul class=\"plain\">")?;
        for item in items {
            writeln!(out, "<li><code>{}</code></li>", Esc(item))?;
        }
        writeln!(out, "</ul></section>")?;
    }

    writeln!(
        out,
        "<section class=\"wide\"><h3>Locations</h3><table class=\"sub\"><thead><tr><th>Repository</th><th>Location</th><th>Commit</th><th>Rule</th></tr></thead><tbody>"
    )?;
    for location in locations {
        let commit = location.commit.as_deref().unwrap_or("");
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"wrap\"><code>{}:{}</code></td><td><code title=\"{}\">{}</code></td><td>{}</td></tr>",
            Esc(location.repository.as_deref().unwrap_or("")),
            Esc(&location.path),
            location.line,
            Esc(commit),
            Esc(short_commit(commit)),
            Esc(&location.rule_id)
        )?;
    }
    writeln!(out, "</tbody></table></section>")?;

    writeln!(out, "<section><h3>Attributes</h3>")?;
    if attributes.is_empty() {
        writeln!(out, "<p class=\"muted\">none decoded</p>")?;
    } else {
        writeln!(out, "<dl>")?;
        for (key, value) in attributes {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(out, "<dt>{}</dt><dd>{}</dd>", Esc(key), Esc(&text))?;
        }
        writeln!(out, "</dl>")?;
    }
    writeln!(out, "</section>")?;

    writeln!(
        out,
        "<section class=\"wide\"><h3>Risk reasons</h3><table class=\"sub\"><thead><tr><th>Points</th><th>NHI</th><th>Code</th><th>Why</th></tr></thead><tbody>"
    )?;
    for reason in reasons {
        writeln!(
            out,
            "<tr><td class=\"num\">{:+}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            reason.points,
            Esc(reason.nhi.as_deref().unwrap_or("")),
            Esc(&reason.code),
            Esc(&reason.message)
        )?;
    }
    writeln!(
        out,
        "</tbody></table></section>\n</div></details></td></tr>"
    )
}

/// A table cell of text; empty shows a dash and sorts last.
fn text_cell(text: &str, wrap: bool, out: &mut dyn Write) -> io::Result<()> {
    let class = if wrap { " class=\"wrap\"" } else { "" };
    if text.is_empty() {
        writeln!(out, "<td{class} data-value=\"\">{NONE}</td>")
    } else {
        writeln!(out, "<td{class}>{}</td>", Esc(text))
    }
}

/// A date cell: the day shown, the full timestamp as tooltip and sort key.
fn date_cell(date: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let full = date.unwrap_or("");
    if full.is_empty() {
        return text_cell("", false, out);
    }
    let day = full.get(..10).unwrap_or(full);
    writeln!(
        out,
        "<td data-value=\"{}\" title=\"{}\">{}</td>",
        Esc(full),
        Esc(full),
        Esc(day)
    )
}

/// Environments as their lowercase names, comma-separated.
fn environments(identity: &Identity) -> String {
    let names: Vec<String> = identity
        .environments
        .iter()
        .map(|e| format!("{e:?}").to_lowercase())
        .collect();
    names.join(", ")
}

/// Risk band of a score (`critical`, `high`, `medium`, `low`).
fn band(score: u8) -> &'static str {
    BANDS
        .iter()
        .find(|(_, min)| score >= *min)
        .map_or("low", |(name, _)| name)
}

/// The first 8 characters of a commit id.
fn short_commit(commit: &str) -> &str {
    commit.get(..8).unwrap_or(commit)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// CSP source expression allowing exactly `text` as an inline style or script.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Displays a string HTML-escaped (`& < > " '`), safe in text and in quoted
/// attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::{Esc, band};

    #[test]
    fn escapes_markup_and_quotes() {
        let hostile = "<script>alert('x')</script> & \"q\" é";
        assert_eq!(
            Esc(hostile).to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; é"
        );
        assert_eq!(Esc("plain").to_string(), "plain");
        assert_eq!(Esc("").to_string(), "");
    }

    #[test]
    fn assets_cannot_close_their_elements() {
        assert!(!super::CSS.to_ascii_lowercase().contains("</style"));
        assert!(!super::JS.to_ascii_lowercase().contains("</script"));
        assert!(!super::JS.contains("<!--"));
    }

    #[test]
    fn bands_cover_every_score() {
        assert_eq!(band(100), "critical");
        assert_eq!(band(80), "critical");
        assert_eq!(band(79), "high");
        assert_eq!(band(60), "high");
        assert_eq!(band(30), "medium");
        assert_eq!(band(29), "low");
        assert_eq!(band(0), "low");
    }
}
