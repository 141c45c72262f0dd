//! Zhuyin (bopomofo) typed on the keyboard, read as pinyin so the same
//! dictionary answers it. A syllable is an initial, a medial (ㄧ ㄨ ㄩ) and a
//! final, each optional, ended by a tone mark or by a symbol that cannot
//! follow; tones only end a syllable (the dictionary has none).

/// The pinyin of a zhuyin string, syllables separated by `'`, and for each
/// syllable its end in the zhuyin string (bytes) and in the pinyin one.
pub fn to_pinyin(zhuyin: &str) -> (String, Vec<(usize, usize)>) {
    let mut pinyin = String::new();
    let mut ends = Vec::new();
    let mut syllable = Syllable::default();
    let mut end = 0;
    let mut flush = |syllable: &mut Syllable, end: usize, pinyin: &mut String| {
        if syllable.is_empty() {
            return;
        }
        if !pinyin.is_empty() {
            pinyin.push('\'');
        }
        pinyin.push_str(&syllable.pinyin());
        ends.push((end, pinyin.len()));
        *syllable = Syllable::default();
    };
    for (offset, c) in zhuyin.char_indices() {
        if is_tone(c) {
            end = offset + c.len_utf8();
            flush(&mut syllable, end, &mut pinyin);
            continue;
        }
        let Some(part) = part(c) else {
            continue;
        };
        if !syllable.takes(part) {
            flush(&mut syllable, end, &mut pinyin);
        }
        syllable.add(part);
        end = offset + c.len_utf8();
    }
    flush(&mut syllable, end, &mut pinyin);
    (pinyin, ends)
}

fn is_tone(c: char) -> bool {
    matches!(c, 'ˊ' | 'ˇ' | 'ˋ' | '˙' | ' ')
}

#[derive(Clone, Copy)]
enum Part {
    Initial(&'static str),
    Medial(char),
    Final(&'static str),
}

fn part(c: char) -> Option<Part> {
    let initial = match c {
        'ㄅ' => "b",
        'ㄆ' => "p",
        'ㄇ' => "m",
        'ㄈ' => "f",
        'ㄉ' => "d",
        'ㄊ' => "t",
        'ㄋ' => "n",
        'ㄌ' => "l",
        'ㄍ' => "g",
        'ㄎ' => "k",
        'ㄏ' => "h",
        'ㄐ' => "j",
        'ㄑ' => "q",
        'ㄒ' => "x",
        'ㄓ' => "zh",
        'ㄔ' => "ch",
        'ㄕ' => "sh",
        'ㄖ' => "r",
        'ㄗ' => "z",
        'ㄘ' => "c",
        'ㄙ' => "s",
        _ => "",
    };
    if !initial.is_empty() {
        return Some(Part::Initial(initial));
    }
    match c {
        'ㄧ' => Some(Part::Medial('i')),
        'ㄨ' => Some(Part::Medial('u')),
        'ㄩ' => Some(Part::Medial('v')),
        'ㄚ' => Some(Part::Final("a")),
        'ㄛ' => Some(Part::Final("o")),
        'ㄜ' => Some(Part::Final("e")),
        'ㄝ' => Some(Part::Final("ê")),
        'ㄞ' => Some(Part::Final("ai")),
        'ㄟ' => Some(Part::Final("ei")),
        'ㄠ' => Some(Part::Final("ao")),
        'ㄡ' => Some(Part::Final("ou")),
        'ㄢ' => Some(Part::Final("an")),
        'ㄣ' => Some(Part::Final("en")),
        'ㄤ' => Some(Part::Final("ang")),
        'ㄥ' => Some(Part::Final("eng")),
        'ㄦ' => Some(Part::Final("er")),
        _ => None,
    }
}

#[derive(Default)]
struct Syllable {
    initial: Option<&'static str>,
    medial: Option<char>,
    last: Option<&'static str>,
}

impl Syllable {
    fn is_empty(&self) -> bool {
        self.initial.is_none() && self.medial.is_none() && self.last.is_none()
    }

    /// Whether `part` continues this syllable (an initial only begins one,
    /// a medial comes before the final).
    fn takes(&self, part: Part) -> bool {
        match part {
            Part::Initial(_) => self.is_empty(),
            Part::Medial(_) => self.medial.is_none() && self.last.is_none(),
            Part::Final(_) => self.last.is_none(),
        }
    }

    fn add(&mut self, part: Part) {
        match part {
            Part::Initial(i) => self.initial = Some(i),
            Part::Medial(m) => self.medial = Some(m),
            Part::Final(f) => self.last = Some(f),
        }
    }

    /// The syllable in pinyin; an initial alone stays as it is (an
    /// abbreviation), except those that stand for a syllable of their own
    /// (ㄓ zhi, ㄙ si).
    fn pinyin(&self) -> String {
        let initial = self.initial.unwrap_or("");
        let last = self.last.unwrap_or("");
        let palatal = matches!(initial, "j" | "q" | "x");
        let body = match (self.medial, last) {
            (None, "") => match initial {
                "zh" | "ch" | "sh" | "r" | "z" | "c" | "s" => "i".to_string(),
                _ => String::new(),
            },
            (None, "ê") => "e".to_string(),
            (None, f) => f.to_string(),
            (Some('i'), f) => {
                let rest = match f {
                    "" => "i",
                    "ou" => "iu",
                    "en" => "in",
                    "eng" => "ing",
                    "ê" => "ie",
                    "a" => "ia",
                    "o" => "io",
                    "ai" => "iai",
                    "ao" => "iao",
                    "an" => "ian",
                    "ang" => "iang",
                    other => return format!("{initial}i{other}"),
                };
                if initial.is_empty() {
                    return match rest {
                        "i" | "in" | "ing" => format!("y{rest}"),
                        "iu" => "you".to_string(),
                        _ => format!("y{}", &rest[1..]),
                    };
                }
                rest.to_string()
            }
            (Some('u'), f) => {
                let rest = match f {
                    "" => "u",
                    "ei" => "ui",
                    "en" => "un",
                    "eng" => "ong",
                    "a" => "ua",
                    "o" => "uo",
                    "ai" => "uai",
                    "an" => "uan",
                    "ang" => "uang",
                    other => return format!("{initial}u{other}"),
                };
                if initial.is_empty() {
                    return match rest {
                        "u" => "wu".to_string(),
                        "ong" => "weng".to_string(),
                        "ui" => "wei".to_string(),
                        "un" => "wen".to_string(),
                        _ => format!("w{}", &rest[1..]),
                    };
                }
                rest.to_string()
            }
            (Some(_), f) => {
                // ㄩ: "u" after j, q, x and for y; "v" after n and l.
                let u = if initial.is_empty() || palatal {
                    "u"
                } else {
                    "v"
                };
                let rest = match f {
                    "" => u.to_string(),
                    "ê" | "e" => format!("{u}e"),
                    "an" => format!("{u}an"),
                    "en" => format!("{u}n"),
                    "eng" => "iong".to_string(),
                    other => format!("{u}{other}"),
                };
                if initial.is_empty() {
                    return match rest.as_str() {
                        "iong" => "yong".to_string(),
                        _ => format!("y{rest}"),
                    };
                }
                rest
            }
        };
        format!("{initial}{body}")
    }
}
