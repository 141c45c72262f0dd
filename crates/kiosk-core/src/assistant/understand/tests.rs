use super::*;
use crate::Lang;
use crate::lexicon::{Concept, ConceptKind, concept};

fn lexicon() -> Lexicon {
    Lexicon::new(vec![
        concept(
            "running-shoes",
            ConceptKind::Category,
            &[
                (Lang::En, &["running shoes", "running shoe"]),
                (Lang::Nl, &["hardloopschoenen"]),
                (Lang::Zh, &["跑鞋"]),
            ],
        ),
        concept(
            "necklaces",
            ConceptKind::Category,
            &[
                (Lang::En, &["necklaces", "necklace"]),
                (Lang::Nl, &["ketting", "kettingen"]),
                (Lang::Id, &["kalung"]),
            ],
        ),
        concept(
            "earrings",
            ConceptKind::Category,
            &[(Lang::En, &["earrings"]), (Lang::Id, &["anting"])],
        ),
        concept(
            "black",
            ConceptKind::Color,
            &[
                (Lang::En, &["black"]),
                (Lang::Nl, &["zwart", "zwarte"]),
                (Lang::Id, &["hitam"]),
                (Lang::Zh, &["黑色", "黑"]),
            ],
        ),
        concept(
            "M",
            ConceptKind::Size,
            &[(Lang::En, &["medium"]), (Lang::Nl, &["medium"])],
        ),
        concept(
            "L",
            ConceptKind::Size,
            &[(Lang::En, &["large"]), (Lang::Nl, &["groot", "large"])],
        ),
        concept(
            "silver",
            ConceptKind::Material,
            &[(Lang::En, &["silver"]), (Lang::Id, &["perak"])],
        ),
    ])
}

#[test]
fn reads_size_colour_and_category() {
    let lex = lexicon();
    let r = read(
        "do you have these running shoes in size 9.5 in black?",
        &lex,
    );
    assert_eq!(r.size.as_deref(), Some("9.5"));
    assert_eq!(r.color.map(|c| lex.concept(c).id.as_str()), Some("black"));
    assert_eq!(r.categories.len(), 1);
    assert!(r.has(Cue::Availability));
    assert!(r.has(Cue::RefersToList));
}

#[test]
fn reads_sizes_in_every_language() {
    let lex = lexicon();
    for (text, size) in [
        ("maat 42", "42"),
        ("ukuran 9", "9"),
        ("有沒有9號的跑鞋", "9"),
        ("有沒有九號", "9"),
        ("size M", "M"),
        ("in medium please", "M"),
        ("and 10?", "10"),
        ("en maat L?", "L"),
        ("XL", "XL"),
    ] {
        assert_eq!(read(text, &lex).size.as_deref(), Some(size), "{text:?}");
    }
}

#[test]
fn reads_price_ceilings_and_floors() {
    let lex = lexicon();
    for (text, max) in [
        ("ketting onder de 20 euro", 2000),
        ("necklace under €20", 2000),
        ("kalung di bawah 15 euro", 1500),
        ("20歐元以下的項鍊", 2000),
        ("less than 19.95", 1995),
    ] {
        let r = read(text, &lex);
        assert_eq!(r.price_max.map(|m| m.minor), Some(max), "{text:?}");
        assert_eq!(r.size, None, "the amount in {text:?} is not a size");
    }
    let r = read("between 20 and 50 euro", &lex);
    assert_eq!(
        (r.price_min.map(|m| m.minor), r.price_max.map(|m| m.minor)),
        (Some(2000), Some(5000))
    );
}

// Ordinal words stopped below "ninth": after a list, "the ninth one" was
// searched for as a product word. Places of any size, in every language.
#[test]
fn reads_ordinals_of_any_size_in_every_language() {
    let lex = lexicon();
    let check = |text: &str, place: usize| {
        let r = read(text, &lex);
        assert_eq!(r.ordinal, Some(place - 1), "{text:?}: {r:?}");
        assert_eq!(r.size, None, "{text:?} is no size");
        assert_eq!(r.leftover_words, 0, "{text:?}: {:?}", r.search_text);
    };
    for (text, place) in [
        ("the ninth one", 9),
        ("the tenth", 10),
        ("the twelfth one", 12),
        ("the nineteenth", 19),
        ("the twentieth one", 20),
        ("the twenty-first one", 21),
        ("the twenty first", 21),
        ("the thirty-second", 32),
        ("the 9th", 9),
        ("the 12th one", 12),
        ("the 21st", 21),
        ("#12", 12),
        ("number 12", 12),
        ("de negende", 9),
        ("de twaalfde", 12),
        ("de twintigste", 20),
        ("de eenentwintigste", 21),
        ("de tweeëntwintigste", 22),
        ("de 12e", 12),
        ("de 12de", 12),
        ("nummer 12", 12),
        ("yang pertama", 1),
        ("yang kesembilan", 9),
        ("yang kesepuluh", 10),
        ("yang kesebelas", 11),
        ("yang kedua belas", 12),
        ("yang kedua puluh satu", 21),
        ("yang ke-12", 12),
        ("yang ke 12", 12),
        ("第九個", 9),
        ("第十二個", 12),
        ("第12個", 12),
        ("第二十款", 20),
        ("第二十一件", 21),
        ("第十个", 10),
    ] {
        check(text, place);
    }
    // "nomor 12", "nr 12": a size until the list on screen makes it a place
    // (`with_list_place`).
    for text in ["nr 12", "nomor 12"] {
        let r = read(text, &lex);
        assert_eq!(r.numbered, Some(11), "{text:?}");
        let shown = with_list_place(r.clone(), 20, &lex, &[]);
        assert_eq!((shown.ordinal, shown.size), (Some(11), None), "{text:?}");
        // One product on screen: a size.
        let one = with_list_place(r.clone(), 1, &lex, &[]);
        assert_eq!((one.ordinal, one.size.as_deref()), (None, Some("12")));
        // A size the store sells stays a size.
        let sold = with_list_place(r, 20, &lex, &["12".to_string()]);
        assert_eq!((sold.ordinal, sold.size.as_deref()), (None, Some("12")));
    }
}

#[test]
fn reads_ordinals_orders_and_contacts() {
    let lex = lexicon();
    assert_eq!(read("the second one", &lex).ordinal, Some(1));
    assert_eq!(read("de laatste", &lex).ordinal, Some(usize::MAX));
    assert_eq!(read("第三個", &lex).ordinal, Some(2));
    assert_eq!(
        read("compare the first and the third", &lex).ordinals,
        vec![0, 2]
    );
    assert_eq!(
        read("where is my order 10234?", &lex).order_id.as_deref(),
        Some("10234")
    );
    assert_eq!(
        read("jan@example.nl", &lex).contact.as_deref(),
        Some("jan@example.nl")
    );
    assert_eq!(
        read("+31 6 1234 5678", &lex).contact.as_deref(),
        Some("+31 6 1234 5678")
    );
}

#[test]
fn search_text_keeps_product_words_only() {
    let lex = lexicon();
    let r = read("waar liggen de zwarte hardloopschoenen in maat 9?", &lex);
    assert!(r.has(Cue::Location));
    assert_eq!(r.search_text, "zwarte hardloopschoenen");
    assert_eq!(
        r.leftover_words, 0,
        "everything left is stop words or concepts"
    );
    let r = read("ada anting perak?", &lex);
    assert_eq!(r.categories.len(), 1);
    assert_eq!(r.materials.len(), 1);
}

// Issue 13: bare sizes are read after "in", "maat", "ukuran", "size" and
// "talla", before 號/碼, and as the whole turn; a letter inside a name is
// not a size.
#[test]
fn issue_13_reads_bare_sizes() {
    fn check(input: &str, expected: Option<&str>) {
        let r = read(input, &lexicon());
        assert_eq!(r.size.as_deref(), expected, "size of {input:?}");
    }
    for (input, expected) in [
        ("in M", Some("M")),
        ("in M?", Some("M")),
        ("do you have it in L please", Some("L")),
        ("in S, black", Some("S")),
        ("in M zwart", Some("M")),
        ("in XL?", Some("XL")),
        ("in 2XL", Some("2XL")),
        ("maat 42", Some("42")),
        ("maat M", Some("M")),
        ("ukuran L", Some("L")),
        ("ukuran 42", Some("42")),
        ("size M", Some("M")),
        ("talla 42", Some("42")),
        ("talla M", Some("M")),
        ("42號", Some("42")),
        ("M號", Some("M")),
        ("M号", Some("M")),
        ("42码", Some("42")),
        ("有沒有L碼的", Some("L")),
        ("M?", Some("M")),
        ("L", Some("L")),
        ("XS", Some("XS")),
        // A letter in a name is part of the name.
        ("the Glide L running shoes", None),
        ("do you have the Pack in L Shape", None),
        ("M necklace", None),
        ("in black", None),
    ] {
        check(input, expected);
    }
}

// Issue 13: price limits in each language, as an upper bound (or a lower
// bound) in hundredths of the store's currency.
#[test]
fn issue_13_reads_price_limits_in_each_language() {
    fn check(input: &str, expected: (Option<i64>, Option<i64>)) {
        let r = read(input, &lexicon());
        assert_eq!(
            (r.price_min.map(|m| m.minor), r.price_max.map(|m| m.minor)),
            expected,
            "(min, max) of {input:?}"
        );
        assert_eq!(r.size, None, "the amount in {input:?} is not a size");
        assert_eq!(r.order_id, None, "the amount in {input:?} is no order");
    }
    for (input, expected) in [
        ("onder de 30", (None, Some(3_000))),
        ("kettingen onder 30 euro", (None, Some(3_000))),
        ("tot 50 euro", (None, Some(5_000))),
        ("boven de 50", (Some(5_000), None)),
        ("di bawah 30", (None, Some(3_000))),
        ("kalung di bawah Rp 300 ribu", (None, Some(30_000_000))),
        ("di bawah Rp 300.000", (None, Some(30_000_000))),
        ("di bawah 2 juta", (None, Some(200_000_000))),
        ("kalung 300k", (None, Some(30_000_000))),
        ("anting 50rb", (None, Some(5_000_000))),
        ("maksimal 50 ribu", (None, Some(5_000_000))),
        ("di atas 50", (Some(5_000), None)),
        ("1000以下", (None, Some(100_000))),
        ("30元以下的項鍊", (None, Some(3_000))),
        ("不超過50", (None, Some(5_000))),
        ("不超过50元", (None, Some(5_000))),
        ("低於 NT$500", (None, Some(50_000))),
        ("低于500", (None, Some(50_000))),
        ("1萬以下", (None, Some(1_000_000))),
        ("2万以内", (None, Some(2_000_000))),
        ("50以上", (Some(5_000), None)),
        ("under $30", (None, Some(3_000))),
        ("necklace under 1,000 dollars", (None, Some(100_000))),
        ("less than 30 euros", (None, Some(3_000))),
        ("over 50", (Some(5_000), None)),
        ("$25", (None, Some(2_500))),
    ] {
        check(input, expected);
    }
}

fn store_read(input: &str, store: &[&str]) -> Reading {
    let store: Vec<String> = store.iter().map(|s| s.to_string()).collect();
    read_in_store(input, &lexicon(), &store)
}

// Issue 13: a bare size ("in M", "42", "xl", "medium") is read only when the
// store sells that size; asked with a size word it is kept, so the answer
// can say the store lacks it. Either way it comes out as the store spells
// it.
#[test]
fn issue_13_bare_sizes_only_when_the_store_sells_them() {
    const LETTERS: &[&str] = &["S", "M", "L", "XL"];
    const WORDS: &[&str] = &["Small", "Medium", "Large", "X-Large"];
    const NUMBERS: &[&str] = &["40", "42", "44", "9.5"];
    const SYSTEM: &[&str] = &["EU 41", "EU 42"];
    fn check(input: &str, store: &[&str], expected: Option<&str>) {
        assert_eq!(
            store_read(input, store).size.as_deref(),
            expected,
            "size of {input:?} in a store of {store:?}"
        );
    }
    for (input, store, expected) in [
        ("in M", LETTERS, Some("M")),
        ("in M", NUMBERS, None),
        ("M?", NUMBERS, None),
        ("in L", WORDS, Some("Large")),
        ("do you have it in large?", WORDS, Some("Large")),
        ("do you have it in large?", LETTERS, Some("L")),
        ("in medium please", WORDS, Some("Medium")),
        ("in medium please", NUMBERS, None),
        ("XL", WORDS, Some("X-Large")),
        ("xl", NUMBERS, None),
        ("42", NUMBERS, Some("42")),
        ("42", LETTERS, None),
        ("and 9,5?", NUMBERS, Some("9.5")),
        ("maat 42", SYSTEM, Some("EU 42")),
        ("in 41", SYSTEM, Some("EU 41")),
        // Asked with a size word: kept, in the store's spelling if it has it.
        ("size XXL", LETTERS, Some("XXL")),
        ("maat 46", NUMBERS, Some("46")),
        ("size l", WORDS, Some("Large")),
        ("ukuran L", WORDS, Some("Large")),
        ("talla M", LETTERS, Some("M")),
        ("taille 42", NUMBERS, Some("42")),
        ("Größe 42", NUMBERS, Some("42")),
        ("größe 44", NUMBERS, Some("44")),
        ("42號", NUMBERS, Some("42")),
        ("M號", WORDS, Some("Medium")),
        ("尺寸M", LETTERS, Some("M")),
        ("尺碼 42", NUMBERS, Some("42")),
        ("尺码42", NUMBERS, Some("42")),
    ] {
        check(input, store, expected);
    }
}

// Issue 13: a number in a product's name is no size when the store has no
// such size, and a size word the store does not sell stays a search word.
#[test]
fn issue_13_unsold_sizes_stay_search_words() {
    let r = store_read("iphone 42", &["S", "M"]);
    assert_eq!(r.size, None);
    assert_eq!(r.search_text, "iphone 42");
    let r = store_read("42", &["S", "M"]);
    assert_eq!(r.size, None);
    assert_eq!(r.search_text, "42");
    let r = store_read("medium roast", &["250g", "1kg"]);
    assert_eq!(r.size, None);
    assert!(r.search_text.contains("medium"), "{:?}", r.search_text);
    let r = store_read("case in M", &["40", "42"]);
    assert_eq!(r.size, None);
}

// Issue 13: "ada kaos ukuran M?" searched for "ukuran M": the size phrase
// belongs to the slot, not to the search words, in every language.
#[test]
fn issue_13_size_phrases_leave_the_search_words() {
    fn check(input: &str, expected_search: &str) {
        let r = store_read(input, &["S", "M", "L", "42"]);
        assert!(r.size.is_some(), "no size in {input:?}");
        assert_eq!(r.search_text, expected_search, "search words of {input:?}");
    }
    check("ada kaos ukuran M?", "kaos");
    check("heb je deze ketting in maat M", "ketting");
    check("necklace size M", "necklace");
    check("necklace in M", "necklace");
    check("kalung ukuran 42", "kalung");
    check("talla M necklace", "necklace");
    for input in ["尺寸M的跑鞋", "M號的跑鞋", "42號的跑鞋", "尺碼42的跑鞋"] {
        let r = store_read(input, &["S", "M", "L", "42"]);
        assert!(r.size.is_some(), "no size in {input:?}");
        for bit in ["尺寸", "尺碼", "號", "m", "42"] {
            assert!(
                !fold(&r.search_text).contains(bit),
                "{bit:?} left in the search words of {input:?}: {:?}",
                r.search_text
            );
        }
        assert!(
            r.search_text.contains("跑鞋"),
            "{input:?}: {:?}",
            r.search_text
        );
    }
}

// Issue 13: the price limits of the issue, word for word: a ceiling (or a
// floor with above/boven/di atas/以上), with each language's currency words.
#[test]
fn issue_13_price_limits_of_the_issue() {
    fn check(input: &str, expected: (Option<i64>, Option<i64>)) {
        let r = store_read(input, &["S", "M", "L", "42"]);
        assert_eq!(
            (r.price_min.map(|m| m.minor), r.price_max.map(|m| m.minor)),
            expected,
            "(min, max) of {input:?}"
        );
        assert_eq!(r.size, None, "the amount in {input:?} is not a size");
        assert!(
            !r.search_text.chars().any(|c| c.is_ascii_digit()),
            "the amount in {input:?} is left in the search words: {:?}",
            r.search_text
        );
    }
    for (input, expected) in [
        ("necklace 30 euro", (None, Some(3_000))),
        ("necklace €30", (None, Some(3_000))),
        ("kalung Rp 300 ribu", (None, Some(30_000_000))),
        ("kalung 300k", (None, Some(30_000_000))),
        ("30元的項鍊", (None, Some(3_000))),
        ("NT$500的項鍊", (None, Some(50_000))),
        ("onder de 30", (None, Some(3_000))),
        ("di bawah 30", (None, Some(3_000))),
        ("1000以下", (None, Some(100_000))),
        ("under $30", (None, Some(3_000))),
        ("max 30 euro", (None, Some(3_000))),
        ("tot 30 euro", (None, Some(3_000))),
        ("kurang dari 50 ribu", (None, Some(5_000_000))),
        ("低於500", (None, Some(50_000))),
        ("500元以內", (None, Some(50_000))),
        ("500元以内的项链", (None, Some(50_000))),
        ("above 50 euro", (Some(5_000), None)),
        ("boven 50 euro", (Some(5_000), None)),
        ("di atas 50 ribu", (Some(5_000_000), None)),
        ("100以上", (Some(10_000), None)),
        ("necklace under 42", (None, Some(4_200))),
    ] {
        check(input, expected);
    }
}

// Issue 13: "有沒有M號的T恤" searched for "的 T 恤": a term written in Latin and
// Chinese stays one search word, and the size phrase leaves none.
#[test]
fn issue_13_latin_and_chinese_terms_stay_whole() {
    let lex = Lexicon::new(vec![Concept {
        id: "t-shirts".into(),
        kind: ConceptKind::Category,
        terms: vec![
            (Lang::En, vec!["t-shirt".into()]),
            (Lang::Zh, vec!["T恤".into()]),
        ],
    }]);
    let store = ["S".to_string(), "M".to_string()];
    for input in ["有沒有M號的T恤", "有沒有尺寸M的T恤", "T恤", "M號T恤黑色"] {
        let r = read_in_store(input, &lex, &store);
        assert_eq!(r.categories.len(), 1, "{input:?}");
        assert!(
            r.search_text
                .split(' ')
                .any(|w| w == "T恤" || w.starts_with("T恤")),
            "{input:?}: {:?}",
            r.search_text
        );
        assert!(
            !r.search_text.contains('號'),
            "{input:?}: {:?}",
            r.search_text
        );
    }
}

// Issue 13: a store that writes its sizes in Dutch ("Klein", "Groot") has
// them as the vocabulary's S and L (the import gives the vocabulary the
// store's spelling); "in L" and "large" find them.
#[test]
fn issue_13_letter_sizes_find_sizes_written_as_words() {
    let lex = Lexicon::new(vec![
        concept(
            "Groot",
            ConceptKind::Size,
            &[(Lang::En, &["large"]), (Lang::Nl, &["groot", "grote"])],
        ),
        concept(
            "Klein",
            ConceptKind::Size,
            &[(Lang::En, &["small"]), (Lang::Nl, &["klein", "kleine"])],
        ),
    ]);
    let store = ["Klein".to_string(), "Groot".to_string()];
    for (input, expected) in [
        ("in L", Some("Groot")),
        ("maat S", Some("Klein")),
        ("do you have it in large?", Some("Groot")),
        ("in M", None),
    ] {
        assert_eq!(
            read_in_store(input, &lex, &store).size.as_deref(),
            expected,
            "{input:?}"
        );
    }
}

#[test]
fn chinese_ways_of_asking_a_price_are_price_cues() {
    let lexicon = crate::Lexicon::new(Vec::new());
    for text in ["請問phormium賣多少?", "這件要多少?", "這個怎麼賣?"] {
        let reading = read(text, &lexicon);
        assert!(
            reading
                .cues
                .iter()
                .any(|f| f.cue == crate::assistant::cues::Cue::Price),
            "{text}: {:?}",
            reading.cues.iter().map(|f| f.cue).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_colour_only_the_store_names_is_read_from_its_values() {
    let lexicon = crate::Lexicon::new(Vec::new());
    let colors = [
        "negro".to_string(),
        "verde-claro".to_string(),
        "verde".to_string(),
    ];
    let reading = with_store_colour(read("legging flex verde-claro size s?", &lexicon), &colors);
    assert_eq!(reading.color_value.as_deref(), Some("verde-claro"));
    assert!(
        !reading.search_text.contains("verde"),
        "{}",
        reading.search_text
    );
    assert!(reading.has_variant_slot());
    // No store colour in the turn: nothing read.
    let reading = with_store_colour(read("legging flex size s", &lexicon), &colors);
    assert_eq!(reading.color_value, None);
}

#[test]
fn a_size_the_store_writes_as_a_range_is_read_whole() {
    let lexicon = crate::Lexicon::new(Vec::new());
    let sizes = ["16-18".to_string(), "20-22".to_string(), "M".to_string()];
    for text in ["madrid home size 20-22 in stock?", "ada madrid home 20-22?"] {
        let reading = read_in_store(text, &lexicon, &sizes);
        assert_eq!(reading.size.as_deref(), Some("20-22"), "{text}");
        assert!(
            !reading.search_text.contains("22"),
            "{text}: {}",
            reading.search_text
        );
    }
    // A single size still reads as before.
    let reading = read_in_store("madrid home size M", &lexicon, &sizes);
    assert_eq!(reading.size.as_deref(), Some("M"));
}

#[test]
fn a_size_word_takes_any_size_the_store_sells() {
    let store: Vec<String> = ["7y", "Única", "Regular", "12 us"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (text, size) in [
        ("and in size 7y?", "7y"),
        ("en in maat Única?", "Única"),
        ("kalau ukuran regular?", "Regular"),
        ("那7Y號呢?", "7y"),
        ("那Regular號呢?", "Regular"),
    ] {
        let reading = read_in_store(text, &lexicon(), &store);
        assert_eq!(reading.size.as_deref(), Some(size), "{text}");
        assert_eq!(reading.leftover_words, 0, "{text}: {reading:?}");
    }
    // A word the store sells no size as is still a product word.
    let reading = read_in_store("size banana", &lexicon(), &store);
    assert_eq!(reading.size, None);
}

#[test]
fn a_colour_glued_to_a_size_against_chinese_is_split() {
    let colours: Vec<String> = ["Blanco", "Naranja", "Negro", "khaki-oscuro"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let sizes: Vec<String> = ["XS", "S", "M", "L", "XL"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let split = |text: &str| split_glued_options(text, &lexicon(), &colours, &sizes);
    assert_eq!(
        split("splash mujer有blancoxs號嗎?"),
        "splash mujer有blanco xs號嗎?"
    );
    assert_eq!(
        split("change happens有naranjam號嗎?"),
        "change happens有naranja m號嗎?"
    );
    // A vocabulary colour glued the same way.
    assert_eq!(split("有blackxl號嗎?"), "有black xl號嗎?");
    // A colour and a size that read as a plural: still split.
    assert_eq!(split("strength有negros號嗎?"), "strength有negro s號嗎?");
    // The store's own colour or size, a word that is neither, and a word
    // in a Latin sentence stay as typed.
    assert_eq!(split("有negro的xs號嗎?"), "有negro的xs號嗎?");
    assert_eq!(split("有superoversize嗎?"), "有superoversize嗎?");
    assert_eq!(
        split("is the blancoxs in stock?"),
        "is the blancoxs in stock?"
    );
    // Read after the split: the size and the colour.
    let reading = read_in_store(&split("splash mujer有blancoxs號嗎?"), &lexicon(), &sizes);
    assert_eq!(reading.size.as_deref(), Some("XS"));
    let reading = with_store_colour(reading, &colours);
    assert_eq!(reading.color_value.as_deref(), Some("Blanco"));
}

/// The search words of a wrapped question against those of the bare
/// product words.
fn assert_wrapped(wrapped: &[&str], bare: &str) {
    let lex = lexicon();
    let want = read(bare, &lex);
    assert!(!want.search_text.is_empty(), "{bare:?} has search words");
    for input in wrapped {
        let r = read(input, &lex);
        assert_eq!(r.search_text, want.search_text, "{input:?}");
        assert_eq!(r.leftover_words, want.leftover_words, "{input:?}");
    }
}

#[test]
fn issue_14_chinese_question_wrappers_leave_the_search_words() {
    assert_wrapped(
        &[
            "有牛肉嗎",
            "有牛肉吗",
            "牛肉有嗎",
            "有沒有牛肉",
            "有没有牛肉",
            "請問有牛肉嗎",
            "请问有牛肉吗",
            "我想看牛肉",
            "我想要牛肉",
            "我想買牛肉",
            "我想买牛肉",
            "我要牛肉",
            "給我看牛肉",
            "给我看牛肉",
            "牛肉呢",
            "牛肉吧",
            "請問有沒有牛肉呢",
        ],
        "牛肉",
    );
}

#[test]
fn issue_14_chinese_words_that_hold_a_wrapper_character_stay_whole() {
    let lex = lexicon();
    // "有" and "呢" that are part of a word are not wrappers.
    assert_eq!(read("有機蔬菜嗎", &lex).search_text, "有機蔬菜");
    assert_eq!(read("有毛呢嗎", &lex).search_text, "毛呢");
    // A vocabulary term keeps its characters ("跑鞋" is known).
    assert_eq!(read("有跑鞋嗎", &lex).search_text, "跑鞋");
    // Wrappers alone are what the shopper said.
    assert_eq!(read("請問", &lex).search_text, "請問");
}

#[test]
fn issue_14_dutch_wrappers_leave_the_search_words() {
    assert_wrapped(
        &[
            "laat me regenjassen zien",
            "laat regenjassen zien",
            "ik zoek regenjassen",
            "heb je regenjassen?",
            "heb jij regenjassen",
            "toon me regenjassen",
            "mag ik regenjassen zien",
        ],
        "regenjassen",
    );
}

#[test]
fn issue_14_indonesian_wrappers_leave_the_search_words() {
    assert_wrapped(
        &[
            "apakah ada kaos kaki",
            "lihat kaos kaki",
            "saya cari kaos kaki",
            "ada kaos kaki?",
            "tunjukkan kaos kaki",
            "adakah kaos kaki",
            "aku ingin lihat kaos kaki",
        ],
        "kaos kaki",
    );
}

#[test]
fn issue_14_english_wrappers_leave_the_search_words() {
    assert_wrapped(
        &[
            "show me raincoats",
            "i'm looking for raincoats",
            "do you have raincoats?",
            "can i see raincoats",
            "let me see the raincoats",
        ],
        "raincoats",
    );
    // A wrapper word alone is searched for.
    assert_eq!(read("lihat", &lexicon()).search_text, "lihat");
}

// Issue 13: a baby shop sells sizes "0-3M", "3-6 meses", "12-18-meses"; a
// shopper's "in 3-6 months", "maat 3-6M" or "3-6 bulan" is the store's size,
// and leaves the search words.
#[test]
fn ages_are_read_as_the_stores_baby_sizes() {
    let store = ["0-3M", "3-6", "3-6 meses", "6-12M", "12-18-meses", "2T"];
    for (input, expected) in [
        ("do you have bodies in 3-6M?", Some("3-6 meses")),
        ("do you have bodies in 3-6 months?", Some("3-6 meses")),
        ("maat 3-6M", Some("3-6 meses")),
        ("ada body 3-6 bulan?", Some("3-6 meses")),
        ("hebben jullie rompers voor 0-3 maanden", Some("0-3M")),
        ("body 12-18M", Some("12-18-meses")),
        ("有3-6個月的嗎", Some("3-6 meses")),
        ("in 2T", Some("2T")),
        ("in 18-24 months", None),
    ] {
        let reading = store_read(input, &store);
        assert_eq!(reading.size.as_deref(), expected, "{input:?}");
        if expected.is_some() {
            for said in ["3", "6", "months", "bulan", "maanden"] {
                assert!(
                    !reading.search_text.split_whitespace().any(|w| w == said),
                    "{input:?}: {:?}",
                    reading.search_text
                );
            }
        }
    }
}
