use super::*;

#[test]
fn english_sizes_and_prices_become_digits() {
    let en = |t: &str| to_digits(t, Lang::En);
    assert_eq!(
        en("Do you have the Velora Stride 3 in size nine?"),
        "Do you have the Velora Stride 3 in size 9?"
    );
    assert_eq!(en("size seven point five"), "size 7.5");
    assert_eq!(en("size eight and a half"), "size 8.5");
    assert_eq!(en("Jeans in size thirty-two"), "Jeans in size 32");
    assert_eq!(en("shoes under forty two euros"), "shoes under 42 euros");
    assert_eq!(en("between ten and twenty"), "between 10 and 20");
    assert_eq!(
        en("a tent for one hundred and fifty dollars"),
        "a tent for 150 dollars"
    );
}

#[test]
fn english_number_words_without_a_size_or_price_stay() {
    let en = |t: &str| to_digits(t, Lang::En);
    for text in [
        "Do you have the one in black?",
        "I need two of them",
        "Is the one size hat in stock?",
        "Do you have it in size one size?",
        "Where is Stride three?",
        "",
    ] {
        assert_eq!(en(text), text);
    }
}

#[test]
fn dutch_sizes_and_prices_become_digits() {
    let nl = |t: &str| to_digits(t, Lang::Nl);
    assert_eq!(
        nl("Hebben jullie de Stride 3 in maat negen?"),
        "Hebben jullie de Stride 3 in maat 9?"
    );
    assert_eq!(nl("maat negenenhalf"), "maat 9,5");
    assert_eq!(nl("maat acht komma vijf"), "maat 8,5");
    assert_eq!(
        nl("jassen onder tweeënveertig euro"),
        "jassen onder 42 euro"
    );
    assert_eq!(nl("tussen tien en twintig euro"), "tussen 10 en 20 euro");
    assert_eq!(
        nl("Ik zoek een jas in het zwart"),
        "Ik zoek een jas in het zwart"
    );
}

#[test]
fn indonesian_sizes_and_prices_become_digits() {
    let id = |t: &str| to_digits(t, Lang::Id);
    assert_eq!(
        id("Apakah ada Stride 3 ukuran sembilan?"),
        "Apakah ada Stride 3 ukuran 9?"
    );
    assert_eq!(id("ukuran empat puluh dua"), "ukuran 42");
    assert_eq!(id("ukuran dua belas"), "ukuran 12");
    assert_eq!(id("ukuran sembilan setengah"), "ukuran 9,5");
    assert_eq!(
        id("sepatu di bawah lima puluh euro"),
        "sepatu di bawah 50 euro"
    );
    assert_eq!(id("Saya mau satu tas"), "Saya mau satu tas");
}

#[test]
fn chinese_numbers_before_a_size_or_price_unit_become_digits() {
    let zh = |t: &str| to_digits(t, Lang::Zh);
    assert_eq!(zh("有九号吗？"), "有9号吗？");
    assert_eq!(zh("有四十二码的吗"), "有42码的吗");
    assert_eq!(zh("七点五号"), "7.5号");
    assert_eq!(zh("九号半"), "9.5号");
    assert_eq!(zh("一百五十块以下的帐篷"), "150块以下的帐篷");
    // Not a size or a price: a word with a numeral stays.
    assert_eq!(zh("一起看看"), "一起看看");
    assert_eq!(zh("十分好"), "十分好");
}
