//! Steps of the real app's flows that several WebDriver tests take: first run (store,
//! recovery key, enrollment), registering a participant, starting a session and handing the
//! tablet over, leaving patient mode, syncing from the home screen.

use crate::webdriver::Screen;
use fantoccini::Locator;

/// The harness's `mimik` CLI unlocks with this passphrase: the app's staff uses it too.
pub const PASS: &str = "tablet-passphrase";

/// A day `days` before today (YYYY-MM-DD).
pub fn days_ago(days: u64) -> String {
    (chrono::Local::now().date_naive() - chrono::Days::new(days)).to_string()
}

/// First run in English: the store with staff `anna.l`, the recovery key confirmed, and the
/// enrollment with `code` at `server_url`, up to the staff home.
pub async fn first_run(ui: &Screen, server_url: &str, code: &str) {
    ui.click("English").await;
    ui.wait_text("Set up this tablet").await;
    ui.fill("#setup-name", "anna.l").await;
    ui.fill("#setup-pass", PASS).await;
    ui.fill("#setup-repeat", PASS).await;
    ui.tap("[data-testid=setup-create]").await;
    let key = ui
        .wait("[data-testid=recovery-key]")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(key.trim().len() >= 20, "a recovery key is shown: {key:?}");
    ui.tap("[data-testid=recovery-confirm]").await;
    ui.tap("[data-testid=recovery-continue]").await;
    ui.wait_text("Connect to the study server").await;
    ui.fill("#setup-enroll-url", server_url).await;
    ui.fill("#setup-enroll-code", code).await;
    ui.tap("[data-testid=setup-enroll-submit]").await;
    // The enrollment is confirmed before setup moves on (issue 11 point 9).
    ui.wait_text("This tablet is device").await;
    ui.tap("[data-testid=setup-enroll-continue]").await;
}

/// Register `pseudonym` (included 400 days ago, operated 183 days ago) from the staff home.
pub async fn register(ui: &Screen, pseudonym: &str) {
    ui.click("Register participant").await;
    ui.fill("#reg-pseudonym", pseudonym).await;
    ui.set_value("#reg-inclusion", &days_ago(400)).await;
    ui.set_value("#reg-surgery", &days_ago(183)).await;
    ui.click("Register").await;
    ui.wait_text(&format!("Participant {pseudonym} registered."))
        .await;
}

/// Wait until the sync card shows `pending` submissions waiting.
pub async fn pending_is(ui: &Screen, pending: usize) {
    ui.client
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "//*[@data-testid='sync-pending'][normalize-space(.)='{pending}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("{pending} waiting to sync: {e}"));
}

/// "Sync now" on the staff home, until nothing waits.
pub async fn sync_now(ui: &Screen) {
    ui.tap("[data-testid=sync-now]").await;
    pending_is(ui, 0).await;
}

/// Start a session for `pseudonym` at `timepoint` in `language` (`en`, `sv`).
pub async fn start_session(ui: &Screen, pseudonym: &str, timepoint: &str, language: &str) {
    ui.click(&format!("Start session for {pseudonym}")).await;
    ui.tap(&format!("input[name=timepoint][value={timepoint}]"))
        .await;
    ui.tap(&format!("input[name=language][value={language}]"))
        .await;
    ui.click("Start session").await;
    ui.wait_text("Hand the tablet to the patient").await;
}

/// From the hand-over screen to the patient's first step; `welcome` and `start` are the
/// patient's language's words.
pub async fn hand_over(ui: &Screen, welcome: &str, start: &str) {
    // One welcome, on this screen (issue 11 point 9); Start opens the first questionnaire.
    ui.wait_text(welcome).await;
    ui.click(start).await;
}

/// Leave patient mode with `secret` (passphrase or PIN), back to the staff home.
pub async fn leave_patient_mode(ui: &Screen, secret: &str) {
    ui.fill("#leave-pass", secret).await;
    ui.click("End session").await;
    ui.wait_text("Participants").await;
}
