//! `keyhound completions SHELL` and `keyhound man`: shell completion scripts
//! (clap_complete) and roff man pages (clap_mangen) generated from the clap
//! definitions, so they never drift from the real flags.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{CommandFactory, Subcommand};
use clap_complete::Shell;

use super::{Cli, EXIT_CLEAN};

/// Commands that describe the command line itself.
#[derive(Debug, Subcommand)]
pub enum ShellCommand {
    /// Print a shell completion script to standard output.
    ///
    /// bash: `keyhound completions bash > ~/.local/share/bash-completion/completions/keyhound`;
    /// zsh: `keyhound completions zsh > "${fpath[1]}/_keyhound"`;
    /// fish: `keyhound completions fish > ~/.config/fish/completions/keyhound.fish`;
    /// PowerShell: `keyhound completions powershell | Out-String | Invoke-Expression`.
    Completions {
        /// Shell to generate the script for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) to standard output, or write one page per
    /// command to a directory: `keyhound man | man -l -`.
    Man {
        /// Print the page of this subcommand (`scan`, `inventory`, `rules`...)
        /// instead of the top-level page.
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
        /// Write `keyhound.1` and one `keyhound-SUBCOMMAND.1` per subcommand
        /// into DIR instead of printing.
        #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
        out_dir: Option<PathBuf>,
    },
}

/// Runs `completions` or `man`.
pub fn run(command: ShellCommand) -> Result<u8> {
    match command {
        ShellCommand::Completions { shell } => {
            let mut script = Vec::new();
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "keyhound", &mut script);
            print(&script)?;
        }
        ShellCommand::Man {
            subcommand: None,
            out_dir: Some(dir),
        } => write_pages(&dir)?,
        ShellCommand::Man {
            subcommand,
            out_dir: None,
        } => {
            let page = render_page(subcommand.as_deref())?;
            print(&page)?;
        }
        ShellCommand::Man {
            subcommand: Some(_),
            out_dir: Some(_),
        } => anyhow::bail!("SUBCOMMAND and --out-dir cannot be combined"),
    }
    Ok(EXIT_CLEAN)
}

/// The top-level command, or its subcommand `name`, ready for clap_mangen
/// (built, so it carries its final names).
fn page_command(name: Option<&str>) -> Result<clap::Command> {
    let mut root = Cli::command();
    root.build();
    let Some(name) = name else {
        return Ok(root);
    };
    let sub = root
        .get_subcommands()
        .find(|sub| !sub.is_hide_set() && sub.get_name() == name)
        .cloned();
    match sub {
        // Built: its display name is already `keyhound-NAME` and its bin
        // name `keyhound NAME`.
        Some(sub) => Ok(sub),
        None => {
            let known: Vec<&str> = root
                .get_subcommands()
                .filter(|sub| !sub.is_hide_set())
                .map(|sub| sub.get_name())
                .collect();
            anyhow::bail!("unknown subcommand {name:?} (known: {})", known.join(", "))
        }
    }
}

fn render_page(name: Option<&str>) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(page_command(name)?)
        .render(&mut page)
        .context("cannot render the man page")?;
    Ok(page)
}

/// Writes `keyhound.1` and one `keyhound-NAME.1` per visible subcommand.
fn write_pages(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut root = Cli::command();
    root.build();
    let mut names: Vec<Option<String>> = vec![None];
    names.extend(
        root.get_subcommands()
            .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
            .map(|sub| Some(sub.get_name().to_string())),
    );
    for name in names {
        let file = match &name {
            Some(name) => dir.join(format!("keyhound-{name}.1")),
            None => dir.join("keyhound.1"),
        };
        let page = render_page(name.as_deref())?;
        fs::write(&file, page).with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(())
}

/// Writes `bytes` to standard output; a closed pipe (`| head`) is not an error.
fn print(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
