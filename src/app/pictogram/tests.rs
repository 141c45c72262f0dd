use super::*;

fn check(category: Option<&str>, title: &str, expected: &str) {
    let p = Pictograms::get();
    assert_eq!(
        p.icons()[p.pick(category, title)],
        expected,
        "{category:?} / {title:?}"
    );
}

#[test]
fn categories_in_four_languages_get_their_pictogram() {
    check(Some("Running Shoes"), "Velora Stride 3", "sport-shoe");
    check(Some("Hardloopschoenen"), "", "sport-shoe");
    check(Some("Sepatu Lari"), "", "sport-shoe");
    check(Some("跑鞋"), "", "sport-shoe");
    check(Some("跑鞋"), "", "sport-shoe");
    check(Some("Sports Socks"), "", "footprints");
    check(Some("Kaos Kaki"), "", "footprints");
    check(Some("Kaos"), "", "shirt");
    check(Some("T-Shirts"), "", "shirt");
    check(Some("Hoodies"), "", "shirt");
    check(Some("Down Jackets"), "", "jacket");
    check(Some("Necklaces"), "", "gem");
    check(Some("Earrings"), "", "gem");
    check(Some("Football Boots"), "", "sport-shoe");
    check(Some("Footballs"), "", "volleyball");
    check(Some("Gym Bags"), "", "handbag");
    check(Some("Yoga Mats"), "", "dumbbell");
    check(Some("Swimwear"), "", "person-swimming");
    check(Some("泳衣"), "", "person-swimming");
    check(Some("Water Bottles"), "", "glass-water");
    check(Some("Fitness Accessories"), "", "dumbbell");
}

#[test]
fn other_stores_and_the_neutral_default() {
    check(Some("Garden & Patio"), "", "sprout");
    check(Some("Kookgerei"), "", "cooking-pot");
    check(Some("Diversen"), "Koekenpan 28 cm", "cooking-pot");
    check(Some("Pet supplies"), "", "dog");
    check(Some("Laptops"), "", "laptop");
    check(Some("廚房用品"), "", "utensils");
    // No category: the title decides.
    check(None, "Merino Wool Beanie", "cap");
    // Nothing known: the neutral bag, never a letter.
    check(Some("Miscellaneous"), "Thing 42", "shopping-bag");
    check(None, "", "shopping-bag");
    // Short words do not match inside longer ones.
    check(Some("Laptop stands"), "", "laptop");
    check(Some("Chat"), "", "shopping-bag");
}

#[test]
fn every_icon_exists_and_the_ui_lists_them_in_order() {
    let p = Pictograms::get();
    let assets = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/icons");
    for icon in p.icons() {
        assert!(
            std::path::Path::new(assets)
                .join(format!("{icon}.svg"))
                .exists(),
            "{icon}.svg is missing from assets/icons"
        );
    }
    let slint = include_str!("../../../ui/widgets/pictogram.slint");
    let listed: Vec<&str> = slint
        .split("@image-url(\"../../assets/icons/")
        .skip(1)
        .map(|s| s.split(".svg").next().unwrap_or(""))
        .collect();
    assert_eq!(
        listed,
        p.icons(),
        "ui/widgets/pictogram.slint lists the icons of pictograms.toml in order"
    );
}
