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

// Issue 13: a Brazilian export names its size option "Tamanho das 3
// Camisas (Amarela,Azul & Preta)": a name that holds a size or colour word
// among other words is that option; a name with both, or neither, is not.
#[test]
fn a_name_that_holds_a_size_or_colour_word() {
    let word = |raw: &str| super::super::fields::option_word(raw);
    assert_eq!(
        word("Tamanho das 3 Camisas (Amarela,Azul & Preta)"),
        Some((SIZE, "tamanho".to_string()))
    );
    assert_eq!(
        word("ESCOLHA O TAMANHO:"),
        Some((SIZE, "tamanho".to_string()))
    );
    assert_eq!(word("Ring size"), Some((SIZE, "size".to_string())));
    assert_eq!(word("Maat van de ring"), Some((SIZE, "maat".to_string())));
    assert_eq!(word("Pilih Ukuran"), Some((SIZE, "ukuran".to_string())));
    assert_eq!(word("尺寸選擇"), Some((SIZE, "尺寸".to_string())));
    assert_eq!(word("Frame colour"), Some((COLOR, "colour".to_string())));
    assert_eq!(
        word("Kleur van het frame"),
        Some((COLOR, "kleur".to_string()))
    );
    assert_eq!(word("款式顏色"), Some((COLOR, "顏色".to_string())));
    assert_eq!(word("Size / Color"), None);
    assert_eq!(word("Style"), None);
    assert_eq!(word("Voltagem"), None);
    // One character is too little to tell inside a longer name.
    assert_eq!(word("特色"), None);
}

// Issue 13: sizes of things other than clothes are written as measures.
#[test]
fn values_that_look_like_measures() {
    for v in [
        "30x40CM",
        "50x90cm",
        "Small | 345mm x 395mm",
        "120 cm",
        "6 ft",
        "20 x 30",
    ] {
        assert!(looks_like_measure(v), "measure {v:?}");
    }
    for v in ["12000mAh", "Black", "30", "Pot Only", "2 pack", "500 g", ""] {
        assert!(!looks_like_measure(v), "not a measure {v:?}");
    }
}

// Issue 13: Brazilian lettered sizes (P, M, G, GG, XGG) are sizes.
#[test]
fn brazilian_lettered_sizes() {
    for v in [
        "P",
        "G",
        "GG",
        "XGG",
        "EGG",
        "p-pequeno",
        "m-medio",
        "g-grande",
    ] {
        check_size(v, true);
    }
}

/// A variant's SKU, size and colour columns.
type SizeAndColour = (String, Option<String>, Option<String>);

/// Imports a small Shopify export and gives the option notes of its report
/// and each SKU's size and colour columns.
fn import_notes(csv: &str) -> (Vec<String>, Vec<SizeAndColour>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("products_export_1.csv");
    std::fs::write(&source, csv).expect("write export");
    let data = crate::DataDir::new(dir.path().join("data"));
    let summary = crate::import::import(
        &data,
        &crate::ImportOptions::new(&source),
        &mut crate::import::NoProgress,
    )
    .expect("import");
    let notes = summary
        .issues
        .iter()
        .filter(|i| i.rule == Rule::OptionName)
        .map(|i| i.message.clone())
        .collect();
    let db = rusqlite::Connection::open(summary.snapshot_path.join("snapshot.sqlite"))
        .expect("open snapshot");
    let variants = db
        .prepare("SELECT sku, size, color FROM variants ORDER BY sku")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .expect("variants");
    (notes, variants)
}

// Issue 13: the name-word rule reads the size and colour, records itself
// in the report, and leaves alone a name whose values disagree and the
// names already known.
#[test]
fn a_name_word_option_is_read_when_its_values_agree() {
    let csv = "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
kit,Kit 3 Camisas,Tamanho das 3 Camisas (Amarela,Azul & Preta),p-pequeno,,,kit-p,99.00,3,active\n\
kit,,,m-medio,,,kit-m,99.00,2,\n\
kit,,,gg-extra-grande,,,kit-gg,99.00,0,\n\
frame,Frame,Frame colour,Black,Size,M,frame-blk,20.00,1,active\n\
frame,,,Dark Brown,,L,frame-oak,20.00,1,\n\
bank,Power bank,Color Name,12000mAh,,,bank-12,30.00,4,active\n\
tee,Tee,Talla,S,,,tee-s,10.00,1,active\n";
    let csv = csv.replace(
        "Tamanho das 3 Camisas (Amarela,Azul & Preta)",
        "\"Tamanho das 3 Camisas (Amarela,Azul & Preta)\"",
    );
    let (notes, variants) = import_notes(&csv);
    let has = |text: &str| notes.iter().any(|n| n == text);
    assert!(
        has(
            "option \"Tamanho das 3 Camisas (Amarela,Azul & Preta)\" is read as the size: its name holds the size word \"tamanho\" and values agree: 2 of 3 look like sizes"
        ),
        "{notes:#?}"
    );
    assert!(
        has(
            "option \"Frame colour\" is read as the colour: its name holds the colour word \"colour\" and values agree: 2 of 2 look like colours"
        ),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("option \"Color Name\" is kept as it is")),
        "{notes:#?}"
    );
    assert!(
        has("option \"Talla\" is read as the size: named"),
        "{notes:#?}"
    );
    let of = |sku: &str| {
        variants
            .iter()
            .find(|(s, _, _)| s == sku)
            .map(|(_, size, colour)| (size.clone(), colour.clone()))
            .expect("variant")
    };
    assert_eq!(of("kit-p"), (Some("p-pequeno".to_string()), None));
    assert_eq!(of("kit-gg").0.as_deref(), Some("gg-extra-grande"));
    assert_eq!(
        of("frame-oak"),
        (Some("L".to_string()), Some("Dark Brown".to_string()))
    );
    assert_eq!(of("bank-12"), (None, None));
    assert_eq!(of("tee-s").0.as_deref(), Some("S"));
}
