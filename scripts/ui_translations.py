#!/usr/bin/env python3
"""Writes ui/translations/<lang>/LC_MESSAGES/kiosk.po from the table below.

Every @tr("...") string in ui/*.slint must have an entry here (the test
`ui_strings_are_translated` checks). Chips and shared words use the same
wording as the assistant's phrasebook (crates/kiosk-core/src/assistant/
phrases.toml), so a button and a sentence never name a thing two ways.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

T = {
    "A staff member is on the way": ("Er is een medewerker onderweg", "Staf sedang menuju ke sini", "店員正在過來"),
    "Add to pickup list": ("Op ophaallijst zetten", "Tambah ke daftar ambil", "加入取貨清單"),
    "Are you still there?": ("Ben je er nog?", "Masih di sini?", "您還在嗎？"),
    "Ask me anything about our products, sizes, stock and prices.": (
        "Vraag me alles over onze producten, maten, voorraad en prijzen.",
        "Tanyakan apa saja tentang produk, ukuran, stok, dan harga kami.",
        "歡迎詢問商品、尺寸、庫存與價格。"),
    "Back": ("Terug", "Kembali", "返回"),
    "Call staff": ("Medewerker roepen", "Panggil staf", "呼叫店員"),
    "Calling a staff member…": ("Medewerker wordt geroepen…", "Memanggil staf…", "正在呼叫店員…"),
    "Calling staff…": ("Medewerker roepen…", "Memanggil staf…", "呼叫中…"),
    "Clear": ("Wissen", "Hapus", "清除"),
    "Close": ("Sluiten", "Tutup", "關閉"),
    "Details": ("Details", "Detail", "詳情"),
    "Did I help you today?": ("Heb ik je vandaag goed geholpen?", "Apakah saya membantu Anda hari ini?", "今天我有幫到您嗎？"),
    "Yes": ("Ja", "Ya", "有"),
    "No": ("Nee", "Tidak", "沒有"),
    "Yes, you helped": ("Ja, je hebt me geholpen", "Ya, Anda membantu", "有，幫到我了"),
    "No, you did not help": ("Nee, je hebt me niet geholpen", "Tidak, Anda tidak membantu", "沒有，沒幫到我"),
    "Skip": ("Overslaan", "Lewati", "略過"),
    "Speech input is starting…": ("Spraakinvoer start…", "Input suara sedang dimulai…", "語音輸入啟動中…"),
    "Speech input is not available here: please type.": (
        "Spraakinvoer is hier niet beschikbaar: typ je vraag.",
        "Input suara tidak tersedia di sini: silakan ketik.",
        "此處無法使用語音輸入，請打字。"),
    "No microphone found: please type.": ("Geen microfoon gevonden: typ je vraag.", "Mikrofon tidak ditemukan: silakan ketik.", "找不到麥克風，請打字。"),
    "The microphone was disconnected: please type.": (
        "De microfoon is losgekoppeld: typ je vraag.",
        "Mikrofon terputus: silakan ketik.",
        "麥克風已中斷連線，請打字。"),
    "I didn't hear anything. Tap the microphone and speak.": (
        "Ik hoorde niets. Tik op de microfoon en spreek.",
        "Saya tidak mendengar apa pun. Ketuk mikrofon lalu bicara.",
        "沒有聽到聲音。請點麥克風後說話。"),
    "Sorry, I didn't catch that. Please try again or type.": (
        "Sorry, dat verstond ik niet. Probeer het opnieuw of typ.",
        "Maaf, saya tidak menangkapnya. Coba lagi atau ketik.",
        "抱歉，我沒聽清楚。請再說一次或打字。"),
    "Speech input failed: please try again or type.": (
        "Spraakinvoer mislukt: probeer het opnieuw of typ.",
        "Input suara gagal: coba lagi atau ketik.",
        "語音輸入失敗，請再試一次或打字。"),
    "Enter the staff PIN": ("Voer de pincode voor personeel in", "Masukkan PIN staf", "請輸入店員密碼"),
    "Exit kiosk mode": ("Kioskmodus verlaten", "Keluar dari mode kios", "離開自助模式"),
    "For your privacy this conversation will be cleared in {} seconds.": (
        "Voor je privacy wordt dit gesprek over {} seconden gewist.",
        "Demi privasi Anda, percakapan ini akan dihapus dalam {} detik.",
        "為保護您的隱私，此對話將於 {} 秒後清除。"),
    "Hide": ("Verbergen", "Sembunyikan", "隱藏"),
    "Candidates": ("Kandidaten", "Kandidat", "候選字"),
    "Delete": ("Verwijderen", "Hapus huruf", "刪除"),
    "Syllable break": ("Lettergreep scheiden", "Pemisah suku kata", "音節分隔"),
    "High contrast": ("Hoog contrast", "Kontras tinggi", "高對比"),
    "I'm still here": ("Ik ben er nog", "Saya masih di sini", "我還在"),
    "Keyboard": ("Toetsenbord", "Papan ketik", "鍵盤"),
    "Language": ("Taal", "Bahasa", "語言"),
    "Larger text": ("Grotere tekst", "Teks lebih besar", "放大字體"),
    "Microphone unavailable": ("Microfoon niet beschikbaar", "Mikrofon tidak tersedia", "無法使用麥克風"),
    "New customer": ("Nieuwe klant", "Pelanggan baru", "新顧客"),
    "Notify me": ("Laat het me weten", "Kabari saya", "到貨通知"),
    "OK": ("OK", "OK", "好"),
    "On-screen keyboard": ("Schermtoetsenbord", "Papan ketik layar", "螢幕鍵盤"),
    "PIN": ("Pincode", "PIN", "密碼"),
    "Pickup list": ("Ophaallijst", "Daftar ambil", "取貨清單"),
    "Please ask at the counter": ("Vraag het bij de balie", "Silakan tanya di kasir", "請至櫃檯詢問"),
    "Product details": ("Productdetails", "Detail produk", "商品詳情"),
    "Read aloud": ("Voorlezen", "Bacakan", "朗讀"),
    "Remove": ("Verwijderen", "Hapus", "移除"),
    "Send": ("Versturen", "Kirim", "送出"),
    "Show this code at the counter": ("Laat deze code zien bij de balie", "Tunjukkan kode ini di kasir", "請在櫃檯出示此代碼"),
    "Speak": ("Spreken", "Bicara", "說話"),
    "Staff": ("Personeel", "Staf", "店員"),
    "Staff call": ("Medewerker geroepen", "Panggilan staf", "呼叫店員"),
    "Staff have your request": ("Je verzoek is bij het personeel", "Staf sudah menerima permintaan Anda", "店員已收到您的需求"),
    "Staff notified": ("Personeel ingelicht", "Staf sudah diberi tahu", "已通知店員"),
    "Staff on the way": ("Medewerker onderweg", "Staf menuju ke sini", "店員正在過來"),
    "Staff panel": ("Personeelsmenu", "Panel staf", "店員面板"),
    "Staff will be notified": ("Personeel wordt ingelicht", "Staf akan diberi tahu", "將通知店員"),
    "Stop listening": ("Stop met luisteren", "Berhenti mendengarkan", "停止聆聽"),
    "Sync now": ("Nu synchroniseren", "Sinkronkan sekarang", "立即同步"),
    "Thank you!": ("Dank je wel!", "Terima kasih!", "謝謝您！"),
    "Thinking…": ("Even denken…", "Sebentar…", "思考中…"),
    "Today": ("Vandaag", "Hari ini", "今天"),
    "Type your question": ("Typ je vraag", "Ketik pertanyaan Anda", "輸入您的問題"),
    "Unlock": ("Ontgrendelen", "Buka kunci", "解鎖"),
    "What staff will see:": ("Dit ziet het personeel:", "Yang akan dilihat staf:", "店員會看到："),
    "Your list is empty. Tap “Add to pickup list” on a product.": (
        "Je lijst is leeg. Tik bij een product op „Op ophaallijst zetten”.",
        "Daftar Anda kosong. Ketuk “Tambah ke daftar ambil” pada produk.",
        "清單是空的。請在商品上點選「加入取貨清單」。"),
    "Your pickup list": ("Je ophaallijst", "Daftar ambil Anda", "您的取貨清單"),
    # The staff panel's figures and catalog line.
    "Shoppers": ("Klanten", "Pembeli", "顧客"),
    "Questions": ("Vragen", "Pertanyaan", "提問"),
    "Answered without staff": ("Beantwoord zonder personeel", "Terjawab tanpa staf", "無需店員即解答"),
    "Handed to staff": ("Doorgegeven aan personeel", "Diteruskan ke staf", "轉交店員"),
    "Response time p50 / p95": ("Antwoordtijd p50 / p95", "Waktu respons p50 / p95", "回應時間 p50 / p95"),
    "Thumbs up / down": ("Duim omhoog / omlaag", "Jempol naik / turun", "讚 / 倒讚"),
    "Language: {}": ("Taal: {}", "Bahasa: {}", "語言：{}"),
    "Handed to staff: {}": ("Doorgegeven aan personeel: {}", "Diteruskan ke staf: {}", "轉交店員：{}"),
    "Asked for: {}": ("Gevraagd naar: {}", "Dicari: {}", "詢問：{}"),
    "Out of stock, asked for: {}": ("Uitverkocht, gevraagd naar: {}", "Stok habis, dicari: {}", "缺貨但有人詢問：{}"),
    "Not answered: {}": ("Niet beantwoord: {}", "Tidak terjawab: {}", "未能回答：{}"),
    "Catalog: {} products, {} variants from {} — stock as of {} ({} h ago)": (
        "Catalogus: {} producten, {} varianten uit {} — voorraad van {} ({} uur geleden)",
        "Katalog: {} produk, {} varian dari {} — stok per {} ({} jam lalu)",
        "商品目錄：{} 件商品、{} 個款式，來源 {}，庫存時間 {}（{} 小時前）"),
    "Catalog: none (import or sync one)": (
        "Catalogus: geen (importeer of synchroniseer er een)",
        "Katalog: belum ada (impor atau sinkronkan)",
        "商品目錄：尚無（請匯入或同步）"),
    "Last sync: none since the kiosk started": (
        "Laatste synchronisatie: geen sinds de kiosk is gestart",
        "Sinkronisasi terakhir: belum ada sejak kios dinyalakan",
        "上次同步：自助機啟動後尚未同步"),
    "Last sync ({}): {} — {}": (
        "Laatste synchronisatie ({}): {} — {}",
        "Sinkronisasi terakhir ({}): {} — {}",
        "上次同步（{}）：{} — {}"),
    "applied": ("toegepast", "diterapkan", "已套用"),
    "up to date": ("al actueel", "sudah terbaru", "已是最新"),
    "not modified": ("niet gewijzigd", "tidak berubah", "未變更"),
    "rejected": ("geweigerd", "ditolak", "已拒絕"),
    "failed": ("mislukt", "gagal", "失敗"),
    "rolled back": ("teruggedraaid", "dikembalikan", "已還原"),
    "stale": ("verouderd", "usang", "已過時"),
    "Language model: turned off; answers use templates": (
        "Taalmodel: uitgeschakeld; antwoorden komen uit sjablonen",
        "Model bahasa: dimatikan; jawaban memakai templat",
        "語言模型：已關閉；回答使用範本"),
    "Language model: loading {}…": ("Taalmodel: {} wordt geladen…", "Model bahasa: memuat {}…", "語言模型：正在載入 {}…"),
    "Language model: {} ready": ("Taalmodel: {} is klaar", "Model bahasa: {} siap", "語言模型：{} 已就緒"),
    "Language model unavailable ({}); answers use templates": (
        "Taalmodel niet beschikbaar ({}); antwoorden komen uit sjablonen",
        "Model bahasa tidak tersedia ({}); jawaban memakai templat",
        "語言模型無法使用（{}）；回答使用範本"),
    "out of stock": ("niet op voorraad", "stok habis", "缺貨"),
    "space": ("spatie", "spasi", "空白"),
}

LANGS = ["nl", "id", "zh"]


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    for i, lang in enumerate(LANGS):
        out = ROOT / "ui" / "translations" / lang / "LC_MESSAGES" / "kiosk.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            "# The kiosk's UI strings. Generated by scripts/ui_translations.py: edit the table there.",
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            f'"Language: {lang}\\n"',
            '"Plural-Forms: nplurals=1; plural=0;\\n"',
            "",
        ]
        for msgid in sorted(T):
            lines += [f"msgid {quote(msgid)}", f"msgstr {quote(T[msgid][i])}", ""]
        out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
