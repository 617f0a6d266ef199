use super::eligibility::evaluate;
use super::schedule::{DueStatus, ParticipantDates, Participation, Saved, schedule, window};
use super::*;
use crate::MissingMode;
use chrono::NaiveDate;
use rstest::rstest;
use std::collections::BTreeMap;

const STUDY: &str = include_str!("../../../../studies/nct05191719.toml");

fn study() -> Study {
    Study::load(STUDY).expect("the shipped study file loads")
}

fn d(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn dates(inclusion: &str, botox: &[&str], surgery: Option<&str>) -> ParticipantDates {
    ParticipantDates {
        inclusion: d(inclusion),
        botox: botox.iter().map(|b| d(b)).collect(),
        surgery: surgery.map(d),
    }
}

fn status_of(study: &Study, dates: &ParticipantDates, today: &str, tp: &str) -> DueStatus {
    schedule(study, dates, &Saved::new(), d(today), Participation::Active)
        .into_iter()
        .find(|t| t.timepoint == tp)
        .map(|t| t.status)
        .expect("time point exists")
}

fn kind(status: &DueStatus) -> &'static str {
    status.name()
}

#[test]
fn the_shipped_study_has_the_six_time_points_of_instruments_md() {
    let s = study();
    let ids: Vec<&str> = s.timepoints.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "baseline",
            "botox_no_effect",
            "botox_max_effect",
            "pre_surgery",
            "post_6m",
            "post_12m"
        ]
    );
    let post_12m = study();
    let tp = post_12m.timepoint("post_12m").unwrap();
    assert_eq!(
        tp.patient_forms,
        [Form::Face, Form::Fdi, Form::Saq, Form::SideEffects]
    );
    assert!(tp.staff_forms.contains(&Form::BotoxCount));
}

// Surgery 2026-03-15: post_6m target 2026-09-15, window 2026-08-16 … 2026-10-15.
#[rstest]
#[case::day_before_opening("2026-08-15", "not_yet_due")]
#[case::opening_day("2026-08-16", "due")]
#[case::target("2026-09-15", "due")]
#[case::day_after_target("2026-09-16", "overdue")]
#[case::closing_day("2026-10-15", "overdue")]
#[case::day_after_closing("2026-10-16", "missed")]
fn post_6m_window_edges(#[case] today: &str, #[case] expected: &str) {
    let p = dates("2025-06-01", &[], Some("2026-03-15"));
    assert_eq!(kind(&status_of(&study(), &p, today, "post_6m")), expected);
}

// Injection 2026-02-01: max effect target 2026-02-15 (the window's first day) … 2026-03-01;
// no effect target 2026-06-01 ± 14 days.
#[rstest]
#[case::max_effect_day_13("2026-02-14", "botox_max_effect", "not_yet_due")]
#[case::max_effect_day_14("2026-02-15", "botox_max_effect", "due")]
#[case::max_effect_day_15("2026-02-16", "botox_max_effect", "overdue")]
#[case::max_effect_day_28("2026-03-01", "botox_max_effect", "overdue")]
#[case::max_effect_day_29("2026-03-02", "botox_max_effect", "missed")]
#[case::no_effect_opens("2026-05-18", "botox_no_effect", "due")]
#[case::no_effect_before("2026-05-17", "botox_no_effect", "not_yet_due")]
#[case::no_effect_target("2026-06-01", "botox_no_effect", "due")]
#[case::no_effect_after_target("2026-06-02", "botox_no_effect", "overdue")]
#[case::no_effect_closes("2026-06-15", "botox_no_effect", "overdue")]
#[case::no_effect_after("2026-06-16", "botox_no_effect", "missed")]
fn botox_window_edges(#[case] today: &str, #[case] tp: &str, #[case] expected: &str) {
    let p = dates("2025-06-01", &["2026-02-01"], None);
    assert_eq!(kind(&status_of(&study(), &p, today, tp)), expected);
}

#[test]
fn several_botox_injections_count_from_the_latest_one_given_so_far() {
    // Listed out of order, with one planned in the future: 2026-03-10 is the latest given by 03-25.
    let p = dates(
        "2025-06-01",
        &["2026-03-10", "2025-11-01", "2026-07-01"],
        None,
    );
    let tp = study().timepoint("botox_max_effect").cloned().unwrap();
    let w = window(&tp, &p, d("2026-03-25")).unwrap();
    assert_eq!((w.opens, w.closes), (d("2026-03-24"), d("2026-04-07")));
    // A day past its target (03-24), the window still open.
    assert_eq!(
        kind(&status_of(&study(), &p, "2026-03-25", "botox_max_effect")),
        "overdue"
    );
}

#[test]
fn no_injection_yet_means_the_botox_time_points_are_not_yet_due() {
    let p = dates("2025-06-01", &["2026-07-01"], None);
    assert_eq!(
        status_of(&study(), &p, "2026-03-25", "botox_no_effect"),
        DueStatus::NotYetDue { window: None }
    );
}

#[test]
fn surgery_time_points_wait_while_the_surgery_date_is_unknown() {
    let p = dates("2025-06-01", &[], None);
    for tp in ["post_6m", "post_12m"] {
        assert_eq!(
            status_of(&study(), &p, "2030-01-01", tp),
            DueStatus::NotYetDue { window: None },
            "{tp}"
        );
    }
}

#[test]
fn a_leap_day_anchor_lands_on_the_last_day_of_february() {
    let p = dates("2023-06-01", &[], Some("2024-02-29"));
    let s = study();
    let post_12m = window(s.timepoint("post_12m").unwrap(), &p, d("2025-01-01")).unwrap();
    assert_eq!(post_12m.target, d("2025-02-28"));
    // Six months from 31 Aug 2023 crosses 29 Feb 2024.
    let p = dates("2023-06-01", &[], Some("2023-08-31"));
    let post_6m = window(s.timepoint("post_6m").unwrap(), &p, d("2024-01-01")).unwrap();
    assert_eq!(post_6m.target, d("2024-02-29"));
}

/// Everything baseline asks for, saved.
fn baseline_saved() -> Saved {
    ["sunnybrook", "eligibility", "botox_count"]
        .into_iter()
        .map(|name| ("baseline".to_owned(), name.to_owned()))
        .collect()
}

#[test]
fn a_done_time_point_is_done_even_when_its_window_has_closed() {
    let p = dates("2025-06-01", &[], None);
    let all = schedule(
        &study(),
        &p,
        &baseline_saved(),
        d("2026-01-01"),
        Participation::Active,
    );
    assert_eq!(all[0].status, DueStatus::Done);
    assert!(all[0].missing.is_empty());
    let not_done = status_of(&study(), &p, "2026-01-01", "baseline");
    assert_eq!(kind(&not_done), "missed");
}

#[test]
fn a_time_point_with_one_form_saved_is_not_done_and_names_the_forms_still_missing() {
    // The server used to count a baseline with Sunnybrook alone as done.
    let p = dates("2026-01-05", &[], None);
    let saved: Saved = [("baseline".to_owned(), "sunnybrook".to_owned())].into();
    let all = schedule(&study(), &p, &saved, d("2026-01-05"), Participation::Active);
    assert_eq!(kind(&all[0].status), "due");
    assert_eq!(all[0].missing, [Form::Eligibility, Form::BotoxCount]);
    // Side effects and Clavien-Dindo grades never hold a time point open.
    let mut everything = baseline_saved();
    everything.remove(&("baseline".to_owned(), "sunnybrook".to_owned()));
    let all = schedule(
        &study(),
        &p,
        &everything,
        d("2026-01-05"),
        Participation::Active,
    );
    assert_eq!(all[0].missing, [Form::Sunnybrook]);
}

#[test]
fn a_time_point_with_nothing_to_collect_on_a_tablet_is_not_applicable_and_never_overdue() {
    let p = dates("2025-06-01", &[], Some("2025-09-01"));
    for today in ["2025-08-15", "2030-01-01"] {
        assert_eq!(
            status_of(&study(), &p, today, "pre_surgery"),
            DueStatus::NotApplicable,
            "{today}"
        );
    }
}

#[test]
fn after_a_participant_leaves_nothing_falls_due_and_what_was_done_or_missed_before_stays() {
    // Included 2025-06-01 (baseline window closes 06-15), surgery 2026-01-10, withdrawn
    // 2026-03-01: baseline was missed before leaving; post_6m and post_12m never come.
    let p = dates("2025-06-01", &[], Some("2026-01-10"));
    let left = Participation::LeftOn(d("2026-03-01"));
    let all = schedule(&study(), &p, &Saved::new(), d("2026-08-01"), left);
    let by_id = |id: &str| all.iter().find(|t| t.timepoint == id).unwrap();
    assert_eq!(kind(&by_id("baseline").status), "missed");
    assert_eq!(by_id("post_6m").status, DueStatus::NotApplicable);
    assert_eq!(by_id("post_12m").status, DueStatus::NotApplicable);
    assert!(by_id("post_6m").missing.is_empty());
    let done = schedule(&study(), &p, &baseline_saved(), d("2026-08-01"), left);
    assert_eq!(done[0].status, DueStatus::Done);
}

fn checklist(overrides: &[(&str, bool)]) -> BTreeMap<String, bool> {
    let mut map: BTreeMap<String, bool> = study()
        .eligibility
        .iter()
        .map(|c| (c.id.clone(), c.kind == CriterionKind::Inclusion))
        .collect();
    for (id, value) in overrides {
        map.insert((*id).to_owned(), *value);
    }
    map
}

#[rstest]
#[case::sb5_composite_60_is_eligible(&[], Some(60.0), Some(true))]
#[case::sb5_composite_61_is_not(&[], Some(61.0), Some(false))]
#[case::smoker(&[("smoking", true)], Some(40.0), Some(false))]
#[case::no_consent(&[("written_consent", false)], Some(40.0), Some(false))]
#[case::sunnybrook_not_graded_yet(&[], None, None)]
#[case::sb4_negative_composite_is_an_entry_error_not_a_decision(&[], Some(-15.0), None)]
fn eligibility_follows_the_checklist_and_sunnybrook_at_most_60(
    #[case] overrides: &[(&str, bool)],
    #[case] composite: Option<f64>,
    #[case] expected: Option<bool>,
) {
    let result = evaluate(&study(), &checklist(overrides), composite);
    assert_eq!(result.eligible, expected, "{result:?}");
}

#[test]
fn an_unanswered_criterion_leaves_eligibility_open() {
    let mut list = checklist(&[]);
    list.remove("diabetes");
    let result = evaluate(&study(), &list, Some(30.0));
    assert_eq!(result.eligible, None);
    assert_eq!(result.unanswered, ["diabetes"]);
}

#[test]
fn pseudonyms_must_match_the_pattern_and_the_error_does_not_echo_the_input() {
    let s = study();
    assert!(s.pseudonym_pattern.parse("NT-001").is_ok());
    for bad in [
        "NT-01",
        "NT-0011",
        "nt-001",
        "Anna Svensson",
        "NT-00A",
        "",
        "NT-00١",
    ] {
        let error = s.pseudonym_pattern.parse(bad).unwrap_err().to_string();
        assert!(bad.is_empty() || !error.contains(bad), "{error}");
    }
}

/// Where the error must point: the changed line itself, or the start of its table (semantic
/// checks, missing fields), which lies at most a dozen lines above.
#[derive(Debug, Clone, Copy)]
enum At {
    Change,
    Table,
}

/// Bad study files: each is refused, naming the line and, where it can, the field.
#[rstest]
#[case::unknown_anchor(
    "anchor = \"inclusion\"",
    "anchor = \"inklusion\"",
    At::Change,
    Some("anchor")
)]
#[case::missing_window(
    "window_before_days = 0\nwindow_after_days = 14",
    "window_after_days = 14",
    At::Table,
    Some("window_before_days")
)]
#[case::negative_window(
    "window_after_days = 14",
    "window_after_days = -14",
    At::Change,
    Some("window_after_days")
)]
#[case::string_for_number(
    "window_after_days = 14",
    "window_after_days = \"14\"",
    At::Change,
    Some("window_after_days")
)]
#[case::unknown_form(
    "patient_forms = [\"side_effects\"]",
    "patient_forms = [\"side_efects\"]",
    At::Change,
    Some("patient_forms")
)]
#[case::staff_form_for_patient(
    "patient_forms = [\"side_effects\"]",
    "patient_forms = [\"sunnybrook\"]",
    At::Change,
    Some("patient_forms")
)]
#[case::duplicate_timepoint("id = \"post_12m\"", "id = \"post_6m\"", At::Table, Some("id"))]
#[case::unknown_field(
    "anchor = \"inclusion\"",
    "anchr = \"inclusion\"",
    At::Table,
    Some("anchr")
)]
#[case::unknown_label_language(
    "label.sv = \"Baslinje (inklusion)\"",
    "label.de = \"Baslinje (inklusion)\"",
    At::Table,
    None
)]
#[case::prorated_fdi(
    "label.sv = \"FDI (Facial Disability Index)\"\nmissing = \"strict\"",
    "label.sv = \"FDI (Facial Disability Index)\"\nmissing = \"prorated\"",
    At::Table,
    Some("missing")
)]
#[case::counting_period_elsewhere(
    "[forms.eligibility]",
    "[forms.eligibility]\ncounting_period_months = 12",
    At::Table,
    Some("counting_period_months")
)]
#[case::bad_pattern(
    "pseudonym_pattern = \"NT-###\"",
    "pseudonym_pattern = \"nt-xyz\"",
    At::Change,
    Some("pseudonym_pattern")
)]
#[case::bad_max(
    "sunnybrook_max_composite = 60",
    "sunnybrook_max_composite = 600",
    At::Change,
    Some("sunnybrook_max_composite")
)]
#[case::unterminated_string("title = \"Surgical", "title = \"Surgical\n", At::Table, None)]
fn malformed_study_files_name_the_line_and_field(
    #[case] from: &str,
    #[case] to: &str,
    #[case] at: At,
    #[case] field: Option<&str>,
) {
    let offset = STUDY.find(from).expect("fixture text is in the study file");
    let changed_line = STUDY[..offset].matches('\n').count() + 1;
    let broken = STUDY.replacen(from, to, 1);
    let error = Study::load(&broken).expect_err("the broken file is refused");
    match at {
        At::Change => assert_eq!(error.line, changed_line, "{error}"),
        At::Table => assert!(
            error.line <= changed_line + 1 && error.line + 12 >= changed_line,
            "{error} (changed line {changed_line})"
        ),
    }
    if let Some(field) = field {
        assert_eq!(error.field.as_deref(), Some(field), "{error}");
    }
    assert!(error.to_string().starts_with("study file, line "));
}

#[test]
fn garbage_and_empty_study_files_are_errors_not_panics() {
    for text in [
        "",
        "\u{0}",
        "[[timepoints]]\n",
        "id = 1",
        "[",
        "a = [[[[[[[[[[1]]]]]]]]]]",
    ] {
        assert!(Study::load(text).is_err(), "{text:?}");
    }
}

#[test]
fn the_reference_protocol_labels_everything_in_swedish_and_english() {
    let study = Study::load(STUDY).unwrap();
    assert_eq!(study.untranslated(), Vec::<String>::new());
    let baseline = study.timepoint("baseline").unwrap();
    assert_eq!(baseline.label.in_language("sv"), "Baslinje (inklusion)");
    assert_eq!(baseline.label.in_language("en"), "Baseline (inclusion)");
    assert!(study.timepoints.iter().all(|tp| tp.window_is_decision));
    // One checklist item per criterion of the registry record.
    let ids: Vec<&str> = study.eligibility.iter().map(|c| c.id.as_str()).collect();
    for id in ["botox_at_least_3", "botox_3_a_year", "botox_not_satisfying"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert_eq!(
        study.forms[&Form::BotoxCount].counting_period_months,
        Some(12)
    );
    assert_eq!(
        study.form_label(Form::SideEffects, "sv"),
        Some("Biverkningar sedan förra besöket")
    );
}

#[test]
fn a_protocol_from_before_labels_had_languages_still_loads_in_english() {
    let old = STUDY
        .replace(
            "label.en = \"Baseline (inclusion)\"\nlabel.sv = \"Baslinje (inklusion)\"",
            "label = \"Baseline (inclusion)\"",
        )
        .replace(
            "label.en = \"Smoking\"\nlabel.sv = \"Rökning\"",
            "text = \"Smoking\"",
        );
    assert_ne!(old, STUDY);
    let study = Study::load(&old).unwrap();
    let baseline = study.timepoint("baseline").unwrap();
    assert_eq!(baseline.label.in_language("sv"), "Baseline (inclusion)");
    let smoking = study
        .eligibility
        .iter()
        .find(|c| c.id == "smoking")
        .unwrap();
    assert_eq!(smoking.label.en, "Smoking");
    assert_eq!(
        study.untranslated(),
        [
            "time point baseline: no sv label",
            "criterion smoking: no sv label"
        ]
    );
}

#[test]
fn the_missing_data_policy_of_a_total_comes_from_the_protocol() {
    let study = Study::load(STUDY).unwrap();
    assert_eq!(
        study.missing_mode(crate::Instrument::Face),
        MissingMode::Strict
    );
    let prorated = STUDY.replacen("missing = \"strict\"", "missing = \"prorated\"", 1);
    let study = Study::load(&prorated).unwrap();
    assert_eq!(
        study.missing_mode(crate::Instrument::Face),
        MissingMode::Prorated
    );
    assert_eq!(
        study.missing_mode(crate::Instrument::Fdi),
        MissingMode::Strict
    );
}
