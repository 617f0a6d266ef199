//! A child process for the crash tests in `tests/crash.rs`: it does one kind of store work and
//! prints a line after each durable step, so the parent can SIGKILL it at random moments and then
//! check that everything printed is really there. `init` and `passphrase` print `starting` just
//! before their operation, so the parent can aim its kill inside it. Not a tool for anything else.
//!
//! Usage: `store_child save-loop DIR PASS` · `store_child init DIR PASS` ·
//! `store_child passphrase DIR OLD NEW` · `store_child rekey DIR PASS` ·
//! `store_child save-then-wait DIR PASS N`

use mimik_device::store::Questionnaire;
use mimik_device::{Credentials, KdfParams, Store};
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

fn unlock(dir: &Path, pass: &str) -> Store {
    let credentials = Credentials::Staff {
        staff_id: None,
        passphrase: Zeroizing::new(pass.to_owned()),
    };
    Store::unlock(dir, &credentials).expect("child unlocks")
}

fn save(store: &mut Store, n: u64) -> String {
    let code = n % 5 + 1;
    let json = format!(
        r#"{{"answers": {{"q1": {code}, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}}}"#
    );
    let answers = parse_answers_json(Instrument::Saq, json.as_bytes()).expect("valid");
    store
        .save_questionnaire(&Questionnaire {
            participant: "NT-001".into(),
            timepoint: "post_6m".into(),
            answers,
            language: "en".into(),
            missing: MissingMode::Strict,
            session_id: None,
            correction: None,
        })
        .expect("save")
        .id
}

/// Tells the parent that the operation under test begins now, so its kill can aim inside it.
fn started(out: &mut impl Write) {
    writeln!(out, "starting")
        .and_then(|()| out.flush())
        .expect("stdout");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let dir = Path::new(arg(2));
    let mut out = std::io::stdout().lock();
    match arg(1) {
        "save-loop" => {
            let mut store = unlock(dir, arg(3));
            for n in 0.. {
                let id = save(&mut store, n);
                // Printed only after the commit returned: the parent may rely on it.
                writeln!(out, "{id}")
                    .and_then(|()| out.flush())
                    .expect("stdout");
            }
        }
        "save-then-wait" => {
            let mut store = unlock(dir, arg(3));
            let count: u64 = arg(4).parse().expect("count");
            for n in 0..count {
                save(&mut store, n);
            }
            writeln!(out, "ready")
                .and_then(|()| out.flush())
                .expect("stdout");
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
        "init" => {
            started(&mut out);
            Store::init(dir, "nurse", arg(3), KdfParams::INSECURE_FAST_FOR_TESTS).expect("init");
            writeln!(out, "initialized").expect("stdout");
        }
        "passphrase" => {
            let mut store = unlock(dir, arg(3));
            started(&mut out);
            store
                .change_passphrase(arg(4), KdfParams::INSECURE_FAST_FOR_TESTS)
                .expect("change");
            writeln!(out, "changed").expect("stdout");
        }
        "rekey" => {
            let mut store = unlock(dir, arg(3));
            started(&mut out);
            let done = store.rekey("crash test").expect("rekey");
            assert_eq!(done, mimik_device::store::Rekey::Done);
            writeln!(out, "rekeyed").expect("stdout");
        }
        other => panic!("unknown mode {other:?}"),
    }
}
