use super::*;
use crate::assistant::test_store::outdoor_concepts;

/// As the demo store's vocabulary.csv has them.
fn lexicon() -> Lexicon {
    Lexicon::new(outdoor_concepts())
}

#[test]
fn sentences_split_on_latin_and_chinese_punctuation_as_written() {
    let check = |text: &str, expected: &[&str]| assert_eq!(sentences(text), expected, "{text:?}");
    check(
        "Comfortable boot for day hikes, made with a waterproof nubuck leather upper. A rubber toe bumper protects against rocks.",
        &[
            "Comfortable boot for day hikes, made with a waterproof nubuck leather upper.",
            "A rubber toe bumper protects against rocks.",
        ],
    );
    // Decimals and abbreviations stay inside their sentence.
    check(
        "Weighs 9.5 oz, e.g. light. Fits true to size!",
        &["Weighs 9.5 oz, e.g. light.", "Fits true to size!"],
    );
    check(
        "輕量防水外套。可收納於口袋，適合旅行！",
        &["輕量防水外套。", "可收納於口袋，適合旅行！"],
    );
    // Lines and bullets are sentences; empty pieces are not.
    check(
        "Features:\n• 100% cotton\n• Machine washable\n - \n",
        &["Features:", "100% cotton", "Machine washable"],
    );
    check("", &[]);
}

fn quoted(question: &str, made_of: bool, description: &str) -> Vec<String> {
    let lexicon = lexicon();
    let terms = Terms::new(question, made_of, &lexicon);
    let sentences = sentences(description);
    let shared: Vec<usize> = sentences
        .iter()
        .map(|s| terms.shared(s, &lexicon))
        .collect();
    pick(&shared, None)
        .into_iter()
        .map(|i| sentences[i].to_string())
        .collect()
}

// The demo store's Ridgeline Summit Mid Men's Hiking Boot.
const BOOT: &str = "Comfortable boot for day hikes, made with a waterproof nubuck leather upper and a shock-absorbing midsole. A rubber toe bumper protects against rocks.";
// Its Velora Stride 3 Men's Running Shoe.
const SHOE: &str = "Neutral road running shoe with an engineered mesh upper made from recycled polyester and a soft foam midsole for easy daily miles. Reflective details keep you visible on dark winter evenings.";

#[test]
fn a_question_in_any_language_finds_the_sentence_through_the_vocabulary() {
    let waterproof = vec![
        "Comfortable boot for day hikes, made with a waterproof nubuck leather upper and a shock-absorbing midsole.".to_string(),
    ];
    // The words left of each question once the cues are taken out.
    assert_eq!(quoted("waterproof", false, BOOT), waterproof);
    assert_eq!(quoted("waterdicht", false, BOOT), waterproof);
    assert_eq!(quoted("tahan air", false, BOOT), waterproof);
    assert_eq!(quoted("防水嗎", false, BOOT), waterproof);
    assert_eq!(
        quoted("rocks", false, BOOT),
        vec!["A rubber toe bumper protects against rocks."]
    );
}

#[test]
fn the_material_is_the_sentence_that_names_one() {
    assert_eq!(
        quoted("", true, SHOE),
        vec![
            "Neutral road running shoe with an engineered mesh upper made from recycled polyester and a soft foam midsole for easy daily miles."
        ]
    );
    assert_eq!(quoted("", true, BOOT).len(), 1);
}

#[test]
fn nothing_is_quoted_when_no_sentence_shares_a_term() {
    assert!(quoted("waterproof", false, SHOE).is_empty());
    assert!(quoted("防水", false, SHOE).is_empty());
    assert!(quoted("waterproof", false, "").is_empty());
}

#[test]
fn chinese_descriptions_answer_chinese_questions_by_their_characters() {
    let coat = "輕量外套，採用透氣面料。表面經防潑水處理，小雨也不怕。可收納於口袋。";
    assert_eq!(
        quoted("透氣嗎", false, coat),
        vec!["輕量外套，採用透氣面料。"]
    );
    assert_eq!(quoted("口袋", false, coat), vec!["可收納於口袋。"]);
    assert_eq!(quoted("", true, coat), vec!["輕量外套，採用透氣面料。"]);
    assert!(quoted("保暖", false, coat).is_empty());
}

#[test]
fn the_title_s_own_words_are_not_looked_for() {
    let lexicon = lexicon();
    let terms = Terms::new("boot waterproof", false, &lexicon)
        .without("Ridgeline Summit Mid Men's Hiking Boot", &lexicon);
    assert_eq!(terms.shared("A boot.", &lexicon), 0);
    assert_eq!(terms.shared("It is waterproof.", &lexicon), 1);
}

#[test]
fn by_meaning_a_sentence_must_stand_apart_from_the_others() {
    let m = |sentences: &'static [f32], title: f32| Some(Meaning { sentences, title });
    // Shared words decide; meaning keeps the closest of a tie.
    assert_eq!(pick(&[1, 0, 1], m(&[0.80, 0.90, 0.85], 0.95)), vec![2]);
    // No shared word: the model's best only when it leads the others and
    // the title clearly.
    assert_eq!(pick(&[0, 0, 0], m(&[0.80, 0.88, 0.81], 0.80)), vec![1]);
    assert!(pick(&[0, 0, 0], m(&[0.80, 0.88, 0.81], 0.88)).is_empty());
    assert!(pick(&[0, 0, 0], m(&[0.84, 0.85, 0.83], 0.80)).is_empty());
    // The first sentence says what the product is: it must lead the title
    // by more.
    assert!(pick(&[0, 0], m(&[0.804, 0.750], 0.77)).is_empty());
    assert_eq!(pick(&[0, 0], m(&[0.804, 0.750], 0.76)), vec![0]);
    // Two sentences as close to the question as each other, apart from
    // the rest: both.
    assert_eq!(
        pick(&[0, 0, 0, 0], m(&[0.80, 0.88, 0.875, 0.81], 0.80)),
        vec![1, 2]
    );
    // One sentence has nothing to be compared with.
    assert!(pick(&[0], m(&[0.95], 0.5)).is_empty());
    assert!(pick(&[0, 0], None).is_empty());
}
