use super::*;

#[test]
fn ean13_check_digit() {
    // 400638133393 → check digit 1 (a well-known example).
    assert_eq!(ean13(400_638_133_393), "4006381333931");
}

#[test]
fn slugs_are_sku_safe() {
    assert_eq!(slug("Rose Gold"), "ROSE-GOLD");
    assert_eq!(slug(""), "OS");
}
