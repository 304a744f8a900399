//! Sweep progress on standard error: an indicatif bar on a terminal
//! (repositories done/total, blobs, bytes, findings, ETA), plain log lines
//! otherwise (one per repository done, and one every 5 seconds).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use keyhound::sweep::{Progress, Snapshot};

/// How often plain log lines repeat while a repository is being scanned.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// A progress display for a sweep of `total` repositories: a bar on a
/// terminal, log lines otherwise.
pub fn display(total: u64) -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} repos  {msg}  ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Box::new(Bar { bar })
    } else {
        Box::new(Log::new())
    }
}

fn describe(snapshot: &Snapshot) -> String {
    format!(
        "{} blobs, {}, {} findings",
        snapshot.blobs,
        HumanBytes(snapshot.bytes),
        snapshot.findings
    )
}

struct Bar {
    bar: ProgressBar,
}

impl Progress for Bar {
    fn repository_started(&self, name: &str, snapshot: &Snapshot) {
        self.bar
            .set_message(format!("{}  scanning {name}", describe(snapshot)));
    }

    fn repository_done(&self, _: &str, snapshot: &Snapshot) {
        self.bar.set_position(snapshot.repos_done);
        self.bar.set_message(describe(snapshot));
        if snapshot.repos_done >= snapshot.repos_total {
            self.bar.finish_and_clear();
        }
    }
}

/// Plain lines: the latest state, repeated by a timer thread while a
/// repository takes long.
struct Log {
    state: Arc<Mutex<(Snapshot, String, bool)>>,
    started: Instant,
}

impl Log {
    fn new() -> Self {
        let state = Arc::new(Mutex::new((Snapshot::default(), String::new(), false)));
        let shared = Arc::clone(&state);
        let started = Instant::now();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(LOG_EVERY);
                let Ok(state) = shared.lock() else { return };
                if state.2 {
                    return;
                }
                eprintln!(
                    "keyhound: sweep: {}/{} repositories, {}; scanning {} ({}s)",
                    state.0.repos_done,
                    state.0.repos_total,
                    describe(&state.0),
                    state.1,
                    started.elapsed().as_secs()
                );
            }
        });
        Log { state, started }
    }
}

impl Progress for Log {
    fn repository_started(&self, name: &str, snapshot: &Snapshot) {
        if let Ok(mut state) = self.state.lock() {
            *state = (*snapshot, name.to_string(), false);
        }
    }

    fn repository_done(&self, name: &str, snapshot: &Snapshot) {
        eprintln!(
            "keyhound: sweep: {}/{} done {name}: {} ({}s)",
            snapshot.repos_done,
            snapshot.repos_total,
            describe(snapshot),
            self.started.elapsed().as_secs()
        );
        if let Ok(mut state) = self.state.lock() {
            state.0 = *snapshot;
            state.2 = snapshot.repos_done >= snapshot.repos_total;
        }
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        if let Ok(mut state) = self.state.lock() {
            state.2 = true;
        }
    }
}
