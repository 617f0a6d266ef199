//! The real tablet app (`mimik-app`) driven through tauri-driver and Debian's WebKitWebDriver
//! (BUILD-NOTES.md §3), for the end-to-end tests and the app benchmark. Needs an X display:
//! run under `xvfb-run -a`.

use fantoccini::elements::Element;
use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::ffi::OsString;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a screen may take to appear.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running tauri-driver; stopped with SIGTERM so it stops its WebKitWebDriver too.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Start tauri-driver on free ports; `env` reaches the app it launches.
    pub fn start(env: &[(&str, OsString)]) -> Driver {
        Driver::start_logging(env, None)
    }

    /// [`Driver::start`], with what tauri-driver, WebKitWebDriver and the app print written to
    /// `log` (tests search it for patient text).
    pub fn start_logging(env: &[(&str, OsString)], log: Option<&Path>) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the app needs an X display: run the tests under `xvfb-run -a`"
        );
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()]);
        match log {
            Some(log) => {
                let file = std::fs::File::create(log).expect("driver log");
                command
                    .stdout(file.try_clone().expect("driver log"))
                    .stderr(file);
            }
            None => {
                command.stdout(Stdio::null()).stderr(Stdio::null());
            }
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .expect("tauri-driver starts (install it with `cargo install tauri-driver --locked`)");
        let driver = Driver { child, port };
        // tauri-driver listens before the WebKitWebDriver it starts does, and a session request
        // forwarded in between is answered with a closed connection: wait for both.
        let started = Instant::now();
        for (listener, what) in [(port, "tauri-driver"), (native_port, "WebKitWebDriver")] {
            while TcpStream::connect(("127.0.0.1", listener)).is_err() {
                assert!(started.elapsed() < PATIENCE, "{what} did not listen");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        driver
    }

    /// Launch `app` and connect to its web view.
    pub async fn launch(&self, app: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app.to_string_lossy() }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut attempt = 1;
        loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return client,
                // A connection closed before the answer (the native driver still starting) is
                // worth another try; a refused session is not.
                Err(NewSessionError::Lost(_) | NewSessionError::FailedC(_)) if attempt < 3 => {}
                Err(error) => panic!("a WebDriver session with the app: {error:?}"),
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let installed = home.join(".cargo/bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Screen helpers on a WebDriver session, in the words a tester would use.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The session.
    pub client: Client,
}

fn literal(text: &str) -> String {
    // XPath 1.0 has no escapes: quote with whichever quote the text does not contain.
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

impl Screen {
    /// Fail the test, keeping a screenshot of what was on screen in
    /// `target/e2e-screenshots/failure.png`.
    async fn fail(&self, what: String) -> ! {
        let dir = crate::workspace_root().join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(dir.join("failure.png"))
            .status();
        panic!("{what} (screenshot: target/e2e-screenshots/failure.png)");
    }

    /// Wait for an element.
    pub async fn wait(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => self.fail(format!("no element {css}: {e}")).await,
        }
    }

    /// Wait until some element shows `text` (whitespace-normalised, contained).
    pub async fn wait_text(&self, text: &str) -> Element {
        let xpath = format!(
            "//*[not(self::script)][contains(normalize-space(.), {})][not(*[contains(normalize-space(.), {})])]",
            literal(text),
            literal(text)
        );
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
        {
            Ok(element) => element,
            Err(e) => self.fail(format!("no text {text:?} on screen: {e}")).await,
        }
    }

    /// Click the enabled button whose text (or aria-label) is exactly `name`.
    pub async fn click(&self, name: &str) {
        let xpath = format!(
            "//button[not(@disabled)][normalize-space(.)={n} or @aria-label={n}]",
            n = literal(name)
        );
        let button = match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
        {
            Ok(button) => button,
            Err(e) => self.fail(format!("no button {name:?}: {e}")).await,
        };
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {name:?}: {e}"));
    }

    /// Click the element `css` selects, once it is there.
    pub async fn tap(&self, css: &str) {
        if let Err(e) = self.wait(css).await.click().await {
            self.fail(format!("clicking {css}: {e}")).await;
        }
    }

    /// Type into an input.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.wait(css).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Set an input's value as a user would (for date inputs, whose widgets differ).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                 setter.call(el, arguments[1]);
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![Value::from(css), Value::from(value)],
            )
            .await
            .expect("set value");
    }

    /// Choose the `index`-th answer (0-based) of the question on screen.
    pub async fn choose(&self, index: usize) {
        self.wait("input[type=radio]").await;
        let radios = self
            .client
            .find_all(Locator::Css("input[type=radio]"))
            .await
            .expect("radios");
        let radio = radios.get(index).expect("enough answers");
        let id = radio.attr("id").await.ok().flatten();
        // Click the label, as a finger would (the input itself may be visually hidden).
        match id {
            Some(id) => {
                let label = self
                    .client
                    .find(Locator::Css(&format!("label[for='{id}']")))
                    .await;
                match label {
                    Ok(label) => label.click().await.expect("click label"),
                    Err(_) => radio.click().await.expect("click radio"),
                }
            }
            None => radio.click().await.expect("click radio"),
        }
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .unwrap_or_default()
    }

    /// Save a screenshot of the top of the page as PNG (ImageMagick's `import`: WebKitWebDriver's own
    /// screenshot waits for a composited frame, which never comes without GPU compositing).
    pub async fn screenshot(&self, path: &Path) {
        // The top of the page, as a person arriving on the screen sees it.
        let _ = self
            .client
            .execute("window.scrollTo(0, 0)", Vec::new())
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(path)
            .status()
            .expect("ImageMagick's import runs");
        assert!(status.success(), "import failed");
    }
}

/// Resident memory of the app: every process running `app` and all their descendants
/// (WebKit's web and network processes). Returns (RSS, PSS, anonymous) in KiB.
pub fn app_memory_kib(app: &Path) -> (u64, u64, u64) {
    app_processes(app)
        .iter()
        .fold((0, 0, 0), |(rss, pss, anon), p| {
            (rss + p.rss_kib, pss + p.pss_kib, anon + p.anon_kib)
        })
}

/// One process of the app, with its memory.
#[derive(Debug, Clone)]
pub struct AppProcess {
    /// Process id.
    pub pid: u32,
    /// Its command name.
    pub name: String,
    /// Resident set size, KiB.
    pub rss_kib: u64,
    /// Proportional set size, KiB.
    pub pss_kib: u64,
    /// Anonymous memory (heap, stacks, JIT: private to the process), KiB.
    pub anon_kib: u64,
}

/// The processes running `app` and all their descendants.
pub fn app_processes(app: &Path) -> Vec<AppProcess> {
    let app = std::fs::canonicalize(app).unwrap_or_else(|_| app.to_path_buf());
    let mut parents = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // "pid (comm) state ppid …": the comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0);
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        parents.push((pid, ppid, exe.as_deref() == Some(app.as_path())));
    }
    let mut members: Vec<u32> = parents
        .iter()
        .filter(|(_, _, is_app)| *is_app)
        .map(|(pid, _, _)| *pid)
        .collect();
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, ppid, _) in &parents {
            if members.contains(ppid) && !members.contains(pid) {
                members.push(*pid);
                grew = true;
            }
        }
    }
    let field = |pid: u32, file: &str, name: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    members
        .into_iter()
        .map(|pid| AppProcess {
            pid,
            name: std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .unwrap_or_default()
                .trim()
                .to_owned(),
            rss_kib: field(pid, "status", "VmRSS:"),
            pss_kib: field(pid, "smaps_rollup", "Pss:"),
            anon_kib: field(pid, "smaps_rollup", "Anonymous:"),
        })
        .collect()
}
