use super::*;

fn pack(name: &str) -> String {
    let path = format!(
        "{}/../../instruments/en/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_shipped_english_pack_loads_and_labels_every_option() {
    for instrument in Instrument::ALL {
        let loaded = ContentPack::load(&pack(instrument.id())).unwrap();
        assert_eq!(loaded.instrument, instrument);
        assert_eq!(loaded.language, "en");
        assert_eq!(loaded.items.len(), instrument.items().len());
        assert!(
            loaded.notice.contains("licensed"),
            "the licensing notice is shown"
        );
        assert_eq!(loaded.sha256.len(), 64);
    }
}

#[test]
fn fdi_item_6_is_positively_worded_so_all_of_the_time_is_code_6() {
    let fdi = ContentPack::load(&pack("fdi")).unwrap();
    let label_of = |item: &str, code: u8| {
        let item = fdi.items.iter().find(|i| i.id == item).unwrap();
        let option = item
            .options
            .iter()
            .find(|o| o.value == Answer::Code(code))
            .unwrap();
        option.label.clone()
    };
    assert_eq!(label_of("q6", 6), "All of the time");
    assert_eq!(label_of("q7", 6), "None of the time");
}

#[test]
fn the_hash_changes_when_one_word_changes() {
    let text = pack("saq");
    let changed = text.replacen("my eye closes", "my eyes close", 1);
    assert_ne!(
        ContentPack::load(&text).unwrap().sha256,
        ContentPack::load(&changed).unwrap().sha256
    );
}

#[test]
fn a_swedish_pack_supplied_by_a_study_loads_the_same_way() {
    let swedish = pack("saq")
        .replace("language = \"en\"", "language = \"sv\"")
        .replace(
            "When I smile my eye closes",
            "[test] När jag ler sluts mitt öga",
        );
    let loaded = ContentPack::load(&swedish).unwrap();
    assert_eq!(loaded.language, "sv");
    assert!(loaded.items[0].text.contains("sluts mitt öga"));
}

#[test]
fn bad_packs_are_refused_with_the_reason() {
    let saq = pack("saq");
    let cases: Vec<(String, &str)> = vec![
        (
            saq.replacen("id = \"q9\"", "id = \"q10\"", 1),
            "unknown item",
        ),
        (
            saq.replacen("id = \"q9\"", "id = \"q8\"", 1),
            "appears twice",
        ),
        (
            saq.replacen("label = \"Seldom or not at all\"", "label = \" \"", 1),
            "no label",
        ),
        (
            saq.replacen("{ value = 5,", "{ value = 6,", 1),
            "exactly the values",
        ),
        (
            saq.replacen("instrument = \"saq\"", "instrument = \"xyz\"", 1),
            "unknown instrument",
        ),
        (saq.replacen("title =", "titel =", 1), "unknown field"),
        ("not toml at all [".to_owned(), ""),
        (String::new(), "missing field"),
    ];
    for (text, expected) in cases {
        let error = ContentPack::load(&text).unwrap_err().to_string();
        assert!(
            error.contains(expected),
            "{error:?} should mention {expected:?}"
        );
    }
}
