use super::*;

fn names() -> StoreNames {
    StoreNames::new([
        "Velora",
        "Kestrel",
        "Maasworks",
        "Nordkap",
        "Solenne",
        "Luma",
        "Stride",
        "Merinova",
    ])
}

fn known(word: &str) -> bool {
    ["stride", "shoe", "running", "jacket"].contains(&word)
}

fn fix(text: &str) -> String {
    names().correct(text, &known).text
}

#[test]
fn a_misheard_name_becomes_the_store_name() {
    assert_eq!(
        fix("Do you have the Vilora Stride 3 in size 42?"),
        "Do you have the Velora Stride 3 in size 42?"
    );
    assert_eq!(
        fix("How much is the Kestral Pulse 2?"),
        "How much is the Kestrel Pulse 2?"
    );
    let c = names().correct("Where is the Solen jacket?", &known);
    assert_eq!(c.text, "Where is the Solenne jacket?");
    assert_eq!(
        c.changes,
        vec![Change {
            heard: "Solen".into(),
            name: "Solenne".into()
        }]
    );
}

#[test]
fn a_name_heard_as_two_words_is_joined() {
    assert_eq!(
        fix("Do you have mass works gloves?"),
        "Do you have Maasworks gloves?"
    );
    assert_eq!(fix("Nord-cap parka"), "Nordkap parka");
}

#[test]
fn known_words_that_spell_a_brand_together_are_the_brand() {
    // "tide" and "wave" are words of the store's titles ("Tide Line"), so
    // neither is read as a name alone; joined they spell the brand.
    let names = StoreNames::new(["Tidewave", "Velora"]);
    let known = |w: &str| ["tide", "wave", "line", "coral"].contains(&w);
    let fix = |t: &str| names.correct(t, &known).text;
    assert_eq!(
        fix("How much is the tide wave coral?"),
        "How much is the Tidewave coral?"
    );
    assert_eq!(fix("the Tide-Wave swimsuit"), "the Tidewave swimsuit");
    // Not joined past a stop word or a comma, nor into a near miss.
    assert_eq!(fix("the tide, wave coral"), "the tide, wave coral");
    assert_eq!(fix("a tide line coral"), "a tide line coral");
}

#[test]
fn known_words_stop_words_and_names_stay() {
    // "stride" is a name's word and a known word: it stays as heard.
    assert_eq!(fix("the stride shoe"), "the stride shoe");
    assert_eq!(fix("Velora running shoe"), "Velora running shoe");
    // Short names are never guessed at.
    assert_eq!(fix("ukuran lima"), "ukuran lima");
    // Far from every name.
    assert_eq!(fix("Where are the socks?"), "Where are the socks?");
    // Chinese text around a Latin name is kept as it is.
    assert_eq!(fix("Vilora跑鞋多少钱？"), "Velora跑鞋多少钱？");
}

#[test]
fn two_names_equally_close_leave_the_words_as_heard() {
    // "Vilora" is one edit from both, and sounds like both.
    let two = StoreNames::new(["Velora", "Valora"]);
    let c = two.correct("Do you have Vilora socks?", &known);
    assert_eq!(c.text, "Do you have Vilora socks?");
    assert!(c.changes.is_empty());
}

#[test]
fn no_names_no_change() {
    let empty = StoreNames::new(Vec::<String>::new());
    assert!(empty.is_empty());
    assert_eq!(empty.correct("Vilora", &known).text, "Vilora");
}

#[test]
fn a_line_word_is_read_only_after_its_brand() {
    let names = StoreNames::with_lines(
        ["Meridian", "Velora"],
        [("Meridian", "Aviator"), ("Velora", "Pacer")],
    );
    let fix = |t: &str| names.correct(t, &known).text;
    assert_eq!(fix("de meerdien aviatok"), "de Meridian Aviator");
    assert_eq!(fix("Meridian aviatok"), "Meridian Aviator");
    // Not after its brand: left as heard.
    assert_eq!(fix("berapa harga aviatok"), "berapa harga aviatok");
    assert_eq!(fix("Meridian pasir"), "Meridian pasir");
}

fn with_lines() -> StoreNames {
    StoreNames::with_lines(["Nordkap", "Luma"], [("Nordkap", "Alpine")]).and_whole_lines([
        "Luma Ball",
        "Nordkap Alpine",
        "Luma Glow",
        "Courtline Ace 100",
    ])
}

#[test]
fn a_whole_line_heard_run_together_or_split_elsewhere_is_read_as_it() {
    let lines = with_lines();
    let c = lines.correct("Do you have the Lumamall in silver?", &known);
    assert_eq!(c.text, "Do you have the Luma Ball in silver?");
    assert_eq!(
        lines
            .correct("Do you have the Nordkapel Pine in black?", &known)
            .text,
        "Do you have the Nordkap Alpine in black?"
    );
    // Heard right, it stays as it is.
    assert_eq!(
        lines.correct("the Luma Ball in silver", &known).text,
        "the Luma Ball in silver"
    );
    // Far from every line, or a known word: as heard.
    assert_eq!(
        lines.correct("a lumberjack shirt", &known).text,
        "a lumberjack shirt"
    );
    assert_eq!(
        lines.correct("the running shoe", &known).text,
        "the running shoe"
    );
}

#[test]
fn two_whole_lines_equally_close_leave_the_words_as_heard() {
    // "Lumabull" is one letter from both.
    let lines = StoreNames::new(Vec::<String>::new()).and_whole_lines(["Luma Ball", "Luma Bell"]);
    assert_eq!(
        lines.correct("the Lumabull lamp", &known).text,
        "the Lumabull lamp"
    );
}
