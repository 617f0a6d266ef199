//! The real tablet app (Tauri + WebKitGTK) driven by WebDriver under Xvfb: first run, a whole
//! post-6-months visit through the real encrypted store (with a reload of the web view in the
//! middle, which locks, and the unfinished session resumed from its drafts), leaving patient
//! mode with the staff PIN, baseline's side-effects-only session, the staff forms that complete baseline and post_6m
//! (Sunnybrook, Clavien-Dindo grade, eligibility, Botox count, a Sunnybrook correction), and
//! sync to a real mimik-server. Afterwards `mimik status` and `mimik verify` on the same data
//! directory show what the app saved, and the server holds the same submissions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::Locator;
use mimik_domain::{Instrument, MissingMode, parse_answers_json, score};
use mimik_tests::app_flow::{self, PASS, first_run};
use mimik_tests::bin;
use mimik_tests::harness::{Server, Tablet};
use mimik_tests::webdriver::{Driver, Screen};
use std::ffi::OsString;
use std::path::Path;

const PIN: &str = "482917";

/// Side-effect texts typed in the app; afterwards no file the app, its web view or its drivers
/// wrote (store, WebKitGTK data and cache, temp files, logs) may hold them in plain text.
const CANARIES: [&str; 2] = [
    "Lätt huvudvärk KANARIE-app-9e07",
    "Stramhet i kinden KANARIE-app-5c1f",
];

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => {
                    if let Ok(bytes) = std::fs::read(&path) {
                        found.push((path, bytes));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// `text` in `bytes` as UTF-8 or as UTF-16 (little or big endian: WebKit keeps web storage in
/// UTF-16).
fn holds(bytes: &[u8], text: &str) -> bool {
    let utf16 = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    [text.as_bytes().to_vec(), utf16(false), utf16(true)]
        .iter()
        .any(|needle| bytes.windows(needle.len()).any(|w| w == needle.as_slice()))
}

/// Register `pseudonym`; the registration is a submission too: the sync card counts it at once.
async fn register(ui: &Screen, pseudonym: &str) {
    app_flow::register(ui, pseudonym).await;
    app_flow::pending_is(ui, 1).await;
}

/// Answer `count` items of one questionnaire, the first answer everywhere but item 2, which
/// is left out and answered from the review screen later.
async fn answer_items(ui: &Screen, count: usize) {
    ui.click("Next").await; // past the instrument's instructions
    for n in 1..=count {
        ui.wait_text(&format!("Question {n} of {count}")).await;
        ui.choose(0).await;
        ui.click("Next").await;
    }
}

/// Pick the participant and time point of a staff form (`sb`, `elig` or `botox` pickers).
async fn pick(ui: &Screen, prefix: &str, participant: &str, timepoint: &str) {
    // The options load from the store: wait for the participant to be listed.
    ui.wait(&format!(
        "#{prefix}-participant option[value='{participant}']"
    ))
    .await;
    ui.wait(&format!("#{prefix}-participant"))
        .await
        .select_by_value(participant)
        .await
        .unwrap();
    ui.wait(&format!("#{prefix}-timepoint option[value='{timepoint}']"))
        .await;
    ui.wait(&format!("#{prefix}-timepoint"))
        .await
        .select_by_value(timepoint)
        .await
        .unwrap();
}

/// Rate every Sunnybrook item with its `option`-th choice and save.
async fn sunnybrook(ui: &Screen, timepoint: &str, option: usize, shot: Option<&Path>) {
    ui.click("Sunnybrook").await;
    pick(ui, "sb", "NT-001", timepoint).await;
    ui.wait("fieldset[data-item=rest_eye]").await;
    let items = ui
        .client
        .find_all(Locator::Css("fieldset[data-item]"))
        .await
        .unwrap();
    assert_eq!(items.len(), 13);
    let mut chosen = serde_json::Map::new();
    for item in items {
        let labels = item.find_all(Locator::Css("label")).await.unwrap();
        let label = &labels[option.min(labels.len() - 1)];
        label.click().await.unwrap();
        let code: u8 = label
            .find(Locator::Css("strong"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let id = item.attr("data-item").await.unwrap().unwrap();
        chosen.insert(id, code.into());
    }
    ui.wait_text("Composite score").await;
    // The composite on screen is the one mimik-domain computes from the ratings chosen, with the
    // screen's one decimal.
    let answers = serde_json::json!({ "answers": chosen }).to_string();
    let answers = parse_answers_json(Instrument::Sunnybrook, answers.as_bytes()).unwrap();
    let composite = score(&answers, MissingMode::Strict)
        .value("composite")
        .expect("13 ratings give a composite");
    let expected = format!("{}", (composite * 10.0).round() / 10.0);
    ui.client
        .wait()
        .for_element(Locator::XPath(&format!(
            "//dd[@data-score='composite'][normalize-space(.)='{expected}']"
        )))
        .await
        .unwrap_or_else(|_| panic!("the screen shows the composite {expected}"));
    if let Some(path) = shot {
        ui.screenshot(path).await;
    }
    ui.click("Save Sunnybrook").await;
    ui.wait_text("Sunnybrook saved.").await;
}

async fn staff_forms(ui: &Screen, shots: &Path) {
    // post_6m: the clinician's Sunnybrook, then grading the patient's side effect.
    sunnybrook(ui, "post_6m", 1, Some(&shots.join("app-sunnybrook.png"))).await;
    ui.click("Side effects").await;
    let grade = ui.wait("select[id^=grade-]").await;
    grade.select_by_value("I").await.unwrap();
    ui.click("Save grade").await;
    ui.wait_text("Grade saved.").await;

    // Baseline: Sunnybrook, the eligibility checklist, the Botox count.
    sunnybrook(ui, "baseline", 0, None).await;
    ui.click("Eligibility").await;
    pick(ui, "elig", "NT-001", "baseline").await;
    ui.wait("fieldset[data-criterion]").await;
    for (section, answer) in [("inclusion", 0), ("exclusion", 1)] {
        let css = format!("section[aria-labelledby=elig-{section}] fieldset");
        for criterion in ui.client.find_all(Locator::Css(&css)).await.unwrap() {
            let choices = criterion.find_all(Locator::Css("label")).await.unwrap();
            choices[answer].click().await.unwrap();
        }
    }
    ui.click("Save checklist").await;
    let result = ui.wait("[data-testid=eligibility-result]").await;
    assert_eq!(
        result.attr("data-status").await.unwrap().as_deref(),
        Some("eligible")
    );
    ui.click("Botox count").await;
    pick(ui, "botox", "NT-001", "baseline").await;
    ui.fill("#botox-count", "14").await;
    ui.click("Save count").await;
    ui.wait_text("Botox count saved.").await;

    // Both time points are done on the staff home.
    ui.click("Participants").await;
    for timepoint in ["baseline", "post_6m"] {
        let chip = format!("[data-testid=participant-NT-001] [data-timepoint={timepoint}] .chip");
        assert_eq!(
            ui.wait(&chip).await.text().await.unwrap().trim(),
            "Done",
            "{timepoint}"
        );
    }

    // A Sunnybrook correction needs a reason and keeps the original, marked corrected.
    ui.tap("[data-testid=history-NT-001]").await;
    ui.wait("[data-testid=history-entry]").await;
    ui.click("Correct").await;
    ui.wait("#sb-reason").await;
    ui.tap("fieldset[data-item=rest_eye] label").await;
    ui.click("Save correction").await;
    ui.wait("#sb-reason-err").await;
    ui.fill("#sb-reason", "eye rated on the wrong side").await;
    ui.click("Save correction").await;
    ui.wait("[data-testid=history-corrected]").await;
    ui.click("Participants").await;
}

/// Start a session for `pseudonym` at `timepoint` in English and hand the tablet over, up to
/// the patient's first step.
async fn start_session(ui: &Screen, pseudonym: &str, timepoint: &str) {
    app_flow::start_session(ui, pseudonym, timepoint, "en").await;
    hand_over(ui).await;
}

/// From the hand-over screen to the patient's first step.
async fn hand_over(ui: &Screen) {
    app_flow::hand_over(ui, "Welcome", "Start").await;
}

/// Leave patient mode with the staff PIN, back to the staff home.
/// Issue 13 item 1: the nurse sets a PIN; it opens the screen she just locked (the key stayed in
/// memory), and leaving patient mode takes it too.
async fn quick_unlock_with_a_pin(ui: &Screen) {
    ui.fill("#new-pin", PIN).await;
    ui.tap("[data-testid=set-pin]").await;
    ui.wait_text("PIN set.").await;
    ui.tap("[data-testid=lock]").await;
    ui.wait("#lock-pass:enabled").await;
    ui.fill("#lock-pass", PIN).await;
    ui.tap("[data-testid=unlock]").await;
    ui.wait_text("Participants").await;
}

async fn leave_patient_mode(ui: &Screen) {
    app_flow::leave_patient_mode(ui, PIN).await;
}

/// Baseline asks the patient only about side effects: a one-step session.
async fn baseline_session(ui: &Screen) {
    start_session(ui, "NT-001", "baseline").await;
    ui.fill("#side-effects", CANARIES[0]).await;
    ui.click("Next").await;
    ui.wait_text("Check your answers").await;
    ui.click("Send my answers").await;
    ui.wait_text("Thank you!").await;
    ui.click("Staff").await;
    leave_patient_mode(ui).await;
}

/// A reload of the web view in patient mode shows the lock screen (the backend locks), never a
/// staff screen; after unlocking, the unfinished session is listed and resumes with the answers
/// so far, back at the start of the session (FaCE, not yet sent, is walked through again).
async fn reload_and_resume(ui: &Screen, pseudonym: &str) {
    ui.client.refresh().await.expect("reload");
    ui.wait("#lock-pass:enabled").await;
    let locked = ui.text().await;
    assert!(!locked.contains(pseudonym), "{locked}");
    ui.fill("#lock-pass", PASS).await;
    ui.tap("[data-testid=unlock]").await;
    ui.tap(&format!(
        "[data-testid=unfinished-{pseudonym}] button.primary"
    ))
    .await;
    ui.wait_text("Saved answers of the interrupted session have been restored.")
        .await;
    hand_over(ui).await;
    ui.wait_text("Facial Clinimetric Evaluation").await;
    ui.click("Next").await;
    for n in 1..=15 {
        ui.wait_text(&format!("Question {n} of 15")).await;
        if n == 1 {
            let chosen = ui
                .client
                .execute(
                    "return [...document.querySelectorAll('input[type=radio]')].findIndex(r => r.checked)",
                    Vec::new(),
                )
                .await
                .expect("read the chosen answer");
            assert_eq!(chosen, 1, "question 1's answer comes back from the draft");
        }
        ui.click("Next").await;
    }
    ui.wait_text("Facial Disability Index").await;
}

async fn visit(ui: &Screen, pseudonym: &str, shots: &Path) {
    start_session(ui, pseudonym, "post_6m").await;

    ui.wait_text("Facial Clinimetric Evaluation").await;
    ui.click("Next").await;
    ui.wait_text("Question 1 of 15").await;
    ui.screenshot(&shots.join("app-patient-item.png")).await;
    ui.choose(1).await;
    ui.click("Next").await;
    for n in 2..=15 {
        ui.wait_text(&format!("Question {n} of 15")).await;
        if n == 3 {
            // Back to question 2 and forward again: the answer is kept.
            ui.choose(2).await;
            ui.click("Back").await;
            ui.wait_text("Question 2 of 15").await;
            ui.click("Next").await;
            ui.wait_text("Question 3 of 15").await;
        } else if n != 2 {
            ui.choose(0).await;
        }
        ui.click("Next").await;
    }
    ui.wait_text("Facial Disability Index").await;
    reload_and_resume(ui, pseudonym).await;
    answer_items(ui, 10).await;
    ui.wait_text("Synkinesis Assessment Questionnaire").await;
    answer_items(ui, 9).await;

    ui.wait_text("Side effects, in your own words").await;
    ui.fill("#side-effects", CANARIES[1]).await;
    ui.click("Next").await;

    ui.wait_text("Check your answers").await;
    let summary = ui
        .wait("[data-testid=review-summary]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("1 question is not answered yet"),
        "{summary}"
    );
    ui.screenshot(&shots.join("app-review.png")).await;
    ui.tap("[data-item='face.q2']").await;
    ui.wait_text("Question 2 of 15").await;
    ui.choose(4).await;
    ui.click("Back to the overview").await;
    ui.wait_text("You have answered every question.").await;
    ui.click("Send my answers").await;
    ui.wait_text("Thank you!").await;

    // Leaving patient mode needs the staff PIN: a wrong one keeps the patient screen.
    ui.click("Staff").await;
    ui.fill("#leave-pass", "not-the-pin").await;
    ui.click("End session").await;
    ui.wait("#leave-err").await;
    assert!(ui.text().await.contains("Thank you!"));
    leave_patient_mode(ui).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nurse_and_a_patient_do_a_whole_visit_in_the_real_app_and_it_reaches_the_server() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("tablet");
    let shots = mimik_tests::workspace_root().join("target/e2e-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let code = server.enrollment_code();

    // The app's home, web-view data, caches and temp files all land under `app_home`, and what
    // the drivers and the app print in `log`, so the canary search below sees all of them.
    let app_home = root.path().join("app-home");
    let xdg = |name: &str| {
        let dir = app_home.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        OsString::from(dir)
    };
    let log = root.path().join("driver.log");
    let driver = Driver::start_logging(
        &[
            ("MIMIK_DATA_DIR", OsString::from(&data)),
            // No background sync during the visit: the test syncs with "Sync now".
            ("MIMIK_SYNC_INTERVAL_S", OsString::from("3600")),
            ("MIMIK_SYNC_DEBOUNCE_S", OsString::from("3600")),
            ("HOME", OsString::from(&app_home)),
            ("XDG_DATA_HOME", xdg("data")),
            ("XDG_CACHE_HOME", xdg("cache")),
            ("XDG_CONFIG_HOME", xdg("config")),
            ("TMPDIR", xdg("tmp")),
        ],
        Some(&log),
    );
    let ui = Screen {
        client: driver.launch(&bin("mimik-app")).await,
    };
    first_run(&ui, &server.url(), &code).await;
    ui.wait_text("Participants").await;
    quick_unlock_with_a_pin(&ui).await;
    register(&ui, "NT-001").await;
    ui.screenshot(&shots.join("app-staff-home.png")).await;
    visit(&ui, "NT-001", &shots).await;
    baseline_session(&ui).await;
    staff_forms(&ui, &shots).await;

    // Saved on the tablet, not yet on the server: the registration, three questionnaires and
    // two side effects; two Sunnybrook gradings, a correction, a grade, eligibility, Botox count.
    assert_eq!(
        ui.wait("[data-testid=sync-pending]")
            .await
            .text()
            .await
            .unwrap(),
        "12"
    );
    ui.tap("[data-testid=sync-now]").await;
    ui.client
        .wait()
        .for_element(Locator::XPath(
            "//*[@data-testid='sync-pending'][normalize-space(.)='0']",
        ))
        .await
        .expect("everything synced");
    ui.client.clone().close().await.unwrap();
    drop(driver);

    // No plain patient text anywhere the app, its web view or its drivers wrote (the server's
    // folder is the server's business).
    let written = files_under(root.path());
    assert!(
        written
            .iter()
            .any(|(p, _)| p.starts_with(app_home.join("data"))),
        "the web view wrote its data under the test's XDG folders (else this search proves nothing)"
    );
    for (path, bytes) in &written {
        if path.starts_with(root.path().join("server")) {
            continue;
        }
        for canary in CANARIES {
            assert!(
                !holds(bytes, canary),
                "{canary:?} in plain text in {}",
                path.display()
            );
        }
    }

    // The CLI opens the same store with the same staff passphrase.
    let tablet = Tablet::reopen(&data);
    let status = tablet.status();
    assert_eq!(status["submissions"], 12, "{status}");
    assert_eq!(status["acknowledged"], 12, "{status}");
    assert_eq!(status["pending"], 0, "{status}");
    let verify = tablet.run(&["verify"], b"");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );

    let on_tablet = tablet.hashes();
    let export = server.export_json();
    let on_server: std::collections::BTreeMap<String, String> = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["body_sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(on_tablet, on_server);
    let kinds: Vec<&str> = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["instrument"].as_str().or(s["kind"].as_str()))
        .collect();
    for expected in [
        "face",
        "fdi",
        "saq",
        "side_effect",
        "participant",
        "sunnybrook",
        "side_effect_grade",
        "eligibility",
        "botox_count",
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected} reached the server: {kinds:?}"
        );
    }
}
