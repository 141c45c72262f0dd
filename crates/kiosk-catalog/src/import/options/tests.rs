use super::*;

fn check_size(value: &str, expected: bool) {
    assert_eq!(looks_like_size(value), expected, "size {value:?}");
}

fn check_colour(value: &str, expected: bool) {
    let words = ColourWords::new(&crate::vocabulary::default_concepts());
    assert_eq!(words.contains(value), expected, "colour {value:?}");
}

fn check_name(raw: &str, expected: &str) {
    assert_eq!(
        super::super::fields::option_name(raw),
        expected,
        "name {raw:?}"
    );
}

// Issue 13: option names in every export language are read as size and colour.
#[test]
fn size_and_colour_names_in_export_languages() {
    for raw in [
        "Size",
        "size ",
        "Sizes",
        "Shoe size",
        "Maat",
        "Maten",
        "Schoenmaat",
        "Ukuran",
        "尺寸",
        "尺碼",
        "尺码",
        "Talla",
        "Tallas",
        "Größe",
        "Groesse",
        "GROSSE",
        "Taille",
        "Pointure",
        "Tamanho",
        "Tamaño",
        "Taglia",
        "Taglie",
        "Numero",
        "Número",
        "Storlek",
        "Størrelse",
        "Koko",
        "Rozmiar",
        "Beden",
        "Размер",
        "サイズ",
        "사이즈",
    ] {
        check_name(raw, "Size");
    }
    for raw in [
        "Color",
        "Colour",
        "Colors",
        "Kleur",
        "Kleuren",
        "Warna",
        "顏色",
        "颜色",
        "Farbe",
        "Farben",
        "Couleur",
        "Coloris",
        "Cor",
        "Cores",
        "Colore",
        "Colori",
        "Colores",
        " COLOUR ",
        "Färg",
        "Farve",
        "Farge",
        "Väri",
        "Kolor",
        "Barva",
        "Renk",
        "Цвет",
        "カラー",
        "색상",
    ] {
        check_name(raw, "Color");
    }
    check_name("Finish", "Finish");
    check_name("variante", "Variante");
}

// Issue 13: values decide an option whose name is unknown.
#[test]
fn values_that_look_like_sizes() {
    for v in [
        "XS",
        "s",
        "M",
        "XXL",
        "3XL",
        "4xl",
        "42",
        "9.5",
        "9,5",
        "EU 42",
        "US 9",
        "uk8",
        "One size",
        "Onesize",
        "Taglia unica",
        "Talla única",
        "S/M",
        "38-40",
        "32/34",
        "Large",
        "x-large",
    ] {
        check_size(v, true);
    }
    for v in [
        "Matte", "Gloss", "Black", "18", "100", "9.3", "Cotton", "", "Yes",
    ] {
        check_size(v, false);
    }
}

// Issue 13: a baby shop's option "Meses" (0-3M, 3-6M, 6-12M, 12-18M) was
// kept as neither size nor colour: ages in months, newborn and toddler sizes
// are sizes.
#[test]
fn babies_and_childrens_ages_are_sizes() {
    for v in [
        "0-3M",
        "3-6M",
        "6-12M",
        "12-18M",
        "18-24M",
        "0-3",
        "3-6 meses",
        "12-18-meses",
        "6 months",
        "0-3 mnd",
        "3-6 bulan",
        "NB",
        "Newborn",
        "Recién nacido",
        "2T",
        "4T",
        "7Y",
        "10 años",
    ] {
        check_size(v, true);
    }
    for v in ["5oz", "Opcion 2", "Niña", "0", "3-0", "100M", "12T"] {
        check_size(v, false);
    }
}

// Issue 13: colour words of every export language count as colours.
#[test]
fn values_that_look_like_colours() {
    for v in [
        "Black",
        "Zwart",
        "Hitam",
        "黑色",
        "黑色 ",
        "Negro",
        "Schwarz",
        "Noir",
        "Preto",
        "Nero",
        "Weiß",
        "Rose Gold",
        "Light Blue",
        "Azul claro",
        "Black/White",
        "bianco e nero",
        "深藍色",
        "Navy",
        "grün",
    ] {
        check_colour(v, true);
    }
    for v in ["Matte", "Gloss", "M", "Cotton", "Classic", "Yes", "Light"] {
        check_colour(v, false);
    }
}

// Issue 13: a variant that has a size by name keeps it; the learned option
// stays beside it under its own name.
#[test]
fn a_named_size_wins_over_a_learned_one() {
    let moves: BTreeMap<String, &'static str> =
        [("Variante".to_string(), SIZE), ("Tono".to_string(), COLOR)].into();
    let mut options: BTreeMap<String, String> = [
        ("Size".to_string(), "M".to_string()),
        ("Variante".to_string(), "XL".to_string()),
        ("Tono".to_string(), "Rojo".to_string()),
    ]
    .into();
    assert!(rename(&mut options, &moves));
    assert_eq!(options.get("Size").map(String::as_str), Some("M"));
    assert_eq!(options.get("Variante").map(String::as_str), Some("XL"));
    assert_eq!(options.get("Color").map(String::as_str), Some("Rojo"));
    assert!(!options.contains_key("Tono"));
    let mut sized: BTreeMap<String, String> = [("Variante".to_string(), "9,5".to_string())].into();
    assert!(rename(&mut sized, &moves));
    assert_eq!(sized.get("Size").map(String::as_str), Some("9.5"));
}
