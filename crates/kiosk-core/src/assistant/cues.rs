//! Cue phrases: the words that tell what a shopper wants, in the four
//! languages. Matching is on folded words (Latin scripts, contiguous) or on
//! substrings (Chinese), so "Hebben jullie" and "hebben JULLIE" are one cue.

use std::sync::OnceLock;

use crate::text::{Token, fold, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    Human,
    Greeting,
    Thanks,
    Goodbye,
    OrderStatus,
    Returns,
    Exchange,
    Hours,
    Payment,
    Loyalty,
    Price,
    Location,
    Availability,
    Recommend,
    Compare,
    Waitlist,
    Pickup,
    Cheaper,
    Discount,
    Complaint,
    Damaged,
    Safety,
    Injection,
    Affirm,
    Deny,
    RefersBack,
    Help,
}

/// (cue, phrases). Chinese phrases are written in Traditional script;
/// Simplified input is folded to it before matching.
const TABLE: &[(Cue, &[&str])] = &[
    (Cue::Human, &[
        "talk to someone", "talk to a person", "talk to a human", "speak to someone", "speak to a person",
        "speak to a human", "a human", "real person", "staff member", "staff", "employee", "sales assistant",
        "shop assistant", "call someone", "someone to help", "customer service", "call staff",
        "medewerker", "verkoper", "verkoopster", "personeel", "iemand spreken", "met iemand praten", "echt persoon",
        "roep iemand", "iemand roepen", "klantenservice", "een mens",
        "petugas", "karyawan", "pegawai", "staf", "pelayan", "pramuniaga", "bicara dengan orang", "orang asli",
        "panggil orang", "panggilkan",
        "店員", "服務人員", "真人", "人工", "工作人員", "找人", "叫人", "客服", "專人",
    ]),
    (Cue::Greeting, &[
        "hi", "hello", "hey", "good morning", "good afternoon", "good evening",
        "hallo", "hoi", "goedemorgen", "goedemiddag", "goedenavond",
        "halo", "hai", "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "permisi",
        "你好", "您好", "哈囉", "嗨", "早安", "午安",
    ]),
    (Cue::Thanks, &[
        "thanks", "thank you", "thx", "cheers",
        "bedankt", "dank je", "dankjewel", "dank u", "dankuwel", "merci",
        "terima kasih", "makasih", "trims",
        "謝謝", "感謝", "多謝", "謝啦",
    ]),
    (Cue::Goodbye, &[
        "bye", "goodbye", "see you", "have a nice day",
        "doei", "tot ziens", "fijne dag", "doeg",
        "dadah", "sampai jumpa", "selamat tinggal",
        "再見", "拜拜", "掰掰", "晚安",
    ]),
    (Cue::OrderStatus, &[
        "my order", "order status", "order number", "track my", "my delivery", "my parcel", "my package", "online order",
        "bestelling", "bestelnummer", "mijn pakket", "mijn levering",
        "pesanan", "nomor pesanan", "paket saya", "pengiriman", "order saya",
        "訂單", "包裹", "配送", "物流", "網購",
    ]),
    (Cue::Returns, &[
        "return", "returns", "refund", "bring back", "take back", "send back", "return policy",
        "retour", "retourneren", "terugbrengen", "terug brengen", "geld terug", "terugsturen",
        "kembalikan", "mengembalikan", "pengembalian", "retur", "uang kembali",
        "退貨", "退款", "退錢", "退回",
    ]),
    (Cue::Exchange, &[
        "exchange", "swap it", "exchange policy",
        "ruilen", "omruilen", "ruil",
        "tukar", "menukar", "penukaran", "tukar barang",
        "換貨", "更換", "換尺寸",
    ]),
    (Cue::Hours, &[
        "open", "opening hours", "opening times", "close", "closing", "what time", "hours",
        "openingstijden", "open tot", "sluit", "sluiten", "hoe laat", "geopend",
        "buka", "tutup", "jam buka", "jam berapa", "jam operasional",
        "營業時間", "幾點", "開門", "關門", "打烊", "營業",
    ]),
    (Cue::Payment, &[
        "pay", "payment", "pay with", "card", "cash", "credit card", "debit card", "contactless", "apple pay",
        "betalen", "pinnen", "contant", "creditcard", "betaling", "pinpas",
        "bayar", "pembayaran", "kartu kredit", "tunai", "kartu debit", "bayar pakai",
        "付款", "刷卡", "現金", "信用卡", "支付", "付錢",
    ]),
    (Cue::Loyalty, &[
        "loyalty", "points", "membership", "rewards", "loyalty card", "member card",
        "klantenkaart", "spaarpunten", "punten", "lidmaatschap", "spaarkaart",
        "poin", "keanggotaan", "kartu member", "member",
        "會員", "點數", "集點", "積分",
    ]),
    (Cue::Price, &[
        "how much", "price", "cost", "costs", "what does it cost",
        "wat kost", "kost", "kosten", "prijs", "hoeveel", "hoe duur",
        "berapa", "harga", "harganya",
        "多少錢", "價格", "價錢", "售價",
    ]),
    (Cue::Location, &[
        "where", "which aisle", "located", "where can i find", "where are", "where is",
        "waar", "welk gangpad", "liggen", "ligt", "staan", "waar vind ik",
        "di mana", "dimana", "letak", "lokasi", "sebelah mana", "letaknya",
        "在哪", "哪裡", "位置", "哪一區", "哪區",
    ]),
    (Cue::Availability, &[
        "do you have", "have you got", "do you sell", "in stock", "available", "got any", "any left",
        "hebben jullie", "heb je", "hebt u", "op voorraad", "verkrijgbaar", "verkopen jullie",
        "ada", "punya", "tersedia", "stok", "ready", "jual",
        "有沒有", "有貨", "有嗎", "庫存", "還有", "有賣",
    ]),
    (Cue::Recommend, &[
        "recommend", "suggest", "goes with", "go with", "to go with", "matching", "what else", "pair with",
        "goes well", "what do i need", "suggestion",
        "aanraden", "advies", "past bij", "passen bij", "combineren", "wat nog meer", "tip",
        "rekomendasi", "saran", "cocok", "yang cocok", "padanan", "sarankan",
        "推薦", "建議", "搭配", "配什麼", "適合",
    ]),
    (Cue::Compare, &[
        "compare", "difference", "versus", "vs", "which is better", "better",
        "vergelijk", "vergelijken", "verschil", "beter",
        "bandingkan", "perbandingan", "beda", "bedanya", "lebih bagus",
        "比較", "差別", "差異", "哪個好", "哪一個",
    ]),
    (Cue::Waitlist, &[
        "notify me", "let me know", "tell me when", "back in stock", "when will", "restock", "waitlist",
        "waiting list",
        "laat weten", "seintje", "bericht als", "weer op voorraad", "wachtlijst", "laat het me weten",
        "kabari", "beri tahu", "beritahu", "kapan ada", "stok lagi", "daftar tunggu",
        "到貨通知", "通知我", "補貨", "再進貨", "到貨",
    ]),
    (Cue::Pickup, &[
        "add to my list", "pickup list", "pick up list", "add it", "put it on my list", "add to list",
        "op mijn lijst", "toevoegen", "ophaallijst",
        "tambahkan", "masukkan ke daftar", "daftar ambil",
        "加入清單", "加到清單", "取貨清單",
    ]),
    (Cue::Cheaper, &[
        "cheaper", "less expensive", "lower price", "something cheaper", "anything cheaper", "cheapest",
        "goedkoper", "minder duur", "voordeliger", "goedkoopste",
        "lebih murah", "yang murah", "termurah",
        "便宜一點的", "更便宜", "比較便宜", "便宜的", "最便宜",
    ]),
    (Cue::Discount, &[
        "discount", "price match", "cheaper elsewhere", "coupon", "voucher code", "deal", "% off", "percent off",
        "give me a", "lower the price", "reduce the price",
        "korting", "prijsmatch", "elders goedkoper", "kortingscode", "aanbieding", "procent korting",
        "diskon", "potongan", "kupon", "promo", "kasih murah",
        "折扣", "打折", "優惠", "算便宜", "便宜一點嗎", "打個折",
    ]),
    (Cue::Complaint, &[
        "complaint", "complain", "terrible", "awful", "rude", "unacceptable", "angry", "disappointed", "worst",
        "klacht", "klagen", "onbeschoft", "boos", "teleurgesteld", "schandalig", "belachelijk",
        "keluhan", "komplain", "kecewa", "marah", "tidak sopan", "parah",
        "投訴", "抱怨", "客訴", "態度很差", "生氣", "失望",
    ]),
    (Cue::Damaged, &[
        "broken", "damaged", "defect", "defective", "faulty", "torn", "stolen", "fake", "scam", "fraud",
        "charged twice", "ripped", "fell apart",
        "kapot", "beschadigd", "defect", "stuk", "gescheurd", "gestolen", "nep", "oplichting", "dubbel betaald",
        "rusak", "cacat", "sobek", "robek", "palsu", "penipuan", "dicuri", "ditagih dua kali",
        "壞了", "破損", "瑕疵", "損壞", "假貨", "詐騙", "被偷", "扣款兩次", "破了",
    ]),
    (Cue::Safety, &[
        "allergic", "allergy", "injury", "injured", "pain", "hurts", "doctor", "pregnant", "medical", "safe for",
        "rash", "bleeding", "asthma", "diabetic",
        "allergie", "allergisch", "blessure", "pijn", "dokter", "zwanger", "medisch", "veilig voor",
        "alergi", "cedera", "sakit", "hamil", "medis", "aman untuk", "luka",
        "過敏", "受傷", "疼痛", "醫生", "懷孕", "醫療", "安全嗎",
    ]),
    (Cue::Injection, &[
        "ignore previous", "ignore all", "ignore your", "ignore the", "disregard", "forget your instructions",
        "system prompt", "you are now", "pretend", "act as", "jailbreak", "developer mode", "say it's", "say it is",
        "say that", "tell me it's", "it's free", "its free", "for free", "free of charge", "manager said",
        "boss said", "the manager told", "manager told", "binding offer", "binding", "legally", "guarantee",
        "promise me", "override", "new price", "change the price", "set the price", "as admin", "i am the owner",
        "negeer", "vergeet je instructies", "doe alsof", "zeg dat", "gratis", "manager zei", "de baas zei",
        "bindend", "bindende", "beloof", "verander de prijs",
        "abaikan", "lupakan instruksi", "pura-pura", "katakan bahwa", "bilang harganya", "manajer bilang",
        "bos bilang", "mengikat", "janji", "ubah harga", "anggap",
        "忽略", "無視", "之前的指示", "假裝", "免費", "經理說", "老闆說", "約束力", "保證", "承諾", "改價",
        "系統提示",
    ]),
    (Cue::Affirm, &[
        "yes", "yeah", "yep", "sure", "ok", "okay", "please do", "yes please",
        "ja", "graag", "prima", "oke", "ja graag", "doe maar",
        "ya", "iya", "boleh", "mau", "oke deh",
        "好", "好的", "是", "要", "可以", "對", "好啊",
    ]),
    (Cue::Deny, &[
        "no", "nope", "no thanks", "don't", "not now", "no thank you",
        "nee", "nee dank je", "liever niet", "nee bedankt",
        "tidak", "nggak", "gak", "enggak", "tidak usah", "tidak perlu", "ga usah",
        "不要", "不用", "不了", "不必",
    ]),
    (Cue::RefersBack, &[
        "it", "that one", "this one", "them", "those", "these", "that", "this",
        "die", "deze", "dat", "dit", "het", "ervan", "die ene",
        "itu", "ini", "yang itu", "yang ini",
        "這個", "那個", "這雙", "那雙", "這件", "那件", "它", "這款", "那款",
    ]),
    (Cue::Help, &[
        "help", "what can you do", "how does this work",
        "help me", "wat kun je",
        "bantu", "tolong", "bisa apa",
        "幫忙", "幫我", "你能做什麼",
    ]),
];

/// A cue found in the text, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub cue: Cue,
    pub start: usize,
    pub end: usize,
}

struct Compiled {
    cue: Cue,
    words: Vec<String>,
    cjk: bool,
}

fn compiled() -> &'static [Compiled] {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut out = Vec::new();
        for (cue, phrases) in TABLE {
            for phrase in *phrases {
                let tokens = tokenize(phrase);
                let cjk = !tokens.is_empty() && tokens.iter().all(|t| t.cjk);
                let words = if cjk {
                    vec![fold(phrase)]
                } else {
                    tokens.into_iter().map(|t| t.text).collect()
                };
                out.push(Compiled { cue: *cue, words, cjk });
            }
        }
        // Longer phrases first, so "no thanks" is a denial before "thanks"
        // is thanks.
        out.sort_by_key(|c| std::cmp::Reverse(c.words.iter().map(|w| w.chars().count()).sum::<usize>()));
        out
    })
}

/// Every cue in the text. Latin cues match whole words; overlapping
/// matches keep the longer phrase.
pub fn find(text: &str, tokens: &[Token]) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let overlaps = |found: &[Found], start: usize, end: usize| found.iter().any(|f| start < f.end && f.start < end);
    for c in compiled() {
        if c.cjk {
            for t in tokens.iter().filter(|t| t.cjk) {
                let mut from = 0;
                while let Some(pos) = t.text[from..].find(&c.words[0]) {
                    let char_start = t.text[..from + pos].chars().count();
                    let char_len = c.words[0].chars().count();
                    let (start, end) = byte_span(text, t, char_start, char_len);
                    if !overlaps(&found, start, end) {
                        found.push(Found { cue: c.cue, start, end });
                    }
                    from += pos + c.words[0].len();
                }
            }
            continue;
        }
        let n = c.words.len();
        if n == 0 || n > tokens.len() {
            continue;
        }
        for i in 0..=tokens.len() - n {
            if tokens[i..i + n].iter().zip(&c.words).all(|(t, w)| !t.cjk && t.text == *w) {
                let (start, end) = (tokens[i].start, tokens[i + n - 1].end);
                if !overlaps(&found, start, end) {
                    found.push(Found { cue: c.cue, start, end });
                }
            }
        }
    }
    // "%" is not a word character: catch "90% off" and the like directly.
    let folded = fold(text);
    let percent_off = ["% off", "%off", "% korting", "% diskon", "% discount"].iter().any(|p| folded.contains(p));
    let chinese_off = folded.contains('折') && folded.chars().any(|c| c.is_ascii_digit());
    if percent_off || chinese_off {
        found.push(Found { cue: Cue::Discount, start: 0, end: 0 });
    }
    found.sort_by_key(|f| f.start);
    found
}

/// Byte span in the original text of `len` chars starting at char
/// `char_start` of a CJK token (folding keeps CJK one char for one char).
fn byte_span(text: &str, token: &Token, char_start: usize, len: usize) -> (usize, usize) {
    let original = &text[token.start..token.end];
    let mut indices = original.char_indices().map(|(i, _)| i).chain(std::iter::once(original.len()));
    let start = indices.by_ref().nth(char_start).unwrap_or(original.len());
    let end = original
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(original.len()))
        .nth(char_start + len)
        .unwrap_or(original.len());
    (token.start + start, token.start + end)
}

pub fn has(found: &[Found], cue: Cue) -> bool {
    found.iter().any(|f| f.cue == cue)
}
