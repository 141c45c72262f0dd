//! Option names in any export language: which option is the size and which
//! the colour, by name or learned from the values, and the note each decision
//! leaves in the import report.

use std::path::Path;

use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, ImportSummary, Rule, Snapshot};
use kiosk_core::SearchRequest;

const SHOPIFY: &str = "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
camiseta,Camiseta básica,Talla,S,Color,Negro,cam-s-neg,19.95,3,active\n\
camiseta,,,M,,Negro,cam-m-neg,19.95,2,\n\
camiseta,,,\"9,5\",,Blanco,cam-95-bla,19.95,0,\n\
hoodie,Hoodie,Variante,S,,,hood-s,39.00,1,active\n\
hoodie,,,M,,,hood-m,39.00,1,\n\
hoodie,,,L,,,hood-l,39.00,1,\n\
hoodie,,,XL,,,hood-xl,39.00,1,\n\
poster,Poster,Finish,Matte,,,poster-matte,9.00,5,active\n\
poster,,,Gloss,,,poster-gloss,9.00,5,\n\
sneaker,Sneaker,Tono,Schwarz,,,snk-schwarz,79.00,4,active\n\
sneaker,,,Weiß,,,snk-weiss,79.00,4,\n";

const WOOCOMMERCE: &str = "ID,Type,SKU,Name,Published,In stock?,Stock,Regular price,Parent,Attribute 1 name,Attribute 1 value(s),Attribute 2 name,Attribute 2 value(s)\n\
10,variable,jacke,Regenjacke,1,1,,,,Größe,\"S, M\",Farbe,\"Schwarz, Rot\"\n\
11,variation,jacke-s-schwarz,Regenjacke S,1,1,3,89.00,id:10,Größe,S,Farbe,Schwarz\n\
12,variation,jacke-m-rot,Regenjacke M,1,1,2,89.00,id:10,Größe,M,Farbe,Rot\n";

fn import(dir: &Path, file: &str, csv: &str) -> (ImportSummary, Snapshot) {
    let source = dir.join(file);
    std::fs::write(&source, csv).expect("write export");
    let data = DataDir::new(dir.join("data"));
    let summary =
        import::import(&data, &ImportOptions::new(&source), &mut NoProgress).expect("import");
    let snapshot = Snapshot::open(&data).expect("open");
    (summary, snapshot)
}

/// The size and colour columns of a variant, as the index and filters see
/// them.
fn size_and_colour(summary: &ImportSummary, sku: &str) -> (Option<String>, Option<String>) {
    let db =
        rusqlite::Connection::open(summary.snapshot_path.join("snapshot.sqlite")).expect("open db");
    db.query_row(
        "SELECT size, color FROM variants WHERE sku = ?1",
        [sku],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("variant")
}

fn notes(summary: &ImportSummary) -> Vec<&str> {
    summary
        .issues
        .iter()
        .filter(|i| i.rule == Rule::OptionName)
        .map(|i| i.message.as_str())
        .collect()
}

fn pair(size: &str, colour: &str) -> (Option<String>, Option<String>) {
    (
        (!size.is_empty()).then(|| size.to_string()),
        (!colour.is_empty()).then(|| colour.to_string()),
    )
}

// Issue 13: "Talla" and "Color" in a Spanish Shopify export are the size and
// the colour; unknown names are decided from their values.
#[test]
fn shopify_options_by_name_and_by_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "products_export.csv", SHOPIFY);
    assert_eq!(size_and_colour(&s, "cam-s-neg"), pair("S", "Negro"));
    assert_eq!(size_and_colour(&s, "cam-95-bla"), pair("9.5", "Blanco"));
    assert_eq!(size_and_colour(&s, "hood-xl"), pair("XL", ""));
    assert_eq!(size_and_colour(&s, "poster-matte"), pair("", ""));
    assert_eq!(size_and_colour(&s, "snk-weiss"), pair("", "Weiß"));
    let camiseta = snap.product("camiseta").expect("lookup").expect("found");
    assert_eq!(camiseta.option_values("Size"), ["S", "M", "9.5"]);
    let hoodie = snap.product("hoodie").expect("lookup").expect("found");
    assert_eq!(hoodie.option_values("Size"), ["S", "M", "L", "XL"]);
    assert!(!hoodie.variants[0].options.contains_key("Variante"));
    // The learned sizes are filters like any other.
    let mut in_xl = SearchRequest::new("hoodie");
    in_xl.filters.size = Some("XL".into());
    let hits = snap.search(&in_xl).expect("search");
    assert_eq!(
        hits.first().map(|h| h.record.product.id.as_str()),
        Some("hoodie")
    );
    let mut in_xxs = SearchRequest::new("hoodie");
    in_xxs.filters.size = Some("XXS".into());
    assert!(snap.search(&in_xxs).expect("search").is_empty());
    let poster = snap.product("poster").expect("lookup").expect("found");
    assert_eq!(poster.option_values("Finish"), ["Matte", "Gloss"]);

    let notes = notes(&s);
    assert!(
        notes.contains(&"option \"Talla\" is read as the size: named"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"option \"Color\" is read as the colour: named"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"option \"Variante\" is read as the size: values look like sizes: 4 of 4"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"option \"Tono\" is read as the colour: values look like colours: 2 of 2"),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("option \"Finish\" is kept as it is")),
        "{notes:?}"
    );
    // The notes stay in the snapshot for `kiosk snapshot issues`.
    let kept = snap.import_issues(1000).expect("issues");
    assert_eq!(
        kept.iter().filter(|i| i.rule == Rule::OptionName).count(),
        notes.len()
    );
}

// Issue 13: a German WooCommerce export's "Größe" and "Farbe" are the size and
// the colour.
#[test]
fn woocommerce_german_attribute_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "wc-product-export.csv", WOOCOMMERCE);
    assert_eq!(size_and_colour(&s, "jacke-s-schwarz"), pair("S", "Schwarz"));
    assert_eq!(size_and_colour(&s, "jacke-m-rot"), pair("M", "Rot"));
    let jacke = snap.product("jacke").expect("lookup").expect("found");
    assert_eq!(jacke.option_values("Size"), ["S", "M"]);
    // "black" and "rot" find the store's "Schwarz" and "Rot".
    for colour in ["black", "zwart", "Schwarz", "red", "rot"] {
        let mut request = SearchRequest::new("");
        request.filters.color = Some(colour.into());
        let hits = snap.search(&request).expect("search");
        assert_eq!(hits.len(), 1, "{colour}");
    }
    let notes = notes(&s);
    assert!(
        notes.contains(&"option \"Größe\" is read as the size: named"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"option \"Farbe\" is read as the colour: named"),
        "{notes:?}"
    );
}

// Issue 13: every size and colour option name of the issue, in a real
// Shopify import: Simplified and Traditional Chinese alike, each decision
// on its line of the import report.
#[test]
fn option_names_in_every_export_language() {
    const PAIRS: &[(&str, &str)] = &[
        ("Size", "Color"),
        ("Size", "Colour"),
        ("Maat", "Kleur"),
        ("Ukuran", "Warna"),
        ("尺寸", "颜色"),
        ("尺碼", "顏色"),
        ("尺码", "颜色"),
        ("Talla", "Color"),
        ("Größe", "Farbe"),
        ("Taille", "Couleur"),
        ("Tamanho", "Cor"),
        ("Taglia", "Colore"),
    ];
    let mut csv = String::from(
        "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n",
    );
    for (i, (size, colour)) in PAIRS.iter().enumerate() {
        csv.push_str(&format!(
            "p{i},Product {i},{size},M,{colour},Black,p{i}-m,10.00,1,active\n\
             p{i},,,42,,Red,p{i}-42,10.00,1,\n"
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, _snap) = import(dir.path(), "products_export.csv", &csv);
    let notes = notes(&s);
    for (i, (size, colour)) in PAIRS.iter().enumerate() {
        assert_eq!(
            size_and_colour(&s, &format!("p{i}-m")),
            pair("M", "Black"),
            "{size}/{colour}"
        );
        assert_eq!(
            size_and_colour(&s, &format!("p{i}-42")),
            pair("42", "Red"),
            "{size}/{colour}"
        );
        for (name, what) in [(size, "size"), (colour, "colour")] {
            let line = format!("option \"{name}\" is read as the {what}: named");
            assert!(notes.contains(&line.as_str()), "{line:?} in {notes:?}");
        }
    }
    // The report names the line each spelling was first seen on.
    let report: Vec<String> = s.issues.iter().map(ToString::to_string).collect();
    assert!(
        report
            .iter()
            .any(|l| l.contains(":12:3:") && l.contains("option \"尺碼\" is read as the size")),
        "{report:#?}"
    );
}

// Issue 13: a store that writes its sizes "Small", "Medium", "Large" keeps
// them, and the vocabulary's S, M and L take its spelling, so "large" and
// "L" find the store's "Large"; the report says so.
#[test]
fn vocabulary_sizes_take_the_store_spelling() {
    const CSV: &str = "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
trail-hoodie,Trail Hoodie,Size,Small,Colour,Blue,th-s,45.00,3,active\n\
trail-hoodie,,,Medium,,Blue,th-m,45.00,0,\n\
trail-hoodie,,,Large,,Grey,th-l,45.00,2,\n\
city-hoodie,City Hoodie,Size,Small,Colour,Black,ch-s,39.00,3,active\n\
city-hoodie,,,XL,,Black,ch-xl,39.00,1,\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "products_export.csv", CSV);
    assert_eq!(size_and_colour(&s, "th-l"), pair("Large", "Grey"));
    let lexicon = snap.lexicon();
    let size_of = |word: &str| {
        lexicon
            .lookup(word)
            .map(|c| lexicon.concept(c).id.clone())
            .unwrap_or_default()
    };
    assert_eq!(size_of("large"), "Large");
    assert_eq!(size_of("groot"), "Large");
    assert_eq!(size_of("small"), "Small");
    assert_eq!(size_of("extra large"), "XL", "the store writes XL itself");
    let mut large = SearchRequest::new("hoodie");
    large.filters.size = Some("Large".into());
    let hits = snap.search(&large).expect("search");
    assert_eq!(
        hits.iter()
            .map(|h| h.record.product.id.as_str())
            .collect::<Vec<_>>(),
        ["trail-hoodie"]
    );
    // Said as a word in the search text, too.
    let hits = snap
        .search(&SearchRequest::new("large hoodie"))
        .expect("search");
    assert_eq!(
        hits.first().map(|h| h.record.product.id.as_str()),
        Some("trail-hoodie")
    );
    let notes = notes(&s);
    for line in [
        "size \"Large\" is the store's spelling of size \"L\": same letter size",
        "size \"Small\" is the store's spelling of size \"S\": same letter size",
        "size \"Medium\" is the store's spelling of size \"M\": same letter size",
    ] {
        assert!(notes.contains(&line), "{line:?} in {notes:?}");
    }
    assert!(
        !notes.iter().any(|n| n.contains("spelling of size \"XL\"")),
        "{notes:?}"
    );
}

// Issue 13: a store that writes its colours in Spanish ("Azul", "Negro") is
// filtered by the vocabulary's colours: the store's word
// becomes the colour's name, and the report says so.
#[test]
fn vocabulary_colours_take_the_store_words() {
    const CSV: &str = "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
sudadera,Sudadera,Talla,S,Color,Azul,sud-s,35.00,3,active\n\
sudadera,,,M,,Negro,sud-m,35.00,2,\n\
mallas,Mallas,Talla,M,Color,Rojo,mal-m,29.00,1,active\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "products_export.csv", CSV);
    let with_colour = |colour: &str| {
        let mut request = SearchRequest::new("");
        request.filters.color = Some(colour.into());
        let mut ids: Vec<String> = snap
            .search(&request)
            .expect("search")
            .into_iter()
            .map(|h| h.record.product.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(with_colour("blue"), ["sudadera"]);
    assert_eq!(with_colour("blauw"), ["sudadera"]);
    assert_eq!(with_colour("black"), ["sudadera"]);
    assert_eq!(with_colour("Negro"), ["sudadera"]);
    assert_eq!(with_colour("red"), ["mallas"]);
    assert!(with_colour("green").is_empty());
    let notes = notes(&s);
    for line in [
        "colour \"Azul\" is read as \"blue\": a colour word of the export",
        "colour \"Negro\" is read as \"black\": a colour word of the export",
    ] {
        assert!(notes.contains(&line), "{line:?} in {notes:?}");
    }
}

// Issue 13: sizes written as words of another language ("Klein", "Groot")
// are the vocabulary's S and L too.
#[test]
fn vocabulary_sizes_take_the_store_words() {
    const CSV: &str = "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
regenjas,Regenjas,Maat,Klein,rj-k,59.00,2,active\n\
regenjas,,,Groot,rj-g,59.00,1,\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "products_export.csv", CSV);
    let lexicon = snap.lexicon();
    let size_of = |word: &str| lexicon.lookup(word).map(|c| lexicon.concept(c).id.clone());
    assert_eq!(size_of("large").as_deref(), Some("Groot"));
    assert_eq!(size_of("small").as_deref(), Some("Klein"));
    for (size, n) in [("large", 1), ("Groot", 1), ("small", 1), ("XL", 0)] {
        let mut request = SearchRequest::new("");
        request.filters.size = Some(size.into());
        assert_eq!(snap.search(&request).expect("search").len(), n, "{size}");
    }
    let notes = notes(&s);
    assert!(
        notes.contains(
            &"size \"Groot\" is the store's spelling of size \"L\": same vocabulary word"
        ),
        "{notes:?}"
    );
}

// Issue 13: a baby shop's option "Meses" (0-3M, 3-6M, 6-12M) was kept as
// neither size nor colour, and "clothing" found only its burp cloths: the
// steps of the Shopify taxonomy path above a product's own category
// ("Clothing > Baby & Toddler Clothing") were dropped.
#[test]
fn baby_sizes_in_months_and_the_taxonomy_path() {
    const BABY: &str = "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status\n\
body,Paquete de 5 Bodies,Apparel & Accessories > Clothing > Baby & Toddler Clothing > Bodysuits,Meses,0-3M,body-03,746.00,3,active\n\
body,,,,3-6M,body-36,746.00,2,\n\
body,,,,6-12M,body-612,746.00,0,\n\
conjunto,Conjunto Pointelle,Apparel & Accessories > Clothing > Baby & Toddler Clothing > Baby & Toddler Outfits,Meses,0-3,conj-03,494.00,1,active\n\
conjunto,,,,12-18M,conj-1218,494.00,1,\n\
panos,Paños para eructos,Baby & Toddler > Nursing & Feeding > Burp Cloths,,,panos,956.00,4,active\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, snap) = import(dir.path(), "products_export_1.csv", BABY);
    assert_eq!(size_and_colour(&s, "body-36").0.as_deref(), Some("3-6M"));
    assert_eq!(size_and_colour(&s, "conj-03").0.as_deref(), Some("0-3"));
    let notes = notes(&s);
    assert!(
        notes.contains(&"option \"Meses\" is read as the size: values look like sizes: 5 of 5"),
        "{notes:?}"
    );
    let body = snap.product("body").expect("lookup").expect("found");
    assert_eq!(body.product.category.as_deref(), Some("Bodysuits"));
    let found: Vec<String> = snap
        .search(&SearchRequest::new("baby clothing"))
        .expect("search")
        .into_iter()
        .filter(|h| h.full_match)
        .map(|h| h.record.product.id)
        .collect();
    for id in ["body", "conjunto"] {
        assert!(found.iter().any(|f| f == id), "{id} in {found:?}");
    }
}
